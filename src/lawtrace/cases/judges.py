"""The judges of acts: for each rule that governs an act, one pure function of the case's facts.

A rulebook gate says ``before: <action>, condition: <name>``; ``ACT_RECORDS`` says which signed record performs each
action (签发行政处罚决定 is signing the 行政处罚决定书). The judge named by the condition reads the facts *as they
stood at the act* — only records signed, and dated, before it (``CaseFacts.as_of``) — and the act's own record, and
returns what is wrong, or None when the rule is met. The same function is used twice:

- ``verdicts_at_signing``: when the record is signed (under the case's row lock) a verdict refuses the signature
  with the rule's ID and nothing is written; while it is a draft, the same verdicts are shown as warnings;
- ``findings``: on the case page and the dashboards, each act already performed is judged as of its own moment —
  an act done too early (before this check existed, or by data written around the services) is a finding.

The phase change only collects: it asks whether the act happened and what its verdicts were (``gates.blockers``).
Judges never query the database and never raise on stored data: an unreadable value is an unmet condition.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from lawtrace.cases.court_window import CourtWindow, court_window
from lawtrace.cases.facts import CaseFacts, RecordFact
from lawtrace.cases.record_judges import RECORD_JUDGES
from lawtrace.rulebook.calendar import SHANGHAI, Due, WorkingCalendar
from lawtrace.rulebook.deadlines import Status
from lawtrace.rulebook.loader import Rulebook

# The record whose signature performs each action that gates are attached to.
ACT_RECORDS: dict[str, tuple[str, ...]] = {
    "notify_rights": ("rights_notice",),
    "sign_decision": ("penalty_decision",),
    "make_onsite_decision": ("onsite_penalty_decision",),
    "close_case": ("closing_report",),
    "apply_court_enforcement": ("court_enforcement_application",),
}
ACTIONS_OF_KIND: dict[str, tuple[str, ...]] = {}
for _action, _kinds in ACT_RECORDS.items():
    for _kind in _kinds:
        ACTIONS_OF_KIND[_kind] = (*ACTIONS_OF_KIND.get(_kind, ()), _action)


@dataclass(frozen=True)
class Judging:
    """What a judge may read besides the facts: the rulebook version and the working calendar."""

    rulebook: Rulebook
    calendar: WorkingCalendar


# A judge: (facts before the act, the act, judging) → what is wrong, or None when met.
Judge = Callable[[CaseFacts, RecordFact, Judging], str | None]


@dataclass(frozen=True)
class Verdict:
    rule_id: str
    message: str
    act: RecordFact

    def __str__(self) -> str:
        return f"{self.rule_id} {self.message}"


def _fmt(moment: datetime) -> str:
    from django.utils import timezone

    return f"{timezone.localtime(moment):%Y年%m月%d日 %H:%M}"


# -- the decision chain: notice → statement/hearing → legal review → collective discussion → decision ---------------


def investigated(facts: CaseFacts, act: RecordFact | None, j: Judging) -> str | None:
    """IMR-9 / WS-11: the rights notice follows an investigation on record (a signed questioning or inspection)."""
    if facts.of_kind("inquiry_transcript", "onsite_inspection_record"):
        return None
    return "告知前须有已签署的询问（调查）笔录或现场检查（勘验）笔录"


def rights_notified_and_party_heard(facts: CaseFacts, act: RecordFact, j: Judging) -> str | None:
    """APL-62 (with APL-44/45): before the decision the notice was signed and served, and the party was heard
    after it — a statement record made after the notice, or the party's recorded waiver. On the spot (简易程序) the
    decision itself records that the rights were told and the party heard."""
    if act.kind == "onsite_penalty_decision":
        return None if act.flag("rights_told") else "当场处罚须当场告知违法事实、处罚理由和依据并听取陈述、申辩"
    notice = facts.latest("rights_notice")
    if notice is None:
        return "尚无已签署的行政处罚事先告知书"
    served = facts.served_at(notice)
    if served is None:
        return f"行政处罚事先告知书（{notice.number or notice.pk}）尚未送达当事人"
    heard = [
        s
        for s in facts.of_kind("statement_defence_record")
        if (s.moment("stated_at") or s.occurred_at) >= min(served, notice.occurred_at)
    ]
    if not heard:
        return "尚未听取当事人的陈述、申辩（或记录其明确放弃）：陈述、申辩笔录须在告知之后"
    return None


def hearing_request_period_over(facts: CaseFacts, act: RecordFact, j: Judging) -> str | None:
    """APL-64: the party may ask for a hearing within the rulebook's working days from the day the notice was
    *served*; no decision before that period has run out, unless the party waived the hearing or one was held."""
    if act.kind == "onsite_penalty_decision":
        return None  # the on-the-spot limits (APL-51) lie below every hearing threshold (APL-63)
    notice = facts.latest("rights_notice")
    if notice is None or not notice.flag("hearing_right"):
        return None  # no hearing right told (APL-63 judges whether it had to be)
    if facts.has("hearing_transcript"):
        return None
    if any(s.flag("waived") or s.flag("hearing_waived") for s in facts.of_kind("statement_defence_record")):
        return None
    served = facts.served_at(notice)
    if served is None:
        return "告知听证权利的事先告知书尚未送达，申请听证的期限尚未起算"
    days = int(j.rulebook.param("APL-64", "request_days"))
    ends = j.calendar.add_working_days(served, days).at
    if act.when() <= ends:
        return f"当事人申请听证的期限（送达后{days}个工作日）至{_fmt(ends)}届满，届满前不得作出决定"
    return None


def statements_reviewed_and_not_heavier(facts: CaseFacts, act: RecordFact, j: Judging) -> str | None:
    """APL-45: what the party stated was reviewed (复核意见 recorded), and the decided fine is not heavier than
    the one the notice gave."""
    for statement in facts.of_kind("statement_defence_record"):
        if statement.flag("waived"):
            continue
        if not str(statement.content.get("review_opinion") or "").strip():
            return f"当事人提出陈述、申辩的，须记录复核意见（{statement.label()}）"
    notice = facts.latest("rights_notice")
    if notice is None:
        return None
    intended, decided = notice.amount("intended_fine_fen"), act.amount("fine_fen")
    if intended is not None and decided is not None and decided > intended:
        return f"决定罚款{decided / 100:,.2f}元，重于事先告知的{intended / 100:,.2f}元"
    return None


def _fine(facts: CaseFacts, act: RecordFact) -> int:
    notice = facts.latest("rights_notice")
    amounts = [a for a in (act.amount("fine_fen"), notice.amount("intended_fine_fen") if notice else None) if a]
    return max(amounts, default=0)


def collective_discussion_when_required(facts: CaseFacts, act: RecordFact, j: Judging) -> str | None:
    """APL-57: a penalty for a complicated case (情节复杂) or a serious violation — by the rulebook's amounts — is
    decided by the heads' collective discussion, recorded before the decision."""
    if act.content.get("outcome") not in (None, "", "penalty"):
        return None
    key = "collective_fine_natural_person_fen" if facts.any_natural_party else "collective_fine_legal_person_fen"
    threshold = int(j.rulebook.param("APL-57", key))
    complex_case = bool(act.flag("complex_or_serious"))
    if not complex_case and _fine(facts, act) < threshold:
        return None
    if facts.has("collective_discussion"):
        return None
    why = "情节复杂或者重大违法" if complex_case else f"罚款达到{threshold / 100:,.0f}元"
    return f"{why}，须先由负责人集体讨论决定（尚无已签署的集体讨论记录）"


