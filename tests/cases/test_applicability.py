"""Scope, precedence and versions (DESIGN § Rulebooks: rule IDs of kind scope are rulebook metadata — applicability,
versions, precedence — shown by applicability tests). Each rule is shown applying where it applies and not where
it does not, on cases registered and judged through the real services:

- WS-2, WS-25, IMR-27: the county bureau, its agency (经办机构) and an entrusted organisation (受委托组织) are judged
  by their rulebook — the same findings for the same case; an organisation on another rulebook is not.
- IMR-2 / IMD-3: 自治区 → 盟市 → 旗县, each level judged by the rulebook; supervisors see their subtree only.
- IMR-2b: the national base is included, and a provincial file cannot restate a national rule.
- IMR-26 / IMD-13: a provision an administrator enters as a dated overlay of the organisation's parameters
  prevails for what starts after it (tests/cases/test_parameter_overrides.py shows the overlay itself).
- WS-26 / IMR-28 / IMD-14: nothing is judged before the effective date; a case keeps the version it was opened
  under when a new version appears.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from lawtrace import clock
from lawtrace.cases import services
from lawtrace.cases.compliance import Finding, evaluate
from lawtrace.cases.models import Case, CaseStatus, CaseType
from lawtrace.cases.rules import version_for
from lawtrace.cases.selectors import visible_cases
from lawtrace.disclosure import rules as disclosure_rules
from lawtrace.disclosure import services as disclosure
from lawtrace.disclosure.models import BeforeCategory
from lawtrace.errors import Refused
from lawtrace.ledger.models import Entry
from lawtrace.orgs.models import Organisation, OrgKind, Role
from lawtrace.rulebook import loader
from lawtrace.rulebook import services as rulebook_services
from lawtrace.rulebook.calendar import SHANGHAI
from lawtrace.rulebook.deadlines import Status
from lawtrace.rulebook.schema import Override, RulebookVersion
from tests.cases import walk
from tests.cases.steps import MONDAY
from tests.factories import give_certificate, make_org, make_person, open_case_setting, register

pytestmark = pytest.mark.django_db

IM, WS, BASE = "inner-mongolia-2025", "wenshang-2019", "prc-apl-2021"
WS_SCOPE = [CaseType.INSPECTION, CaseType.PENALTY, CaseType.COERCION, CaseType.BENEFIT]  # WS-2


def _on(rulebook: str, organisation: Organisation) -> Organisation:
    Organisation.objects.filter(pk=organisation.pk).update(rulebook=rulebook)
    organisation.refresh_from_db()
    return organisation


def _staffed(organisation: Organisation) -> dict[str, Any]:
    """Two certified officers, a unit head and a bureau head in the organisation (the keys ``register`` uses)."""
    return {
        "county": organisation,
        "officer": make_person(organisation, Role.OFFICER, certificate="valid"),
        "officer2": make_person(organisation, Role.OFFICER, certificate="valid"),
        "unit_head": make_person(organisation, Role.UNIT_HEAD),
        "head": make_person(organisation, Role.BUREAU_HEAD),
    }


def _judged(staff: dict[str, Any], case_type: str) -> tuple[Case, list[Finding]]:
    """Registered, approved and investigated (a signed inquiry transcript) on the fixed timeline; its findings."""
    with clock.frozen_at(MONDAY - timedelta(days=3)):
        case = register(staff, case_type=case_type, violation_ended_on=(MONDAY - timedelta(days=40)).date())
        services.give_unit_opinion(actor=staff["unit_head"], case=case, approve=True, opinion="同意")
    with clock.frozen_at(MONDAY):
        case = services.decide_opening(actor=staff["head"], case=case, approve=True, opinion="同意立案")
    walk.signed(staff, case, "inquiry_transcript", MONDAY + timedelta(days=1))
    case.refresh_from_db()
    return case, evaluate(case, now=MONDAY + timedelta(days=2))


def _judgement(findings: list[Finding]) -> list[tuple[str, str]]:
    return sorted((f.rule_id, str(f.status)) for f in findings)


def _prefixes(findings: list[Finding]) -> set[str]:
    return {f.rule_id.split("-", 1)[0] for f in findings}


# -- WS-2, WS-25, IMR-27: which organisations and case types a rulebook judges ------------------------------------


@pytest.mark.parametrize("case_type", WS_SCOPE, ids=[f"applicable-{t}" for t in WS_SCOPE])
def test_WS_2_each_case_type_of_the_county_bureau_is_judged_by_the_wenshang_rules(case_type: str) -> None:
    bureau = _staffed(_on(WS, make_org(OrgKind.COUNTY)))
    case, findings = _judged(bureau, case_type)
    assert (case.rulebook, case.rulebook_version) == (WS, "2019.1")
    judged = dict(_judgement(findings))
    assert judged["WS-10"] == Status.MET  # the wenshang opening chain (WS-10), approved by the head
    assert "WS" in _prefixes(findings) and not {"IMR", "IMD"} & _prefixes(findings)
    assert ("APL-36" in judged) is (case_type == CaseType.PENALTY)  # the limitation period judges penalties only


def test_WS_2_not_applicable_outside_the_county_an_inner_mongolia_bureau_is_not_judged_by_it() -> None:
    bureau = _staffed(make_org(OrgKind.COUNTY))
    case, findings = _judged(bureau, CaseType.PENALTY)
    assert case.rulebook == IM
    assert "WS" not in _prefixes(findings) and dict(_judgement(findings))["IMR-8"] == Status.MET
    _refused(bureau, CaseType.BENEFIT, "IMR-2")  # 行政给付 is in WS-2's scope, not in IMR-2's: refused there


@pytest.mark.parametrize(
    "case_type", [CaseType.AUDIT, CaseType.AGREEMENT], ids=["applicable-audit", "applicable-agreement"]
)
def test_WS_25_the_agencys_audits_and_agreement_management_follow_the_same_rules(case_type: str) -> None:
    bureau = _staffed(_on(WS, make_org(OrgKind.COUNTY)))
    agency = _staffed(_on(WS, make_org(OrgKind.AGENCY, bureau["county"])))
    agency_case, agency_findings = _judged(agency, case_type)
    _, bureau_findings = _judged(bureau, CaseType.INSPECTION)
    assert (agency_case.rulebook, agency_case.rulebook_version) == (WS, "2019.1")
    assert "WS" in _prefixes(agency_findings)
    assert _judgement(agency_findings) == _judgement(bureau_findings)  # the same rules as the bureau's inspections
    _refused(bureau, case_type, "WS-2")  # WS-2 names the bureau's acts; the agency's work is the agency's (WS-25)


def _refused(staff: dict[str, Any], case_type: str, rule: str) -> None:
    """Registration outside the rulebook's scope is refused citing the scope rule, and writes nothing."""
    before = (Case.objects.count(), Entry.objects.count())
    with clock.frozen_at(MONDAY - timedelta(days=3)), pytest.raises(Refused) as refusal:
        register(staff, case_type=case_type, violation_ended_on=(MONDAY - timedelta(days=40)).date())
    assert refusal.value.rule == rule and "不适用" in refusal.value.message, refusal.value
    assert (Case.objects.count(), Entry.objects.count()) == before


