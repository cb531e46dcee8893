"""IMD-8 (issue 16): when a case's names change — a party's name corrected, a representative added — its published
items are scanned again, and one that now shows a name the case knows leaves the public site for review."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from lawtrace import clock
from lawtrace.cases.models import PartyKind
from lawtrace.disclosure import selectors, services
from lawtrace.disclosure.models import ItemStatus
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from tests.disclosure.helpers import at, company_case, decided, natural_case, setting

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)
TRUE_NAME = "周智明"  # the party was registered as 周志明; the decision's text spells the name right


@pytest.fixture
def s() -> dict[str, Any]:
    return setting()


def _published(s: dict[str, Any], case: Any, facts: str) -> Any:
    with clock.frozen_at(at(MONDAY, 9)):
        item = decided(s, case, facts_and_evidence=facts)
        services.submit_for_review(actor=s["publisher"], item=item)
        return services.publish_item(actor=s["head"], item=item, redaction_confirmed=True)


def _rescans_since(before: int) -> int:
    return list(Entry.objects.order_by("pk").values_list("action", flat=True)[before:]).count(
        LedgerAction.DISCLOSURE_RESCANNED
    )


def test_IMD_8_a_partys_name_corrected_after_publication_takes_the_item_back_to_review(s: dict[str, Any]) -> None:
    with clock.frozen_at(at(MONDAY, 9)):
        case = natural_case(s)
    item = _published(s, case, f"{TRUE_NAME}于2026年1月伪造门诊登记12份，骗取医保基金3,600元。")
    assert TRUE_NAME in item.published_version.redacted_text  # the case did not know this spelling
    before = Entry.objects.count()

    party = case.parties.get()
    party.name = TRUE_NAME
    party.save()

    item.refresh_from_db()
    assert item.status == ItemStatus.DRAFT and "自然人姓名" in item.review_reason
    assert not selectors.public_items().filter(pk=item.pk).exists()
    assert TRUE_NAME not in item.latest_version.redacted_text
    assert _rescans_since(before) == 1


def test_IMD_8_a_representative_added_after_publication_is_masked(s: dict[str, Any]) -> None:
    with clock.frozen_at(at(MONDAY, 9)):
        case = company_case(s)
    item = _published(s, case, "该公司员工孔繁星于2026年1月伪造门诊登记12份，骗取医保基金3,600元。")
    assert "孔繁星" in item.published_version.redacted_text
    before = Entry.objects.count()

    party = case.parties.get()
    assert party.kind == PartyKind.LEGAL
    party.representative = "孔繁星"
    party.save()

    item.refresh_from_db()
    assert item.status == ItemStatus.DRAFT
    assert "孔繁星" not in item.latest_version.redacted_text
    assert _rescans_since(before) == 1


def test_IMD_8_saving_a_party_unchanged_scans_nothing_again(s: dict[str, Any]) -> None:
    with clock.frozen_at(at(MONDAY, 9)):
        case = natural_case(s)
    item = _published(s, case, "当事人于2026年1月伪造门诊登记12份，骗取医保基金3,600元。")
    before = Entry.objects.count()
    case.parties.get().save()
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED
    assert Entry.objects.count() == before