def hearing_right_notified_when_required(facts: CaseFacts, act: RecordFact, j: Judging) -> str | None:
    """APL-63: the larger fines and the heavier penalties (the rulebook's list) need the hearing right told in
    the notice; a hearing the party asked for must be held before the decision."""
    key = "fine_natural_person_fen" if facts.natural_parties_only else "fine_legal_person_fen"
    heavy = [str(t) for t in j.rulebook.param("APL-63", "heavy_penalty_types") or []]
    penalty = str(act.content.get("penalty_type_and_basis") or "")
    notice = facts.latest("rights_notice")
    intended = str(notice.content.get("intended_penalty") or "") if notice else ""
    needs = _fine(facts, act) >= int(j.rulebook.param("APL-63", key)) or any(
        t and (t in penalty or t in intended) for t in heavy
    )
    if needs and not (notice and notice.flag("hearing_right")):
        return "拟作出较大数额罚款或者较重处罚的，事先告知书须告知当事人有要求听证的权利"
    if (
        facts.has("hearing_application")
        and not facts.has("hearing_transcript")
        and not facts.has("hearing_refusal_notice")
    ):
        return "当事人要求听证的，应当组织听证（尚无听证笔录）"
    return None


def decision_follows_hearing_transcript(facts: CaseFacts, act: RecordFact, j: Judging) -> str | None:
    """APL-65: where a hearing was held, the decision comes after its transcript and the chair's report."""
    if facts.has("hearing_transcript") and not facts.has("hearing_report"):
        return "经过听证的，须在听证报告提交后根据听证笔录作出决定"
    return None