@pytest.mark.parametrize("case_type", [CaseType.AUDIT, CaseType.AGREEMENT, CaseType.PENALTY])
def test_WS_25_not_applicable_an_agency_on_the_inner_mongolia_rulebook_is_refused(case_type: str) -> None:
    """IMR-2 names the bureaus (旗县级及以上医疗保障部门) and IMR-27 entrusted organisations, not the agency: its
    audits and agreement management are outside the Inner Mongolia rulebook, so registering one is refused."""
    bureau = _staffed(make_org(OrgKind.COUNTY))
    agency = _staffed(make_org(OrgKind.AGENCY, bureau["county"]))
    _refused(agency, case_type, "IMR-2")
    _refused(bureau, CaseType.AUDIT, "IMR-2")


@pytest.mark.parametrize("rulebook", [IM, WS], ids=["applicable-inner-mongolia", "not-applicable-wenshang"])
def test_IMR_27_WS_2_an_entrusted_organisation_is_bound_by_the_same_rules(rulebook: str) -> None:
    bureau = _staffed(_on(rulebook, make_org(OrgKind.COUNTY)))
    entrusted = _staffed(_on(rulebook, make_org(OrgKind.ENTRUSTED, bureau["county"])))
    entrusted_case, entrusted_findings = _judged(entrusted, CaseType.PENALTY)
    _, bureau_findings = _judged(bureau, CaseType.PENALTY)
    assert _judgement(entrusted_findings) == _judgement(bureau_findings)
    # IMR-27 binds the entrusted organisations of the Inner Mongolia rulebook; a wenshang one is bound by WS-2.
    assert ("IMR" in _prefixes(entrusted_findings)) is (rulebook == IM)
    assert ("WS" in _prefixes(entrusted_findings)) is (rulebook == WS)
    assert entrusted_case.rulebook == rulebook


