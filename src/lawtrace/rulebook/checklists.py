"""Checklist items a person confirms, AV omitted by default rules, and the rulebook's options — judged, never typed.

DESIGN § Rulebooks: rules no code can judge (kind ``checklist``) are items a person confirms, and the confirmation is
a ledgered row (:class:`~lawtrace.rulebook.models.Confirmation`); "may" rules (kind ``option``) exist and record what
they must when used. Three judgements, all read from the rulebook:

- ``checklist`` rules ``per: case`` (IMR-5 wording): due until confirmed; met once confirmed after the case's last
  signed record (a record signed later has not been checked). ``per: organisation`` (WS-6 / IMR-4 equipment and
  rooms): met when confirmed in the current year (Asia/Shanghai) and since the last change of the devices and rooms
  register (its ledger entries). ``per: disclosure_item`` (IMD-12) is the disclosure app's.
- ``av`` rules with ``requirement: default`` and ``omission_reason_required`` (IMR-5b): every act the case's signed
  records document has an AV record of that act spanning its time, or the officer's statement that the written
  record fully records it; otherwise missing.
- ``option`` rules with AV acts (WS-5 disputed acts, WS-9b monitoring of acceptance): met where an AV record of one
  of those acts exists, not applicable where the acts were recorded in writing only — never missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from lawtrace.rulebook.deadlines import Status
from lawtrace.rulebook.loader import NotInForce, Rulebook, load
from lawtrace.rulebook.loader import at as rulebook_at
from lawtrace.rulebook.models import Confirmation
from lawtrace.rulebook.schema import AVRequirement, Rule, RuleKind

if TYPE_CHECKING:
    from lawtrace.cases.compliance import Finding
    from lawtrace.cases.models import Case
    from lawtrace.evidence.models import AVRecord
    from lawtrace.orgs.models import Organisation
    from lawtrace.records.models import Record

# What the officer states for an act recorded in writing only (IMR-5b), kept as the row's ``item``.
OMISSION_ITEM = "文字记录能够全面有效记录该执法行为，未进行音像记录"


def _local(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def organisation_rulebook(organisation: Organisation, on: date) -> Rulebook | None:
    """The organisation's rulebook at the version in force on the day (None before it was in force)."""
    rulebook = load(organisation.rulebook)
    try:
        return rulebook.at_version(rulebook.version_in_force(on).version)
    except NotInForce:
        return None


def checklist_rules(rulebook: Rulebook, per: str) -> list[Rule]:
    return [r for r in rulebook.rules_of_kind(RuleKind.CHECKLIST) if r.checklist and r.checklist.per == per]


@dataclass(frozen=True)
class ChecklistState:
    """One checklist rule for a case or an organisation: its items, status, and every confirmation (newest first)."""

    rule: Rule
    status: Status
    history: list[Confirmation] = field(default_factory=list)
    note: str = ""

    @property
    def items(self) -> list[str]:
        return list(self.rule.checklist.items) if self.rule.checklist else []

    @property
    def last(self) -> Confirmation | None:
        return self.history[0] if self.history else None


def _confirmations(case: Case) -> list[Confirmation]:
    if "checklist_confirmations" in getattr(case, "_prefetched_objects_cache", {}):
        rows = list(case.checklist_confirmations.all())  # type: ignore[attr-defined]
        return sorted(rows, key=lambda c: (c.confirmed_at, c.pk), reverse=True)
    return list(Confirmation.objects.filter(case=case).select_related("confirmed_by", "record"))


def case_checklist(case: Case, rulebook: Rulebook | None = None) -> list[ChecklistState]:
    """The case's checklist items (``per: case``): met once confirmed after the last signed record, due before."""
    rulebook = rulebook or rulebook_at(case.rulebook, case.rulebook_version)
    applicable = {r.id for r in rulebook.rules_for(case.case_type, case.procedure)}
    signed = [r.signed_at for r in case.records.all() if r.status == "signed" and r.signed_at]  # type: ignore[attr-defined]
    last_signed = max(signed, default=None)
    rows = _confirmations(case)
    states = []
    for rule in checklist_rules(rulebook, "case"):
        if rule.id not in applicable:
            continue
        history = [c for c in rows if c.rule_id == rule.id]
        last = history[0] if history else None
        if last is None:
            states.append(ChecklistState(rule, Status.DUE, history, "尚未确认"))
        elif last_signed is not None and last.confirmed_at < last_signed:
            note = f"最近一次确认（{_local(last.confirmed_at)}）后又签署了记录（{_local(last_signed)}），须重新核对"
            states.append(ChecklistState(rule, Status.DUE, history, note))
        else:
            states.append(ChecklistState(rule, Status.MET, history))
    return states


