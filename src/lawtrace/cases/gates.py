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
from lawtrace.cases.models import Case, CaseType, Phase, Procedure
from lawtrace.rulebook.loader import Rulebook
from lawtrace.rulebook.loader import at as rulebook_at


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


def _investigated(case: Case, rulebook: Rulebook) -> bool:
    return any(_signed(case, k) for k in ("inquiry_transcript", "onsite_inspection_record"))


def _rights_notified_and_heard(case: Case, rulebook: Rulebook) -> bool:
    if case.procedure == Procedure.SUMMARY:  # told and heard on the spot, as the decision form records (APL-44)
        decision = _signed(case, "onsite_penalty_decision")
        return bool(decision and decision.content.get("rights_told"))
    return bool(_signed(case, "rights_notice") and _signed(case, "statement_defence_record"))


def _hearing_request_period_over(case: Case, rulebook: Rulebook) -> bool:
    from datetime import datetime

    if case.procedure == Procedure.SUMMARY:
        return True  # the on-the-spot limits (APL-51) lie below every hearing threshold (APL-63): no hearing right

    from lawtrace.rulebook.overrides import working_calendar

    notice = _signed(case, "rights_notice")
    if notice is None:
        return False
    statement = _signed(case, "statement_defence_record")
    if statement and statement.content.get("waived"):
        return True
    issued = notice.content.get("issued_at") or notice.occurred_at.isoformat()
    start = datetime.fromisoformat(issued) if isinstance(issued, str) else notice.occurred_at
    if start.tzinfo is None:
        start = start.replace(tzinfo=notice.occurred_at.tzinfo)
    days = int(rulebook.param("APL-64", "request_days"))
    return clock.now() > working_calendar().add_working_days(start, days).at


def _legal_review_passed(case: Case, rulebook: Rulebook) -> bool:
    """Our reading of APL-58 for 医保 penalty cases under the general procedure: always reviewed; the reviewer is
    not a handler (NHSA)."""
    if case.case_type != CaseType.PENALTY or case.procedure != Procedure.GENERAL:
        return True
    review = _signed(case, "legal_review_opinion")
    if review is None or not review.content.get("passed"):
        return False
    return not case.handlers.filter(user_id=review.content.get("reviewer")).exists()


def _decision_complete(case: Case, rulebook: Rulebook) -> bool:
    if case.procedure == Procedure.SUMMARY:
        return _signed(case, "onsite_penalty_decision") is not None
    return _signed(case, "penalty_decision") is not None


def _not_heavier(case: Case, rulebook: Rulebook) -> bool:
    notice, decision = _signed(case, "rights_notice"), _signed(case, "penalty_decision")
    if not (notice and decision):
        return True
    intended, decided = notice.content.get("intended_fine_fen"), decision.content.get("fine_fen")
    return intended is None or decided is None or int(decided) <= int(intended)


def _collective_when_required(case: Case, rulebook: Rulebook) -> bool:
    decision = _signed(case, "penalty_decision")
    if decision is None or decision.content.get("fine_fen") is None:
        return True
    natural = case.parties.filter(kind="natural").exists()
    key = "collective_fine_natural_person_fen" if natural else "collective_fine_legal_person_fen"
    if int(decision.content["fine_fen"]) < int(rulebook.param("APL-57", key)):
        return True
    return _signed(case, "collective_discussion") is not None


def _hearing_right_notified(case: Case, rulebook: Rulebook) -> bool:
    """APL-63: a fine of the larger amounts (or a heavier penalty) needs the hearing right in the rights notice."""
    notice, decision = _signed(case, "rights_notice"), _signed(case, "penalty_decision")
    intended = (
        max(int(str(r.content.get(k) or 0)) for r in (notice, decision) if r for k in ("intended_fine_fen", "fine_fen"))
        if (notice or decision)
        else 0
    )
    kinds = set(case.parties.values_list("kind", flat=True))
    key = "fine_natural_person_fen" if kinds == {"natural"} else "fine_legal_person_fen"
    if intended < int(rulebook.param("APL-63", key)):
        return True
    return bool(notice and notice.content.get("hearing_right"))


def _decision_follows_hearing(case: Case, rulebook: Rulebook) -> bool:
    """APL-65: where a hearing was held, the decision comes after its transcript and the chair's report."""
    transcript = _signed(case, "hearing_transcript")
    if transcript is None:
        return True
    report = _signed(case, "hearing_report")
    decision = _signed(case, "penalty_decision")
    if report is None:
        return False
    return decision is None or (decision.signed_at or decision.occurred_at) >= (report.signed_at or report.occurred_at)


def _executed(case: Case) -> bool:
    """NHSA-CLOSE: execution complete — the latest execution record says complied (or the court took it over) —
    or the court applied to; a decision with nothing to execute (no penalty, referral) needs only its record."""
    if _signed(case, "court_enforcement_application") is not None:
        return True
    record = _signed(case, "execution_record")
    if record is None:
        return False
    decision = _signed(case, "penalty_decision")
    nothing_to_execute = decision is not None and decision.content.get("outcome") in ("no_penalty", "referral")
    return nothing_to_execute or record.content.get("result") in ("complied", "court")


def _closing_requirements(case: Case, rulebook: Rulebook) -> bool:
    if case.procedure == Procedure.SUMMARY:  # handed over on the spot (APL-52): no separate service
        return _executed(case) and all(_signed(case, k) for k in ("onsite_penalty_decision", "closing_report"))
    return _executed(case) and all(_signed(case, k) for k in ("service_receipt", "closing_report"))


CONDITIONS: dict[str, Callable[[Case, Rulebook], bool]] = {
    "opening_approved_by_head": _opening_approved,
    "rights_notified_and_party_heard": _rights_notified_and_heard,
    "hearing_request_period_over": _hearing_request_period_over,
    "legal_review_passed_when_required": _legal_review_passed,
    "decision_records_complete": _decision_complete,
    "statements_reviewed_and_not_heavier": _not_heavier,
    "collective_discussion_when_required": _collective_when_required,
    "closing_requirements_met": _closing_requirements,
    "hearing_right_notified_when_required": _hearing_right_notified,
    "decision_follows_hearing_transcript": _decision_follows_hearing,
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
    "not_complied_nor_challenged_and_reminded": "record_effects._check_reminded (CEL-54)",
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
    rulebook = rulebook_at(case.rulebook, case.rulebook_version)
    found: list[Blocker] = []
    if action == "notify_rights" and not _investigated(case, rulebook):
        cited = "IMR-9" if "IMR-9" in rulebook else "WS-11"
        found.append(Blocker(cited, "调查取证须有已签署的询问（调查）笔录或现场检查（勘验）笔录"))
    for rule in rulebook.rules_for(case.case_type, case.procedure):
        for gate in [g for g in [rule.gate, *rule.additional_gates] if g is not None]:
            check = CONDITIONS.get(gate.condition)
            if gate.before == action and check is not None and not check(case, rulebook):
                found.append(Blocker(rule.id, str(gate.message)))
    return found


def next_step(case: Case) -> tuple[Phase, list[Blocker]] | None:
    """The next phase and what still stands in its way (shown on the case page)."""
    target = NEXT_PHASE.get(Phase(case.phase))
    if target is None:
        return None
    return target, blockers(case, PHASE_ACTIONS[target])