# -- IMR-2 / IMD-3: 自治区 → 盟市 → 旗县 -------------------------------------------------------------------------


def test_IMR_2_IMD_3_applicable_at_every_level_and_supervisors_see_their_subtree() -> None:
    s = open_case_setting()
    levels = {"province": _staffed(s["province"]), "city": _staffed(s["city"]), "county": s}
    cases = {}
    for level, staff in levels.items():
        case, findings = _judged(staff, CaseType.PENALTY)
        assert (case.rulebook, case.rulebook_version) == (IM, "2025.1"), level
        assert dict(_judgement(findings))["IMR-8"] == Status.MET, level
        cases[level] = case
    neighbour = _staffed(make_org(OrgKind.COUNTY, make_org(OrgKind.CITY, s["province"])))
    cases["neighbour"], _ = _judged(neighbour, CaseType.PENALTY)
    province_supervisor = make_person(s["province"], Role.SUPERVISOR)
    assert set(visible_cases(province_supervisor)) == set(cases.values())
    assert set(visible_cases(s["supervisor"])) == {cases["city"], cases["county"]}  # the city's subtree only
    for organisation in (s["province"], s["city"], s["county"]):  # IMD-3: each level publishes by the rules
        publisher = make_person(organisation, Role.PUBLISHER)
        with clock.frozen_at(datetime(2026, 3, 2, 9, tzinfo=SHANGHAI)):
            item = disclosure.draft_before_item(
                actor=publisher, organisation=organisation, category=BeforeCategory.POWERS, title="权责清单", text="…"
            )
        assert item.due_rule == "IMD-10" and "20个工作日" in item.due_explanation


def test_IMR_2_not_applicable_a_county_cannot_sit_directly_under_the_region() -> None:
    region = make_org(OrgKind.PROVINCE)
    before = Entry.objects.count()
    with pytest.raises(Refused) as refusal:
        make_org(OrgKind.COUNTY, region)
    assert refusal.value.rule == "IMR-2" and Entry.objects.count() == before
    assert not Organisation.objects.filter(parent=region).exists()


# -- IMR-2b: laws and regulations prevail ------------------------------------------------------------------------


@pytest.mark.parametrize("rulebook", [IM, WS])
def test_IMR_2b_met_the_national_rule_is_the_one_in_force_for_a_provincial_case(rulebook: str) -> None:
    national = loader.load(BASE).rule("APL-42")
    assert loader.load(rulebook).chain == (rulebook, BASE)
    assert loader.load(rulebook).rule("APL-42") == national
    s = open_case_setting()
    _on(rulebook, s["county"])
    with pytest.raises(Refused) as refusal:
        register(s, handlers=[s["officer"]])  # one handler: the law's two (APL-42) hold in either province
    assert refusal.value.rule == "APL-42" and str(national.param("min_handlers")) in refusal.value.message


def test_IMR_2b_not_met_a_provincial_file_restating_a_national_rule_is_refused(tmp_path: Path) -> None:
    base = (loader.RULEBOOK_DIR / f"{BASE}.yaml").read_text(encoding="utf-8")
    start = base.index("  - id: APL-42\n")
    national = base[start : base.index("\n  - id: ", start + 1) + 1]
    assert "min_handlers: {value: 2" in national
    provincial = national.replace("min_handlers: {value: 2", "min_handlers: {value: 1", 1)
    (tmp_path / f"{BASE}.yaml").write_text(base, encoding="utf-8")
    text = (loader.RULEBOOK_DIR / f"{IM}.yaml").read_text(encoding="utf-8").rstrip("\n")
    (tmp_path / f"{IM}.yaml").write_text(text + "\n\n" + provincial, encoding="utf-8")
    problems = loader.check_file(tmp_path / f"{IM}.yaml")
    assert any(p.rule_id == "APL-42" and "已在被引用的规则集中定义" in p.message for p in problems), problems
    with pytest.raises(loader.RulebookError):
        loader.load(IM, directory=tmp_path)


# -- IMR-26 / IMD-13, and a new version appearing (WS-26 / IMR-28 / IMD-14) --------------------------------------

