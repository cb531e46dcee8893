"""依申请 (WS-9): an application registered, asked once for everything missing (一次告知 — a second request is
refused and writes nothing), corrected, then accepted by opening a case linked to it, or rejected with its reason;
the pages show each step; another organisation cannot see it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from lawtrace import clock
from lawtrace.cases import applications
from lawtrace.cases.models import Application, CaseSource
from lawtrace.errors import Refused
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from lawtrace.orgs.models import Role
from tests.factories import make_person, open_case_setting, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def s() -> dict:
    setting = open_case_setting()
    setting["application"] = applications.register_application(
        actor=setting["officer"],
        organisation=setting["county"],
        received_at=clock.now() - timedelta(hours=2),
        applicant="某县人民医院",
        applicant_contact="0479-8888888",
        matter="申请核查并追回被冒用的医保结算费用",
        materials="申请书、结算清单",
    )
    return setting


def test_WS_9_one_time_notice_then_correction_then_acceptance_opens_a_linked_case(s: dict) -> None:
    application = applications.request_correction(
        actor=s["officer"],
        application=s["application"],
        items=["患者身份证明复印件", "", "结算明细加盖公章"],
        notice="当面告知",
    )
    assert application.correction_items == ["患者身份证明复印件", "结算明细加盖公章"]
    applications.record_correction(
        actor=s["officer"], application=application, corrected_at=clock.now(), materials="已补交两项材料"
    )
    before = Entry.objects.count()
    with pytest.raises(Refused, match="一次告知") as refusal:  # what the first notice did not name cannot follow
        applications.request_correction(actor=s["officer"], application=application, items=["又缺一项"], notice="")
    assert refusal.value.rule == "WS-9" and Entry.objects.count() == before
    case = register(s, source=CaseSource.APPLICATION, application=application)
    application.refresh_from_db()
    assert application.status == Application.Status.ACCEPTED and case.application == application
    actions = list(Entry.objects.filter(action__startswith="application.").values_list("action", flat=True))
    assert actions == [
        LedgerAction.APPLICATION_REGISTERED,
        LedgerAction.APPLICATION_CORRECTION_REQUESTED,
        LedgerAction.APPLICATION_CORRECTED,
    ]
    assert "某县人民医院" not in "".join(e.data.decode() for e in Entry.objects.all())  # only as a commitment


def test_WS_9_a_correction_request_must_name_what_is_missing(s: dict) -> None:
    with pytest.raises(Refused, match="逐项列明"):
        applications.request_correction(actor=s["officer"], application=s["application"], items=["  "], notice="")


def test_WS_9_rejection_with_its_reason_and_no_case_from_it_afterwards(s: dict) -> None:
    applications.reject_application(
        actor=s["officer"], application=s["application"], reason="不属于本机关职责，已告知向卫健部门申请"
    )
    with pytest.raises(Refused, match="不能受理立案"):
        register(s, source=CaseSource.APPLICATION, application=s["application"])


def test_application_pages_walk_the_steps_and_stay_within_the_organisation(s: dict) -> None:
    officer = Client()
    officer.force_login(s["officer"])
    pk = s["application"].pk
    assert "某县人民医院" in officer.get("/applications/?q=人民医院").content.decode()
    page = officer.get(f"/applications/{pk}/").content.decode()
    assert "受理并立案" in page and "一次告知补正" in page
    officer.post(f"/applications/{pk}/correction/", {"items": "身份证明\n结算明细", "notice": "电话告知"})
    page = officer.get(f"/applications/{pk}/").content.decode()
    assert "待补正" in page and "结算明细" in page and "登记补正材料" in page
    register_page = officer.get(f"/cases/new/?application={pk}").content.decode()
    assert "受理申请" in register_page
    stranger = Client()
    stranger.force_login(make_person(s["other"], Role.OFFICER, certificate="valid"))
    assert stranger.get(f"/applications/{pk}/").status_code == 404


def test_WS_9_a_case_on_application_is_opened_only_from_the_register(s: dict) -> None:
    from lawtrace.cases.models import Case

    before = (Case.objects.count(), Entry.objects.count())
    with pytest.raises(Refused, match="申请登记") as refusal:  # no application behind it: nothing to trace back to
        register(s, source=CaseSource.APPLICATION)
    assert refusal.value.rule == "WS-9" and (Case.objects.count(), Entry.objects.count()) == before
    with pytest.raises(Refused, match="申请登记"):  # an application accepted as if found by inspection
        register(s, source=CaseSource.EX_OFFICIO, application=s["application"])
