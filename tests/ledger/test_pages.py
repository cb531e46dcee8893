"""The supervisor's ledger page and the organisation timeline."""

from __future__ import annotations

import pytest
from django.test import Client

from lawtrace.ledger.models import Verification
from lawtrace.orgs.models import OrgKind, Role
from tests.factories import make_org, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree() -> dict:
    city = make_org(OrgKind.CITY, make_org(OrgKind.PROVINCE))
    county = make_org(OrgKind.COUNTY, city)
    return {
        "city": city,
        "county": county,
        "supervisor": make_person(city, Role.SUPERVISOR),
        "officer": make_person(county, Role.OFFICER, certificate="valid"),
    }


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_supervisor_sees_ledger_status_and_can_verify_now(tree: dict) -> None:
    client = _as(tree["supervisor"])
    page = client.get("/supervision/ledger/").content.decode()
    assert tree["county"].name in page and "尚未核验" in page
    response = client.post("/supervision/ledger/verify/", follow=True)
    assert "全部正常" in response.content.decode()
    assert Verification.objects.filter(ok=True).count() == 2
    assert "正常" in client.get("/supervision/ledger/").content.decode()


def test_officer_cannot_see_the_ledger_status_page(tree: dict) -> None:
    client = _as(tree["officer"])
    assert client.get("/supervision/ledger/").status_code == 403
    assert client.post("/supervision/ledger/verify/").status_code == 403
    assert not Verification.objects.exists()


def test_organisation_page_shows_its_ledger_timeline(tree: dict) -> None:
    page = _as(tree["officer"]).get(f"/orgs/{tree['county'].pk}/").content.decode()
    assert "本组织台账" in page and "授予角色" in page and "保存组织" in page