PROVISION_FROM = date(2026, 9, 1)
BEFORE_IT = datetime(2026, 8, 20, 10, tzinfo=SHANGHAI)
AFTER_IT = datetime(2026, 9, 7, 10, tzinfo=SHANGHAI)


@pytest.fixture
def provision(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, loader.Rulebook]]:
    """A later version of a shipped rulebook's parameters from ``PROVISION_FROM``, as the system would judge by
    it (``loader.load`` and ``loader.at`` see it): set ``books[name]`` to ``loader.load(name).with_version(…)``."""
    shipped = loader._load_shipped
    books: dict[str, loader.Rulebook] = {}
    loader.at.cache_clear()
    monkeypatch.setattr(loader, "_load_shipped", lambda name: books.get(name) or shipped(name))
    yield books
    loader.at.cache_clear()


def _version(label: str, **overrides: dict[str, Any]) -> RulebookVersion:
    return RulebookVersion(
        version=label,
        effective_from=PROVISION_FROM,
        source="测试：旗县级以上人民政府的规定（自2026年9月1日起施行）",
        overrides={rule_id: Override(params=params) for rule_id, params in overrides.items()},
    )


def _urgent(s: dict[str, Any], start: datetime, request_after: timedelta) -> Case:
    with clock.frozen_at(start):
        case = register(s, urgent=True, handler_opinion="", violation_ended_on=start.date() - timedelta(days=30))
    with clock.frozen_at(start + request_after):
        services.submit_opening_request(actor=s["officer"], case=case, opinion="情况紧急，已先行启动，现补报")
    case.refresh_from_db()
    return case


def _provision(organisation: Organisation, rule_id: str, key: str, value: int) -> None:
    """The county administrator enters the provision, from ``PROVISION_FROM`` (IMR-26 / IMD-13 overlay)."""
    administrator = make_person(organisation, Role.ADMINISTRATOR)
    with clock.frozen_at(BEFORE_IT - timedelta(days=10)):
        rulebook_services.override_parameter(
            actor=administrator,
            organisation=organisation,
            rule_id=rule_id,
            key=key,
            value=value,
            effective_from=PROVISION_FROM,
            reason="测试：旗县级以上人民政府的规定（自2026年9月1日起施行）",
        )


@pytest.mark.parametrize(
    ("opened", "overlaid", "status"),
    [(AFTER_IT, True, Status.OVERDUE), (BEFORE_IT, False, Status.MET)],
    ids=["applicable-opened-after-the-provision", "not-applicable-opened-before-it"],
)
def test_IMR_26_a_governments_provision_prevails_for_cases_opened_after_it(
    opened: datetime, overlaid: bool, status: Status
) -> None:
    """The provision shortens IMR-8b's 24 hours to 12: a request submitted 18 hours after an urgent start is late
    under it, on time under the version the earlier case was opened with."""
    s = open_case_setting()
    _provision(s["county"], "IMR-8b", "hours", 12)
    earlier = _urgent(s, BEFORE_IT, timedelta(hours=18))
    case = earlier if opened == BEFORE_IT else _urgent(s, AFTER_IT, timedelta(hours=18))
    assert case.rulebook_version.startswith("2025.1+o") is overlaid
    finding = next(f for f in evaluate(case, now=AFTER_IT + timedelta(days=3)) if f.rule_id == "IMR-8b")
    assert finding.status is status, finding
    assert earlier.rulebook_version == "2025.1"  # opened before the provision: it keeps its version


@pytest.mark.parametrize(
    ("drafted", "days"),
    [(AFTER_IT, 10), (BEFORE_IT, 20)],
    ids=["applicable-drafted-after-the-provision", "not-applicable-drafted-before-it"],
)
def test_IMD_13_a_governments_provision_prevails_for_information_created_after_it(drafted: datetime, days: int) -> None:
    """The provision shortens IMD-10's 20 working days for 事前公开 information to 10."""
    s = open_case_setting()
    _provision(s["county"], "IMD-10", "publish_days", 10)
    publisher = make_person(s["county"], Role.PUBLISHER)
    with clock.frozen_at(drafted):
        item = disclosure.draft_before_item(
            actor=publisher, organisation=s["county"], category=BeforeCategory.MATTERS, title="执法事项清单", text="…"
        )
    assert item.due_rule == "IMD-10" and f"{days}个工作日" in item.due_explanation, item.due_explanation