def register_changed_at(organisation: Organisation) -> datetime | None:
    """When the organisation's devices and rooms register last changed (its latest such ledger entry)."""
    from lawtrace.ledger.actions import LedgerAction
    from lawtrace.ledger.models import Entry

    changes = Entry.objects.filter(
        log__organisation=organisation, action__in=[LedgerAction.DEVICE_SAVED, LedgerAction.ROOM_SAVED]
    )
    return changes.order_by("-seq").values_list("time", flat=True).first()


def organisation_checklist(organisation: Organisation, now: datetime) -> list[ChecklistState]:
    """The organisation's checklist items (``per: organisation``, WS-6 / IMR-4): met when confirmed this year and
    since the devices and rooms register last changed; due otherwise, saying which."""
    local = timezone.localtime(now)
    rulebook = organisation_rulebook(organisation, local.date())
    if rulebook is None:
        return []
    year_start = local.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    changed = register_changed_at(organisation)
    rows = list(Confirmation.objects.filter(organisation=organisation, case=None).select_related("confirmed_by"))
    states = []
    for rule in checklist_rules(rulebook, "organisation"):
        history = [c for c in rows if c.rule_id == rule.id]
        last = history[0] if history else None
        if last is None:
            note, status = "尚未确认", Status.DUE
        elif last.confirmed_at < year_start:
            note, status = f"{local.year}年度尚未确认（上次确认：{_local(last.confirmed_at)}）", Status.DUE
        elif changed is not None and last.confirmed_at < changed:
            note, status = f"设备和场所登记于 {_local(changed)} 变更，变更后尚未重新确认", Status.DUE
        else:
            note, status = "", Status.MET
        states.append(ChecklistState(rule, status, history, note))
    return states


# -- AV by default (IMR-5b) and AV options (WS-5, WS-9b) ------------------------------------------------------------


def omission_rules(rulebook: Rulebook) -> list[Rule]:
    """Rules under which AV records every act unless the officer states why the written record suffices."""
    return [
        r
        for r in rulebook
        if r.av is not None and r.av.requirement == AVRequirement.DEFAULT and r.av.omission_reason_required
    ]


def option_rules(rulebook: Rulebook) -> list[Rule]:
    return [r for r in rulebook.rules_of_kind(RuleKind.OPTION) if r.av is not None and r.av.acts]


def act_of(rulebook: Rulebook, rule: Rule, record: Record) -> str | None:
    """The act of the rule (any act of the rulebook when it names none) that this record documents, from the
    rulebook's record requirements — for a 送达回证, by its service mode (postal service is no act on a scene)."""
    assert rule.av is not None
    wanted = set(rule.av.acts or rulebook.acts)
    mode = record.content.get("mode") if isinstance(record.content, dict) else None
    for requirement in (req for r in rulebook for req in r.records):
        if requirement.kind != record.kind or requirement.act not in wanted:
            continue
        if requirement.service_mode is None or requirement.service_mode == mode:
            return requirement.act
    return None


def required_by(rulebook: Rulebook, act: str) -> list[str]:
    """Rules that require this act recorded on AV (WS-12, IMR-13, IMR-17.3): no written record stands in for it."""
    return [
        r.id for r in rulebook if r.av is not None and r.av.requirement == AVRequirement.REQUIRED and act in r.av.acts
    ]


def spanning(av_records: list[AVRecord], act: str, moment: datetime) -> AVRecord | None:
    """An AV record of the act whose recording spans the moment the act was done (stored or not: the storage
    deadline is WS-22 / IMR-22's business)."""
    return next((av for av in av_records if av.act == act and av.started_at <= moment <= av.ended_at), None)


