"""Gates: what must hold before a step, as the rulebook says (``gate: {before: <action>, condition: <name>}``).

The rulebook names the condition; this module knows how to check each named condition against the case's rows.
A step is refused with every unmet gate's rule ID and Chinese message. Conditions not implemented yet are left to
the person (they appear in the rulebook's checklist), never silently treated as met: they are simply not listed
among the automatic gates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lawtrace import clock
from lawtrace.cases.facts import facts_of
from lawtrace.cases.judges import ACT_RECORDS, JUDGES, Judging, investigated, judge_act
from lawtrace.cases.models import Case, Phase, Procedure
from lawtrace.rulebook.loader import Rulebook
from lawtrace.rulebook.loader import at as rulebook_at
from lawtrace.rulebook.overrides import working_calendar


@dataclass(frozen=True)
class Blocker:
    rule_id: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule_id} {self.message}"


def _signed(case: Case, kind: str):  # type: ignore[no-untyped-def]
    """The latest signed record of a kind (a correction supersedes its original)."""
    return case.records.filter(kind=kind, status="signed").order_by("-signed_at", "-pk").first()


def _opening_approved(case: Case, rulebook: Rulebook) -> bool:
    return case.opened_at is not None and case.approvals.filter(step="bureau_head", approve=True).exists()


def _decision_complete(case: Case, rulebook: Rulebook) -> bool:
    if case.procedure == Procedure.SUMMARY:
        return _signed(case, "onsite_penalty_decision") is not None
    return _signed(case, "penalty_decision") is not None


CONDITIONS: dict[str, Callable[[Case, Rulebook], bool]] = {
    "opening_approved_by_head": _opening_approved,
    "decision_records_complete": _decision_complete,
}

# Gate conditions the rulebooks name that are checked where their action happens rather than by ``blockers``:
# condition → where. A test holds every condition of the shipped rulebooks to be here, in CONDITIONS, or in
# NOT_YET_CHECKED — a gate no code checks is listed, never silently passed.
CHECKED_ELSEWHERE: dict[str, str] = {
    "within_limitation_period": "cases.services.register_case (APL-36)",
    "enough_certified_handlers": "cases.services.register_case / add_handler (APL-42)",
    "two_handlers_remain_after_recusal": "cases.services.recuse_handler (APL-43)",
    "reviewer_is_not_handler": "records.services.MAKERS: the legal review by a reviewer who is no handler (APL-58)",
    "certificates_shown_recorded": "the record kinds' required field certificates_shown (APL-55, IMR-9)",
    "extension_approved": "records.SIGNERS + record_effects._check_extension (NHSA-EXT)",
    "suspension_approved_by_head": "records.SIGNERS: the head signs the suspension (NHSA-SUSPEND)",
    "no_decision_made_yet": "record_effects.check_before_signing: termination (NHSA-SUSPEND)",
    "summary_procedure_allowed": "record_effects._check_summary_procedure (APL-51, NHSA-SUMMARY)",
    "chair_did_not_investigate": "record_effects._check_hearing (APL-64)",
    "hearing_notified_in_time": "record_effects._check_hearing (APL-64)",
    "electronic_service_confirmed": "record_effects._check_electronic_service (APL-61)",
    "party_applied_in_writing": "execution._check_deferral: the written application, then the head's approval (APL-66)",
    "redaction_reviewed": "disclosure.services.publish (IMD-8)",
    "masking_applied_and_publishable": "disclosure.services: masking and withholding before publication (PUB-MASK)",
    "preservation_approved_by_head": "records.SIGNERS: the head signs the preservation notice (APL-56)",
    "coercive_measure_procedure_followed": "record_effects._check_officers_present (CEL-18)",
    "enough_certified_officers_present": "record_effects._check_officers_present (APL-42, FUND-29)",
    "onsite_collection_allowed": "record_effects._check_onspot_collection (APL-68)",
    "official_receipt_number_recorded": "onspot_collection's required receipt_number (APL-70)",
    # APL-73: review or suit stops neither the reminder nor the court application; only the review body's or the
    # court's recorded decision to stop execution (review_or_litigation.execution_suspended) does, while it stands.
    "execution_not_suspended_by_review": "execution._check_not_stopped (APL-73)",
}
# Named by the rulebooks, not yet checked by any code.
NOT_YET_CHECKED: frozenset[str] = frozenset()


# Entering each phase is a step; its gates are those the rulebook attaches to the matching action.
PHASE_ACTIONS = {Phase.DECISION: "notify_rights", Phase.EXECUTION: "sign_decision", Phase.CLOSED: "close_case"}
NEXT_PHASE = {Phase.INVESTIGATION: Phase.DECISION, Phase.DECISION: Phase.EXECUTION, Phase.EXECUTION: Phase.CLOSED}


def blockers(case: Case, action: str) -> list[Blocker]:
    """What stands in the way of the phase step ``action``. The step only collects: the acts it rests on were
    judged when their records were signed (``cases.judges``); here each is judged again as of its own signature,
    so an act performed too early is never carried forward by a later record."""
    rulebook = rulebook_at(case.rulebook, case.rulebook_version)
    facts = facts_of(case, now=clock.now())
    judging = Judging(rulebook, working_calendar())
    found: list[Blocker] = []
    if action == "notify_rights" and (problem := investigated(facts, None, judging)):
        found.append(Blocker("IMR-9" if "IMR-9" in rulebook else "WS-11", problem))
    judged: list[tuple[str, str]] = []
    for rule in rulebook.rules_for(case.case_type, case.procedure):
        for gate in [g for g in [rule.gate, *rule.additional_gates] if g is not None]:
            if gate.before != action:
                continue
            if (check := CONDITIONS.get(gate.condition)) is not None and not check(case, rulebook):
                found.append(Blocker(rule.id, str(gate.message)))
            elif gate.condition in JUDGES:
                judged.append((rule.id, str(gate.message)))
    acts = [r for r in facts.records if r.kind in ACT_RECORDS.get(action, ())]
    if judged and not acts and action != "sign_decision":  # the decision's absence is decision_records_complete's
        found.append(Blocker(judged[0][0], f"尚无已签署的{_kind_name(rulebook, ACT_RECORDS[action][0])}"))
    if acts:
        act = max(acts, key=lambda r: (r.when(), r.pk))
        found += [Blocker(v.rule_id, v.message) for v in judge_act(facts.as_of(act.when(), act), act, judging)]
    return _unique(found)


def _kind_name(rulebook: Rulebook, kind: str) -> str:
    try:
        return str(rulebook.record_kind(kind).name)
    except KeyError:
        return kind


def _unique(found: list[Blocker]) -> list[Blocker]:
    seen: set[tuple[str, str]] = set()
    out = []
    for blocker in found:
        if (blocker.rule_id, blocker.message) not in seen:
            seen.add((blocker.rule_id, blocker.message))
            out.append(blocker)
    return out


def next_step(case: Case) -> tuple[Phase, list[Blocker]] | None:
    """The next phase and what still stands in its way (shown on the case page)."""
    target = NEXT_PHASE.get(Phase(case.phase))
    if target is None:
        return None
    return target, blockers(case, PHASE_ACTIONS[target])