def legal_review_passed_when_required(facts: CaseFacts, act: RecordFact, j: Judging) -> str | None:
    """APL-58 (our reading for 医保 penalty cases under the general procedure: always reviewed): a review signed
    before the decision, passed, by its maker — a legal reviewer who is not a handler — with the reviewer's
    legal qualification recorded where the rulebook requires it (初次从事法制审核的人员: the system cannot tell a
    first review from a later one, so it asks every time)."""
    if facts.case_type != "penalty" or facts.procedure != "general":
        return None
    reviews = facts.of_kind("legal_review_opinion")
    if not reviews:
        return "尚无已签署的法制审核意见"
    review = max(reviews, key=lambda r: (r.when(), r.pk))
    if review.flag("passed") is not True:
        return "法制审核未通过，不得作出决定"
    named = str(review.content.get("reviewer") or "")
    if named and named != str(review.created_by):
        return "法制审核意见载明的审核人应为制作该意见的法制审核人员本人"
    if review.created_by in facts.handlers:
        return "法制审核人员不得为本案承办人"
    rule = j.rulebook.rule("APL-58")
    wants = "first_reviewer_needs_qualification" in rule.params and rule.param("first_reviewer_needs_qualification")
    if wants and not str(review.content.get("reviewer_qualification") or "").strip():
        return "法制审核意见须载明审核人的法律职业资格证书编号"
    return None


def closing_requirements_met(facts: CaseFacts, act: RecordFact, j: Judging) -> str | None:
    """NHSA-CLOSE: the decision itself served (summary cases: handed over on the spot), execution complete — the
    latest execution record says complied or taken over by the court, or the court applied to — and, for a fine,
    the amounts paid add up to it when 'executed' is the ground."""
    if facts.procedure == "summary":
        if not facts.has("onsite_penalty_decision"):
            return "尚无当场行政处罚决定书"
    else:
        decision = facts.latest("penalty_decision")
        if decision is None and facts.case_type == "penalty" and facts.status not in ("terminated", "transferred"):
            return "尚无已签署的行政处罚决定书"
        if decision is not None and facts.served_at(decision) is None:
            return f"行政处罚决定书（{decision.number or decision.pk}）尚未送达"
        if decision is not None and decision.content.get("outcome") in ("no_penalty", "referral"):
            return None
        if decision is None and act.content.get("ground") in ("no_execution", "terminated"):
            return None  # an inspection without findings, a case terminated: nothing to execute
    if facts.has("court_enforcement_application"):
        return None
    execution = facts.latest("execution_record")
    if execution is None or execution.content.get("result") not in ("complied", "court"):
        return "执行尚未完毕（最近的执行情况记录须为已履行或已申请法院强制执行）"
    decisions = facts.of_kind("penalty_decision", "onsite_penalty_decision")
    fine = max((d.amount("fine_fen") or 0 for d in decisions), default=0)
    paid = sum(p.amount("amount_fen") or 0 for p in facts.of_kind("fine_payment", "onspot_collection"))
    if act.content.get("ground") == "executed" and fine and paid < fine:
        return f"罚款{fine / 100:,.2f}元，已缴纳{paid / 100:,.2f}元，与“执行完毕”不符"
    return None


# -- the court application (CEL-54, CEL-53; the materials of 《行政强制法》第五十五条) ---------------------------------


def _enforced_decision(facts: CaseFacts) -> RecordFact | None:
    """The decision the court is asked to enforce: the latest signed one that imposes a penalty."""
    found = [
        r
        for r in facts.of_kind("penalty_decision", "onsite_penalty_decision")
        if r.content.get("outcome") in (None, "", "penalty")
    ]
    return max(found, key=lambda r: (r.when(), r.pk)) if found else None


