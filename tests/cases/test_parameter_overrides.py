"""An organisation's rulebook parameters (IMR-26 / IMD-13: where a people's government at banner/county level or
above provides otherwise, its provision prevails; DESIGN § Rulebooks: an administrator changes parameters per
organisation, a change is a new dated overlay version, ledgered; a case keeps the versions in force when it was
opened). Through the real service, on cases registered through the real services."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse

from lawtrace import clock
from lawtrace.cases.models import Case
from lawtrace.cases.rules import param, version_for
from lawtrace.disclosure import services as disclosure
from lawtrace.disclosure.models import BeforeCategory
from lawtrace.errors import PermissionRefused, Refused
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from lawtrace.orgs.models import Organisation, Role, User
from lawtrace.rulebook import loader
from lawtrace.rulebook.calendar import SHANGHAI
from lawtrace.rulebook.models import ParameterOverride
from lawtrace.rulebook.services import override_parameter
from tests.factories import make_person, open_case_setting, register

pytestmark = pytest.mark.django_db

IM = "inner-mongolia-2025"
ENTERED = datetime(2026, 8, 3, 10, tzinfo=SHANGHAI)
FROM = date(2026, 9, 1)
BEFORE_IT = datetime(2026, 8, 20, 10, tzinfo=SHANGHAI)
AFTER_IT = datetime(2026, 9, 7, 10, tzinfo=SHANGHAI)
DOCUMENT = "某旗人民政府关于医疗保障行政执法有关事项的通知（某政发〔2026〕12号）"
COLLECTIVE = ("APL-57", "collective_fine_legal_person_fen")  # 集体讨论 from 100 000 yuan for a legal person
HEARING = ("APL-63", "fine_legal_person_fen")  # 较大数额罚款 (hearing right) from 100 000 yuan for a legal person


def _override(actor: User, organisation: Organisation, rule: tuple[str, str], value: Any, **given: Any) -> Any:
    arguments: dict[str, Any] = {"effective_from": FROM, "reason": DOCUMENT, **given}
    with clock.frozen_at(ENTERED):
        return override_parameter(
            actor=actor, organisation=organisation, rule_id=rule[0], key=rule[1], value=value, **arguments
        )


def _opened(s: dict[str, Any], moment: datetime) -> Case:
    with clock.frozen_at(moment):
        return register(s, violation_ended_on=moment.date() - timedelta(days=30))


def _in_force(case: Case, rule: tuple[str, str]) -> int:
    return int(param(case.rulebook, case.rulebook_version, *rule))


def _on(organisation: Organisation, moment: datetime, rule: tuple[str, str]) -> int:
    return int(param(organisation.rulebook, version_for(organisation, moment.date()), *rule))


@pytest.fixture
def s() -> dict[str, Any]:
    setting = open_case_setting()
    setting["admin"] = make_person(setting["county"], Role.ADMINISTRATOR)
    setting["city_admin"] = make_person(setting["city"], Role.ADMINISTRATOR)
    return setting


# -- met -----------------------------------------------------------------------------------------------------------


def test_IMR_26_met_a_county_provision_applies_to_its_cases_opened_from_its_day_and_not_before(s: dict) -> None:
    shipped = int(loader.load(IM).param(*COLLECTIVE))
    earlier = _opened(s, BEFORE_IT)
    before = Entry.objects.filter(action=LedgerAction.PARAMETER_OVERRIDDEN).count()
    row = _override(s["admin"], s["county"], COLLECTIVE, 5_000_000)
    assert Entry.objects.filter(action=LedgerAction.PARAMETER_OVERRIDDEN).count() == before + 1
    later = _opened(s, AFTER_IT)
    assert later.rulebook_version == f"2025.1+o{s['county'].pk}.{row.pk}.1"
    assert len(later.rulebook_version) <= Case._meta.get_field("rulebook_version").max_length  # type: ignore[union-attr]
    assert _in_force(later, COLLECTIVE) == 5_000_000
    assert loader.at(later.rulebook, later.rulebook_version).version.source.endswith(DOCUMENT)
    # opened before the provision: it keeps the shipped version, even when judged after it
    earlier.refresh_from_db()
    assert earlier.rulebook_version == "2025.1" and _in_force(earlier, COLLECTIVE) == shipped
    with clock.frozen_at(AFTER_IT):  # a case opened on the eve of the day keeps the shipped value too
        assert _on(s["county"], AFTER_IT - timedelta(days=7), COLLECTIVE) == shipped


def test_IMR_26_not_met_a_county_provision_does_not_bind_a_sibling_county_or_the_city(s: dict) -> None:
    shipped = int(loader.load(IM).param(*COLLECTIVE))
    _override(s["admin"], s["county"], COLLECTIVE, 5_000_000)
    assert version_for(s["other"], AFTER_IT.date()) == "2025.1"
    assert version_for(s["city"], AFTER_IT.date()) == "2025.1"
    assert _on(s["other"], AFTER_IT, COLLECTIVE) == _on(s["city"], AFTER_IT, COLLECTIVE) == shipped


def test_IMR_26_met_a_city_provision_binds_its_counties_unless_a_county_has_its_own(s: dict) -> None:
    shipped = int(loader.load(IM).param(*HEARING))
    _override(s["city_admin"], s["city"], HEARING, 5_000_000)
    assert _on(s["other"], AFTER_IT, HEARING) == _on(s["city"], AFTER_IT, HEARING) == 5_000_000
    assert _on(s["county"], AFTER_IT, HEARING) == 5_000_000
    _override(s["admin"], s["county"], HEARING, 3_000_000, effective_from=FROM + timedelta(days=2))
    assert _on(s["county"], AFTER_IT, HEARING) == 3_000_000  # the county's own prevails over the city's
    assert _on(s["other"], AFTER_IT, HEARING) == 5_000_000
    assert _on(s["county"], BEFORE_IT, HEARING) == _on(s["province"], AFTER_IT, HEARING) == shipped
    # a later city row does not displace the county's own either
    _override(s["city_admin"], s["city"], HEARING, 4_000_000, effective_from=FROM + timedelta(days=3))
    assert _on(s["county"], AFTER_IT, HEARING) == 3_000_000 and _on(s["other"], AFTER_IT, HEARING) == 4_000_000


def test_IMR_26_met_a_provision_of_the_number_of_handlers_gates_registration_after_its_day(s: dict) -> None:
    _override(s["admin"], s["county"], ("APL-42", "min_handlers"), 3)
    earlier = _opened(s, BEFORE_IT)
    with clock.frozen_at(AFTER_IT), pytest.raises(Refused) as refusal:
        register(s)
    assert refusal.value.rule == "APL-42" and "3人" in refusal.value.message
    third = make_person(s["county"], Role.OFFICER, certificate="valid")
    with clock.frozen_at(AFTER_IT):
        later = register(s, handlers=[s["officer"], s["officer2"], third])
    assert _in_force(later, ("APL-42", "min_handlers")) == 3 and _in_force(earlier, ("APL-42", "min_handlers")) == 2


def test_IMR_26_met_the_unverified_flag_is_changed_per_organisation(s: dict) -> None:
    unverified = next(rule for rule in loader.load(IM) if rule.unverified)
    with clock.frozen_at(ENTERED):
        override_parameter(
            actor=s["admin"],
            organisation=s["county"],
            rule_id=unverified.id,
            key="",
            value=None,
            effective_from=FROM,
            reason="已对照国家医保局令原文核实",
            unverified=False,
        )
    county = loader.at(IM, version_for(s["county"], AFTER_IT.date()))
    assert not county.rule(unverified.id).unverified
    assert loader.at(IM, version_for(s["other"], AFTER_IT.date())).rule(unverified.id).unverified


def test_IMD_13_met_a_provision_shortens_publishing_for_information_drafted_after_it(s: dict) -> None:
    publisher = make_person(s["county"], Role.PUBLISHER)
    _override(s["admin"], s["county"], ("IMD-10", "publish_days"), 10)
    for drafted, days in ((BEFORE_IT, 20), (AFTER_IT, 10)):
        with clock.frozen_at(drafted):
            item = disclosure.draft_before_item(
                actor=publisher, organisation=s["county"], category=BeforeCategory.MATTERS, title="事项清单", text="…"
            )
        assert item.due_rule == "IMD-10" and f"{days}个工作日" in item.due_explanation, item.due_explanation


def test_IMD_13_not_met_a_sibling_countys_information_keeps_the_shipped_days(s: dict) -> None:
    _override(s["admin"], s["county"], ("IMD-10", "publish_days"), 10)
    publisher = make_person(s["other"], Role.PUBLISHER)
    with clock.frozen_at(AFTER_IT):
        item = disclosure.draft_before_item(
            actor=publisher, organisation=s["other"], category=BeforeCategory.MATTERS, title="事项清单", text="…"
        )
    assert "20个工作日" in item.due_explanation


# -- not met: refused, nothing written -----------------------------------------------------------------------------

REFUSALS = {
    "an-officer": ("officer", "county", COLLECTIVE, 5_000_000, {}),
    "a-sibling-countys-administrator": ("other_admin", "county", COLLECTIVE, 5_000_000, {}),
    "a-county-administrator-for-the-city": ("admin", "city", COLLECTIVE, 5_000_000, {}),
    "an-unknown-rule": ("admin", "county", ("APL-999", "collective_fine_legal_person_fen"), 5_000_000, {}),
    "an-unknown-parameter": ("admin", "county", ("APL-57", "fine_fen"), 5_000_000, {}),
    "a-string-for-a-number": ("admin", "county", COLLECTIVE, "5000000", {}),
    "a-flag-for-a-number": ("admin", "county", COLLECTIVE, True, {}),
    "a-fraction": ("admin", "county", COLLECTIVE, 50000.5, {}),
    "a-negative-amount": ("admin", "county", COLLECTIVE, -1, {}),
    "a-past-day": ("admin", "county", COLLECTIVE, 5_000_000, {"effective_from": ENTERED.date() - timedelta(days=1)}),
    "no-ground": ("admin", "county", COLLECTIVE, 5_000_000, {"reason": "  "}),
}


@pytest.mark.parametrize(("who", "where", "rule", "value", "given"), REFUSALS.values(), ids=REFUSALS.keys())
def test_IMR_26_not_met_a_provision_is_refused_and_nothing_written(
    s: dict, who: str, where: str, rule: tuple[str, str], value: Any, given: dict[str, Any]
) -> None:
    s["other_admin"] = make_person(s["other"], Role.ADMINISTRATOR)
    before = (ParameterOverride.objects.count(), Entry.objects.count())
    with pytest.raises(Refused) as refusal:
        _override(s[who], s[where], rule, value, **given)
    assert refusal.value.rule == "IMR-26" and refusal.value.message
    assert isinstance(refusal.value, PermissionRefused) is (who != "admin" or where != "county")
    assert (ParameterOverride.objects.count(), Entry.objects.count()) == before
    assert version_for(s["county"], AFTER_IT.date()) == "2025.1"


def test_IMD_13_not_met_a_disclosure_parameter_refusal_cites_the_disclosure_rule(s: dict) -> None:
    before = Entry.objects.count()
    with pytest.raises(Refused) as refusal:
        _override(s["officer"], s["county"], ("IMD-10", "publish_days"), 10)
    assert refusal.value.rule == "IMD-13" and Entry.objects.count() == before


# -- the administrator's page --------------------------------------------------------------------------------------


def test_IMR_26_met_the_administrators_page_lists_values_and_enters_a_provision(s: dict, client: Any) -> None:
    url = reverse("organisation_parameters", args=[s["county"].pk])
    client.force_login(s["admin"])
    with clock.frozen_at(ENTERED):
        page = client.get(url)
        assert page.status_code == 200 and "collective_fine_legal_person_fen" in page.content.decode()
        answer = client.post(
            url,
            {
                "parameter": "APL-57|collective_fine_legal_person_fen",
                "value": "5000000",
                "unverified": "",
                "effective_from": FROM.isoformat(),
                "reason": DOCUMENT,
            },
        )
    assert answer.status_code == 302
    row = ParameterOverride.objects.get()
    assert (row.organisation, row.rule_id, row.value, row.entered_by) == (s["county"], "APL-57", 5_000_000, s["admin"])
    with clock.frozen_at(AFTER_IT):
        page = client.get(url).content.decode()
    assert "已调整" in page and DOCUMENT in page


def test_IMR_26_not_met_the_page_refuses_a_supervisor_and_writes_nothing(s: dict, client: Any) -> None:
    url = reverse("organisation_parameters", args=[s["county"].pk])
    client.force_login(s["supervisor"])
    before = Entry.objects.count()
    with clock.frozen_at(ENTERED):
        page = client.get(url)
        assert page.status_code == 200 and "录入参数调整" not in page.content.decode()
        client.post(
            url,
            {"parameter": "APL-57|collective_fine_legal_person_fen", "value": "1", "effective_from": FROM.isoformat()}
            | {"reason": DOCUMENT},
        )
    assert not ParameterOverride.objects.exists() and Entry.objects.count() == before
