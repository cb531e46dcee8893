"""The law at the act, as a property: records of a penalty case drafted, signed and corrected in random order and at
random moments never yield a decision signed while its preconditions were unmet at that moment; ``evaluate`` never
raises; and for every decision signed, the finding of each rule that governs the decision agrees with what its
signature check said (met — the signature was allowed)."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from lawtrace import clock
from lawtrace.cases import act_checks
from lawtrace.cases.compliance import evaluate
from lawtrace.cases.facts import facts_of, record_fact
from lawtrace.cases.judges import judge_act
from lawtrace.errors import Refused
from lawtrace.orgs.models import Role
from lawtrace.records import services as records
from lawtrace.records.models import Record
from tests.cases import steps, walk
from tests.cases.record_content import filled
from tests.factories import make_person

KINDS = ["inquiry_transcript", "rights_notice", "statement_defence_record", "legal_review_opinion", "penalty_decision"]
GOVERNED = ("APL-62", "APL-45", "APL-58", "APL-64", "APL-57", "APL-63", "APL-65")


class PenaltyCase(RuleBasedStateMachine):
    @initialize()
    def open_case(self) -> None:
        self.s, self.case = walk.opened("inner-mongolia-2025", "penalty")
        self.s["by_hand"] = True
        self.now: datetime = walk.MONDAY + timedelta(hours=1)
        self.refusals = 0

    def _tick(self, hours: int) -> None:
        self.now += timedelta(hours=hours)

    @rule(kind=st.sampled_from(KINDS), hours=st.integers(min_value=1, max_value=120), served=st.booleans())
    def draft_and_sign(self, kind: str, hours: int, served: bool) -> None:
        self._tick(hours)
        given: dict[str, object] = {}
        if kind == "rights_notice" and served:
            given["served_at"] = self.now.isoformat()
        if kind == "statement_defence_record":
            given["review_opinion"] = "经复核，不予采纳"
        try:
            if kind == "legal_review_opinion":
                self._review()
                return
            draft = steps._drafted(self.s, self.case, kind, self.now - timedelta(minutes=2), **given)
            with clock.frozen_at(self.now):
                records.sign_record(actor=steps._signer(self.s, kind), record=draft)  # type: ignore[arg-type]
        except Refused:
            self.refusals += 1

    def _review(self) -> None:
        reviewer = self.s.get("reviewer") or make_person(self.s["county"], Role.LEGAL_REVIEWER)
        self.s["reviewer"] = reviewer
        moment = self.now - timedelta(minutes=2)
        content = filled(self.case, "legal_review_opinion", reviewer, moment, passed=True)
        content["reviewer_qualification"] = "A20151100000001"
        with clock.frozen_at(self.now):
            draft = records.add_record(
                actor=reviewer, case=self.case, kind="legal_review_opinion", occurred_at=moment, content=content
            )
            records.sign_record(actor=reviewer, record=draft)

    @rule(hours=st.integers(min_value=1, max_value=48))
    def correct_the_latest_signed(self, hours: int) -> None:
        self._tick(hours)
        latest = self.case.records.filter(status="signed").exclude(kind="legal_review_opinion").order_by("pk").last()
        if latest is None:
            return
        with clock.frozen_at(self.now):
            try:
                correction = records.correct_record(
                    actor=self.s["officer"],
                    original=latest,
                    content=dict(latest.content),
                    occurred_at=self.now - timedelta(minutes=1),
                    reason="笔误更正",
                )
                records.sign_record(actor=steps._signer(self.s, latest.kind), record=correction)  # type: ignore[arg-type]
            except Refused:
                self.refusals += 1

    @invariant()
    def no_decision_signed_while_its_preconditions_were_unmet(self) -> None:
        if not hasattr(self, "case"):
            return
        facts = facts_of(self.case, now=self.now)
        judging = act_checks.judging_for(self.case)
        for decision in Record.objects.filter(case=self.case, kind="penalty_decision", status="signed"):
            act = record_fact(decision)
            assert judge_act(facts.as_of(act.when(), act), act, judging) == []

    @invariant()
    def evaluate_never_raises_and_agrees_with_the_signatures(self) -> None:
        if not hasattr(self, "case"):
            return
        with clock.frozen_at(self.now):
            findings = {f.rule_id: f for f in evaluate(self.case)}
        if Record.objects.filter(case=self.case, kind="penalty_decision", status="signed").exists():
            for rule_id in GOVERNED:
                if rule_id in findings and findings[rule_id].note.startswith("行政处罚决定书签署时"):
                    raise AssertionError(f"{rule_id}: {findings[rule_id].note}")


class TestTheLawAtTheAct(TestCase):
    def test_APL_62_APL_45_APL_58_APL_64_random_order_never_signs_a_decision_too_early(self) -> None:
        run_state_machine_as_test(
            PenaltyCase,
            settings=settings(
                max_examples=8,
                stateful_step_count=12,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
            ),
        )
