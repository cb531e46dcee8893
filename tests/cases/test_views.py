"""Case pages: scoping (another county's case cannot be opened by URL), supervisors' views ledgered (IMR-6), the
list's search and the registration form's Chinese errors."""

from __future__ import annotations

import pytest
from django.test import Client

from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from lawtrace.orgs.models import Role
from tests.factories import make_person, open_case_setting, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def s() -> dict:
    return open_case_setting()


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_officer_of_another_county_cannot_open_the_case_by_url(s: dict) -> None:
    case = register(s)
    stranger = make_person(s["other"], Role.OFFICER, certificate="valid")
    assert _as(stranger).get(f"/cases/{case.pk}/").status_code == 404
    assert case.number not in _as(stranger).get("/cases/").content.decode()


def test_supervisor_retrieval_is_ledgered_once_an_hour_handler_views_are_not(s: dict) -> None:
    case = register(s)
    views = Entry.objects.filter(action=LedgerAction.CASE_VIEWED)
    assert _as(s["officer"]).get(f"/cases/{case.pk}/").status_code == 200
    assert views.count() == 0
    supervisor = _as(s["supervisor"])
    assert supervisor.get(f"/cases/{case.pk}/").status_code == 200
    supervisor.get(f"/cases/{case.pk}/")
    assert views.count() == 1 and views.get().actor == s["supervisor"]


def test_case_list_searches_by_party_and_paginates(s: dict) -> None:
    register(s)
    page = _as(s["officer"]).get("/cases/", {"q": "康宁"}).content.decode()
    assert "康宁大药房" in page
    assert "没有符合条件的案件" in _as(s["officer"]).get("/cases/", {"q": "不存在的名字"}).content.decode()


def test_case_page_shows_its_ledger_timeline(s: dict) -> None:
    case = register(s)
    page = _as(s["officer"]).get(f"/cases/{case.pk}/").content.decode()
    assert "案件台账" in page and "立案登记" in page


def test_registration_form_shows_the_rule_when_refused(s: dict) -> None:
    response = _as(s["officer"]).post(
        "/cases/new/",
        {
            "case_type": "penalty",
            "source": "ex_officio",
            "title": "测试",
            "facts": "测试案情",
            "violation_ended_on": "2026-01-01",
            "co_handlers": [],
            "handler_opinion": "建议立案",
            "party_kind": "natural",
            "party_name": "张三",
            "party_id_number": "110105194912310021",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "APL-42" in page and "执法人员不得少于2人" in page


def test_APL_43_the_head_adds_a_handler_then_decides_a_recusal_on_the_case_page(s: dict) -> None:
    from lawtrace.cases.models import Handler

    case = register(s)
    third = make_person(s["county"], Role.OFFICER, certificate="valid")
    head = _as(s["head"])
    page = head.get(f"/cases/{case.pk}/").content.decode()
    assert "回避决定、增加承办人" in page and 'id="id_recusal-person"' in page and 'id="id_handler-person"' in page
    assert "回避决定、增加承办人" not in _as(s["officer"]).get(f"/cases/{case.pk}/").content.decode()  # the head's

    recusal = {"recusal-person": s["officer2"].pk, "recusal-applied_by_party": "1", "recusal-reason": "系当事人亲属"}
    before = Entry.objects.count()
    head.post(f"/cases/{case.pk}/recuse/", recusal)  # two handlers only: refused until one is added
    assert Handler.objects.filter(case=case, active=True).count() == 2 and Entry.objects.count() == before
    assert "请先增加承办人" in head.get(f"/cases/{case.pk}/").content.decode()

    head.post(f"/cases/{case.pk}/handlers/", {"handler-person": third.pk})
    head.post(f"/cases/{case.pk}/recuse/", recusal)
    active = set(Handler.objects.filter(case=case, active=True).values_list("user_id", flat=True))
    assert active == {s["officer"].pk, third.pk}
    actions = list(Entry.objects.order_by("pk").values_list("action", flat=True)[before:])
    assert actions == [LedgerAction.HANDLER_ADDED, LedgerAction.HANDLER_RECUSED]
    assert _as(s["officer"]).post(f"/cases/{case.pk}/handlers/", {"handler-person": third.pk}).status_code == 302
    assert Entry.objects.count() == before + 2  # an officer's attempt is refused and writes nothing


def test_NHSA_5_the_head_refuses_a_recusal_on_the_case_page_and_it_is_recorded(s: dict) -> None:
    from lawtrace.cases.models import Handler

    case = register(s)
    head = _as(s["head"])
    assert 'id="id_recusal-granted"' in head.get(f"/cases/{case.pk}/").content.decode()
    refusal = {"recusal-person": s["officer2"].pk, "recusal-applied_by_party": "1", "recusal-granted": "0"}
    before = Entry.objects.count()
    head.post(f"/cases/{case.pk}/recuse/", {**refusal, "recusal-reason": ""})  # no grounds: nothing written
    assert Entry.objects.count() == before
    # Two handlers only: a refusal removes no one, so it needs no third handler first.
    head.post(f"/cases/{case.pk}/recuse/", {**refusal, "recusal-reason": "经审查无直接利害关系，不予回避。"})
    assert Handler.objects.filter(case=case, active=True).count() == 2
    assert list(Entry.objects.order_by("pk").values_list("action", flat=True)[before:]) == [
        LedgerAction.RECUSAL_REFUSED
    ]
    assert "决定不予回避" in head.get(f"/cases/{case.pk}/").content.decode()  # on the case's ledger timeline
