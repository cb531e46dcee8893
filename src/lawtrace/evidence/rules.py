"""The AV rules of a case's rulebook, evaluated into compliance findings (``cases.compliance.evaluate`` adds them).

Which rules apply and with what numbers is the rulebook's: the storage deadline is the ``deadline`` block of WS-22 or
IMR-22 (with IMR-22's "24 hours after the return" alternative); full and continuous recording is any ``av`` block
with ``requirement: required`` and ``continuous: true`` (WS-12, IMR-13) for the acts it lists; the checklists are
``must_show`` (WS-13, IMR-10), ``notify_party`` (IMR-11) and ``announce`` (IMR-12); the transcript is the
``has_audio`` record requirement (WS-21, IMR-21). One finding per rule and case, the worst of its AV records.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from lawtrace.evidence.continuity import Interval, gaps
from lawtrace.evidence.models import AVRecord, GapReason, MediaType
from lawtrace.orgs.models import DeviceKind
from lawtrace.rulebook.calendar import Due, Unit, WorkingCalendar
from lawtrace.rulebook.deadlines import Period, Status, due_date, judge
from lawtrace.rulebook.loader import Rulebook
from lawtrace.rulebook.loader import at as rulebook_at
from lawtrace.rulebook.schema import Rule

if TYPE_CHECKING:
    from lawtrace.cases.compliance import Finding
    from lawtrace.cases.models import Case

DEFAULT_TOLERANCE_SECONDS = 10  # used only where a rulebook gives no ``gap_tolerance_seconds``
SEVERITY = {Status.MET: 0, Status.NOT_APPLICABLE: 0, Status.DUE: 1, Status.MISSING: 2, Status.OVERDUE: 3}


def _local(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _finding(rulebook: Rulebook, rule_id: str, status: Status, **kwargs: object) -> Finding:
    from lawtrace.cases.compliance import Finding

    rule = rulebook.rule(rule_id)
    return Finding(rule_id, rule.title, rule.article, status, **kwargs)  # type: ignore[arg-type]


def _records(case: Case) -> list[AVRecord]:
    if "av_records" in getattr(case, "_prefetched_objects_cache", {}):  # compliance.EVALUATE_PREFETCH
        return sorted(case.av_records.all(), key=lambda av: (av.started_at, av.pk))  # type: ignore[attr-defined]
    return list(
        AVRecord.objects.filter(case=case)
        .select_related("device")
        .prefetch_related("files__stored", "gaps", "confirmations")
        .order_by("started_at", "pk")
    )


def evidence_findings(
    case: Case, *, rulebook: Rulebook | None = None, calendar: WorkingCalendar, now: datetime
) -> list[Finding]:
    """Every AV finding of the case (empty where the case has no AV records and no act that needs one)."""
    rulebook = rulebook or rulebook_at(case.rulebook, case.rulebook_version)
    records = _records(case)
    found: list[Finding | None] = [_storage(rulebook, records, calendar, now)]
    found += [_continuous(rulebook, rule, case, records) for rule in continuous_rules(rulebook)]
    found += [_checklist_finding(rulebook, rule_id, records) for rule_id in ("WS-13", "IMR-10", "IMR-11", "IMR-12")]
    found.append(_transcript(rulebook, records))
    found.append(_obstruction_referral(rulebook, case, records))
    return [f for f in found if f is not None]


# -- storage deadline: WS-22 / IMR-22 ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StorageJudgement:
    av: AVRecord
    start: datetime
    start_label: str
    met_at: datetime | None
    status: Status
    due: Due
    late: str


def storage_rule(rulebook: Rulebook) -> Rule | None:
    return next((rulebook.rule(r) for r in ("IMR-22", "WS-22") if r in rulebook), None)


def judge_storage(rulebook: Rulebook, av: AVRecord, calendar: WorkingCalendar, now: datetime) -> StorageJudgement:
    """When this AV record had to be stored, and whether it was: the period starts at the recording's end as the
    officer entered it, or (IMR-22) at the recorded return for continuous or remote work; it is met when the last
    file's verified upload completed."""
    rule = storage_rule(rulebook)
    assert rule is not None and rule.deadline is not None and rule.deadline.unit is not None
    deadline = rule.deadline
    length, unit, start, label = deadline.length, Unit(str(deadline.unit)), av.ended_at, "录制结束"
    alternative = next((a for a in deadline.alternatives if a.condition == "away_from_base"), None)
    if alternative is not None and av.away_reason and av.returned_at is not None:
        length = alternative.length if alternative.length is not None else length
        unit = Unit(str(alternative.unit)) if alternative.unit is not None else unit
        start, label = av.returned_at, f"返回单位（{av.get_away_reason_display()}）"
    period = Period(length, unit, deadline.roll_to_working_day)
    due = due_date(period, start, calendar)
    files = list(av.files.all())
    met_at = max((f.stored_at for f in files), default=None)
    judgement = judge(due, met_at, now)
    late = judgement.late_text(calendar, due, unit, met_at, now)
    return StorageJudgement(av, start, label, met_at, judgement.status, due, late)


