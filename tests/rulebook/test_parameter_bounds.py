"""National law is a floor (issue 14): an organisation's provision (IMR-26 / IMD-13) may tighten a rulebook
parameter, never loosen it past the bounds the rulebook declares with the article that sets them. One case per kind
of bound — a minimum that may rise, a period that may only shorten, a party's period that may only lengthen, an
amount with a ceiling, a rate fixed by law, a list that must keep the law's items, a list that may only drop them, a
duty that stays on, a choice among named values, a local rule with no national ceiling: outside the bounds it is
refused, citing the article, with no row and no ledger entry; inside it is accepted and ledgered."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from lawtrace import clock
from lawtrace.cases.rules import param, version_for
from lawtrace.errors import Refused
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from lawtrace.orgs.models import Organisation, Role
from lawtrace.rulebook.bounds import describe, violation
from lawtrace.rulebook.calendar import SHANGHAI
from lawtrace.rulebook.models import ParameterOverride
from lawtrace.rulebook.schema import Override, Param, Rule
from lawtrace.rulebook.services import override_parameter
from tests.factories import make_person, open_case_setting

ENTERED = datetime(2026, 8, 3, 10, tzinfo=SHANGHAI)
FROM = date(2026, 9, 1)
GROUND = "某旗人民政府关于医疗保障行政执法有关事项的通知（某政发〔2026〕12号）"
APL = "《中华人民共和国行政处罚法》"
IM, WS = "inner-mongolia-2025", "wenshang-2019"
HEAVY = ["降低资质等级", "吊销许可证件", "责令停产停业", "责令关闭", "限制从业", "其他较重的行政处罚"]

# kind of bound → (rulebook, rule, key, a value outside, the rule cited, the article cited, a value inside)
BOUNDS: dict[str, tuple[str, str, str, Any, str, str, Any]] = {
    "a-minimum-may-rise-APL-42": (IM, "APL-42", "min_handlers", 1, "APL-42", f"{APL}第四十二条", 3),
    "a-fund-inspection-minimum-FUND-29": (
        IM,
        "FUND-29",
        "min_inspectors",
        1,
        "FUND-29",
        "《医疗保障基金使用监督管理条例》第二十九条",
        2,
    ),
    "the-authoritys-period-may-only-shorten-APL-60": (IM, "APL-60", "decision_days", 120, "APL-60", "第六十条", 60),
    "a-period-must-stay-positive-APL-60": (IM, "APL-60", "decision_days", 0, "APL-60", "第六十条", 1),
    "the-partys-period-may-only-lengthen-APL-64": (IM, "APL-64", "request_days", 3, "APL-64", "第六十四条", 10),
    "an-amount-has-the-laws-ceiling-APL-51": (
        IM,
        "APL-51",
        "max_fine_natural_person_fen",
        30000,
        "APL-51",
        f"{APL}第五十一条",
        10000,
    ),
    "a-rate-fixed-by-law-APL-72": (IM, "APL-72", "daily_rate_bp", 500, "APL-72", f"{APL}第七十二条", 300),
    "a-period-fixed-by-law-APL-36": (IM, "APL-36", "years", 3, "APL-36", f"{APL}第三十六条", 2),
    "a-list-keeps-the-laws-items-APL-63": (
        IM,
        "APL-63",
        "heavy_penalty_types",
        HEAVY[1:],
        "APL-63",
        f"{APL}第六十三条",
        [*HEAVY, "没收较大数额违法所得"],
    ),
    "a-list-may-only-drop-the-laws-items-APL-51": (
        IM,
        "APL-51",
        "penalty_types",
        ["警告", "罚款", "没收违法所得"],
        "APL-51",
        f"{APL}第五十一条",
        ["警告"],
    ),
    "a-duty-stays-on-PUB-MASK": (IM, "PUB-MASK", "notify_party_at_service", False, "PUB-MASK", "通行做法", True),
    "a-choice-among-named-values-PUB-MASK": (
        IM,
        "PUB-MASK",
        "natural_person_name",
        "initials",
        "PUB-MASK",
        "通行做法",
        "full",
    ),
    "a-national-ceiling-on-a-local-rule-IMD-10": (
        IM,
        "IMD-10",
        "penalty_decision_days",
        10,
        "GOV-118",
        "国办发〔2018〕118号",
        5,
    ),
    "a-local-rule-with-no-national-ceiling-IMR-22": (IM, "IMR-22", "hours", 0, "IMR-22", "第二十六条", 48),
    "a-local-minimum-WS-17.3": (WS, "WS-17.3", "min_servers", 0, "WS-17.3", "第十七条第（三）项", 3),
}


@pytest.fixture
def s() -> dict[str, Any]:
    setting = open_case_setting()
    setting["admin"] = make_person(setting["county"], Role.ADMINISTRATOR)
    return setting


def _override(s: dict[str, Any], rule_id: str, key: str, value: Any) -> ParameterOverride:
    with clock.frozen_at(ENTERED):
        return override_parameter(
            actor=s["admin"],
            organisation=s["county"],
            rule_id=rule_id,
            key=key,
            value=value,
            effective_from=FROM,
            reason=GROUND,
        )


def _on_rulebook(s: dict[str, Any], rulebook: str) -> Organisation:
    Organisation.objects.filter(pk=s["county"].pk).update(rulebook=rulebook)
    s["county"].refresh_from_db()
    return s["county"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rulebook", "rule_id", "key", "outside", "cited", "article", "inside"), BOUNDS.values(), ids=BOUNDS.keys()
)
def test_an_override_outside_the_legal_bounds_is_refused_with_the_article_and_nothing_written(
    s: dict[str, Any], rulebook: str, rule_id: str, key: str, outside: Any, cited: str, article: str, inside: Any
) -> None:
    county = _on_rulebook(s, rulebook)
    shipped = param(rulebook, version_for(county, FROM), rule_id, key)
    before = (ParameterOverride.objects.count(), Entry.objects.count())
    with pytest.raises(Refused) as refusal:
        _override(s, rule_id, key, outside)
    assert refusal.value.rule == cited and article in refusal.value.message, refusal.value.message
    assert (ParameterOverride.objects.count(), Entry.objects.count()) == before  # no row, no ledger entry
    assert param(rulebook, version_for(county, FROM), rule_id, key) == shipped


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rulebook", "rule_id", "key", "outside", "cited", "article", "inside"), BOUNDS.values(), ids=BOUNDS.keys()
)
def test_an_override_within_the_legal_bounds_is_accepted_and_ledgered(
    s: dict[str, Any], rulebook: str, rule_id: str, key: str, outside: Any, cited: str, article: str, inside: Any
) -> None:
    county = _on_rulebook(s, rulebook)
    entries = Entry.objects.filter(action=LedgerAction.PARAMETER_OVERRIDDEN).count()
    row = _override(s, rule_id, key, inside)
    assert (row.rule_id, row.key, row.value) == (rule_id, key, inside)
    assert Entry.objects.filter(action=LedgerAction.PARAMETER_OVERRIDDEN).count() == entries + 1
    assert param(rulebook, version_for(county, FROM), rule_id, key) == inside


@pytest.mark.django_db
def test_the_parameters_page_shows_each_bound_and_refuses_a_loosening_with_the_article(s: dict, client: Any) -> None:
    url = reverse("organisation_parameters", args=[s["county"].pk])
    client.force_login(s["admin"])
    with clock.frozen_at(ENTERED):
        page = client.get(url).content.decode()
        assert "法定界限" in page and f"不低于2人；调高为从严（{APL}第四十二条）" in page
        assert "仅供参考" in page  # an informational parameter (CEL-18 min_officers) says so
        before = (ParameterOverride.objects.count(), Entry.objects.count())
        answer = client.post(
            url,
            {
                "parameter": "APL-42|min_handlers",
                "value": "1",
                "unverified": "",
                "effective_from": FROM.isoformat(),
                "reason": GROUND,
            },
        )
    assert answer.status_code == 200
    assert f"最少执法人员人数不得低于2人（拟改为1人）（{APL}第四十二条）" in answer.content.decode()
    assert (ParameterOverride.objects.count(), Entry.objects.count()) == before


# -- the judgement itself, on any value ----------------------------------------------------------------------------


def _rule(**param: Any) -> Rule:
    return Rule.model_validate(
        {
            "id": "APL-42",
            "kind": "principle",
            "title": "测试",
            "article": "《测试》第一条",
            "text_type": "摘要",
            "text": "测试。",
            "params": {"n": param},
        }
    )


@given(
    low=st.integers(min_value=0, max_value=100),
    span=st.integers(min_value=0, max_value=100),
    value=st.integers(min_value=-10, max_value=300),
)
def test_an_integer_is_refused_exactly_when_it_leaves_its_bounds(low: int, span: int, value: int) -> None:
    rule = _rule(
        value=low, unit="person", bounds={"tighter": "higher", "min": low, "max": low + span, "article": "某条"}
    )
    found = violation(rule, "n", value)
    assert (found is None) == (low <= value <= low + span)
    if found is not None:
        assert found.rule == "APL-42" and "某条" in found.message


@given(value=st.lists(st.sampled_from(["甲", "乙", "丙", "丁"]), unique=True))
def test_a_list_keeps_or_stays_within_the_laws_items(value: list[str]) -> None:
    keeps = _rule(value=["甲", "乙"], bounds={"tighter": "higher", "article": "某条"})
    within = _rule(value=["甲", "乙"], bounds={"tighter": "lower", "article": "某条"})
    assert (violation(keeps, "n", value) is None) == {"甲", "乙"}.issubset(value)
    assert (violation(within, "n", value) is None) == set(value).issubset({"甲", "乙"})


def test_the_laws_value_survives_a_version_override() -> None:
    """A version's override does not move the bound: the law's value is remembered from the file."""
    rule = _rule(value=300, unit="basis_point", bounds={"tighter": "fixed", "article": "第七十二条"})
    later = rule.with_overrides(Override(params={"n": 500}))
    assert later.params["n"].value == 500 and later.params["n"].bounds.law_value == 300  # type: ignore[union-attr]
    assert violation(later, "n", 300) is None and violation(later, "n", 500) is not None
    fixed = {"value": 300, "unit": "basis_point", "bounds": {"tighter": "fixed", "article": "第七十二条"}}
    assert describe(Param.model_validate(fixed)) == "法定为3%（第七十二条）"
