"""Every number in a rulebook is one the code applies, or is marked as kept for information only (issue 14,
"national law is a floor"): the registry of parameters the code reads (``lawtrace.rulebook.readers``) agrees with a
static scan of ``src/`` both ways, and every parameter of every shipped rulebook is read — by a block's ``$name``,
by code, or by the rules planned for it — or marked ``informational`` with a reason."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from lawtrace.rulebook.loader import available, load
from lawtrace.rulebook.readers import PLANNED_READERS, READ_BY_CODE, Read, scan

SRC = Path(__file__).resolve().parents[2] / "src" / "lawtrace"
BOOKS = {name: load(name) for name in available()}
DEFINED = {(rule.id, key) for book in BOOKS.values() for rule in book for key in rule.params}
READS = scan(SRC)


def _scanned() -> set[tuple[str, str]]:
    """(rule, key) of every read the scan resolved; a read on a rule chosen elsewhere counts for every rule that
    has the key (``rule.params["gap_tolerance_seconds"]``: IMR-13 and WS-12)."""
    pairs: set[tuple[str, str]] = set()
    for read in READS:
        if read.key is None:
            continue
        if read.rule is not None:
            pairs.add((read.rule, read.key))
        else:
            pairs |= {(rule_id, key) for rule_id, key in DEFINED if key == read.key}
    return pairs


def _referred(rule_id: str, key: str) -> bool:
    return any(key in rule.param_refs.values() for book in BOOKS.values() for rule in book if rule.id == rule_id)


# -- the registry and the code agree -------------------------------------------------------------------------------


def test_the_registry_names_every_parameter_the_code_reads() -> None:
    unregistered = {pair for pair in _scanned() & DEFINED if pair not in READ_BY_CODE}
    assert not unregistered, (
        f"read by code but not in readers.READ_BY_CODE (or still in PLANNED_READERS): {unregistered}"
    )


def test_every_registered_reader_is_found_in_the_code() -> None:
    stale = set(READ_BY_CODE) - _scanned()
    assert not stale, f"readers.READ_BY_CODE names reads the code no longer makes: {stale}"


def test_every_read_of_a_named_rule_says_which_parameter() -> None:
    """A key the scan cannot tell (computed, or handed in by a caller) would hide a read: write it as a literal."""
    vague = [read.where for read in READS if read.rule is not None and read.key is None]
    assert not vague, f"parameter reads whose key is not a literal: {vague}"


def test_the_code_reads_only_parameters_the_rulebooks_define() -> None:
    phantom = {(r.rule, r.key, r.where) for r in READS if r.rule and r.key and (r.rule, r.key) not in DEFINED}
    assert not phantom


# -- every parameter is read or informational ----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(BOOKS))
def test_every_parameter_is_read_by_code_or_marked_informational_with_a_reason(name: str) -> None:
    scanned = _scanned()
    unread, wrongly_marked = [], []
    for rule in BOOKS[name]:
        for key, param in rule.params.items():
            read = key in rule.param_refs.values() or (rule.id, key) in scanned
            if param.informational is not None:
                assert param.informational.strip(), (rule.id, key)
                if read or (rule.id, key) in PLANNED_READERS:
                    wrongly_marked.append((rule.id, key))
            elif not read and (rule.id, key) not in PLANNED_READERS:
                unread.append((rule.id, key))
    assert not unread, f"{name}: parameters nobody reads, not marked informational: {unread}"
    assert not wrongly_marked, f"{name}: marked informational but read: {wrongly_marked}"


def test_the_parameters_found_unused_are_informational_planned_or_now_read() -> None:
    base = BOOKS["prc-apl-2021"]
    informational = {
        ("CEL-18", "min_officers"),
        ("APL-64", "max_representatives"),
    }
    now_read = {("APL-68", "max_onsite_collection_fen"), ("APL-63", "heavy_penalty_types")}
    now_read |= {("FUND-29", "min_inspectors"), ("WS-17.3", "min_servers")}
    now_read |= {("CEL-54", "review_days"), ("CEL-54", "lawsuit_months")}  # cases/court_window.py
    now_read |= {("PUB-MASK", "notify_party_at_service")}
    assert now_read <= set(READ_BY_CODE)
    for rule_id, key in informational:
        assert (base.rule(rule_id).params[key].informational or "").startswith("尚无代码读取")
    assert PLANNED_READERS == frozenset()


def test_planned_readers_are_parameters_of_the_rulebooks_not_marked_informational() -> None:
    for rule_id, key in PLANNED_READERS:
        params = [rule.params[key] for book in BOOKS.values() for rule in book if rule.id == rule_id]
        assert params, f"{rule_id} {key}: no rulebook has it"
        assert all(p.informational is None for p in params), (rule_id, key)
        assert not _referred(rule_id, key) and (rule_id, key) not in READ_BY_CODE, (rule_id, key)


@pytest.mark.parametrize("name", sorted(BOOKS))
def test_every_parameter_declares_its_legal_bounds_with_the_article(name: str) -> None:
    for rule in BOOKS[name]:
        for key, param in rule.params.items():
            assert param.bounds is not None and param.bounds.article, (rule.id, key)


# -- the scan itself -----------------------------------------------------------------------------------------------

SAMPLE = """
RULE = "NHSA-LEAD"

def reads(rulebook, natural, rules):
    rulebook.param("APL-42", "min_handlers")
    rules.param(rulebook, "v", "APL-36", "years_harm" if natural else "years")
    key = "max_fine_natural_person_fen" if natural else "max_fine_legal_person_fen"
    rulebook.param("APL-51", key)
    rulebook.param(RULE, "check_days")
    if "withhold_when" not in rulebook.rule("PUB-MASK").params:
        rulebook.rule("APL-68").params.get("limit_fen")
    return rulebook.rule("IMR-13").param("gap")

def on_any_rule(rule):
    return rule.params["gap_tolerance_seconds"].value

def helper(rulebook, rule_id, key):  # hands on its caller's rule and key: not a read itself
    return rulebook.param(rule_id, key)

def computed(rulebook, suffix):
    return rulebook.param("APL-57", "collective_" + suffix)
"""


def test_the_scan_reads_literals_conditionals_and_names_and_flags_computed_keys(tmp_path: Path) -> None:
    (tmp_path / "sample.py").write_text(textwrap.dedent(SAMPLE), encoding="utf-8")
    found = {(read.rule, read.key) for read in scan(tmp_path)}
    assert found == {
        ("APL-42", "min_handlers"),
        ("APL-36", "years"),
        ("APL-36", "years_harm"),
        ("APL-51", "max_fine_natural_person_fen"),
        ("APL-51", "max_fine_legal_person_fen"),
        ("NHSA-LEAD", "check_days"),
        ("PUB-MASK", "withhold_when"),
        ("APL-68", "limit_fen"),
        ("IMR-13", "gap"),
        (None, "gap_tolerance_seconds"),
        ("APL-57", None),  # computed: the test above would fail on it
    }
    assert all(isinstance(read, Read) and read.where.startswith("sample.py:") for read in scan(tmp_path))