def _decision_served(facts: CaseFacts, decision: RecordFact) -> datetime | None:
    if decision.kind == "onsite_penalty_decision":  # handed over when made (APL-52)
        return decision.moment("decided_at") or decision.when()
    return facts.served_at(decision)


def _ends(due: Due) -> str:
    """A period's end as the law says it: its last day, 24时."""
    return f"{due.last_day.year}年{due.last_day.month}月{due.last_day.day}日24时"


def _applied(act: RecordFact) -> datetime:
    """When the application was made: its stated 申请时间, never later than its signature (a time typed in the
    future does not move the act past a period)."""
    stated = act.moment("applied_at")
    return min(stated, act.when()) if stated is not None else act.when()


def _window(facts: CaseFacts, decision: RecordFact, j: Judging) -> CourtWindow | None:
    served = _decision_served(facts, decision)
    if served is None:
        return None
    deferrals = [
        day
        for r in facts.of_kind("deferred_payment_approval")
        if r.flag("approved") and (m := r.moment("deferred_until")) is not None
        for day in [m.astimezone(SHANGHAI).date()]
    ]
    return court_window(j.rulebook, j.calendar, served, max(deferrals) if deferrals else None)


def unpaid_fine_fen(facts: CaseFacts, decision: RecordFact, until: datetime) -> int:
    """The fine still unpaid at ``until``: the decided fine less what the recorded payments paid of it (a payment's
    加处罚款 part is not the fine)."""
    paid = 0
    for payment in facts.of_kind("fine_payment", "onspot_collection"):
        at = payment.moment("paid_at") or payment.moment("collected_at")
        if at is not None and at <= until:
            paid += (payment.amount("amount_fen") or 0) - (payment.amount("surcharge_fen") or 0)
    return max(0, (decision.amount("fine_fen") or 0) - paid)


def _pending_challenge(facts: CaseFacts, moment: datetime) -> RecordFact | None:
    """A review or suit (行政复议、行政诉讼情况) begun by ``moment`` and not concluded on that day."""
    day = moment.astimezone(SHANGHAI).date()
    for record in facts.of_kind("review_or_litigation"):
        start, end = record.moment("start_on"), record.moment("end_on")
        if start is None or start.date() > day:
            continue
        if end is None or end.date() >= day:
            return record
    return None


def court_application_lawful(facts: CaseFacts, act: RecordFact, j: Judging) -> str | None:
    """CEL-54 (with CEL-53's premise): the court is applied to only for a party who neither complied nor
    challenged the decision in time — the review period (``review_days``) and the lawsuit period
    (``lawsuit_months``) from the decision's service have both run out, no review or suit is pending — after a
    reminder was served and its working days passed, for the fine still unpaid; and the application carries the
    materials 《行政强制法》第五十五条 lists (the decision, the reminder, the party's opinion, what is to be
    enforced). The head's signature is ``records.SIGNERS``'."""
    decision = _enforced_decision(facts)
    if decision is None:
        return "尚无已签发的罚款决定，无可申请强制执行的行政决定"
    window = _window(facts, decision, j)
    if window is None:
        return f"{decision.label()}尚未送达，当事人申请复议、提起诉讼的期限尚未起算"
    applied = _applied(act)
    problems: list[str] = []
    if applied <= window.opens_after:
        parts = [f"提起行政诉讼的期限至{_ends(window.lawsuit_ends)}届满"]
        if window.review_ends is not None:
            parts.insert(0, f"申请行政复议的期限至{_ends(window.review_ends)}届满")
        if window.deferred_until is not None and window.opens_after > window.lawsuit_ends.at:
            day = window.deferred_until
            parts.append(f"批准暂缓或分期缴纳的期限至{day.year}年{day.month}月{day.day}日届满")
        problems.append("、".join(parts) + "，届满前当事人仍可申请复议或起诉，不得申请人民法院强制执行")
    if (challenge := _pending_challenge(facts, applied)) is not None:
        what = "行政复议" if challenge.content.get("reason") == "administrative_review" else "行政诉讼"
        problems.append(f"当事人已申请{what}（{challenge.content.get('start_on')}起）尚未终结，不得申请非诉强制执行")
    reminders = [(at, r) for r in facts.of_kind("enforcement_reminder") if (at := facts.served_at(r)) is not None]
    reminders = [(at, r) for at, r in reminders if at <= applied]
    reminder = max(reminders, key=lambda pair: pair[0])[1] if reminders else None
    if reminder is None:
        problems.append("申请前应当催告当事人履行义务（尚无已送达的催告书）")
    else:
        deadline = j.rulebook.rule("CEL-54").deadline
        days = deadline.length if deadline is not None and deadline.length else 10
        waited = j.calendar.add_working_days(min(at for at, _ in reminders), days)
        if applied <= waited.at:
            problems.append(f"催告书送达{days}个工作日后当事人仍未履行的，方可申请（{_ends(waited)}以后）")
    unpaid = unpaid_fine_fen(facts, decision, applied)
    asked = act.amount("amount_fen")
    if unpaid <= 0:
        problems.append("罚款已经缴清，无须申请强制执行")
    elif asked is not None and not 0 < asked <= unpaid:
        problems.append(f"申请强制执行的罚款数额{asked / 100:,.2f}元，应为尚未缴纳的部分（{unpaid / 100:,.2f}元）以内")
    problems += _court_materials(act, decision, reminder)
    return "；".join(problems) if problems else None


