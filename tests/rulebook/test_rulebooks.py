"""The shipped rulebooks: every REQUIREMENTS rule ID is in the rulebook it belongs to, the files check clean, includes
resolve, a case is judged by the version in force when it was opened (WS-26, IMR-28), numbers are parameters, and
the rules REQUIREMENTS marks unverified are marked so."""

from __future__ import annotations

import functools
import re
import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from lawtrace.rulebook.calendar import SHANGHAI, Unit, WorkingCalendar
from lawtrace.rulebook.loader import (
    RULEBOOK_DIR,
    NotInForce,
    RulebookError,
    available,
    check_all,
    check_file,
    load,
    requirement_ids,
    unverified_ids,
)
from lawtrace.rulebook.schema import AVRequirement, Override, Relation, RulebookVersion, TextType

REQUIREMENTS = Path(__file__).resolve().parents[3] / "shared" / "REQUIREMENTS.md"
SOURCES = REQUIREMENTS.parent / "sources"
SOURCE_FILES = {
    "WS": "wenshang-2019-recording-measures.txt",
    "IMR": "inner-mongolia-2025-disclosure-and-recording.txt",
    "IMD": "inner-mongolia-2025-disclosure-and-recording.txt",
}
IM, WS, BASE = "inner-mongolia-2025", "wenshang-2019", "prc-apl-2021"


def home(rule_id: str) -> str:
    """The rulebook a REQUIREMENTS rule belongs to, by its prefix."""
    prefix = rule_id.split("-", 1)[0]
    return {"WS": WS, "IMR": IM, "IMD": IM}.get(prefix, BASE)