@dataclass(frozen=True)
class ActInWriting:
    """An act documented by a signed record, and how IMR-5b is satisfied for it (or not yet)."""

    record: Record
    act: str
    av: AVRecord | None
    omission: Confirmation | None

    @property
    def satisfied(self) -> bool:
        return self.av is not None or self.omission is not None


def acts_in_writing(case: Case, rulebook: Rulebook, rule: Rule) -> list[ActInWriting]:
    from lawtrace.cases.deadline_rules import effective_records

    av_records = list(case.av_records.all())  # type: ignore[attr-defined]
    omissions = [c for c in _confirmations(case) if c.rule_id == rule.id and c.record_id]
    result = []
    for record in effective_records(case):
        act = act_of(rulebook, rule, record)
        if act is None:
            continue
        # A statement made for a record also covers the correction standing in for it.
        concerned = {record.pk, record.corrects_id}
        omission = next((c for c in omissions if c.record_id in concerned), None)
        result.append(ActInWriting(record, act, spanning(av_records, act, record.occurred_at), omission))
    return result


def _omission_finding(case: Case, rulebook: Rulebook, rule: Rule) -> Finding | None:
    acts = acts_in_writing(case, rulebook, rule)
    if not acts:
        return None
    looked, problems = [], []
    for a in acts:
        label = f"{a.record.kind_name}（{_local(a.record.occurred_at)}）"
        if a.av is not None:
            looked.append(f"{label}：音像记录#{a.av.pk}")
        elif a.omission is not None:
            looked.append(
                f"{label}：未进行音像记录，已说明理由（{a.omission.confirmed_by}，{_local(a.omission.confirmed_at)}）"
            )
        else:
            looked.append(f"{label}：无音像记录")
            problems.append(f"{label}无音像记录，也未说明文字记录能够全面有效记录的理由")
    status = Status.MISSING if problems else Status.MET
    return _finding(rulebook, rule.id, status, looked_at=looked, note="；".join(problems))


def _option_finding(case: Case, rulebook: Rulebook, rule: Rule) -> Finding | None:
    from lawtrace.cases.deadline_rules import effective_records

    assert rule.av is not None
    done = [r for r in effective_records(case) if act_of(rulebook, rule, r) is not None]
    used = [av for av in case.av_records.all() if av.act in rule.av.acts]  # type: ignore[attr-defined]
    if not done and not used:
        return None
    looked = [f"音像记录#{av.pk}（{rulebook.acts.get(av.act, av.act)}，{_local(av.started_at)}）" for av in used]
    looked += [f"{r.kind_name}（{_local(r.occurred_at)}）" for r in done]
    if used:
        return _finding(rulebook, rule.id, Status.MET, looked_at=looked)
    note = "可选事项：未进行音像记录，以文字记录为准"
    return _finding(rulebook, rule.id, Status.NOT_APPLICABLE, looked_at=looked, note=note)


def _finding(rulebook: Rulebook, rule_id: str, status: Status, **kwargs: Any) -> Finding:
    from lawtrace.cases.compliance import Finding

    rule = rulebook.rule(rule_id)
    return Finding(rule_id, rule.title, rule.article, status, **kwargs)


def checklist_findings(case: Case, *, rulebook: Rulebook) -> list[Finding]:
    """The case's findings for checklist items (IMR-5), AV omitted by default rules (IMR-5b) and AV options
    (WS-5, WS-9b) — what ``cases.compliance.evaluate`` adds to its own."""
    applicable = {r.id for r in rulebook.rules_for(case.case_type, case.procedure)}
    found: list[Finding | None] = []
    for state in case_checklist(case, rulebook):
        last = state.last
        looked = [f"{c.confirmed_by}确认（{_local(c.confirmed_at)}）" for c in state.history]
        met_at = last.confirmed_at if last is not None and state.status is Status.MET else None
        found.append(_finding(rulebook, state.rule.id, state.status, met_at=met_at, looked_at=looked, note=state.note))
    found += [_omission_finding(case, rulebook, r) for r in omission_rules(rulebook) if r.id in applicable]
    found += [_option_finding(case, rulebook, r) for r in option_rules(rulebook) if r.id in applicable]
    return [f for f in found if f is not None]
