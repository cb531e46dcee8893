"""Disclosure rules of the national base, under their own IDs:

- APL-39: the penalty's implementing body, the basis for opening cases, the procedure and the remedies are public on
  the organisation's 事前公开 page; an organisation that has not published its own is shown without them, and the
  items are due and then overdue.
- GOV-118 (a wenshang bureau, whose rulebook has no IMD-10): penalty decisions published within 7 working days,
  other enforcement decisions within 20 — met when published in time, overdue when not.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from lawtrace import clock
from lawtrace.cases.models import CaseType
from lawtrace.disclosure import selectors, services
from lawtrace.disclosure.models import BeforeCategory, Item, ItemKind
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from lawtrace.orgs.models import Organisation
from lawtrace.rulebook.calendar import SHANGHAI
from tests.cases.record_content import filled
from tests.disclosure.helpers import at, decided, natural_case, setting, sign

pytestmark = pytest.mark.django_db

IM, WS = "inner-mongolia-2025", "wenshang-2019"
MONDAY = date(2026, 3, 2)  # + 7 working days: Wednesday 11 March; + 20 working days: Monday 30 March
SEVEN_DAYS_END, TWENTY_DAYS_END = date(2026, 3, 11), date(2026, 3, 30)
BASIS = "立案依据：《医疗保障基金使用监督管理条例》第三十八条至第四十一条"
PROCEDURE = "本局行政处罚程序：立案、调查取证、告知、听证、法制审核、决定、送达、执行"


def _on(rulebook: str, s: dict[str, Any]) -> dict[str, Any]:
    Organisation.objects.filter(pk=s["county"].pk).update(rulebook=rulebook)
    s["county"].refresh_from_db()
    return s


def _ends(moment: datetime | None) -> date:
    """The last day of a period ending at 24:00 of that day (stored as 00:00 of the next)."""
    assert moment is not None
    return (moment.astimezone(SHANGHAI) - timedelta(microseconds=1)).date()


def _publish(s: dict[str, Any], item: Item) -> Item:
    services.submit_for_review(actor=s["publisher"], item=item)
    return services.publish_item(actor=s["head"], item=item, redaction_confirmed=True)


def _late(item: Item) -> bool:
    published = Entry.objects.filter(action=LedgerAction.DISCLOSURE_PUBLISHED).latest("pk")
    assert f'"item":"{item.pk}"'.encode() in bytes(published.data)
    return b'"late":true' in bytes(published.data)


def _before_items(s: dict[str, Any]) -> list[Item]:
    with clock.frozen_at(at(MONDAY, 9)):
        return [
            services.draft_before_item(
                actor=s["publisher"], organisation=s["county"], category=category, title=title, text=text
            )
            for category, title, text in (
                (BeforeCategory.BASES, "行政处罚立案依据", BASIS),
                (BeforeCategory.PROCEDURES, "行政处罚实施程序", PROCEDURE),
            )
        ]


def _page(s: dict[str, Any]) -> str:
    return Client().get(f"/gongshi/org/{s['county'].pk}/").content.decode()


# -- APL-39 ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rulebook", [IM, WS])
def test_APL_39_met_the_body_basis_procedure_and_remedies_are_public(rulebook: str) -> None:
    s = _on(rulebook, setting())
    with clock.frozen_at(at(MONDAY, 15)):
        for item in _before_items(s):
            _publish(s, item)
    page = _page(s)
    assert s["county"].name in page and "执法主体" in page  # the implementing body
    assert "行政处罚立案依据" in page and "第三十八条至第四十一条" in page  # the basis for opening cases
    assert "行政处罚法" in page  # the laws relied on, from the rulebook
    assert "行政处罚实施程序" in page and "调查取证" in page and "审查决定" in page  # the procedure
    assert "行政复议" in page and "行政诉讼" in page  # the remedies
    with clock.frozen_at(at(TWENTY_DAYS_END + timedelta(days=1), 9)):
        assert not selectors.overdue_items(s["supervisor"]).exists()


@pytest.mark.parametrize(("rulebook", "rule"), [(IM, "IMD-10"), (WS, "GOV-118")])
def test_APL_39_not_met_unpublished_basis_and_procedure_are_missing_from_the_page_and_fall_overdue(
    rulebook: str, rule: str
) -> None:
    s = _on(rulebook, setting())
    drafts = _before_items(s)
    page = _page(s)
    assert "行政处罚立案依据" not in page and "第三十八条至第四十一条" not in page
    assert "行政处罚实施程序" not in page
    for item in drafts:
        assert item.due_rule == rule and _ends(item.due_at) == TWENTY_DAYS_END  # due: 20 working days
    with clock.frozen_at(at(TWENTY_DAYS_END, 17)):
        assert not selectors.overdue_items(s["supervisor"]).exists()
    with clock.frozen_at(at(TWENTY_DAYS_END + timedelta(days=1), 9)):
        assert set(selectors.overdue_items(s["supervisor"])) == set(drafts)


# -- GOV-118: 汶上 publishes decisions within 7 / 20 working days ---------------------------------------------------


def test_GOV_118_met_a_penalty_decision_published_within_7_working_days() -> None:
    s = _on(WS, setting())
    with clock.frozen_at(at(MONDAY, 9)):
        item = decided(s, natural_case(s))
    assert item.kind == ItemKind.PENALTY and item.due_rule == "GOV-118"
    assert _ends(item.due_at) == SEVEN_DAYS_END and "7个工作日" in item.due_explanation
    with clock.frozen_at(at(SEVEN_DAYS_END, 17)):
        item = _publish(s, item)
        assert not selectors.overdue_items(s["supervisor"]).exists()
    assert item.due_met_at is not None and item.due_at is not None
    assert item.due_met_at <= item.due_at and not _late(item)


def test_GOV_118_overdue_a_penalty_decision_unpublished_after_7_working_days() -> None:
    s = _on(WS, setting())
    with clock.frozen_at(at(MONDAY, 9)):
        item = decided(s, natural_case(s))
    with clock.frozen_at(at(SEVEN_DAYS_END + timedelta(days=1), 9)):
        assert list(selectors.overdue_items(s["supervisor"])) == [item]
        item = _publish(s, item)
    assert item.due_met_at is not None and item.due_at is not None
    assert item.due_met_at > item.due_at and _late(item)


def _inspection_result(s: dict[str, Any]) -> Item:
    """An inspection case's conclusion: drafted when its closing report is signed — a general enforcement decision."""
    with clock.frozen_at(at(MONDAY, 9)):
        case = natural_case(s, case_type=CaseType.INSPECTION)
        content = filled(
            case, "closing_report", s["head"], clock.now(), ground="no_execution", summary="检查未发现问题"
        )
        item = sign(s, case, "closing_report", content)
    assert item is not None and item.kind == ItemKind.INSPECTION
    return item


def test_GOV_118_met_a_general_decision_published_within_20_working_days() -> None:
    s = _on(WS, setting())
    item = _inspection_result(s)
    assert item.due_rule == "GOV-118" and _ends(item.due_at) == TWENTY_DAYS_END and "20个工作日" in item.due_explanation
    with clock.frozen_at(at(TWENTY_DAYS_END, 17)):
        assert not selectors.overdue_items(s["supervisor"]).exists()  # after 7 working days: not yet due
        item = _publish(s, item)
    assert not _late(item)


def test_GOV_118_overdue_a_general_decision_unpublished_after_20_working_days() -> None:
    s = _on(WS, setting())
    item = _inspection_result(s)
    with clock.frozen_at(at(TWENTY_DAYS_END + timedelta(days=1), 9)):
        assert list(selectors.overdue_items(s["supervisor"])) == [item]
        item = _publish(s, item)
    assert _late(item)
