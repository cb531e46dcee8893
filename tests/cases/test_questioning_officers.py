"""APL-42 / FUND-29 at the act: every questioning (询问笔录) is done by at least the rulebook's number of officers —
APL-42's own ``min_officers`` in a penalty case, FUND-29's ``min_inspectors`` in a fund inspection — judged when the
record is signed (refused with the rule, nothing written) and shown as a warning while it is a draft; the number is
a parameter with its legal floor."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lawtrace import clock
from lawtrace.cases import act_checks
from lawtrace.cases.compliance import evaluate
from lawtrace.errors import Refused
from lawtrace.ledger.models import Entry
from lawtrace.records import services as records
from lawtrace.records.models import Record
from lawtrace.rulebook import bounds
from lawtrace.rulebook.deadlines import Status
from lawtrace.rulebook.loader import load
from lawtrace.rulebook.readers import read_by_code
from tests.cases import steps, walk
from tests.cases.steps import MONDAY

pytestmark = pytest.mark.django_db

IM = "inner-mongolia-2025"
QUESTIONED = MONDAY + timedelta(days=1)


def _draft(s: dict, case: object, *officers: object) -> Record:
    record = steps._drafted(s, case, "inquiry_transcript", QUESTIONED, officers=[str(o.pk) for o in officers])  # type: ignore[attr-defined]
    assert isinstance(record, Record)
    return record


@pytest.mark.parametrize(("case_type", "rule_id"), [("penalty", "APL-42"), ("inspection", "FUND-29")])
def test_a_questioning_by_one_officer_is_refused_at_signing_and_by_two_accepted(case_type: str, rule_id: str) -> None:
    s, case = walk.opened(IM, case_type)
    alone = _draft(s, case, s["officer"])
    at = QUESTIONED + timedelta(hours=1)
    warned = act_checks.warnings(alone, now=at)  # shown while drafting
    assert [w.rule_id for w in warned] == [rule_id] and "1名" in warned[0].message
    before = (Record.objects.filter(status=Record.Status.SIGNED).count(), Entry.objects.count())
    with clock.frozen_at(at), pytest.raises(Refused) as refusal:
        records.sign_record(actor=s["officer"], record=alone)
    assert refusal.value.rule == rule_id and "于2" in refusal.value.message and "1名" in refusal.value.message
    assert (Record.objects.filter(status=Record.Status.SIGNED).count(), Entry.objects.count()) == before
    assert Record.objects.get(pk=alone.pk).status == Record.Status.DRAFT
    twice = _draft(s, case, s["officer"], s["officer"])  # one officer named twice is still one
    with clock.frozen_at(at), pytest.raises(Refused):
        records.sign_record(actor=s["officer"], record=twice)
    two = _draft(s, case, s["officer"], s["officer2"])
    assert act_checks.warnings(two, now=at) == []
    with clock.frozen_at(at):
        signed = records.sign_record(actor=s["officer"], record=two)
    assert signed.status == Record.Status.SIGNED
    with clock.frozen_at(at + timedelta(hours=1)):
        found = {f.rule_id: f for f in evaluate(case) if f.rule_id == rule_id}
    assert found[rule_id].status is Status.MET  # the act judged as of its signature: met


def test_min_officers_is_apl_42s_own_parameter_read_by_code_with_its_legal_floor() -> None:
    for name in ("prc-apl-2021", IM, "wenshang-2019"):
        rule = load(name).rule("APL-42")
        assert rule.param("min_officers") == 2 and rule.params["min_officers"].informational is None
        assert bounds.violation(rule, "min_officers", 1) is not None  # below the law's two: refused
        assert bounds.violation(rule, "min_officers", 3) is None  # an organisation may ask for more
    assert read_by_code("APL-42", "min_officers") and read_by_code("FUND-29", "min_inspectors")