@pytest.mark.parametrize("rulebook", [IM, WS], ids=["IMR-28", "WS-26"])
def test_IMR_28_WS_26_a_case_keeps_the_version_in_force_when_it_was_opened(
    provision: dict[str, loader.Rulebook], rulebook: str
) -> None:
    """A new version from 1 September 2026 asks three handlers (APL-42): a case opened before keeps two; a case
    opened after is refused with two."""
    provision[rulebook] = loader.load(rulebook).with_version(_version("2026.9", **{"APL-42": {"min_handlers": 3}}))
    s = open_case_setting()
    _on(rulebook, s["county"])
    first = loader.load(rulebook).versions[0].version
    with clock.frozen_at(BEFORE_IT):
        earlier = register(s)
    assert earlier.rulebook_version == first
    with clock.frozen_at(AFTER_IT), pytest.raises(Refused) as refusal:
        register(s)
    assert refusal.value.rule == "APL-42" and "3人" in refusal.value.message
    third = make_person(s["county"], Role.OFFICER, certificate="valid")
    with clock.frozen_at(AFTER_IT):
        later = register(s, handlers=[s["officer"], s["officer2"], third])
        assert later.rulebook_version == "2026.9"
        # the earlier case is still judged by its own version: a recusal leaving two handlers is allowed there
        services.add_handler(actor=s["head"], case=earlier, person=third)
        services.recuse_handler(actor=s["head"], case=earlier, person=third, reason="近亲属", applied_by_party=False)
        with pytest.raises(Refused) as refused_recusal:
            services.recuse_handler(actor=s["head"], case=later, person=third, reason="近亲属", applied_by_party=False)
    assert refused_recusal.value.rule == "APL-43"
    assert dict(_judgement(evaluate(earlier)))["APL-42"] == Status.MET


@pytest.mark.parametrize(
    ("rulebook", "rule", "first_day"),
    [(WS, "WS-26", date(2019, 6, 29)), (IM, "IMR-28", date(2025, 6, 26))],
    ids=["WS-26", "IMR-28"],
)
def test_WS_26_IMR_28_a_case_before_the_effective_date_is_refused_and_on_it_is_judged(
    rulebook: str, rule: str, first_day: date
) -> None:
    s = open_case_setting()
    _on(rulebook, s["county"])
    for key in ("officer", "officer2"):  # certificates valid on those days
        give_certificate(s[key], today=first_day)
    day_before = first_day - timedelta(days=1)
    with pytest.raises(Refused) as refusal:
        version_for(s["county"], day_before)
    assert refusal.value.rule == rule
    before = (Case.objects.count(), Entry.objects.count())
    with clock.frozen_at(datetime.combine(day_before, datetime.min.time(), SHANGHAI).replace(hour=10)):
        with pytest.raises(Refused) as refusal:
            register(s, violation_ended_on=day_before - timedelta(days=30))
    assert refusal.value.rule == rule and "尚未施行" in refusal.value.message
    assert (Case.objects.count(), Entry.objects.count()) == before  # not met: nothing written
    with clock.frozen_at(datetime.combine(first_day, datetime.min.time(), SHANGHAI).replace(hour=10)):
        case = register(s, violation_ended_on=first_day - timedelta(days=30))
    assert case.status == CaseStatus.PENDING_APPROVAL
    assert case.rulebook_version == loader.load(rulebook).versions[0].version == version_for(s["county"], first_day)


@pytest.mark.parametrize(
    ("day", "in_force"),
    [(date(2025, 6, 26), True), (date(2025, 6, 25), False)],
    ids=["applicable-from-the-day-of-issue", "not-applicable-the-day-before"],
)
def test_IMD_14_disclosure_due_dates_from_the_day_the_disclosure_rules_were_issued(day: date, in_force: bool) -> None:
    s = open_case_setting()
    moment = datetime.combine(day, datetime.min.time(), SHANGHAI).replace(hour=10)
    if in_force:
        due = disclosure_rules.publish_due(s["county"], moment, penalty_decision=True)
        assert due is not None and due.rule == "IMD-10"
        return
    publisher = make_person(s["county"], Role.PUBLISHER)
    before = Entry.objects.count()
    with clock.frozen_at(moment), pytest.raises(Refused) as refusal:
        disclosure.draft_before_item(
            actor=publisher, organisation=s["county"], category=BeforeCategory.POWERS, title="权责清单", text="…"
        )
    assert refusal.value.rule == "IMD-14" and Entry.objects.count() == before
