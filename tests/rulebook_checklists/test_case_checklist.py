"""IMR-5 (documents in the national formats, facts clear, wording standard, law correctly applied): a checklist item
no code can judge, confirmed per case by the legal reviewer or the head. It appears on the case as due until
confirmed; the confirmation is a ledgered row and the item is then met; refusals write nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lawtrace.cases.compliance import evaluate
from lawtrace.cases.models import ComplianceRow
from lawtrace.errors import PermissionRefused, Refused
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from lawtrace.orgs.models import Role
from lawtrace.rulebook import services
from lawtrace.rulebook.checklists import case_checklist
from lawtrace.rulebook.deadlines import Status
from lawtrace.rulebook.models import Confirmation
from tests.cases.steps import MONDAY, _signed
from tests.factories import make_person
from tests.rulebook_checklists.conftest import later, opened

pytestmark = pytest.mark.django_db


def _status(case, rule_id: str) -> Status:  # type: ignore[no-untyped-def]
    found = [f for f in evaluate(case) if f.rule_id == rule_id]
    assert len(found) == 1, [f.rule_id for f in evaluate(case)]
    return found[0].status


def test_IMR_5_appears_on_the_case_with_its_items_and_is_due_until_confirmed() -> None:
    # given an inner-mongolia case nobody has checked
    s = opened()
    # then the item is listed with the rulebook's wording, and the case's compliance shows it due
    [state] = case_checklist(s["case"])
    assert state.rule.id == "IMR-5" and state.status is Status.DUE and state.history == []
    assert "使用国家医疗保障局统一的执法文书格式文本" in state.items and "用语规范" in state.items
    assert _status(s["case"], "IMR-5") is Status.DUE


@pytest.mark.parametrize("who", ["reviewer", "head"], ids=["IMR_5-legal_reviewer", "IMR_5-bureau_head"])
def test_IMR_5_confirmation_is_recorded_with_its_ledger_entry_and_the_item_is_met(who: str) -> None:
    s = opened()
    entries = Entry.objects.filter(action=LedgerAction.CHECKLIST_CONFIRMED)
    # when the legal reviewer (or the head) confirms it
    with later():
        row = services.confirm(
            actor=s[who], rule_id="IMR-5", organisation=s["county"], case=s["case"], note="已逐份核对"
        )
    # then one immutable row with the rulebook's items, one ledger entry on the case, and the item met
    assert Confirmation.objects.get() == row
    assert row.confirmed_by == s[who] and row.case == s["case"] and row.note == "已逐份核对"
    assert row.item.startswith("使用国家医疗保障局统一的执法文书格式文本；")
    entry = entries.get()
    assert entry.case_number == s["case"].number and entry.log.organisation == s["county"]
    assert "已逐份核对" not in bytes(entry.data).decode()  # the note reaches the ledger only as a salted hash
    assert _status(s["case"], "IMR-5") is Status.MET
    assert ComplianceRow.objects.get(case=s["case"], rule_id="IMR-5").status == "met"  # the projection follows


def test_IMR_5_a_second_confirmation_is_a_new_row_and_the_history_stays() -> None:
    s = opened()
    with later(1):
        first = services.confirm(actor=s["reviewer"], rule_id="IMR-5", organisation=s["county"], case=s["case"])
    with later(2):
        second = services.confirm(actor=s["head"], rule_id="IMR-5", organisation=s["county"], case=s["case"])
    [state] = case_checklist(s["case"])
    assert state.history == [second, first] and state.status is Status.MET


def test_IMR_5_a_record_signed_after_the_confirmation_makes_it_due_again() -> None:
    s = opened()
    with later(1):
        services.confirm(actor=s["reviewer"], rule_id="IMR-5", organisation=s["county"], case=s["case"])
    _signed(s, s["case"], "inquiry_transcript", MONDAY + timedelta(hours=3))
    [state] = case_checklist(s["case"])
    assert state.status is Status.DUE and "须重新核对" in state.note
    with later(5):
        services.confirm(actor=s["reviewer"], rule_id="IMR-5", organisation=s["county"], case=s["case"])
    assert _status(s["case"], "IMR-5") is Status.MET


def test_IMR_5_is_not_an_item_of_a_wenshang_case() -> None:
    s = opened("wenshang-2019")
    assert [state.rule.id for state in case_checklist(s["case"])] == ["WS-3b"]  # its own formats item, not IMR-5
    assert "IMR-5" not in {f.rule_id for f in evaluate(s["case"])}


def _refusals() -> list:  # type: ignore[type-arg]
    return [
        pytest.param("officer", "IMR-5", True, PermissionRefused, "法制审核人员或机关负责人", id="IMR_5-officer"),
        pytest.param("unit_head", "IMR-5", True, PermissionRefused, "法制审核人员", id="IMR_5-unit_head"),
        pytest.param("admin", "IMR-5", True, PermissionRefused, "法制审核人员", id="IMR_5-administrator"),
        pytest.param("stranger", "IMR-5", True, PermissionRefused, "无权查看该案件", id="IMR_5-case_not_visible"),
        pytest.param("reviewer", "IMR-5", False, Refused, "逐案确认", id="IMR_5-without_a_case"),
        pytest.param("reviewer", "IMR-22", True, Refused, "没有需人工核对确认的事项", id="IMR_5-not_a_checklist"),
        pytest.param("reviewer", "WS-6", True, Refused, "没有需人工核对确认的事项", id="IMR_5-other_rulebook"),
        pytest.param("reviewer", "IMR-4", True, Refused, "按组织确认", id="IMR_5-per_organisation_rule"),
        pytest.param("reviewer", "IMD-12", True, Refused, "公示信息页面", id="IMR_5-per_disclosure_item"),
    ]


@pytest.mark.parametrize(("who", "rule_id", "on_case", "error", "message"), _refusals())
def test_IMR_5_refusals_name_the_rule_and_write_nothing(
    who: str, rule_id: str, on_case: bool, error: type[Refused], message: str
) -> None:
    s = opened()
    s["stranger"] = make_person(s["other"], Role.LEGAL_REVIEWER)  # a reviewer of another county
    before = Entry.objects.count()
    with pytest.raises(error, match=message) as refused:
        services.confirm(actor=s[who], rule_id=rule_id, organisation=s["county"], case=s["case"] if on_case else None)
    assert refused.value.rule == rule_id
    assert Confirmation.objects.count() == 0 and Entry.objects.count() == before
    assert _status(s["case"], "IMR-5") is Status.DUE
