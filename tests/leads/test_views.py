"""Pages of the leads register: scoping (another county's lead is a 404 by URL; a supervisor sees the subtree), the
forms posted with CSRF — register, the head's extension, not opening, opening a case — and the workbench."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.test import Client

from lawtrace import clock
from lawtrace.leads import services
from lawtrace.leads.models import Lead, LeadSource, LeadStatus
from lawtrace.orgs.models import Role
from lawtrace.rulebook.calendar import SHANGHAI
from tests.factories import make_person, open_case_setting

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 3, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def s() -> dict:
    return open_case_setting()


@pytest.fixture(autouse=True)
def _now() -> object:
    with clock.frozen_at(NOW):
        yield


def _as(user, csrf: bool = False) -> Client:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def _lead(s: dict) -> Lead:
    return services.register_lead(
        actor=s["officer"],
        organisation=s["county"],
        source=LeadSource.REFERRAL,
        received_at=datetime(2026, 2, 6, 10, 0, tzinfo=SHANGHAI),
        suspect_name="某药店",
        summary="市场监管部门移送：涉嫌套取医保个人账户资金。",
    )


def test_another_countys_lead_is_not_found_by_url_and_not_listed(s: dict) -> None:
    lead = _lead(s)
    stranger = _as(make_person(s["other"], Role.OFFICER, certificate="valid"))
    assert stranger.get(f"/leads/{lead.pk}/").status_code == 404
    assert stranger.get(f"/leads/{lead.pk}/open-case/").status_code == 404
    assert stranger.post(f"/leads/{lead.pk}/not-open/", {"reason": "x"}).status_code == 404
    assert lead.number not in stranger.get("/leads/").content.decode()
    supervisor = _as(s["supervisor"])  # the city's supervisor sees the county's leads
    assert supervisor.get(f"/leads/{lead.pk}/").status_code == 200
    assert lead.number in supervisor.get("/leads/").content.decode()


def test_the_list_searches_filters_and_shows_the_explained_due_date(s: dict) -> None:
    lead = _lead(s)
    page = _as(s["officer"]).get("/leads/", {"q": "药店", "status": "pending"}).content.decode()
    assert lead.number in page
    assert "2026年3月5日 24时" in page and "春节假期" in page  # the due date and how it was reached
    assert lead.number not in _as(s["officer"]).get("/leads/", {"status": "opened"}).content.decode()
    assert lead.number not in _as(s["officer"]).get("/leads/", {"q": "不存在"}).content.decode()


def test_the_register_form_posts_and_refuses_with_the_rule(s: dict) -> None:
    client = _as(s["officer"])
    assert "登记线索" in client.get("/leads/new/").content.decode()
    response = client.post(
        "/leads/new/",
        {
            "source": "inspection",
            "received_at": "2026-03-02T09:00",
            "suspect_name": "某村卫生室",
            "summary": "门诊日志与结算记录不一致。",
        },
    )
    lead = Lead.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/leads/{lead.pk}/"
    refused = client.post(
        "/leads/new/",
        {"source": "inspection", "received_at": "2026-03-09T09:00", "suspect_name": "某", "summary": "某"},
    )
    assert "NHSA-LEAD" in refused.content.decode() and Lead.objects.count() == 1


def test_forms_need_the_csrf_token(s: dict) -> None:
    lead = _lead(s)
    client = _as(s["head"], csrf=True)
    assert client.post(f"/leads/{lead.pk}/extend/", {"reason": "需调取资料。"}).status_code == 403
    assert not lead.extensions.exists()


def test_only_the_head_sees_and_uses_the_extension_form(s: dict) -> None:
    lead = _lead(s)
    assert "批准延长" not in _as(s["officer"]).get(f"/leads/{lead.pk}/").content.decode()
    head = _as(s["head"])
    assert "批准延长" in head.get(f"/leads/{lead.pk}/").content.decode()
    head.post(f"/leads/{lead.pk}/extend/", {"reason": "需调取移送部门的笔录。"})
    lead.refresh_from_db()
    assert lead.status == LeadStatus.EXTENDED
    page = head.get(f"/leads/{lead.pk}/").content.decode()
    assert "2026年3月26日" in page and "批准延长" not in page  # once only
    officer = _as(s["officer"])
    response = officer.post(f"/leads/{lead.pk}/extend/", {"reason": "再延长。"}, follow=True)
    assert "NHSA-LEAD" in response.content.decode() and lead.extensions.count() == 1


def test_NHSA_LEAD_only_the_head_sees_and_uses_the_not_opening_form(s: dict) -> None:
    lead = _lead(s)
    officer = _as(s["officer"])
    page = officer.get(f"/leads/{lead.pk}/").content.decode()
    assert "不予立案由行政机关负责人决定" in page and f"/leads/{lead.pk}/not-open/" not in page
    refused = officer.post(f"/leads/{lead.pk}/not-open/", {"reason": "不构成违法。"}, follow=True)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.PENDING and "NHSA-LEAD" in refused.content.decode()
    assert f"/leads/{lead.pk}/not-open/" in _as(s["head"]).get(f"/leads/{lead.pk}/").content.decode()


def test_not_opening_needs_a_reason_and_then_is_recorded(s: dict) -> None:
    lead = _lead(s)
    client = _as(s["head"])
    response = client.post(f"/leads/{lead.pk}/not-open/", {"reason": ""}, follow=True)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.PENDING and "alert-danger" in response.content.decode()
    client.post(f"/leads/{lead.pk}/not-open/", {"reason": "不构成违法。"})
    lead.refresh_from_db()
    assert lead.status == LeadStatus.NOT_OPENED and lead.reason == "不构成违法。"


def test_opening_a_case_from_the_lead_redirects_to_the_case(s: dict) -> None:
    lead = _lead(s)
    client = _as(s["officer"])
    form = client.get(f"/leads/{lead.pk}/open-case/").content.decode()
    assert "某药店涉嫌违法" in form and 'name="source"' not in form
    response = client.post(
        f"/leads/{lead.pk}/open-case/",
        {
            "case_type": "penalty",
            "title": "某药店涉嫌套取医保个人账户资金",
            "facts": "经核查属实。",
            "violation_ended_on": "2026-01-20",
            "co_handlers": [s["officer2"].pk],
            "handler_opinion": "建议立案。",
            "procedure": "general",
            "party_kind": "legal",
            "party_name": "某药店",
        },
    )
    lead.refresh_from_db()
    assert lead.case is not None and response["Location"] == f"/cases/{lead.case.pk}/"
    case_page = client.get(f"/cases/{lead.case.pk}/").content.decode()
    assert 'data-rule="NHSA-LEAD"' in case_page
    assert "已立案" in client.get(f"/leads/{lead.pk}/").content.decode()


def test_the_workbench_shows_my_lead_due_soon_and_the_navigation_has_leads(s: dict) -> None:
    lead = _lead(s)
    page = _as(s["officer"]).get("/").content.decode()
    assert lead.number in page and "线索" in page and 'href="/leads/"' in page
    assert lead.number not in _as(s["officer2"]).get("/").content.decode()
