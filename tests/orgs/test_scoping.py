"""One scoping rule: a person sees the organisations where they hold a role; a supervisor also sees everything below."""

from __future__ import annotations

import pytest
from django.test import Client

from lawtrace.orgs import selectors
from lawtrace.orgs.models import OrgKind, Role
from lawtrace.orgs.permissions import Action
from tests.factories import make_org, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree() -> dict:
    province = make_org(OrgKind.PROVINCE)
    city = make_org(OrgKind.CITY, province)
    county_a = make_org(OrgKind.COUNTY, city)
    county_b = make_org(OrgKind.COUNTY, city)
    other_city = make_org(OrgKind.CITY, province)
    return {
        "province": province,
        "city": city,
        "a": county_a,
        "b": county_b,
        "other_city": other_city,
        "officer_a": make_person(county_a, Role.OFFICER, certificate="valid"),
        "officer_b": make_person(county_b, Role.OFFICER, certificate="valid"),
        "city_supervisor": make_person(city, Role.SUPERVISOR),
        "city_head": make_person(city, Role.BUREAU_HEAD),
    }


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_county_officer_sees_only_their_county(tree: dict) -> None:
    visible = set(selectors.visible_organisations(tree["officer_a"]))
    assert visible == {tree["a"]}


def test_city_supervisor_sees_city_and_every_county_below(tree: dict) -> None:
    visible = set(selectors.visible_organisations(tree["city_supervisor"]))
    assert visible == {tree["city"], tree["a"], tree["b"]}
    assert tree["other_city"] not in visible and tree["province"] not in visible


def test_city_head_without_supervision_role_sees_only_the_city(tree: dict) -> None:
    assert set(selectors.visible_organisations(tree["city_head"])) == {tree["city"]}


def test_officer_cannot_open_another_countys_page_by_guessing_its_url(tree: dict) -> None:
    client = _client(tree["officer_a"])
    assert client.get(f"/orgs/{tree['a'].pk}/").status_code == 200
    response = client.get(f"/orgs/{tree['b'].pk}/")
    assert response.status_code == 404
    assert tree["officer_b"].full_name not in response.content.decode()


def test_supervisor_opens_both_counties_and_lists_them(tree: dict) -> None:
    client = _client(tree["city_supervisor"])
    for county in ("a", "b"):
        page = client.get(f"/orgs/{tree[county].pk}/")
        assert page.status_code == 200
        assert tree[f"officer_{county}"].full_name in page.content.decode()
    overview = client.get("/supervision/").content.decode()
    assert tree["a"].name in overview and tree["b"].name in overview
    assert tree["other_city"].name not in overview


def test_supervision_page_is_refused_to_an_officer(tree: dict) -> None:
    assert _client(tree["officer_a"]).get("/supervision/").status_code == 403


def test_revoked_role_no_longer_gives_sight(tree: dict) -> None:
    from lawtrace.orgs import services
    from tests.factories import root_user

    assignment = tree["officer_a"].roles.get()
    services.set_role_active(actor=root_user(), assignment=assignment, active=False)
    officer = type(tree["officer_a"]).objects.get(pk=tree["officer_a"].pk)
    assert not selectors.visible_organisations(officer).exists()


def test_configure_reaches_the_subtree_but_handle_case_does_not(tree: dict) -> None:
    admin = make_person(tree["city"], Role.ADMINISTRATOR, Role.OFFICER)
    assert selectors.can(admin, Action.CONFIGURE, tree["a"])
    assert not selectors.can(admin, Action.HANDLE_CASE, tree["a"])
    assert selectors.can(admin, Action.HANDLE_CASE, tree["city"])
    assert not selectors.can(admin, Action.CONFIGURE, tree["province"])
