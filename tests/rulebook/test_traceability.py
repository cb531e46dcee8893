"""Traceability from the law to the tests: every rule ID of the requirements has a test named for it (its name or
parameter id carries the ID), or is listed in ``untested_rules.txt`` — and a listed rule that gains a test must leave
the list. Needs the whole suite collected; a partial run skips it. It also writes the table rule → tests to
``var/test-output/rule-traceability.txt`` for auditors."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from lawtrace.rulebook.loader import requirement_ids

UNTESTED = Path(__file__).with_name("untested_rules.txt")
WHOLE_SUITE = ("tests/cases/", "tests/evidence/", "tests/disclosure/", "tests/ledger/", "tests/records/", "tests/e2e/")
# Tests parametrised over every rule ID (the rulebook files' own checks) do not show a rule met or not met.
NOT_EVIDENCE = ("tests/rulebook/",)


def _named(rule_id: str, node_ids: list[str]) -> list[str]:
    wanted = re.compile(r"(?<![A-Za-z0-9])" + re.escape(re.sub(r"[-.]", "_", rule_id)) + r"(?![0-9A-Za-z])")
    return [n for n in node_ids if wanted.search(re.sub(r"[-.]", "_", n))]


def test_every_rule_has_a_test_named_for_it_or_is_listed_as_untested(request: pytest.FixtureRequest) -> None:
    node_ids = [item.nodeid for item in request.session.items if not item.nodeid.startswith(NOT_EVIDENCE)]
    if not all(any(n.startswith(prefix) for n in node_ids) for prefix in WHOLE_SUITE):
        pytest.skip("the traceability check needs the whole suite collected")
    listed = [line.strip() for line in UNTESTED.read_text(encoding="utf-8").splitlines()]
    listed = [line for line in listed if line and not line.startswith("#")]
    table = {rule_id: _named(rule_id, node_ids) for rule_id in requirement_ids()}
    _write(table)
    untested = sorted(r for r, tests in table.items() if not tests)
    assert sorted(set(untested) - set(listed)) == [], "rules with no test and not listed as untested"
    assert sorted(r for r in listed if table.get(r)) == [], "listed as untested but tested now: take them off the list"
    assert sorted(set(listed) - set(table)) == [], "listed IDs that are not rule IDs"


def _write(table: dict[str, list[str]]) -> None:
    folder = Path(os.environ.get("LAWTRACE_TEST_OUTPUT", Path.cwd() / "var" / "test-output"))
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"{rule_id}\t{len(tests)}\t" + " ".join(tests) for rule_id, tests in table.items()]
    (folder / "rule-traceability.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
