"""evaluate(case): findings derived from the case and its rulebook, each met and not met, with explained dates."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from lawtrace import clock
from lawtrace.cases import services
from lawtrace.cases.compliance import evaluate
from lawtrace.rulebook.calendar import SHANGHAI
from lawtrace.rulebook.deadlines import Status
from tests.factories import open_case_setting, register

pytestmark = pytest.mark.django_db

MONDAY = datetime(2025, 11, 10, 22, 15, tzinfo=SHANGHAI)


@pytest.fixture
def s() -> dict:
    return open_case_setting()


def _finding(case, rule_id: str, now: datetime | None = None):  # type: ignore[no-untyped-def]
    return next(f for f in evaluate(case, now=now) if f.rule_id == rule_id)


def test_IMR_8b_urgent_request_within_24_hours_across_midnight_is_met(s: dict) -> None:
    with clock.frozen_at(MONDAY):
        case = register(s, urgent=True, handler_opinion="", violation_ended_on=MONDAY.date())
    with clock.frozen_at(MONDAY + timedelta(hours=23, minutes=59)):
        services.submit_opening_request(actor=s["officer"], case=case, opinion="补报")
    finding = _finding(case, "IMR-8b", now=MONDAY + timedelta(days=3))
    assert finding.status is Status.MET
    assert finding.due is not None and finding.due.at == MONDAY + timedelta(hours=24)
    assert "24" in finding.explanation


def test_IMR_8b_urgent_request_after_24_hours_is_overdue_by_its_hours(s: dict) -> None:
    with clock.frozen_at(MONDAY):
        case = register(s, urgent=True, handler_opinion="", violation_ended_on=MONDAY.date())
    with clock.frozen_at(MONDAY + timedelta(hours=27)):
        services.submit_opening_request(actor=s["officer"], case=case, opinion="补报")
    finding = _finding(case, "IMR-8b", now=MONDAY + timedelta(days=3))
    assert finding.status is Status.OVERDUE and finding.late == "逾期 3 小时"


def test_IMR_8b_not_yet_requested_is_due_then_overdue(s: dict) -> None:
    with clock.frozen_at(MONDAY):
        case = register(s, urgent=True, handler_opinion="", violation_ended_on=MONDAY.date())
    assert _finding(case, "IMR-8b", now=MONDAY + timedelta(hours=2)).status is Status.DUE
    assert _finding(case, "IMR-8b", now=MONDAY + timedelta(hours=30)).status is Status.OVERDUE


def test_APL_60_ninety_days_from_opening(s: dict) -> None:
    with clock.frozen_at(MONDAY):
        case = register(s, violation_ended_on=MONDAY.date())
        services.give_unit_opinion(actor=s["unit_head"], case=case, approve=True, opinion="同意")
        services.decide_opening(actor=s["head"], case=case, approve=True, opinion="同意")
    case.refresh_from_db()
    due_finding = _finding(case, "APL-60", now=MONDAY + timedelta(days=10))
    assert due_finding.status is Status.DUE
    assert due_finding.due is not None and due_finding.due.last_day == MONDAY.date() + timedelta(days=90)
    assert _finding(case, "APL-60", now=MONDAY + timedelta(days=95)).status is Status.OVERDUE


def test_IMR_8_opening_approval_missing_steps_then_met(s: dict) -> None:
    case = register(s)
    pending = _finding(case, "IMR-8")
    assert pending.status is Status.DUE and "机关负责人意见" in pending.note
    services.give_unit_opinion(actor=s["unit_head"], case=case, approve=True, opinion="同意")
    services.decide_opening(actor=s["head"], case=case, approve=True, opinion="同意")
    assert _finding(case, "IMR-8").status is Status.MET


def test_APL_42_met_with_two_valid_handlers_and_missing_when_a_certificate_lapses(s: dict) -> None:
    case = register(s)
    assert _finding(case, "APL-42").status is Status.MET
    certificate = s["officer2"].certificates.get()
    certificate.status = "revoked"
    from lawtrace.orgs import services as org_services
    from tests.factories import root_user

    org_services.save_certificate(actor=root_user(), certificate=certificate)
    assert _finding(case, "APL-42").status is Status.MISSING


def test_rules_outside_the_cases_rulebook_are_not_reported(s: dict) -> None:
    s["county"].rulebook = "wenshang-2019"
    from lawtrace.orgs import services as org_services
    from tests.factories import root_user

    org_services.save_organisation(actor=root_user(), organisation=s["county"])
    case = register(s, urgent=True, handler_opinion="")
    ids = {f.rule_id for f in evaluate(case)}
    assert "IMR-8b" not in ids and "IMR-8" not in ids and "WS-10" in ids


def test_case_page_shows_the_compliance_panel(s: dict) -> None:
    from django.test import Client

    case = register(s)
    client = Client()
    client.force_login(s["officer"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "合规情况" in page and "APL-42" in page and "IMR-8" in page


def test_projection_never_disagrees_with_evaluate(s: dict) -> None:
    from django.core.management import call_command

    from lawtrace.cases.models import ComplianceRow

    cases = [register(s), register(s, urgent=True, handler_opinion="")]
    services.give_unit_opinion(actor=s["unit_head"], case=cases[0], approve=True, opinion="同意")
    for case in cases:
        rows = {r.rule_id: r.status for r in ComplianceRow.objects.filter(case=case)}
        assert rows == {f.rule_id: str(f.status) for f in evaluate(case)}
    ComplianceRow.objects.all().delete()
    call_command("compliance", "rebuild")
    for case in cases:
        rows = {r.rule_id: r.status for r in ComplianceRow.objects.filter(case=case)}
        assert rows == {f.rule_id: str(f.status) for f in evaluate(case)}


def _counts_from_rows() -> dict[tuple[int, str, str], int]:
    from django.db.models import Count

    from lawtrace.cases.models import ComplianceRow

    grouped = ComplianceRow.objects.values("organisation_id", "rule_id", "status").annotate(n=Count("pk"))
    return {(g["organisation_id"], g["rule_id"], g["status"]): g["n"] for g in grouped}


def _counts_kept() -> dict[tuple[int, str, str], int]:
    from lawtrace.cases.models import ComplianceCount

    return {(c.organisation_id, c.rule_id, c.status): c.count for c in ComplianceCount.objects.all() if c.count}


def test_dashboard_counts_and_scores_kept_by_each_action_equal_a_full_recount(s: dict) -> None:
    """The dashboard reads counts and scores maintained by difference after every action; they must equal what
    grouping the projection rows gives, through every change of status (due → met, a certificate lapsing)."""
    from lawtrace.cases.compliance import rebuild_all, review_score
    from lawtrace.cases.models import CaseScore

    with clock.frozen_at(MONDAY):
        urgent = register(s, urgent=True, handler_opinion="", violation_ended_on=MONDAY.date())
        plain = register(s)
    assert _counts_kept() == _counts_from_rows()
    with clock.frozen_at(MONDAY + timedelta(hours=30)):
        services.submit_opening_request(actor=s["officer"], case=urgent, opinion="补报")  # IMR-8b met, 6 h late
        services.give_unit_opinion(actor=s["unit_head"], case=plain, approve=True, opinion="同意")
    assert _counts_kept() == _counts_from_rows()
    score = CaseScore.objects.get(case=urgent)
    assert (score.overdue, score.missing) == (1, 0) and score.score == review_score(1, 0) == 90
    kept = _counts_kept()
    with clock.frozen_at(MONDAY + timedelta(hours=30)):
        rebuild_all()
    assert _counts_kept() == kept == _counts_from_rows()
    rebuild_all()  # a year later: the periods have run out, and the counts follow the rows
    assert _counts_kept() == _counts_from_rows() != kept


def test_supervision_dashboard_and_workbench_read_the_projection(s: dict) -> None:
    from django.test import Client

    with clock.frozen_at(MONDAY):
        case = register(s, urgent=True, handler_opinion="", violation_ended_on=MONDAY.date())
    supervisor = Client()
    supervisor.force_login(s["supervisor"])
    page = supervisor.get("/supervision/compliance/").content.decode()
    assert "IMR-8b" in page and case.number in page and "逾期与缺失事项" in page
    officer = Client()
    officer.force_login(s["officer"])
    workbench = officer.get("/").content.decode()
    assert "IMR-8b" in workbench and "已逾期" in workbench
    assert officer.get("/supervision/compliance/").status_code == 403


def test_due_dates_explain_themselves_on_the_workbench(s: dict) -> None:
    from django.test import Client

    with clock.frozen_at(MONDAY):
        register(s, urgent=True, handler_opinion="", violation_ended_on=MONDAY.date())
    officer = Client()
    officer.force_login(s["officer"])
    page = officer.get("/").content.decode()
    assert "24小时" in page and "届满" in page  # the explanation behind the due date, on hover
