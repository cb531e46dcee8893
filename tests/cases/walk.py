"""A penalty case walked phase by phase through the real services, on a fixed timeline after ``steps.MONDAY``
(the case opened that Monday): the records of each phase made and signed by whoever must sign them, then the
step to the next phase — for tests that need a case in a given phase, or the whole walk."""

from __future__ import annotations

from datetime import datetime, timedelta

from lawtrace import clock
from lawtrace.cases import services
from lawtrace.cases.models import Case
from lawtrace.errors import Refused
from lawtrace.ledger.models import Entry
from lawtrace.orgs.models import Role
from lawtrace.records import services as records
from lawtrace.records.models import Record
from tests.cases.record_content import filled
from tests.cases.steps import MONDAY, _drafted, _opened_case, _signed, _signer, confirm_formats
from tests.factories import make_person

# The timeline: investigation on day 1, the rights notice on day 2 and the party heard on day 3, the legal review
# on day 4, the decision on day 12 (after the 5 working days to ask for a hearing, APL-64), execution from day 15.
INVESTIGATED = MONDAY + timedelta(days=1)
NOTIFIED = MONDAY + timedelta(days=2)
HEARD = MONDAY + timedelta(days=3)
REVIEWED = MONDAY + timedelta(days=4)
DECIDED = MONDAY + timedelta(days=12)
SERVED = MONDAY + timedelta(days=15)
EXECUTED = MONDAY + timedelta(days=20)
CLOSED = MONDAY + timedelta(days=22)


def opened(rulebook: str, case_type: str) -> tuple[dict, Case]:
    """``steps._opened_case``, typed: a case of the type opened on ``MONDAY`` under the rulebook."""
    s, case = _opened_case(rulebook, case_type)
    assert isinstance(case, Case)
    return s, case


def signed(s: dict, case: Case, kind: str, moment: datetime, **given: object) -> Record:
    """``steps._signed``, typed: a record of the kind made and signed by whoever must sign it."""
    record = _signed(s, case, kind, moment, **given)
    assert isinstance(record, Record)
    return record


def advance(s: dict, case: Case, moment: datetime, actor: object | None = None) -> Case:
    with clock.frozen_at(moment):
        return services.advance_phase(actor=actor or s["officer"], case=case)  # type: ignore[arg-type]


def investigate(s: dict, case: Case) -> Case:
    """调查取证: a signed inquiry transcript, then 审查决定."""
    _signed(s, case, "inquiry_transcript", INVESTIGATED)
    return advance(s, case, INVESTIGATED + timedelta(hours=2))


def notify_and_hear(s: dict, case: Case, **statement: object) -> None:
    """The APL-44 notice, then the party's statement (or, with ``waived=True``, its waiver)."""
    _signed(s, case, "rights_notice", NOTIFIED, served_at=NOTIFIED.isoformat())
    heard = {"review_opinion": "经复核，当事人提出的事实、理由不成立，不予采纳"} | statement
    _signed(s, case, "statement_defence_record", HEARD, **heard)


def legal_review(s: dict, case: Case) -> None:
    """法制审核 by a legal reviewer who does not handle the case (APL-58)."""
    reviewer = s.get("reviewer") or make_person(s["county"], Role.LEGAL_REVIEWER)
    s["reviewer"] = reviewer
    content = filled(
        case, "legal_review_opinion", reviewer, REVIEWED, passed=True, reviewer_qualification="A20151100000001"
    )
    with clock.frozen_at(REVIEWED + timedelta(minutes=1)):
        draft = records.add_record(
            actor=reviewer, case=case, kind="legal_review_opinion", occurred_at=REVIEWED, content=content
        )
        records.sign_record(actor=reviewer, record=draft)
    confirm_formats(s, case, REVIEWED + timedelta(hours=1))  # WS-3b, where the rulebook has it


def decide(s: dict, case: Case, **decision: object) -> Record:
    """The head signs the penalty decision (a 100-yuan fine unless ``fine_fen`` says otherwise)."""
    return signed(s, case, "penalty_decision", DECIDED, **decision)


def to_execution(s: dict, case: Case) -> Case:
    """Investigated, notified and heard, reviewed and decided: the case enters 送达执行."""
    case = investigate(s, case)
    notify_and_hear(s, case)
    legal_review(s, case)
    decide(s, case)
    return advance(s, case, DECIDED + timedelta(hours=2))


def serve_and_execute(s: dict, case: Case) -> None:
    """The decision served directly and the fine paid."""
    _signed(s, case, "service_receipt", SERVED, mode="direct")
    _signed(s, case, "execution_record", EXECUTED, result="complied")


def attempt(s: dict, case: Case, kind: str, moment: datetime, **given: object) -> Refused | None:
    """Draft a record of the kind at ``moment`` and try to sign it then, with nothing built for it beforehand: the
    refusal — after which the draft is still a draft and no ledger entry was written — or None once signed."""
    s["by_hand"] = True
    draft = _drafted(s, case, kind, moment, **given)
    assert isinstance(draft, Record)
    before = Entry.objects.count()
    try:
        with clock.frozen_at(moment + timedelta(minutes=2)):
            records.sign_record(actor=_signer(s, kind), record=draft)  # type: ignore[arg-type]
    except Refused as refusal:
        draft.refresh_from_db()
        assert draft.status == Record.Status.DRAFT and Entry.objects.count() == before
        return refusal
    return None


def notify(s: dict, case: Case, moment: datetime = NOTIFIED, **given: object) -> Record:
    """The rights notice, served the same day (APL-44, APL-64: the request period runs from the service)."""
    return signed(s, case, "rights_notice", moment, served_at=moment.isoformat(), **given)


def hear(s: dict, case: Case, moment: datetime = HEARD, **given: object) -> Record:
    """The party's statement, reviewed (APL-45)."""
    return signed(s, case, "statement_defence_record", moment, **({"review_opinion": "经复核，不予采纳"} | given))
