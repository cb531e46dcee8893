"""The 核对事项 panel on the case page and the organisation page: the items with their status, the confirm form
for those who may confirm (posted with its CSRF token, as a browser does), the IMR-5b statement form for handlers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from lawtrace.rulebook.models import Confirmation
from tests.cases.steps import MONDAY, _signed
from tests.rulebook_checklists.conftest import csrf_client, opened, post_form

pytestmark = pytest.mark.django_db


def test_IMR_5_the_case_page_lists_the_item_and_the_legal_reviewer_confirms_it_through_the_form() -> None:
    s = opened()
    case_page = f"/cases/{s['case'].pk}/"
    action = f"/cases/{s['case'].pk}/checklist/IMR-5/confirm/"
    reviewer = csrf_client(s["reviewer"])
    page = reviewer.get(case_page).content.decode()
    assert "核对事项" in page and 'data-rule="IMR-5"' in page and "待确认" in page and "用语规范" in page
    assert reviewer.post(action, {"note": "无令牌"}).status_code == 403  # the CSRF check holds
    response = post_form(reviewer, case_page, action, {"note": "文书格式、用语已核对"})
    assert response.status_code == 302  # type: ignore[attr-defined]
    row = Confirmation.objects.get()
    assert row.rule_id == "IMR-5" and row.confirmed_by == s["reviewer"] and row.note == "文书格式、用语已核对"
    assert Entry.objects.filter(action=LedgerAction.CHECKLIST_CONFIRMED, case_number=s["case"].number).count() == 1
    page = reviewer.get(case_page).content.decode()
    assert "已确认" in page and "文书格式、用语已核对" in page


def test_IMR_5_an_officer_sees_the_item_but_no_confirm_button_and_a_forged_post_writes_nothing() -> None:
    s = opened()
    officer = csrf_client(s["officer"])
    page = officer.get(f"/cases/{s['case'].pk}/").content.decode()
    assert 'data-rule="IMR-5"' in page and "checklist/IMR-5/confirm/" not in page
    token = officer.cookies["csrftoken"].value
    before = Entry.objects.count()
    response = officer.post(
        f"/cases/{s['case'].pk}/checklist/IMR-5/confirm/", {"note": "", "csrfmiddlewaretoken": token}, follow=True
    )
    assert "法制审核人员或机关负责人" in response.content.decode()
    assert Confirmation.objects.count() == 0 and Entry.objects.count() == before


def test_IMR_5b_the_handler_states_the_omission_through_the_case_page() -> None:
    s = opened()
    record = _signed(s, s["case"], "inquiry_transcript", MONDAY + timedelta(hours=2))
    officer = csrf_client(s["officer"])
    case_page = f"/cases/{s['case'].pk}/"
    page = officer.get(case_page).content.decode()
    assert f'data-record="{record.pk}"' in page and "无音像记录" in page  # type: ignore[attr-defined]
    action = f"/records/{record.pk}/av-omission/"  # type: ignore[attr-defined]
    post_form(officer, case_page, action, {"reason": "询问笔录经当事人逐页签字确认，完整记录询问过程"})
    row = Confirmation.objects.get()
    assert row.rule_id == "IMR-5b" and row.record_id == record.pk  # type: ignore[attr-defined]
    assert Entry.objects.filter(action=LedgerAction.AV_OMISSION_STATED).count() == 1
    assert "已说明理由" in officer.get(case_page).content.decode()


@pytest.mark.parametrize("rulebook, rule_id", [("inner-mongolia-2025", "IMR-4"), ("wenshang-2019", "WS-6")])
def test_the_administrator_confirms_equipment_and_rooms_on_the_organisation_page(rulebook: str, rule_id: str) -> None:
    s = opened(rulebook)
    org_page = f"/orgs/{s['county'].pk}/"
    action = f"/orgs/{s['county'].pk}/checklist/{rule_id}/confirm/"
    admin = csrf_client(s["admin"])
    post_form(admin, org_page, action, {"note": "执法记录仪8台，询问室1间"})
    row = Confirmation.objects.get()
    assert row.rule_id == rule_id and row.case is None and row.organisation == s["county"]
    assert Entry.objects.filter(action=LedgerAction.CHECKLIST_CONFIRMED, log__organisation=s["county"]).count() == 1
    page = admin.get(org_page).content.decode()
    assert "确认记录（1）" in page and "执法记录仪8台，询问室1间" in page