def _storage(rulebook: Rulebook, records: list[AVRecord], calendar: WorkingCalendar, now: datetime) -> Finding | None:
    rule = storage_rule(rulebook)
    if rule is None or not records:
        return None
    judged = [judge_storage(rulebook, av, calendar, now) for av in records]
    # The worst status; among equals the earliest due date (the longest overdue, or the next to fall due).
    worst = max(judged, key=lambda j: (SEVERITY[j.status], -j.due.at.timestamp()))
    looked = [
        f"音像记录#{j.av.pk}（{j.start_label} {_local(j.start)}；"
        + (f"存储完成 {_local(j.met_at)}" if j.met_at else "尚未存储")
        + (f"，{j.late}" if j.late else "")
        + "）"
        for j in judged
    ]
    notes = [n for av in records for n in disagreements(av)]
    return _finding(
        rulebook,
        rule.id,
        worst.status,
        due=worst.due,
        met_at=worst.met_at,
        late=worst.late,
        looked_at=looked,
        note="；".join(notes),
    )


def disagreements(av: AVRecord, tolerance: timedelta = timedelta(minutes=2)) -> list[str]:
    """Where the media's own times disagree with what the officer entered (shown beside the finding)."""
    notes = []
    for f in av.files.all():
        created = f.probe.get("creation_time")
        if not created or f.started_at is None:
            continue
        if f.started_at < av.started_at - tolerance or (f.ended_at and f.ended_at > av.ended_at + tolerance):
            notes.append(
                f"音像记录#{av.pk} 文件“{f.name}”自身记载的时间（{_local(f.started_at)}）与登记的录制时间"
                f"（{_local(av.started_at)}—{_local(av.ended_at)}）不一致"
            )
    return notes


# -- full and continuous recording: WS-12 / IMR-13 -----------------------------------------------------------------


def continuous_rules(rulebook: Rulebook) -> list[Rule]:
    return [
        r for r in rulebook if r.av is not None and r.av.requirement == "required" and r.av.continuous and r.av.acts
    ]


def act_kinds(rulebook: Rulebook, acts: Iterable[str]) -> dict[str, str]:
    """Record kinds that complete one of these acts (from the rulebook's record requirements) → the act."""
    return dict(_act_kinds(rulebook, frozenset(acts)))


