"""Every record rule the rulebooks give with fields of their own (a rule's required fields, a service mode's
fields), judged on a real record: one where the record holds them all (met) and one where one is missing (not
met) — parametrised from the rulebook, so a rule added to a rulebook joins these tests by existing.

Where every field the rule asks for is already required by the record's kind, a record without it is refused at
once, citing a rule, and nothing is written — that is the not-met case."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lawtrace import clock
from lawtrace.cases.compliance import HAND_WRITTEN, evaluate
from lawtrace.cases.models import Case
from lawtrace.cases.record_rules import judged_requirements, required_fields
from lawtrace.errors import Refused
from lawtrace.ledger.models import Entry
from lawtrace.records import services as records
from lawtrace.rulebook.deadlines import Status
from lawtrace.rulebook.loader import load
from tests.cases.record_content import filled
from tests.cases.steps import MONDAY, _opened_case, _recorded_on_video, _signer, prepare

pytestmark = pytest.mark.django_db

RULEBOOKS = ("inner-mongolia-2025", "wenshang-2019")
JUDGED = [
    (name, rule_id, index)
    for name in RULEBOOKS
    for rule_id, index in judged_requirements(load(name))
    if rule_id not in HAND_WRITTEN  # APL-36, APL-42…: their own tests in test_compliance.py and test_opening.py
]


def test_the_engine_judges_the_record_rules_of_both_rulebooks() -> None:
    judged = {rule_id for _, rule_id, _ in JUDGED}
    assert {"IMR-17.1", "IMR-17.3", "WS-17.1", "WS-17.3", "IMD-6", "IMR-9", "APL-52"} <= judged
    assert len(judged) >= 30


@pytest.mark.parametrize("complete", [True, False], ids=["met", "not-met"])
@pytest.mark.parametrize(("rulebook", "rule_id", "index"), JUDGED)
def test_record_rule_met_with_its_fields_and_missing_without_one(
    rulebook: str, rule_id: str, index: int, complete: bool
) -> None:
    book = load(rulebook)
    rule = book.rule(rule_id)
    requirement = rule.records[index]
    s, case = _opened_case(rulebook, str(rule.applies_to[0]) if rule.applies_to else "penalty")
    if rule.procedures and case.procedure not in rule.procedures:  # type: ignore[attr-defined]
        # the summary procedure's records (APL-52, APL-68) judged on a case marked so; its own flow is tested apart
        Case.objects.filter(pk=case.pk).update(procedure=rule.procedures[0])  # type: ignore[attr-defined]
        case.refresh_from_db()  # type: ignore[attr-defined]
    moment = MONDAY + timedelta(days=1)
    wanted = required_fields(book, requirement)
    mode = {"mode": requirement.service_mode} if requirement.service_mode else {}
    content = filled(case, requirement.kind, s["officer"], moment, also=wanted, **mode)
    content |= {
        f: str(s["head"].pk) for f in records.SIGNER_FIELDS if f in content and requirement.kind in records.SIGNERS
    }
    kind_required = set(book.record_kind(requirement.kind).required_fields)
    own = [name for name in wanted if name not in kind_required]
    if not complete:
        if not own:  # the kind itself requires every field: a record without one is refused and nothing written
            dropped = next(iter(wanted))
            content.pop(dropped)
            before = Entry.objects.count()
            with clock.frozen_at(moment + timedelta(minutes=1)), pytest.raises(Refused):
                records.add_record(
                    actor=s["officer"], case=case, kind=requirement.kind, occurred_at=moment, content=content
                )
            assert Entry.objects.count() == before
            return
        dropped = own[0]
        content.pop(dropped)
    _recorded_on_video(s, case, requirement.kind, moment)
    content = prepare(s, case, requirement.kind, content, moment)
    with clock.frozen_at(moment + timedelta(minutes=1)):
        record = records.add_record(
            actor=s["officer"], case=case, kind=requirement.kind, occurred_at=moment, content=content
        )
        records.sign_record(actor=_signer(s, requirement.kind), record=record)  # type: ignore[arg-type]
    case.refresh_from_db()  # type: ignore[attr-defined]
    finding = next(f for f in evaluate(case, now=moment + timedelta(hours=1)) if f.rule_id == rule_id)  # type: ignore[arg-type]
    if complete:
        assert "缺少" not in finding.note and finding.status is not Status.MISSING, finding
    else:
        assert finding.status is Status.MISSING and str(wanted[dropped].label) in finding.note, finding
