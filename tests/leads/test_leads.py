"""The leads register (线索登记): the check-and-decide period (NHSA-LEAD) counted in working days across the 2026
Spring Festival, the head's extension and its limit, the decision (a case opened from the lead, or not opened with
the reason), prompt opening (APL-54), the limitation gate at opening (APL-36) — each refusal names its rule and
writes nothing; each action writes one ledger entry."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from lawtrace import clock
from lawtrace.cases import services as cases
from lawtrace.cases.compliance import evaluate
from lawtrace.cases.models import Case, CaseSource, CaseStatus, CaseType, ComplianceRow, PartyKind
from lawtrace.errors import PermissionRefused, Refused
from lawtrace.leads import services
from lawtrace.leads.models import Lead, LeadExtension, LeadSource, LeadStatus
from lawtrace.leads.rules import lead_findings
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from lawtrace.rulebook.calendar import SHANGHAI
from lawtrace.rulebook.deadlines import Status
from tests.factories import open_case_setting

pytestmark = pytest.mark.django_db

# Friday before the 2026 Spring Festival: 2/15–2/23 off, Saturdays 2/14 and 2/28 are make-up working days.
RECEIVED = datetime(2026, 2, 6, 10, 0, tzinfo=SHANGHAI)
DUE_DAY = date(2026, 3, 5)  # 6 working days to 2/14, 5 to 2/28, 4 to 3/5
EXTENDED_DUE_DAY = date(2026, 3, 26)


def _at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def s() -> dict:
    return open_case_setting()


def _lead(s: dict, **overrides: object) -> Lead:
    arguments: dict = {
        "actor": s["officer"],
        "organisation": s["county"],
        "source": LeadSource.MONITORING,
        "received_at": RECEIVED,
        "suspect_name": "某民营医院有限公司",
        "summary": "智能监控提示同一批住院患者住院天数高度一致，疑似挂床住院。",
    }
    arguments.update(overrides)
    with clock.frozen_at(_at(2, 6, 11)):
        return services.register_lead(**arguments)


def _open(s: dict, lead: Lead, when: datetime, **overrides: object) -> Case:
    arguments: dict = {
        "actor": s["officer"],
        "lead": lead,
        "case_type": CaseType.PENALTY,
        "title": "某民营医院涉嫌挂床住院骗取医保基金",
        "facts": "经核查，部分住院患者未在院治疗。",
        "parties": [cases.PartyInput(kind=PartyKind.LEGAL, name="某民营医院有限公司")],
        "handlers": [s["officer"], s["officer2"]],
        "handler_opinion": "线索属实，建议立案调查。",
        "violation_ended_on": date(2025, 12, 31),
    }
    arguments.update(overrides)
    with clock.frozen_at(when):
        return services.open_case_from_lead(**arguments)


def _check(lead: Lead, now: datetime):  # type: ignore[no-untyped-def]
    lead = Lead.objects.get(pk=lead.pk)
    return {f.rule_id: f for f in lead_findings(lead, now)}


def _writes() -> tuple[int, int, int, int]:
    return Lead.objects.count(), LeadExtension.objects.count(), Case.objects.count(), Entry.objects.count()


# -- registering ------------------------------------------------------------------------------------------------


def test_registration_gives_gap_free_numbers_and_one_ledger_entry_without_the_text(s: dict) -> None:
    before = Entry.objects.count()
    first, second = _lead(s), _lead(s)
    short = s["county"].short_name
    assert [first.number, second.number] == [f"{short}线〔2026〕1号", f"{short}线〔2026〕2号"]
    entries = list(Entry.objects.order_by("pk")[before:])
    assert [e.action for e in entries] == [LedgerAction.LEAD_REGISTERED] * 2
    assert "某民营医院".encode() not in bytes(entries[0].data)
    assert first.status == LeadStatus.PENDING and first.rulebook == "inner-mongolia-2025" and first.rulebook_version


def test_a_lead_received_in_the_future_or_without_content_is_refused(s: dict) -> None:
    before = _writes()
    with pytest.raises(Refused) as refusal:
        _lead(s, received_at=_at(2, 7))
    assert refusal.value.rule == "NHSA-LEAD"
    with pytest.raises(Refused):
        _lead(s, summary=" ")
    assert _writes() == before


def test_only_an_officer_registers_a_lead(s: dict) -> None:
    with pytest.raises(PermissionRefused):
        _lead(s, actor=s["head"])


# -- NHSA-LEAD: 15 working days, across the Spring Festival -----------------------------------------------------


def test_NHSA_LEAD_due_date_counts_15_working_days_across_the_2026_spring_festival(s: dict) -> None:
    finding = _check(_lead(s), _at(2, 10))["NHSA-LEAD"]
    assert finding.status is Status.DUE
    assert finding.due is not None and finding.due.last_day == DUE_DAY
    assert finding.due.at == datetime(2026, 3, 6, 0, 0, tzinfo=SHANGHAI)
    text = finding.explanation
    assert "自2026年2月6日起算（当日不计），15个工作日" in text
    assert "2月15日–2月23日（春节假期）" in text
    assert "2月14日（周六）、2月28日（周六）为调休上班日，计入" in text
    assert "届满：2026年3月5日24时" in text
    assert "国家医疗保障局令第4号" in finding.article


def test_NHSA_LEAD_met_within_15_working_days(s: dict) -> None:
    lead = _lead(s)
    with clock.frozen_at(_at(3, 5, 20)):
        services.decide_not_to_open(actor=s["head"], lead=lead, reason="经核查，住院天数一致系同一病种临床路径所致。")
    finding = _check(lead, _at(3, 20))["NHSA-LEAD"]
    assert finding.status is Status.MET and finding.met_at == _at(3, 5, 20) and finding.late == ""


def test_NHSA_LEAD_not_met_when_decided_a_working_day_late(s: dict) -> None:
    lead = _lead(s)
    with clock.frozen_at(_at(3, 6)):
        services.decide_not_to_open(actor=s["head"], lead=lead, reason="不构成违法。")
    finding = _check(lead, _at(3, 20))["NHSA-LEAD"]
    assert finding.status is Status.OVERDUE and finding.late == "逾期 1 个工作日"


def test_NHSA_LEAD_not_met_while_a_pending_lead_passes_its_due_date(s: dict) -> None:
    lead = _lead(s)
    assert _check(lead, _at(3, 5, 23))["NHSA-LEAD"].status is Status.DUE
    overdue = _check(lead, _at(3, 9))["NHSA-LEAD"]
    assert overdue.status is Status.OVERDUE and overdue.late == "逾期 2 个工作日"


# -- NHSA-LEAD: the head's extension ------------------------------------------------------------------------------


def test_NHSA_LEAD_an_extension_by_the_head_moves_the_due_date(s: dict) -> None:
    lead = _lead(s)
    before = Entry.objects.count()
    with clock.frozen_at(_at(3, 2)):
        extension = services.extend_lead(actor=s["head"], lead=lead, reason="需调取相关病历和结算数据。")
    assert extension.days == 15 and extension.approved_by == s["head"]
    assert [e.action for e in Entry.objects.order_by("pk")[before:]] == [LedgerAction.LEAD_EXTENDED]
    lead.refresh_from_db()
    assert lead.status == LeadStatus.EXTENDED
    finding = _check(lead, _at(3, 9))["NHSA-LEAD"]
    assert finding.status is Status.DUE
    assert finding.due is not None and finding.due.last_day == EXTENDED_DUE_DAY
    assert "延长：15个工作日" in finding.explanation and "需调取相关病历和结算数据" in finding.explanation


def test_NHSA_LEAD_a_second_extension_is_refused_and_nothing_written(s: dict) -> None:
    lead = _lead(s)
    with clock.frozen_at(_at(3, 2)):
        services.extend_lead(actor=s["head"], lead=lead, reason="需调取相关病历。")
    before = _writes()
    with clock.frozen_at(_at(3, 20)), pytest.raises(Refused) as refusal:
        services.extend_lead(actor=s["head"], lead=lead, reason="仍需继续核查。")
    assert refusal.value.rule == "NHSA-LEAD" and "只能延长1次" in refusal.value.message
    assert _writes() == before


@pytest.mark.parametrize("who", ["officer", "unit_head", "supervisor"])
def test_NHSA_LEAD_an_extension_not_approved_by_the_head_is_refused(s: dict, who: str) -> None:
    lead = _lead(s)
    before = _writes()
    with clock.frozen_at(_at(3, 2)), pytest.raises(PermissionRefused) as refusal:
        services.extend_lead(actor=s[who], lead=lead, reason="需继续核查。")
    assert refusal.value.rule == "NHSA-LEAD" and "机关负责人" in refusal.value.message
    assert _writes() == before


def test_NHSA_LEAD_an_extension_without_a_reason_is_refused(s: dict) -> None:
    lead = _lead(s)
    before = _writes()
    with clock.frozen_at(_at(3, 2)), pytest.raises(Refused) as refusal:
        services.extend_lead(actor=s["head"], lead=lead, reason="  ")
    assert refusal.value.rule == "NHSA-LEAD"
    assert _writes() == before


# -- the decision -------------------------------------------------------------------------------------------------


def test_NHSA_LEAD_not_opening_without_a_reason_is_refused_and_nothing_written(s: dict) -> None:
    lead = _lead(s)
    before = _writes()
    with clock.frozen_at(_at(3, 2)), pytest.raises(Refused) as refusal:
        services.decide_not_to_open(actor=s["head"], lead=lead, reason="")
    assert refusal.value.rule == "NHSA-LEAD"
    assert _writes() == before
    lead.refresh_from_db()
    assert lead.status == LeadStatus.PENDING and lead.decided_at is None


def test_NHSA_LEAD_not_opening_is_the_heads_decision_an_officers_attempt_is_refused_and_nothing_written(
    s: dict,
) -> None:
    lead = _lead(s)
    before = _writes()
    for who in ("officer", "unit_head"):
        with clock.frozen_at(_at(3, 2)), pytest.raises(PermissionRefused) as refusal:
            services.decide_not_to_open(actor=s[who], lead=lead, reason="不构成违法。")
        assert refusal.value.rule == "NHSA-LEAD" and "负责人" in refusal.value.message
    assert _writes() == before
    lead.refresh_from_db()
    assert lead.status == LeadStatus.PENDING and lead.decided_by is None
    with clock.frozen_at(_at(3, 2)):
        services.decide_not_to_open(actor=s["head"], lead=lead, reason="不构成违法。")
    lead.refresh_from_db()
    assert (lead.status, lead.decided_by) == (LeadStatus.NOT_OPENED, s["head"])
    entry = Entry.objects.order_by("pk").last()
    assert entry is not None and entry.action == LedgerAction.LEAD_NOT_OPENED and entry.actor == s["head"]
    assert _writes()[3] == before[3] + 1


def test_not_opening_records_the_decision_and_one_ledger_entry(s: dict) -> None:
    lead = _lead(s)
    before = Entry.objects.count()
    with clock.frozen_at(_at(3, 2)):
        services.decide_not_to_open(actor=s["head"], lead=lead, reason="不构成违法。")
    lead.refresh_from_db()
    assert (lead.status, lead.decision, lead.decided_by) == (LeadStatus.NOT_OPENED, "not_open", s["head"])
    assert [e.action for e in Entry.objects.order_by("pk")[before:]] == [LedgerAction.LEAD_NOT_OPENED]
    with clock.frozen_at(_at(3, 3)), pytest.raises(Refused):
        services.extend_lead(actor=s["head"], lead=lead, reason="再核查。")
    with clock.frozen_at(_at(3, 3)), pytest.raises(Refused):
        _open(s, lead, _at(3, 3))


def test_NHSA_LEAD_met_when_a_case_is_opened_from_the_lead_in_time(s: dict) -> None:
    lead = _lead(s)
    case = _open(s, lead, _at(3, 5, 16))
    lead.refresh_from_db()
    assert lead.case == case and lead.status == LeadStatus.OPENED and lead.decision == "open"
    assert case.status == CaseStatus.PENDING_APPROVAL and case.source == CaseSource.EX_OFFICIO
    entries = Entry.objects.filter(action__in=[LedgerAction.CASE_REGISTERED, LedgerAction.LEAD_CASE_OPENED])
    assert sorted(entries.values_list("action", flat=True)) == sorted(
        [LedgerAction.CASE_REGISTERED, LedgerAction.LEAD_CASE_OPENED]
    )
    found = {f.rule_id: f for f in evaluate(case, now=_at(3, 20))}
    assert found["NHSA-LEAD"].status is Status.MET and found["NHSA-LEAD"].met_at == _at(3, 5, 16)
    row = ComplianceRow.objects.get(case=case, rule_id="NHSA-LEAD")  # the projection has it too
    assert row.status == "met" and "春节假期" in row.explanation


def test_NHSA_LEAD_not_met_in_the_case_panel_when_the_case_was_opened_late(s: dict) -> None:
    case = _open(s, _lead(s), _at(3, 9))
    finding = {f.rule_id: f for f in evaluate(case, now=_at(3, 20))}["NHSA-LEAD"]
    assert finding.status is Status.OVERDUE and finding.late == "逾期 2 个工作日"


def test_APL_36_applies_when_a_case_is_opened_from_a_lead(s: dict) -> None:
    lead = _lead(s)
    before = _writes()
    with pytest.raises(Refused) as refusal:
        _open(s, lead, _at(3, 2), violation_ended_on=date(2023, 1, 10))
    assert refusal.value.rule == "APL-36"
    assert _writes() == before
    lead.refresh_from_db()
    assert lead.status == LeadStatus.PENDING and lead.case is None


def test_APL_36_counted_to_the_leads_discovery_not_to_the_opening_met_on_the_last_day(s: dict) -> None:
    lead = _lead(s)  # received 2026-02-06, opened a month later
    before = _writes()
    with pytest.raises(Refused) as late:  # ended a day too early for the lead's date
        _open(s, lead, _at(3, 2), violation_ended_on=date(2024, 2, 5))
    assert late.value.rule == "APL-36" and "发现或收到线索于2026年02月06日" in late.value.message
    assert _writes() == before
    case = _open(s, lead, _at(3, 2), violation_ended_on=date(2024, 2, 6))  # the limit's last day is the lead's
    assert case.pk and Lead.objects.get(pk=lead.pk).case == case


def test_a_lead_from_a_complaint_takes_the_complaint_up_when_a_case_opens(s: dict) -> None:
    with clock.frozen_at(_at(2, 6, 10)):
        complaint = cases.register_complaint(
            actor=s["officer"],
            organisation=s["county"],
            received_at=_at(2, 6, 9),
            channel="phone",
            real_name=False,
            complainant_name="",
            complainant_contact="",
            subject="某民营医院",
            content="反映挂床住院。",
        )
    with pytest.raises(Refused):
        _lead(s, complaint=complaint)  # the source must then be 投诉举报
    lead = _lead(s, complaint=complaint, source=LeadSource.COMPLAINT)
    case = _open(s, lead, _at(3, 2))
    complaint.refresh_from_db()
    assert case.complaint == complaint and case.source == CaseSource.COMPLAINT
    assert complaint.handling == "taken_up"


# -- APL-54: prompt opening ---------------------------------------------------------------------------------------


def test_APL_54_met_when_the_case_opened_from_the_lead_is_approved(s: dict) -> None:
    lead = _lead(s)
    case = _open(s, lead, _at(3, 2, 10))
    with clock.frozen_at(_at(3, 2, 15)):
        cases.give_unit_opinion(actor=s["unit_head"], case=case, approve=True, opinion="同意立案。")
    with clock.frozen_at(_at(3, 3, 9)):
        case = cases.decide_opening(actor=s["head"], case=case, approve=True, opinion="同意立案。")
    finding = _check(lead, _at(3, 20))["APL-54"]
    assert finding.status is Status.MET and finding.met_at == _at(3, 3, 9)
    assert {f.rule_id: f for f in evaluate(case, now=_at(3, 20))}["APL-54"].status is Status.MET


def test_APL_54_not_met_while_the_lead_waits_or_the_opening_waits_for_approval(s: dict) -> None:
    lead = _lead(s)
    pending = _check(lead, _at(3, 2))["APL-54"]
    assert pending.status is Status.DUE and pending.due is None  # prompt: no number of days of its own
    assert "2026年03月05日" in pending.note and "NHSA-LEAD" in pending.note
    _open(s, lead, _at(3, 2, 10))
    waiting = _check(lead, _at(3, 20))["APL-54"]
    assert waiting.status is Status.DUE and "待机关负责人批准" in waiting.note


def test_APL_54_is_not_reported_for_a_lead_not_opened(s: dict) -> None:
    lead = _lead(s)
    with clock.frozen_at(_at(3, 2)):
        services.decide_not_to_open(actor=s["head"], lead=lead, reason="不构成违法。")
    assert "APL-54" not in _check(lead, _at(3, 20))


def test_a_case_not_opened_from_a_lead_has_no_lead_findings(s: dict) -> None:
    from tests.factories import register

    with clock.frozen_at(_at(3, 2)):
        case = register(s, violation_ended_on=date(2025, 12, 31))
    rule_ids = {f.rule_id for f in evaluate(case, now=_at(3, 20))}
    assert not rule_ids & {"NHSA-LEAD", "APL-54"}


def test_a_lead_cannot_be_decided_twice(s: dict) -> None:
    lead = _lead(s)
    _open(s, lead, _at(3, 2))
    before = _writes()
    with pytest.raises(Refused):
        _open(s, lead, _at(3, 3))
    with clock.frozen_at(_at(3, 3)), pytest.raises(Refused):
        services.decide_not_to_open(actor=s["head"], lead=lead, reason="重复")
    assert _writes() == before


# -- the workbench ------------------------------------------------------------------------------------------------


def test_the_workbench_lists_my_leads_due_within_3_working_days_and_overdue(s: dict) -> None:
    from lawtrace.leads.selectors import my_due_leads

    soon = _lead(s)
    with clock.frozen_at(_at(2, 27, 9)):
        later = services.register_lead(
            actor=s["officer"],
            organisation=s["county"],
            source=LeadSource.INSPECTION,
            received_at=_at(2, 27, 8),
            suspect_name="某村卫生室",
            summary="门诊日志与结算记录不一致。",
        )
    with clock.frozen_at(_at(3, 3)):  # 3/5 is within 3 working days; the later lead is not
        assert [d.lead for d in my_due_leads(s["officer"])] == [soon]
        assert my_due_leads(s["officer2"]) == []
    with clock.frozen_at(_at(3, 10)):
        due = my_due_leads(s["officer"])
        assert [d.lead for d in due] == [soon] and due[0].finding.status is Status.OVERDUE  # type: ignore[union-attr]
    assert later.pk != soon.pk


def test_the_lead_uses_the_rulebook_version_it_was_registered_under(s: dict) -> None:
    lead = _lead(s)
    assert lead.rulebook_version == "2025.1"
    assert (lead.received_at - RECEIVED) == timedelta(0)