@functools.lru_cache(maxsize=256)
def _act_kinds(rulebook: Rulebook, wanted: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """Once per rulebook version and set of acts (evaluate asks for every case)."""
    kinds: dict[str, str] = {}
    for rule in rulebook:
        for requirement in rule.records:
            if requirement.act in wanted:
                kinds[requirement.kind] = requirement.act
    return tuple(kinds.items())


def covering(records: Iterable[AVRecord], act: str, moment: datetime) -> AVRecord | None:
    """An AV record of the act, with stored files, whose recording spans the moment the act was done."""
    return next(
        (av for av in records if av.act == act and av.started_at <= moment <= av.ended_at and av.files.all()),
        None,
    )


def tolerance(rule: Rule) -> timedelta:
    seconds = rule.params["gap_tolerance_seconds"].value if "gap_tolerance_seconds" in rule.params else None
    return timedelta(seconds=int(seconds if seconds is not None else DEFAULT_TOLERANCE_SECONDS))


@dataclass(frozen=True)
class OpenGap:
    av: AVRecord
    interval: Interval
    problem: str


def open_gaps(rule: Rule, av: AVRecord) -> list[OpenGap]:
    """Interruptions of a continuous recording that still lack what IMR-13 asks: an explanation with its reason
    for each; for a stop that never resumed, also the report to the unit head and the written explanation."""
    segments = [(f.started_at, f.ended_at) for f in av.files.all() if f.started_at and f.ended_at]
    if not segments:
        return []
    result = []
    explained = list(av.gaps.all())
    for interval in gaps(av.started_at, av.ended_at, segments, tolerance(rule)):
        match = next((g for g in explained if interval.overlaps(g.starts_at, g.ends_at)), None)
        if match is None:
            result.append(OpenGap(av, interval, "未说明中止原因"))
        elif interval.trailing and not (match.could_not_resume and match.reported_at and match.written_report):
            result.append(OpenGap(av, interval, "录制未恢复，缺少向本单位负责人的报告或书面说明"))
    return result


def _continuous(rulebook: Rulebook, rule: Rule, case: Case, records: list[AVRecord]) -> Finding | None:
    assert rule.av is not None
    kinds = act_kinds(rulebook, rule.av.acts)
    acts_done = [r for r in case.records.all() if r.kind in kinds]  # type: ignore[attr-defined]
    relevant = [av for av in records if av.act in rule.av.acts]
    if not acts_done and not relevant:
        return None
    looked, problems = [], []
    for record in acts_done:
        av = covering(records, kinds[record.kind], record.occurred_at)
        looked.append(
            f"{record.kind_name}（{_local(record.occurred_at)}）：" + (f"音像记录#{av.pk}" if av else "无音像记录")
        )
        if av is None:
            problems.append(f"{record.kind_name}（{_local(record.occurred_at)}）无覆盖其全程的音像记录")
    for av in relevant:
        for gap in open_gaps(rule, av):
            span = f"{timezone.localtime(gap.interval.start):%H:%M:%S}—{timezone.localtime(gap.interval.end):%H:%M:%S}"
            problems.append(f"音像记录#{av.pk} {span} 中断 {gap.interval.seconds} 秒：{gap.problem}")
        looked.append(f"音像记录#{av.pk}（{len(av.files.all())} 个文件）")
    status = Status.MISSING if problems else Status.MET
    return _finding(rulebook, rule.id, status, looked_at=looked, note="；".join(problems))


# -- checklists: WS-13 / IMR-10, IMR-11, IMR-12 ---------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    rule_id: str
    index: int
    label: str
    required: bool = True


def checklist(av: AVRecord) -> list[ChecklistItem]:
    """What the officer confirms for this AV record under its case's rulebook, with the rule of each item."""
    rulebook = rulebook_at(av.case.rulebook, av.case.rulebook_version)
    items: list[ChecklistItem] = []
    moving = av.media_type in (MediaType.VIDEO, MediaType.AUDIO)
    for rule_id in ("WS-13", "IMR-10"):
        if rule_id in rulebook and av.media_type == MediaType.VIDEO:
            shown = rulebook.rule(rule_id).av
            assert shown is not None
            items += [
                ChecklistItem(rule_id, i, text, required=not text.startswith("其他"))
                for i, text in enumerate(shown.must_show)
            ]
    body_camera = av.device is not None and av.device.kind == DeviceKind.BODY_CAMERA
    if "IMR-11" in rulebook and moving and body_camera:
        items.append(ChecklistItem("IMR-11", 0, "已先告知当事人本次执法过程将全程录音录像"))
    if "IMR-12" in rulebook and moving and av.has_speech:
        announce = rulebook.rule("IMR-12").av
        assert announce is not None
        items += [ChecklistItem("IMR-12", i, f"语音说明：{text}") for i, text in enumerate(announce.announce)]
    return items


def unconfirmed(av: AVRecord, rule_id: str) -> list[ChecklistItem]:
    done = {(c.rule_id, c.item) for c in av.confirmations.all()}
    return [i for i in checklist(av) if i.rule_id == rule_id and i.required and (i.rule_id, i.index) not in done]


def _checklist_finding(rulebook: Rulebook, rule_id: str, records: list[AVRecord]) -> Finding | None:
    if rule_id not in rulebook:
        return None
    concerned = [av for av in records if any(i.rule_id == rule_id for i in checklist(av))]
    if not concerned:
        return None
    missing = [(av, unconfirmed(av, rule_id)) for av in concerned]
    problems = [f"音像记录#{av.pk} 待确认：{'、'.join(i.label for i in items)}" for av, items in missing if items]
    looked = [
        f"音像记录#{av.pk}："
        + "、".join(
            f"{c.label}（{c.offset_seconds // 60}:{c.offset_seconds % 60:02d}）"
            for c in av.confirmations.all()
            if c.rule_id == rule_id
        )
        for av in concerned
    ]
    return _finding(
        rulebook, rule_id, Status.MISSING if problems else Status.MET, looked_at=looked, note="；".join(problems)
    )


# -- obstruction referred: IMR-25 -----------------------------------------------------------------------------------


def _obstruction_referral(rulebook: Rulebook, case: Case, records: list[AVRecord]) -> Finding | None:
    """IMR-25: a recording obstructed by people at the scene (an interruption explained as 现场有关人员阻挠, or an
    interruption report giving that reason) is referred to the police, or to the judicial organs where a crime is
    suspected — missing until a signed referral (``obstruction_referral``) is on the case."""
    if "IMR-25" not in rulebook:
        return None
    signed = [r for r in case.records.all() if r.status == "signed"]  # type: ignore[attr-defined]
    obstructed = [
        f"音像记录#{av.pk} {timezone.localtime(gap.starts_at):%Y-%m-%d %H:%M} 因{gap.get_reason_display()}中止"
        for av in records
        for gap in av.gaps.all()
        if gap.reason == GapReason.OBSTRUCTION
    ]
    obstructed += [
        f"{r.kind_name}（{_local(r.occurred_at)}）：{GapReason.OBSTRUCTION.label}"
        for r in signed
        if r.kind == "av_interruption_report" and r.content.get("reason") == GapReason.OBSTRUCTION
    ]
    if not obstructed:
        return None
    referrals = [r for r in signed if r.kind == "obstruction_referral"]
    looked = obstructed + [f"{r.kind_name}（{r.content.get('document_number') or r.pk}）" for r in referrals]
    if not referrals:
        note = "音像记录受到阻挠：以暴力、威胁等方法阻碍的，应移送公安机关（涉嫌犯罪的移送司法机关），尚无移送记录"
        return _finding(rulebook, "IMR-25", Status.MISSING, looked_at=looked, note=note)
    return _finding(rulebook, "IMR-25", Status.MET, met_at=min(r.occurred_at for r in referrals), looked_at=looked)


# -- transcript: WS-21 / IMR-21 -------------------------------------------------------------------------------------


def needs_transcript(av: AVRecord) -> bool:
    return av.media_type == MediaType.AUDIO or (av.media_type == MediaType.VIDEO and av.has_speech)


def _transcript(rulebook: Rulebook, records: list[AVRecord]) -> Finding | None:
    rule_id = next((r for r in ("IMR-21", "WS-21") if r in rulebook), None)
    concerned = [av for av in records if needs_transcript(av)]
    if rule_id is None or not concerned:
        return None
    lacking = [av for av in concerned if not av.transcript and av.transcript_file_id is None]
    looked = [f"音像记录#{av.pk}：" + ("无文字记录" if av in lacking else "有文字记录") for av in concerned]
    note = "；".join(f"音像记录#{av.pk}（{av.get_media_type_display()}）缺少声音内容的文字记录" for av in lacking)
    return _finding(rulebook, rule_id, Status.MISSING if lacking else Status.MET, looked_at=looked, note=note)