@functools.cache
def own_ids(name: str) -> frozenset[str]:
    """The IDs defined in the file itself (not through includes)."""
    raw = yaml.load((RULEBOOK_DIR / f"{name}.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return frozenset(rule["id"] for rule in raw["rules"])


def requirements_rows() -> list[str]:
    """Table rows of REQUIREMENTS.md as tools/rule-ids reads them."""
    lines = REQUIREMENTS.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.startswith("| ") and not line.startswith(("| ID", "|---"))]


def ids_of_row(row: str) -> list[str]:
    parts = (part.strip() for part in row.split("|")[1].split("/"))
    return [part for part in parts if re.fullmatch(r"[A-Z]+-[0-9A-Z]+(\.[0-9]+)?[a-z]?", part)]


# -- every rule where it belongs -----------------------------------------------------------------------------------


def test_the_shipped_rule_id_list_is_complete() -> None:
    ids = requirement_ids()
    assert len(ids) == len(set(ids)) == 131
    assert {"WS-22", "IMR-22", "APL-60", "IMD-7.2", "WS-17.1", "IMR-2b", "PUB-MASK", "NHSA-5"} <= set(ids)


@pytest.mark.parametrize("rule_id", requirement_ids())
def test_rule_id_is_in_the_rulebook_it_belongs_to(rule_id: str) -> None:
    name = home(rule_id)
    assert rule_id in own_ids(name)
    rule = load(name).rule(rule_id)
    assert rule.id == rule_id and rule.title and rule.article and rule.text


def test_every_shipped_rule_is_a_requirements_rule_in_one_file_only() -> None:
    files = {name: own_ids(name) for name in available()}
    assert set(files) == {BASE, WS, IM}
    assert sum(len(ids) for ids in files.values()) == len(requirement_ids())
    assert set().union(*files.values()) == set(requirement_ids())
    for name, ids in files.items():
        assert all(home(rule_id) == name for rule_id in ids), name


def test_rule_counts_per_file() -> None:
    assert {name: len(own_ids(name)) for name in available()} == {BASE: 47, WS: 34, IM: 50}


def test_shipped_files_check_clean() -> None:
    assert check_all() == []


@pytest.mark.skipif(not REQUIREMENTS.is_file(), reason="REQUIREMENTS.md is not beside the repository")
def test_shipped_rule_id_list_matches_requirements() -> None:
    live: list[str] = []
    for row in requirements_rows():
        live.extend(rule_id for rule_id in ids_of_row(row) if rule_id not in live)
    assert list(requirement_ids()) == live


@pytest.mark.skipif(not REQUIREMENTS.is_file(), reason="REQUIREMENTS.md is not beside the repository")
def test_shipped_unverified_list_matches_requirements() -> None:
    live = {rule_id for row in requirements_rows() if "unverified" in row for rule_id in ids_of_row(row)}
    assert unverified_ids() == live


# -- includes and versions -----------------------------------------------------------------------------------------


def test_includes_resolve_jurisdiction_rules_then_national_ones() -> None:
    inner_mongolia, wenshang = load(IM), load(WS)
    assert inner_mongolia.chain == (IM, BASE) and wenshang.chain == (WS, BASE)
    assert "IMR-22" in inner_mongolia and "APL-60" in inner_mongolia and "IMD-7.2" in inner_mongolia
    assert "WS-22" in wenshang and "APL-60" in wenshang
    assert "IMR-22" not in wenshang and "WS-22" not in inner_mongolia
    assert next(iter(inner_mongolia.rules)) == "IMR-2"  # own rules first
    assert not load(BASE).selectable and wenshang.selectable and inner_mongolia.selectable
    with pytest.raises(KeyError, match="IMR-22"):
        wenshang.rule("IMR-22")


def test_ws22_is_two_working_days_and_imr22_is_24_hours_or_24_hours_after_return() -> None:
    ws22 = load(WS).rule("WS-22").deadline
    imr22 = load(IM).rule("IMR-22").deadline
    assert ws22 is not None and imr22 is not None
    assert (ws22.length, ws22.unit) == (2, Unit.WORKING_DAY)
    assert (imr22.length, imr22.unit) == (24, Unit.HOUR)
    assert ws22.trigger == imr22.trigger and ws22.trigger is not None
    assert (ws22.trigger.event, ws22.trigger.field) == ("av_record.recorded", "ended_at")
    assert imr22.satisfied_by is not None and imr22.satisfied_by.event == "av_record.stored"
    [away] = imr22.alternatives
    assert away.trigger is not None and away.trigger.field == "returned_at" and away.length == 24
    assert load(IM).record_kind("av_record").fields["returned_at"].type == "datetime"
    assert "returned_at" not in load(WS).record_kind("av_record").fields


def test_the_rulebook_numbers_drive_the_calendar() -> None:
    """A recording ended on 30 September 2025 before National Day: WS-22 runs past the holiday, IMR-22 does not."""
    calendar = WorkingCalendar()
    ended = datetime(2025, 9, 30, 17, 30, tzinfo=SHANGHAI)
    ws22 = load(WS).rule("WS-22").deadline
    imr22 = load(IM).rule("IMR-22").deadline
    assert ws22 is not None and ws22.length is not None and imr22 is not None and imr22.length is not None
    assert calendar.add_working_days(ended, ws22.length).last_day == date(2025, 10, 10)
    assert calendar.add_hours(ended, imr22.length).at == datetime(2025, 10, 1, 17, 30, tzinfo=SHANGHAI)


def test_version_in_force_follows_the_effective_dates() -> None:
    """IMR-28 / IMD-14: from issue, 2025-06-26; WS-26: from publication, 2019-06-29."""
    inner_mongolia, wenshang = load(IM), load(WS)
    with pytest.raises(NotInForce, match="2025-06-25"):
        inner_mongolia.version_in_force(date(2025, 6, 25))
    in_force = inner_mongolia.version_in_force(date(2025, 6, 26))
    assert (in_force.name, in_force.version, in_force.effective_from) == (IM, "2025.1", date(2025, 6, 26))
    with pytest.raises(NotInForce):
        wenshang.version_in_force(date(2019, 6, 28))
    assert wenshang.version_in_force(date(2019, 6, 29)).version == "2019.1"
    assert inner_mongolia.rule("IMR-28").scope is not None
    assert inner_mongolia.rule("IMR-28").scope.effective_from == date(2025, 6, 26)  # type: ignore[union-attr]
    assert wenshang.rule("WS-26").scope.effective_from == date(2019, 6, 29)  # type: ignore[union-attr]


def _later_version_fixture(folder: Path) -> None:
    shutil.copy(RULEBOOK_DIR / f"{BASE}.yaml", folder / f"{BASE}.yaml")
    text = (RULEBOOK_DIR / f"{IM}.yaml").read_text(encoding="utf-8")
    later = """  - version: "2026.1"
    effective_from: 2026-07-01
    source: 测试用的后续版本
    overrides:
      IMR-22: {params: {hours: 48}}
      APL-60: {params: {decision_days: 60}, note: 测试}
      APL-63: {unverified: false}
"""
    marker = "\nrecord_kinds:"
    (folder / f"{IM}.yaml").write_text(text.replace(marker, later + marker, 1), encoding="utf-8")


def test_a_version_override_changes_a_parameter_for_the_later_version_only(tmp_path: Path) -> None:
    _later_version_fixture(tmp_path)
    assert check_file(tmp_path / f"{IM}.yaml") == []
    rulebook = load(IM, directory=tmp_path)
    assert rulebook.version.version == "2025.1"  # as written
    first, later = rulebook.at_version("2025.1"), rulebook.at_version("2026.1")
    assert first.param("IMR-22", "hours") == 24 and later.param("IMR-22", "hours") == 48
    assert later.rule("IMR-22").deadline.length == 48  # type: ignore[union-attr]  # $hours follows the parameter
    assert first.rule("IMR-22").deadline.length == 24  # type: ignore[union-attr]
    assert later.param("APL-60", "decision_days") == 60 and first.param("APL-60", "decision_days") == 90
    assert later.rule("APL-63").unverified is False and first.rule("APL-63").unverified is True
    assert later.param("IMR-22", "hours_after_return") == 24  # untouched
    # a case opened on 2026-06-30 keeps 2025.1; one opened on 2026-07-01 gets 2026.1
    assert rulebook.version_in_force(date(2026, 6, 30)).version == "2025.1"
    assert rulebook.version_in_force(date(2026, 7, 1)).version == "2026.1"
    with pytest.raises(RulebookError, match=r"2027\.1"):
        rulebook.at_version("2027.1")


def test_an_organisation_overlay_is_a_checked_new_version() -> None:
    rulebook = load(IM)
    overlay = RulebookVersion(
        version="2026.2",
        effective_from=date(2026, 9, 1),
        source="管理员调整",
        overrides={"APL-63": Override(params={"fine_natural_person_fen": 2000000}, unverified=False)},
    )
    updated = rulebook.with_version(overlay)
    assert updated.at_version("2026.2").param("APL-63", "fine_natural_person_fen") == 2000000
    assert updated.at_version("2025.1").param("APL-63", "fine_natural_person_fen") == 1000000
    assert load(IM).versions == rulebook.versions  # the cached rulebook is untouched
    wrong = overlay.model_copy(update={"overrides": {"APL-63": Override(params={"no_such": 1})}})
    with pytest.raises(RulebookError, match="no_such"):
        rulebook.with_version(wrong)
    wrong_type = overlay.model_copy(update={"overrides": {"APL-63": Override(params={"fine_natural_person_fen": "x"})}})
    with pytest.raises(RulebookError, match="fine_natural_person_fen"):
        rulebook.with_version(wrong_type)


# -- unverified rules ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rule_id", sorted(unverified_ids()))
def test_unverified_rule_is_marked_unverified_with_what_to_confirm(rule_id: str) -> None:
    rule = load(home(rule_id)).rule(rule_id)
    assert rule.unverified is True
    assert rule.unverified_note


def test_placeholder_thresholds_are_marked_unverified_too() -> None:
    """APL-63's 较大数额 and APL-57's collective-discussion threshold are local standards: defaults to confirm."""
    base = load(BASE)
    assert base.rule("APL-63").unverified and base.rule("APL-57").unverified and base.rule("PUB-MASK").unverified
    assert base.param("APL-63", "fine_natural_person_fen") == 1000000
    assert base.param("APL-63", "fine_legal_person_fen") == 10000000


def test_a_file_missing_an_unverified_mark_is_refused(tmp_path: Path) -> None:
    text = (RULEBOOK_DIR / f"{BASE}.yaml").read_text(encoding="utf-8")
    start = text.index("  - id: NHSA-TOLL")
    broken = text[:start] + text[start:].replace("    unverified: true\n", "", 1)
    path = tmp_path / f"{BASE}.yaml"
    path.write_text(broken, encoding="utf-8")
    problems = check_file(path)
    assert [(p.rule_id, p.line) for p in problems] == [("NHSA-TOLL", broken[:start].count("\n") + 1)]
    assert "unverified" in problems[0].message
    with pytest.raises(RulebookError):
        load(BASE, directory=tmp_path)


# -- the numbers and units of REQUIREMENTS -------------------------------------------------------------------------

DEADLINES = [
    # rule, length, unit, roll to working day — REQUIREMENTS "Units of time": APL-85, CEL-69
    ("APL-56", 7, Unit.WORKING_DAY, False),
    ("APL-61", 7, Unit.WORKING_DAY, False),
    ("APL-64", 5, Unit.WORKING_DAY, False),
    ("APL-71", 2, Unit.WORKING_DAY, False),
    ("APL-48", 3, Unit.WORKING_DAY, False),
    ("CEL-54", 10, Unit.WORKING_DAY, False),
    ("CEL-19", 24, Unit.HOUR, False),
    ("CEL-25", 30, Unit.CALENDAR_DAY, False),
    ("APL-60", 90, Unit.CALENDAR_DAY, False),
    ("APL-67", 15, Unit.CALENDAR_DAY, True),
    ("CEL-53", 3, Unit.MONTH, False),
    ("NHSA-LEAD", 15, Unit.WORKING_DAY, False),
    ("GOV-118", 20, Unit.WORKING_DAY, False),
    ("PUB-MASK", 36, Unit.MONTH, False),
    ("IMR-8b", 24, Unit.HOUR, False),
    ("IMR-23", 30, Unit.CALENDAR_DAY, False),
    ("IMD-10", 20, Unit.WORKING_DAY, False),
    ("IMD-11", 5, Unit.WORKING_DAY, False),
    ("WS-23", 30, Unit.CALENDAR_DAY, False),
]


@pytest.mark.parametrize(("rule_id", "length", "unit", "roll"), DEADLINES)
def test_deadline_length_and_unit(rule_id: str, length: int, unit: Unit, roll: bool) -> None:
    deadline = load(home(rule_id)).rule(rule_id).deadline
    assert deadline is not None
    assert (deadline.length, deadline.unit, deadline.roll_to_working_day) == (length, unit, roll)


def test_deadlines_with_more_than_one_period() -> None:
    base, inner_mongolia = load(BASE), load(IM)
    notice = base.rule("APL-64").additional_deadlines[0]
    assert (notice.length, notice.unit, notice.relation) == (7, Unit.WORKING_DAY, Relation.AT_LEAST_BEFORE)
    reminder = base.rule("CEL-54").deadline
    assert reminder is not None and reminder.relation is Relation.NOT_BEFORE
    court = base.rule("CEL-53").deadline
    assert court is not None and court.starts_after is not None
    assert (court.starts_after.length, court.starts_after.unit) == (6, Unit.MONTH)
    withdrawal = inner_mongolia.rule("IMD-11").additional_deadlines[0]
    assert (withdrawal.length, withdrawal.unit) == (3, Unit.CALENDAR_DAY)
    [penalty] = withdrawal.alternatives
    assert (penalty.length, penalty.unit, penalty.cite) == (3, Unit.WORKING_DAY, "APL-48")
    update = inner_mongolia.rule("IMD-10").additional_deadlines[0]
    assert (update.length, update.unit) == (7, Unit.CALENDAR_DAY)
    statistics = inner_mongolia.rule("IMD-7.2").deadline
    assert statistics is not None and statistics.unit is Unit.FIXED_DATE and statistics.fixed is not None
    assert (statistics.fixed.month, statistics.fixed.day, statistics.fixed.year_offset) == (1, 31, 1)


def test_extensions_and_pauses_are_parameters() -> None:
    base = load(BASE)
    sealing = base.rule("CEL-25").deadline
    assert sealing is not None and sealing.extension is not None
    assert (sealing.extension.length, sealing.extension.max_extensions, sealing.extension.approval) == (
        30,
        1,
        "bureau_head",
    )
    lead = base.rule("NHSA-LEAD").deadline
    assert lead is not None and lead.extension is not None and lead.extension.length == 15
    case_period = base.rule("NHSA-EXT").extension
    assert case_period is not None and case_period.applies_to == ["APL-60"] and case_period.length == 30
    assert case_period.further_approval == "collective_discussion"
    toll = base.rule("NHSA-TOLL").pause
    assert toll is not None and toll.applies_to == ["APL-60"]
    assert set(toll.reasons) == {"testing_inspection", "appraisal", "hearing", "public_notice", "expert_review"}
    assert base.rule("APL-60").deadline.pausable  # type: ignore[union-attr]
    accrual = base.rule("APL-72").accrual
    assert accrual is not None and accrual.from_rule == "APL-67"
    assert (accrual.rate_bp_per_day, accrual.cap) == (300, "principal")


@pytest.mark.parametrize(
    ("rule_id", "key", "value"),
    [
        ("APL-42", "min_handlers", 2),
        ("FUND-29", "min_inspectors", 2),
        ("APL-51", "max_fine_natural_person_fen", 20000),
        ("APL-51", "max_fine_legal_person_fen", 300000),
        ("APL-68", "max_onsite_collection_fen", 10000),
        ("APL-72", "daily_rate_bp", 300),
        ("APL-36", "years", 2),
        ("APL-36", "years_harm", 5),
        ("CEL-25", "max_days", 30),
        ("NHSA-EXT", "extension_days", 30),
        ("PUB-MASK", "minor_penalty_months", 3),
    ],
)
def test_thresholds_are_parameters(rule_id: str, key: str, value: Any) -> None:
    assert load(BASE).param(rule_id, key) == value


def test_party_periods_are_marked_as_the_partys() -> None:
    """APL-64's 5 days to ask for a hearing and APL-67's 15 days to pay bind the party, not the bureau."""
    base = load(BASE)
    assert base.rule("APL-64").deadline.obligor == "party"  # type: ignore[union-attr]
    assert base.rule("APL-67").deadline.obligor == "party"  # type: ignore[union-attr]
    assert base.rule("APL-60").deadline.obligor == "authority"  # type: ignore[union-attr]


def test_rules_for_a_case_type_and_procedure() -> None:
    rulebook = load(IM)
    penalty = {rule.id for rule in rulebook.rules_for("penalty", "general")}
    assert {"APL-60", "APL-59", "IMR-22", "IMR-8"} <= penalty and "APL-51" not in penalty
    assert "APL-51" in {rule.id for rule in rulebook.rules_for("penalty", "summary")}
    assert "APL-60" not in {rule.id for rule in rulebook.rules_for("inspection")}
    assert "FUND-29" in {rule.id for rule in rulebook.rules_for("inspection")}


def test_loading_an_unknown_rulebook_is_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(RulebookError, match="no-such"):
        load("no-such")
    with pytest.raises(RulebookError):
        load("../rulebooks/prc-apl-2021", directory=tmp_path)


def test_a_missing_parameter_is_a_clear_key_error() -> None:
    with pytest.raises(KeyError, match=r"APL-42.*no_such"):
        load(BASE).param("APL-42", "no_such")


# -- records, service modes, checklists, options --------------------------------------------------------------------


def test_record_kinds_are_merged_and_extended_per_jurisdiction() -> None:
    base, wenshang, inner_mongolia = load(BASE), load(WS), load(IM)
    for kind in ("complaint", "case_opening_approval", "inquiry_transcript", "rights_notice", "penalty_decision"):
        assert base.record_kind(kind).name and wenshang.record_kind(kind) == base.record_kind(kind)
    assert "identity_told" in inner_mongolia.record_kind("onsite_inspection_record").required_fields  # IMR-9(2)
    assert "identity_told" not in wenshang.record_kind("onsite_inspection_record").fields
    assert "application" in wenshang.record_kinds and "application" not in inner_mongolia.record_kinds  # WS-9
    assert "av_interruption_report" in inner_mongolia.record_kinds  # IMR-13
    with pytest.raises(KeyError, match="no_such"):
        base.record_kind("no_such")


def test_service_modes_differ_per_jurisdiction() -> None:
    """WS-17.2 keeps the return receipt and mailing list; IMR-17.2 the postage receipt naming the documents. WS-17.3
    needs two officers; IMR-17.3 and IMR-17.4 must be recorded by audio/video, WS-17.5's filming is optional."""
    base, wenshang, inner_mongolia = load(BASE), load(WS), load(IM)
    modes = {"direct", "postal", "retained", "entrusted", "forwarded", "public_notice", "electronic"}
    assert set(base.service_modes) == modes
    ws_postal, im_postal = wenshang.service_mode("postal"), inner_mongolia.service_mode("postal")
    assert {"return_receipt", "mailing_list"} <= set(ws_postal.required_fields)
    assert "return_receipt" not in im_postal.fields
    assert set(ws_postal.required_fields["postal_method"].choices or {}) == {"registered_mail", "ems"}
    assert set(im_postal.required_fields["postal_method"].choices or {}) == {"registered_mail", "express"}
    assert wenshang.param("WS-17.3", "min_servers") == 2  # a parameter, bounded and checked like every other
    assert "WS-17.3" not in inner_mongolia  # IMR-17.3 names no number of servers
    assert inner_mongolia.service_mode("retained").av is AVRequirement.REQUIRED
    assert inner_mongolia.service_mode("public_notice").av is AVRequirement.REQUIRED
    assert wenshang.service_mode("public_notice").av is AVRequirement.OPTIONAL
    assert "other_methods_failed" in inner_mongolia.service_mode("public_notice").required_fields


def test_rules_no_code_can_judge_are_checklists_and_may_rules_are_options() -> None:
    wenshang, inner_mongolia = load(WS), load(IM)
    for rulebook, rule_id in ((inner_mongolia, "IMR-5"), (inner_mongolia, "IMD-12"), (wenshang, "WS-6")):
        rule = rulebook.rule(rule_id)
        assert rule.kind == "checklist" and rule.checklist is not None and rule.checklist.items
    for rule_id in ("WS-5", "WS-9b"):
        assert wenshang.rule(rule_id).kind == "option" and wenshang.rule(rule_id).option is not None
    filming = wenshang.rule("WS-17.5").option
    assert filming is not None and filming.name == "film_posted_notice"
    scope_ids = {rule.id for rule in inner_mongolia.rules_of_kind("scope")}
    assert {"IMR-2", "IMD-3", "IMR-2b", "IMR-26", "IMD-13", "IMR-27", "IMR-28", "IMD-14"} == scope_ids


def test_case_types_follow_the_scope_rules() -> None:
    """WS-2 adds 行政给付; WS-25 brings the agency's audits and agreement management; IMR-2 is narrower."""
    assert set(load(WS).rule("WS-2").scope.case_types) == {"inspection", "penalty", "coercion", "benefit"}  # type: ignore[union-attr]
    assert set(load(WS).rule("WS-25").scope.case_types) == {"audit", "agreement"}  # type: ignore[union-attr]
    assert set(load(IM).rule("IMR-2").scope.case_types) == {"inspection", "penalty", "coercion"}  # type: ignore[union-attr]


# -- texts ---------------------------------------------------------------------------------------------------------


def test_national_rules_are_summaries_and_the_seeds_are_quoted() -> None:
    for rule in load(BASE):
        assert rule.text_type is TextType.SUMMARY, rule.id
    for name in (WS, IM):
        for rule_id in own_ids(name):
            assert load(name).rule(rule_id).text_type is TextType.ORIGINAL, rule_id


def _quoted() -> list[tuple[str, str]]:
    return [(rule.id, name) for name in (WS, IM) for rule in load(name) if rule.text_type is TextType.ORIGINAL]


@pytest.mark.skipif(not SOURCES.is_dir(), reason="the source documents are not beside the repository")
@pytest.mark.parametrize(("rule_id", "name"), _quoted())
def test_original_text_is_quoted_verbatim_from_the_source(rule_id: str, name: str) -> None:
    """原文 is the source's own words (whitespace aside; ``……`` joins two quoted passages)."""
    rule = load(name).rule(rule_id)
    source = re.sub(r"\s+", "", (SOURCES / SOURCE_FILES[rule.prefix]).read_text(encoding="utf-8"))
    for passage in rule.text.split("……"):
        assert re.sub(r"\s+", "", passage) in source, passage


def test_quoting_national_law_as_original_text_is_refused(tmp_path: Path) -> None:
    text = (RULEBOOK_DIR / f"{BASE}.yaml").read_text(encoding="utf-8")
    start = text.index("  - id: APL-60")
    broken = text[:start] + text[start:].replace("text_type: 摘要", "text_type: 原文", 1)
    path = tmp_path / f"{BASE}.yaml"
    path.write_text(broken, encoding="utf-8")
    [problem] = check_file(path)
    assert problem.rule_id == "APL-60" and "摘要" in problem.message


def test_a_pause_for_reasons_its_record_cannot_carry_is_refused(tmp_path: Path) -> None:
    """CEL-25: the sealing pauses for 检测、检验、检疫、技术鉴定 — a record whose 事由 offers none of them (the case
    period's excluded_period) would never pause it."""
    text = (RULEBOOK_DIR / f"{BASE}.yaml").read_text(encoding="utf-8")
    start = text.index("  - id: CEL-25")
    broken = text[:start] + text[start:].replace("record: testing_period_notice", "record: excluded_period", 1)
    path = tmp_path / f"{BASE}.yaml"
    path.write_text(broken, encoding="utf-8")
    [problem] = check_file(path)
    assert problem.rule_id == "CEL-25" and "technical_appraisal" in problem.message, problem


def test_a_penalty_law_period_of_seven_calendar_days_is_refused(tmp_path: Path) -> None:
    """APL-85: the penalty law's 7 days are working days; a rulebook saying calendar days is an error."""
    text = (RULEBOOK_DIR / f"{BASE}.yaml").read_text(encoding="utf-8")
    start = text.index("  - id: APL-61")
    broken = text[:start] + text[start:].replace("\n      unit: working_day\n", "\n      unit: calendar_day\n", 1)
    path = tmp_path / f"{BASE}.yaml"
    path.write_text(broken, encoding="utf-8")
    [problem] = check_file(path)
    assert problem.rule_id == "APL-61" and "APL-85" in problem.message
    unit_line = broken.index("unit: calendar_day", start)
    assert problem.line == broken[:unit_line].count("\n") + 1
