"""The AV rules of each rulebook, each met and not met, as findings of ``cases.compliance.evaluate``."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from lawtrace import clock
from lawtrace.cases.compliance import evaluate
from lawtrace.errors import Refused
from lawtrace.evidence import services
from lawtrace.evidence.models import AwayReason, GapReason, MediaType
from lawtrace.evidence.rules import checklist
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from lawtrace.orgs.models import DeviceKind
from lawtrace.records import services as records
from lawtrace.records.models import Record
from lawtrace.rulebook.deadlines import Status
from tests.evidence.conftest import MONDAY, add_av, playable, upload_bytes, wenshang_setting

pytestmark = pytest.mark.django_db


def _finding(case, rule_id: str, now: datetime):  # type: ignore[no-untyped-def]
    found = [f for f in evaluate(case, now=now) if f.rule_id == rule_id]
    assert len(found) == 1, [f.rule_id for f in evaluate(case, now=now)]
    return found[0]


def _store(s: dict, av, at: datetime, **kwargs):  # type: ignore[no-untyped-def]
    return upload_bytes(av, s["officer"], playable(2000), at=at, **kwargs)


# -- storage deadlines ----------------------------------------------------------------------------------------------


def test_WS_22_stored_within_two_working_days_is_met() -> None:
    s = wenshang_setting()
    av = add_av(s)  # ends Monday 09:30
    _store(s, av, at=datetime(2025, 11, 12, 23, 0, tzinfo=MONDAY.tzinfo))  # Wednesday night
    finding = _finding(s["case"], "WS-22", now=MONDAY + timedelta(days=10))
    assert finding.status is Status.MET
    assert finding.due is not None and finding.due.last_day.isoformat() == "2025-11-12"
    assert "工作日" in finding.explanation


def test_WS_22_stored_on_the_third_working_day_is_overdue_by_one_working_day() -> None:
    s = wenshang_setting()
    av = add_av(s)
    _store(s, av, at=datetime(2025, 11, 13, 10, 0, tzinfo=MONDAY.tzinfo))  # Thursday
    finding = _finding(s["case"], "WS-22", now=MONDAY + timedelta(days=10))
    assert finding.status is Status.OVERDUE and finding.late == "逾期 1 个工作日"


def test_WS_22_not_stored_is_due_then_overdue_never_a_silent_pass() -> None:
    s = wenshang_setting()
    add_av(s)
    assert _finding(s["case"], "WS-22", now=MONDAY + timedelta(days=1)).status is Status.DUE
    assert _finding(s["case"], "WS-22", now=MONDAY + timedelta(days=4)).status is Status.OVERDUE


def test_IMR_22_within_24_hours_is_met(s: dict) -> None:
    av = add_av(s)
    _store(s, av, at=MONDAY + timedelta(hours=24))
    assert _finding(s["case"], "IMR-22", now=MONDAY + timedelta(days=3)).status is Status.MET


def test_IMR_22_after_24_hours_is_overdue_by_its_hours(s: dict) -> None:
    av = add_av(s)  # ends 09:30
    _store(s, av, at=MONDAY + timedelta(hours=27, minutes=30))
    finding = _finding(s["case"], "IMR-22", now=MONDAY + timedelta(days=3))
    assert finding.status is Status.OVERDUE and finding.late == "逾期 3 小时"


def test_IMR_22_remote_work_counts_24_hours_from_the_recorded_return(s: dict) -> None:
    returned = MONDAY + timedelta(days=2)
    av = add_av(s, away_reason=AwayReason.REMOTE_AREA, returned_at=returned)
    _store(s, av, at=returned + timedelta(hours=20))  # 3 days after the recording, 20 h after the return
    finding = _finding(s["case"], "IMR-22", now=MONDAY + timedelta(days=5))
    assert finding.status is Status.MET
    assert "返回单位" in finding.looked_at[0]


def test_IMR_22_without_a_recorded_return_the_same_upload_is_overdue(s: dict) -> None:
    av = add_av(s)
    _store(s, av, at=MONDAY + timedelta(days=2, hours=20))
    assert _finding(s["case"], "IMR-22", now=MONDAY + timedelta(days=5)).status is Status.OVERDUE


def test_IMR_22_a_return_recorded_later_is_ledgered_and_changes_the_start(s: dict) -> None:
    av = add_av(s)
    with clock.frozen_at(MONDAY + timedelta(days=2, hours=1)):
        services.record_return(
            actor=s["officer"],
            av_record=av,
            away_reason=AwayReason.AWAY_FROM_BASE,
            returned_at=MONDAY + timedelta(days=2),
        )
    _store(s, av, at=MONDAY + timedelta(days=2, hours=5))
    assert _finding(s["case"], "IMR-22", now=MONDAY + timedelta(days=5)).status is Status.MET
    assert Entry.objects.filter(action=LedgerAction.AV_RETURN_RECORDED).count() == 1


def test_media_time_disagreeing_with_the_typed_time_is_shown(s: dict) -> None:
    av = add_av(s)
    upload_bytes(av, s["officer"], playable(100), at=MONDAY + timedelta(hours=1))
    file = av.files.get()
    file.probe = {"creation_time": "2025-11-09T01:00:00Z", "duration_ms": 60000}
    file.started_at = datetime(2025, 11, 9, 9, 0, tzinfo=MONDAY.tzinfo)
    file.save()
    finding = _finding(s["case"], "IMR-22", now=MONDAY + timedelta(days=1))
    assert "不一致" in finding.note


# -- WS-12: full recording of preservation and sealing ---------------------------------------------------------------


def _preservation_notice(s: dict, at: datetime) -> Record:
    with clock.frozen_at(at + timedelta(minutes=1)):
        return records.add_record(
            actor=s["officer"],
            case=s["case"],
            kind="evidence_preservation_notice",
            occurred_at=at,
            content={
                "party": str(s["case"].parties.get().pk),
                "items": "药品进销存账册三本",
                "place": "本局证据保存室",
                "approved_by": str(s["head"].pk),
                "approved_at": (at - timedelta(hours=1)).isoformat(),
                "issued_at": at.isoformat(),
                "document_number": "测医保先保〔2025〕1号",
            },
        )


def test_WS_12_preservation_cannot_be_completed_without_an_av_record_covering_it() -> None:
    s = wenshang_setting()
    notice = _preservation_notice(s, MONDAY + timedelta(minutes=10))
    entries = Entry.objects.count()
    with pytest.raises(Refused) as refused:
        with clock.frozen_at(MONDAY + timedelta(hours=2)):
            records.sign_record(actor=s["head"], record=notice)
    assert str(refused.value).startswith("WS-12：先行登记保存须全程音像记录")
    notice.refresh_from_db()
    assert notice.status == Record.Status.DRAFT and Entry.objects.count() == entries
    finding = _finding(s["case"], "WS-12", now=MONDAY + timedelta(hours=3))
    assert finding.status is Status.MISSING and "无覆盖其全程的音像记录" in finding.note


def test_WS_12_preservation_covered_by_a_stored_recording_can_be_completed() -> None:
    s = wenshang_setting()
    av = add_av(s, act="registered_preservation")  # 09:00–09:30
    _store(s, av, at=MONDAY + timedelta(hours=1))
    notice = _preservation_notice(s, MONDAY + timedelta(minutes=10))
    with clock.frozen_at(MONDAY + timedelta(hours=2)):
        records.sign_record(actor=s["head"], record=notice)
    assert _finding(s["case"], "WS-12", now=MONDAY + timedelta(hours=3)).status is Status.MET


def test_IMR_13_sealing_gate_cites_IMR_13_in_the_inner_mongolia_rulebook(s: dict) -> None:
    av = add_av(s, act="registered_preservation", start=MONDAY + timedelta(hours=3))  # does not cover 09:10
    _store(s, av, at=MONDAY + timedelta(hours=4))
    notice = _preservation_notice(s, MONDAY + timedelta(minutes=10))
    with pytest.raises(Refused, match=r"^IMR-13："):
        with clock.frozen_at(MONDAY + timedelta(hours=5)):
            records.sign_record(actor=s["head"], record=notice)


# -- IMR-13: continuity ----------------------------------------------------------------------------------------------


def _segments(s: dict, av, spans: list[tuple[int, int]]) -> None:
    """Files covering the given (start, end) minutes after 09:00."""
    for i, (a, b) in enumerate(spans):
        upload_bytes(
            av,
            s["officer"],
            playable(500 + i),
            at=MONDAY + timedelta(hours=2),
            name=f"seg{i}.mp4",
        )
        file = av.files.order_by("-pk").first()
        file.started_at, file.ended_at = MONDAY + timedelta(minutes=a), MONDAY + timedelta(minutes=b)
        file.save(update_fields=["started_at", "ended_at"])


def test_IMR_13_continuous_segments_are_met(s: dict) -> None:
    av = add_av(s, act="sealing")
    _segments(s, av, [(0, 15), (15, 30)])
    assert _finding(s["case"], "IMR-13", now=MONDAY + timedelta(hours=3)).status is Status.MET


def test_IMR_13_a_gap_between_segments_needs_its_reason(s: dict) -> None:
    av = add_av(s, act="sealing")
    _segments(s, av, [(0, 10), (14, 30)])
    finding = _finding(s["case"], "IMR-13", now=MONDAY + timedelta(hours=3))
    assert finding.status is Status.MISSING and "中断 240 秒：未说明中止原因" in finding.note
    with clock.frozen_at(MONDAY + timedelta(hours=3)):
        services.explain_gap(
            actor=s["officer"],
            av_record=av,
            starts_at=MONDAY + timedelta(minutes=10),
            ends_at=MONDAY + timedelta(minutes=14),
            reason=GapReason.BATTERY,
            explanation="执法记录仪电量耗尽，更换电池后恢复录制。",
            explained_aloud=True,
        )
    assert _finding(s["case"], "IMR-13", now=MONDAY + timedelta(hours=4)).status is Status.MET
    assert Entry.objects.filter(action=LedgerAction.AV_GAP_EXPLAINED).count() == 1


def test_IMR_13_a_reason_outside_the_list_is_refused(s: dict) -> None:
    av = add_av(s, act="sealing")
    with pytest.raises(Refused, match="IMR-13"):
        services.explain_gap(
            actor=s["officer"], av_record=av, starts_at=MONDAY, ends_at=None, reason="lunch", explanation="…"
        )


def test_IMR_13_a_recording_that_never_resumed_needs_the_report_to_the_unit_head(s: dict) -> None:
    av = add_av(s, act="sealing")
    _segments(s, av, [(0, 20)])  # stopped at 09:20, the act went on until 09:30
    with pytest.raises(Refused, match="立即向本单位负责人报告"):
        services.explain_gap(
            actor=s["officer"],
            av_record=av,
            starts_at=MONDAY + timedelta(minutes=20),
            ends_at=None,
            reason=GapReason.EQUIPMENT_FAULT,
            explanation="记录仪损坏",
            could_not_resume=True,
        )
    assert _finding(s["case"], "IMR-13", now=MONDAY + timedelta(hours=3)).status is Status.MISSING
    with clock.frozen_at(MONDAY + timedelta(hours=3)):
        services.explain_gap(
            actor=s["officer"],
            av_record=av,
            starts_at=MONDAY + timedelta(minutes=20),
            ends_at=None,
            reason=GapReason.EQUIPMENT_FAULT,
            explanation="记录仪损坏",
            could_not_resume=True,
            reported_to=s["unit_head"],
            reported_at=MONDAY + timedelta(minutes=21),
            written_report="执法记录仪跌落损坏，无法继续录制，已当场报告。",
        )
    assert _finding(s["case"], "IMR-13", now=MONDAY + timedelta(hours=4)).status is Status.MET


# -- WS-13 / IMR-10 / IMR-11 / IMR-12: what the recording shows, confirmed with time offsets --------------------------


def _confirm_all(s: dict, av, rule_id: str) -> None:
    for item in [i for i in checklist(av) if i.rule_id == rule_id]:
        services.confirm(actor=s["officer"], av_record=av, rule_id=rule_id, item=item.index, offset_seconds=65)


@pytest.mark.parametrize("rule_id", ["IMR-10", "IMR-11", "IMR-12"])
def test_IMR_checklists_unconfirmed_are_missing_and_confirmed_are_met(s: dict, rule_id: str) -> None:
    av = add_av(s)
    assert _finding(s["case"], rule_id, now=MONDAY + timedelta(hours=1)).status is Status.MISSING
    _confirm_all(s, av, rule_id)
    finding = _finding(s["case"], rule_id, now=MONDAY + timedelta(hours=1))
    assert finding.status is Status.MET and "1:05" in finding.looked_at[0]


def test_WS_13_checklist_confirmations_are_ledgered_with_their_offsets() -> None:
    s = wenshang_setting()
    av = add_av(s)
    assert _finding(s["case"], "WS-13", now=MONDAY + timedelta(hours=1)).status is Status.MISSING
    before = Entry.objects.filter(action=LedgerAction.AV_CONFIRMED).count()
    _confirm_all(s, av, "WS-13")
    assert _finding(s["case"], "WS-13", now=MONDAY + timedelta(hours=1)).status is Status.MET
    assert Entry.objects.filter(action=LedgerAction.AV_CONFIRMED).count() - before == 6
    assert '"offset_seconds":65' in bytes(Entry.objects.filter(action=LedgerAction.AV_CONFIRMED).last().data).decode()


def test_IMR_11_applies_only_to_body_cameras(s: dict) -> None:
    add_av(s, kind=DeviceKind.CAMERA)
    assert not [f for f in evaluate(s["case"], now=MONDAY + timedelta(hours=1)) if f.rule_id == "IMR-11"]


def test_a_confirmation_twice_is_refused(s: dict) -> None:
    av = add_av(s)
    services.confirm(actor=s["officer"], av_record=av, rule_id="IMR-11", item=0, offset_seconds=3)
    with pytest.raises(Refused, match="已确认"):
        services.confirm(actor=s["officer"], av_record=av, rule_id="IMR-11", item=0, offset_seconds=3)


# -- WS-21 / IMR-21: transcripts ----------------------------------------------------------------------------------


def test_WS_21_an_audio_record_without_a_transcript_is_missing_with_one_is_met() -> None:
    s = wenshang_setting()
    av = add_av(s, media_type=MediaType.AUDIO, kind=DeviceKind.AUDIO_RECORDER)
    finding = _finding(s["case"], "WS-21", now=MONDAY + timedelta(hours=1))
    assert finding.status is Status.MISSING and "缺少声音内容的文字记录" in finding.note
    services.set_transcript(actor=s["officer"], av_record=av, text="执法人员：我们是锡林浩特市医疗保障局……")
    assert _finding(s["case"], "WS-21", now=MONDAY + timedelta(hours=1)).status is Status.MET


def test_IMR_21_a_video_with_speech_needs_a_transcript_a_silent_one_does_not(s: dict) -> None:
    add_av(s, has_speech=False)
    assert not [f for f in evaluate(s["case"], now=MONDAY + timedelta(hours=1)) if f.rule_id == "IMR-21"]
    add_av(s, start=MONDAY + timedelta(hours=1))
    assert _finding(s["case"], "IMR-21", now=MONDAY + timedelta(hours=2)).status is Status.MISSING


def test_WS_21_an_av_record_needs_its_maker_place_and_what_it_proves() -> None:
    s = wenshang_setting()
    with pytest.raises(Refused, match="WS-21"):
        services.add_av_record(
            actor=s["officer"],
            case=s["case"],
            data=services.AVRecordInput(
                media_type=MediaType.VIDEO,
                act="onsite_inspection",
                started_at=MONDAY - timedelta(hours=1),
                ended_at=MONDAY - timedelta(minutes=30),
                makers=[s["officer"]],
                place="",
                proves="",
                other_device="手机",
            ),
        )


def test_each_av_rule_appears_once_per_case(s: dict) -> None:
    add_av(s)
    add_av(s, start=MONDAY + timedelta(hours=1), act="sealing")
    ids = [f.rule_id for f in evaluate(s["case"], now=MONDAY + timedelta(hours=3))]
    assert len(ids) == len(set(ids))