def _court_materials(act: RecordFact, decision: RecordFact, reminder: RecordFact | None) -> list[str]:
    """《行政强制法》第五十五条: the application names the decision and the reminder it rests on, states the
    party's opinion (that the party gave none is an answer too) and what is to be enforced."""
    missing = []
    named = str(act.content.get("decision_number") or "").strip()
    if decision.number and named != decision.number:
        missing.append(f"行政决定书（应载明{decision.number}）")
    if reminder is not None and reminder.number:
        if str(act.content.get("reminder_number") or "").strip() != reminder.number:
            missing.append(f"催告情况（应载明催告书{reminder.number}）")
    if not str(act.content.get("party_opinion") or "").strip():
        missing.append("当事人的意见")
    if act.amount("amount_fen") is None:
        missing.append("申请强制执行标的（罚款数额）")
    if not missing:
        return []
    return ["申请人民法院强制执行应当提供：" + "、".join(missing) + "（《中华人民共和国行政强制法》第五十五条）"]


def court_application_in_time(facts: CaseFacts, act: RecordFact, j: Judging) -> str | None:
    """CEL-53: the application is made within the months after the party's time to sue expired (or a later
    deferral's end); a late one is refused — the court would not take it, and no later record cures it."""
    decision = _enforced_decision(facts)
    window = _window(facts, decision, j) if decision is not None else None
    if window is None:
        return None  # CEL-54 says what is missing
    if _applied(act) > window.application_due.at:
        due = window.application_due
        return f"申请人民法院强制执行的期限已于{_ends(due)}届满（{due.text_zh()}），不得再申请"
    return None


# -- APL-42 / FUND-29: every questioning by at least the rulebook's number of officers ------------------------------


def _officers_named(act: RecordFact) -> int:
    """The distinct officers a record names (its 询问人 / 检查人); anything unreadable counts for nobody."""
    listed = act.content.get("officers")
    if not isinstance(listed, list):
        return 0
    return len({str(p).strip() for p in listed if str(p).strip()})


def enough_officers_questioning(facts: CaseFacts, act: RecordFact, j: Judging) -> str | None:
    """APL-42: a penalty case's every questioning (询问笔录) is done by at least ``min_officers`` officers — the
    record names them (the form offers the case's handlers only, each checked for a valid certificate when
    assigned). Other case types: FUND-29 judges a fund inspection's questioning by its own number."""
    if facts.case_type != "penalty":
        return None
    minimum = int(j.rulebook.param("APL-42", "min_officers"))
    if (named := _officers_named(act)) < minimum:
        return f"询问应当由不少于{minimum}名执法人员进行（本笔录载明询问人{named}名）"
    return None


def enough_inspectors_questioning(facts: CaseFacts, act: RecordFact, j: Judging) -> str | None:
    """FUND-29: a fund inspection's questioning is done by at least its own ``min_inspectors``."""
    if facts.case_type != "inspection":
        return None
    minimum = int(j.rulebook.param("FUND-29", "min_inspectors"))
    if (named := _officers_named(act)) < minimum:
        return f"医疗保障基金使用监督检查人员不得少于{minimum}人（本笔录载明询问人{named}名）"
    return None


