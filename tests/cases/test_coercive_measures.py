"""Coercive measures (封存) from the records the officers and the head sign: an emergency measure reported within 24
hours and approved afterwards, or lifted at once when the head refuses (CEL-19); the sealing decision with its
property list in two copies (CEL-24); the extension approved by the head, once, with written notice, and the lifting
(CEL-25). Refusals write no record and no ledger entry."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from lawtrace import clock
from lawtrace.cases.compliance import evaluate
from lawtrace.errors import PermissionRefused, Refused
from lawtrace.ledger.models import Entry
from lawtrace.records import services as records
from lawtrace.records.models import Record
from lawtrace.rulebook.calendar import SHANGHAI
from lawtrace.rulebook.deadlines import Status
from tests.cases.record_content import filled
from tests.cases.steps import MONDAY, _opened_case, _recorded_on_video, _signed

pytestmark = pytest.mark.django_db

EVENING = datetime(2025, 11, 10, 22, 30, tzinfo=SHANGHAI)  # a Monday evening: 24 hours run past midnight
PRESENT = {"party_signature": "signed", "statement_and_defence": "当事人无异议。"}  # CEL-18: the party signs, is heard


@pytest.fixture
def s() -> dict:
    setting, case = _opened_case("inner-mongolia-2025", "coercion")
    setting["case"] = case
    return setting


def _finding(s: dict, rule_id: str, now: datetime):  # type: ignore[no-untyped-def]
    s["case"].refresh_from_db()
    return next(f for f in evaluate(s["case"], now=now) if f.rule_id == rule_id)


def _draft(s: dict, kind: str, moment: datetime, **given: Any) -> Record:
    content = filled(s["case"], kind, s["officer"], moment, **given)
    _recorded_on_video(s, s["case"], kind, moment)
    with clock.frozen_at(moment + timedelta(minutes=1)):
        return records.add_record(actor=s["officer"], case=s["case"], kind=kind, occurred_at=moment, content=content)


def _sign(s: dict, record: Record, signer: str, moment: datetime) -> Record:
    with clock.frozen_at(moment + timedelta(minutes=2)):
        return records.sign_record(actor=s[signer], record=record)


def _make(s: dict, kind: str, moment: datetime, signer: str = "officer", **given: Any) -> Record:
    return _sign(s, _draft(s, kind, moment, **given), signer, moment)


def _emergency_measure(s: dict, taken: datetime) -> Record:
    """Sealed on the spot in an emergency: no decision signed beforehand (CEL-19 instead of CEL-18's approval)."""
    two = [str(s["officer"].pk), str(s["officer2"].pk)]
    return _make(
        s,
        "coercive_measure_onsite_record",
        taken,
        officers=two,
        started_at=taken.isoformat(),
        emergency=True,
        **PRESENT,
    )


def _report(s: dict, taken: datetime, reported: datetime, approval: str = "approved") -> Record:
    return _make(
        s,
        "emergency_measure_report",
        reported,
        signer="head",
        measure_taken_at=taken.isoformat(),
        reported_at=reported.isoformat(),
        reported_to=str(s["head"].pk),
        approval=approval,
        approved_at=(reported + timedelta(minutes=30)).isoformat(),
    )


def _refused_without_trace(s: dict, call: Any, error: type[Exception] = Refused) -> Exception:
    before = (Entry.objects.count(), Record.objects.count(), Record.objects.filter(status="signed").count())
    with pytest.raises(error) as refusal:
        call()
    assert (Entry.objects.count(), Record.objects.count(), Record.objects.filter(status="signed").count()) == before
    return refusal.value


# -- CEL-19: emergency measures --------------------------------------------------------------------------------------


def test_CEL_19_reported_within_24_hours_across_midnight_is_met(s: dict) -> None:
    measure = _emergency_measure(s, EVENING)
    assert measure.status == "signed"  # no prior decision needed in an emergency
    pending = _finding(s, "CEL-19", EVENING + timedelta(hours=10))
    assert pending.status is Status.DUE and "尚无" in "".join(pending.looked_at)
    assert pending.due is not None and pending.due.at == EVENING + timedelta(hours=24)
    assert "24小时" in pending.explanation and "11月11日22时30分" in pending.explanation
    _report(s, EVENING, EVENING + timedelta(hours=22, minutes=30))  # Tuesday 21:00
    finding = _finding(s, "CEL-19", EVENING + timedelta(days=3))
    assert finding.status is Status.MET and finding.met_at == EVENING + timedelta(hours=22, minutes=30), finding


def test_CEL_19_late_report_is_overdue(s: dict) -> None:
    _emergency_measure(s, EVENING)
    _report(s, EVENING, EVENING + timedelta(hours=24, minutes=1))
    finding = _finding(s, "CEL-19", EVENING + timedelta(days=3))
    assert finding.status is Status.OVERDUE and finding.late == "逾期 1 小时", finding


def test_CEL_19_an_emergency_measure_never_reported_is_overdue_after_24_hours(s: dict) -> None:
    _emergency_measure(s, EVENING)
    finding = _finding(s, "CEL-19", EVENING + timedelta(hours=24, minutes=1))
    assert finding.status is Status.OVERDUE and "当场实施行政强制措施报告：尚无" in finding.looked_at, finding


def test_CEL_19_refused_approval_without_lifting_is_missing_and_lifting_meets_it(s: dict) -> None:
    _emergency_measure(s, EVENING)
    _report(s, EVENING, EVENING + timedelta(hours=2), approval="refused")
    refused = _finding(s, "CEL-19", EVENING + timedelta(hours=4))
    assert refused.status is Status.MISSING and "立即解除" in refused.note, refused
    lifted_at = EVENING + timedelta(hours=3)
    _make(s, "coercive_measure_lifting", lifted_at, lifted_at=lifted_at.isoformat(), reason="负责人不予批准")
    finding = _finding(s, "CEL-19", EVENING + timedelta(hours=4))
    assert finding.status is Status.MET and any("解除行政强制措施决定书" in seen for seen in finding.looked_at), finding


def test_CEL_19_approval_afterwards_is_the_heads_signature_not_the_officers(s: dict) -> None:
    _emergency_measure(s, EVENING)
    reported = EVENING + timedelta(hours=2)
    draft = _draft(
        s,
        "emergency_measure_report",
        reported,
        measure_taken_at=EVENING.isoformat(),
        reported_at=reported.isoformat(),
        reported_to=str(s["head"].pk),
    )
    with clock.frozen_at(reported + timedelta(minutes=2)):
        _refused_without_trace(s, lambda: records.sign_record(actor=s["officer"], record=draft), PermissionRefused)
    assert _sign(s, draft, "head", reported).status == "signed"


def test_CEL_19_a_report_before_the_measure_is_refused(s: dict) -> None:
    moment = EVENING + timedelta(hours=1)
    content = filled(
        s["case"],
        "emergency_measure_report",
        s["officer"],
        moment,
        measure_taken_at=EVENING.isoformat(),
        reported_at=(EVENING - timedelta(hours=1)).isoformat(),
    )
    with clock.frozen_at(moment):
        refusal = _refused_without_trace(
            s,
            lambda: records.add_record(
                actor=s["officer"], case=s["case"], kind="emergency_measure_report", occurred_at=moment, content=content
            ),
        )
    assert refusal.rule == "CEL-19"  # type: ignore[attr-defined]


def test_CEL_18_a_measure_that_is_no_emergency_still_needs_the_heads_decision_first(s: dict) -> None:
    two = [str(s["officer"].pk), str(s["officer2"].pk)]
    draft = _draft(s, "coercive_measure_onsite_record", MONDAY + timedelta(hours=1), officers=two, **PRESENT)
    with clock.frozen_at(MONDAY + timedelta(hours=2)):
        refusal = _refused_without_trace(s, lambda: records.sign_record(actor=s["officer"], record=draft))
    assert refusal.rule == "CEL-18" and "负责人批准" in str(refusal)  # type: ignore[attr-defined]


# -- CEL-24: the sealing decision and its property list ----------------------------------------------------------------


def test_CEL_24_a_sealing_decision_without_a_signed_property_list_is_missing_and_met_once_signed(s: dict) -> None:
    moment = MONDAY + timedelta(hours=2)
    listed = _draft(s, "property_list", moment, copies=2)  # drafted, not yet signed
    head = str(s["head"].pk)
    _make(s, "coercive_measure_decision", moment, signer="head", property_list=str(listed.pk), approved_by=head)
    missing = _finding(s, "CEL-24", moment + timedelta(hours=1))
    assert missing.status is Status.MISSING and "财物清单" in missing.note, missing
    _sign(s, listed, "officer", moment + timedelta(minutes=10))
    assert _finding(s, "CEL-24", moment + timedelta(hours=1)).status is Status.MET


def test_CEL_24_a_property_list_not_in_two_copies_is_refused(s: dict) -> None:
    moment = MONDAY + timedelta(hours=2)
    for wrong in ({"copies": 1}, {"copies": 2, "copies_kept": False}):  # 一式二份, one for the party, one kept
        content = filled(s["case"], "property_list", s["officer"], moment, **wrong)
        with clock.frozen_at(moment):
            _refused_without_trace(
                s,
                lambda content=content: records.add_record(
                    actor=s["officer"], case=s["case"], kind="property_list", occurred_at=moment, content=content
                ),
            )


# -- CEL-25: extension and lifting ----------------------------------------------------------------------------------


def _decision(s: dict, issued: datetime) -> Record:
    return _signed(s, s["case"], "coercive_measure_decision", issued, issued_at=issued.isoformat())  # type: ignore[return-value]


def test_CEL_25_an_extension_by_the_head_with_written_notice_moves_the_period_and_the_lifting_meets_it(
    s: dict,
) -> None:
    issued = MONDAY + timedelta(hours=1)
    _decision(s, issued)
    extended_at = issued + timedelta(days=25)
    extension = _draft(
        s,
        "coercive_measure_extension",
        extended_at,
        days=30,
        approved_by=str(s["head"].pk),
        notified_at=extended_at.isoformat(),
    )
    with clock.frozen_at(extended_at + timedelta(minutes=2)):
        _refused_without_trace(s, lambda: records.sign_record(actor=s["officer"], record=extension), PermissionRefused)
    _sign(s, extension, "head", extended_at)
    running = _finding(s, "CEL-25", extended_at + timedelta(days=1))
    assert running.due is not None and running.due.last_day == (issued + timedelta(days=60)).date()
    assert "延长：30日" in running.explanation and "第六十九条" not in running.explanation  # 30 days: calendar
    lifted_at = issued + timedelta(days=50)
    _make(s, "coercive_measure_lifting", lifted_at, lifted_at=lifted_at.isoformat())
    assert _finding(s, "CEL-25", lifted_at + timedelta(days=30)).status is Status.MET


def test_CEL_25_lifted_after_30_days_without_an_extension_is_overdue(s: dict) -> None:
    issued = MONDAY + timedelta(hours=1)
    _decision(s, issued)
    lifted_at = issued + timedelta(days=35)
    _make(s, "coercive_measure_lifting", lifted_at, lifted_at=lifted_at.isoformat())
    finding = _finding(s, "CEL-25", lifted_at + timedelta(days=1))
    assert finding.status is Status.OVERDUE and finding.late == "逾期 5 日", finding


def test_CEL_25_a_second_or_longer_extension_is_refused(s: dict) -> None:
    issued = MONDAY + timedelta(hours=1)
    moment = issued + timedelta(days=20)
    content = filled(s["case"], "coercive_measure_extension", s["officer"], moment, days=30)
    with clock.frozen_at(moment):
        no_decision = _refused_without_trace(
            s,
            lambda: records.add_record(
                actor=s["officer"],
                case=s["case"],
                kind="coercive_measure_extension",
                occurred_at=moment,
                content=content,
            ),
        )
    assert no_decision.rule == "CEL-25"  # type: ignore[attr-defined]
    _decision(s, issued)
    for days in (31, 30):
        if days == 30:  # the first extension, then a second one
            _signed(s, s["case"], "coercive_measure_extension", moment, days=30)
        content = filled(s["case"], "coercive_measure_extension", s["officer"], moment, days=days)
        with clock.frozen_at(moment + timedelta(hours=1)):
            refusal = _refused_without_trace(
                s,
                lambda content=content: records.add_record(
                    actor=s["officer"],
                    case=s["case"],
                    kind="coercive_measure_extension",
                    occurred_at=moment,
                    content=content,
                ),
            )
        assert refusal.rule == "CEL-25"  # type: ignore[attr-defined]


def _extension(s: dict, moment: datetime, **given: Any) -> Record:
    return _draft(
        s,
        "coercive_measure_extension",
        moment,
        days=20,
        approved_by=str(s["head"].pk),
        notified_at=moment.isoformat(),
        **given,
    )


def test_CEL_25_each_sealing_is_extended_once_the_second_draft_of_the_same_one_refused_at_signing(s: dict) -> None:
    issued = MONDAY + timedelta(hours=1)
    first, second = _decision(s, issued), _decision(s, issued + timedelta(hours=3))
    moment = issued + timedelta(days=20)
    unnamed = filled(s["case"], "coercive_measure_extension", s["officer"], moment, days=20)
    with clock.frozen_at(moment):  # two sealings: the extension says which
        refusal = _refused_without_trace(
            s,
            lambda: records.add_record(
                actor=s["officer"],
                case=s["case"],
                kind="coercive_measure_extension",
                occurred_at=moment,
                content=unnamed,
            ),
        )
    assert refusal.rule == "CEL-25" and "请载明延长的是哪一份" in str(refusal)  # type: ignore[attr-defined]
    drafts = [_extension(s, moment, measure=str(first.pk)) for _ in range(2)]  # drafted in parallel
    _sign(s, drafts[0], "head", moment)
    with clock.frozen_at(moment + timedelta(minutes=3)):
        again = _refused_without_trace(s, lambda: records.sign_record(actor=s["head"], record=drafts[1]))
    assert again.rule == "CEL-25" and "只能延长1次" in str(again)  # type: ignore[attr-defined]
    assert _sign(s, _extension(s, moment, measure=str(second.pk)), "head", moment).status == Record.Status.SIGNED


def test_CEL_25_the_testing_period_notice_pauses_the_sealing_period_with_the_reasons_it_offers(s: dict) -> None:
    from lawtrace.rulebook.loader import at

    rulebook = at(s["case"].rulebook, s["case"].rulebook_version)
    pause = rulebook.rule("CEL-25").pause
    assert pause is not None and pause.record == "testing_period_notice"
    offered = rulebook.record_kind("testing_period_notice").required_fields["reason"].choices or {}
    assert set(pause.reasons) == set(offered)  # every reason the record offers pauses, and only those
    issued = MONDAY + timedelta(hours=1)
    measure = _decision(s, issued)
    plain = _finding(s, "CEL-25", issued + timedelta(days=1))
    assert plain.due is not None and plain.due.last_day == (issued + timedelta(days=30)).date()
    start = (issued + timedelta(days=5)).date()
    notified = issued + timedelta(days=12)
    _make(
        s,
        "testing_period_notice",
        notified,
        measure=str(measure.pk),
        reason="technical_appraisal",
        start_on=start.isoformat(),
        end_on=(start + timedelta(days=4)).isoformat(),
        notified_at=notified.isoformat(),
    )
    paused = _finding(s, "CEL-25", notified + timedelta(days=1))
    assert paused.due is not None and paused.due.last_day == plain.due.last_day + timedelta(days=5)
    assert "技术鉴定" in paused.explanation


def test_CEL_25_the_case_page_shows_the_sealing_its_period_end_explained_the_extension_and_the_lifting(
    s: dict,
) -> None:
    from django.test import Client

    issued = MONDAY + timedelta(hours=1)
    _decision(s, issued)
    _signed(s, s["case"], "coercive_measure_extension", issued + timedelta(days=25), days=30, reason="情况复杂")
    client = Client()
    client.force_login(s["officer"])
    with clock.frozen_at(issued + timedelta(days=26)):
        page = client.get(f"/cases/{s['case'].pk}/").content.decode()
    assert 'id="coercive-measures"' in page and "封存期限：2026年1月9日 24时" in page, page
    assert "延长 30 日（情况复杂）" in page and "尚未解除" in page