JUDGES: dict[str, Judge] = {
    "rights_notified_and_party_heard": rights_notified_and_party_heard,
    "hearing_request_period_over": hearing_request_period_over,
    "statements_reviewed_and_not_heavier": statements_reviewed_and_not_heavier,
    "collective_discussion_when_required": collective_discussion_when_required,
    "hearing_right_notified_when_required": hearing_right_notified_when_required,
    "decision_follows_hearing_transcript": decision_follows_hearing_transcript,
    "legal_review_passed_when_required": legal_review_passed_when_required,
    "closing_requirements_met": closing_requirements_met,
}
# Judges the rulebooks do not name as gates but the law attaches to an act: (rule IDs to cite, first present wins).
BUILT_IN: dict[str, list[tuple[tuple[str, ...], Judge]]] = {
    "rights_notice": [(("IMR-9", "WS-11"), investigated)],
}
JUDGES["not_complied_nor_challenged_and_reminded"] = court_application_lawful  # CEL-54
BUILT_IN["court_enforcement_application"] = [(("CEL-53",), court_application_in_time)]
BUILT_IN["inquiry_transcript"] = [  # APL-42 / FUND-29: questioning by two officers at least
    (("APL-42",), enough_officers_questioning),
    (("FUND-29",), enough_inspectors_questioning),
]
# What the act's own record says — its signatures (WS-16 / IMR-16, APL-55, CEL-24)…: judged in
# ``cases.record_judges``, joined here by record kind.
for _kind, _record_judges in RECORD_JUDGES.items():
    BUILT_IN.setdefault(_kind, []).extend(_record_judges)


def _gates_for(kind: str, rulebook: Rulebook, case_type: str, procedure: str) -> list[tuple[str, str, Judge]]:
    """(rule ID, gate message, judge) for every judged gate on the actions this record kind performs."""
    actions = ACTIONS_OF_KIND.get(kind, ())
    found: list[tuple[str, str, Judge]] = []
    for cited, built_in in BUILT_IN.get(kind, []):
        rule_id = next((r for r in cited if r in rulebook), None)
        if rule_id is not None:
            found.append((rule_id, "", built_in))
    if not actions:
        return found
    for rule in rulebook.rules_for(case_type, procedure):
        for gate in [g for g in [rule.gate, *rule.additional_gates] if g is not None]:
            if gate.before in actions and (judge := JUDGES.get(gate.condition)) is not None:
                found.append((rule.id, str(gate.message), judge))
    return found


def judge_act(facts: CaseFacts, act: RecordFact, judging: Judging) -> list[Verdict]:
    """Every unmet rule for ``act`` given the facts as they stood at it (``facts`` already narrowed)."""
    verdicts = []
    for rule_id, _message, judge in _gates_for(act.kind, judging.rulebook, facts.case_type, facts.procedure):
        if (problem := _judged(judge, facts, act, judging)) is not None:
            verdicts.append(Verdict(rule_id, problem, act))
    return verdicts


def _judged(judge: Judge, facts: CaseFacts, act: RecordFact, judging: Judging) -> str | None:
    """The judge's answer; a parameter or a stored value it cannot read is an unmet rule, never an exception."""
    try:
        return judge(facts, act, judging)
    except (KeyError, ValueError, TypeError) as e:
        return f"无法判断（{e.__class__.__name__}）"


def verdicts_at_signing(facts: CaseFacts, act: RecordFact, judging: Judging) -> list[Verdict]:
    """The verdicts on signing ``act`` now: the facts signed before now, and dated no later than the act."""
    return judge_act(facts.as_of(facts.moment, act), act, judging)


@dataclass(frozen=True)
class ActJudgement:
    rule_id: str
    status: Status
    act: RecordFact
    note: str


def judged_acts(facts: CaseFacts, judging: Judging) -> list[ActJudgement]:
    """For every act already performed (a signed record that performs a gated action), each of its rules judged as
    of the act's own signature: met, or missing with what was wrong then."""
    out: list[ActJudgement] = []
    for act in facts.records:
        gates = _gates_for(act.kind, judging.rulebook, facts.case_type, facts.procedure)
        if not gates:
            continue
        before = facts.as_of(act.when(), act)
        for rule_id, _message, judge in gates:
            problem = _judged(judge, before, act, judging)
            status = Status.MET if problem is None else Status.MISSING
            note = "" if problem is None else f"{act.name}签署时：{problem}"
            out.append(ActJudgement(rule_id, status, act, note))
    return out
