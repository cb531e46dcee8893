"""The public portal (no sign-in): 事前公开 (IMD-4, IMD-5), 事后公示 (IMD-7), per organisation and hierarchy (IMD-9),
search, pagination, Atom, open data, the correction form (IMD-11) — and the publisher's pages inside the system."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from lawtrace.disclosure import services
from lawtrace.disclosure.models import BeforeCategory, CorrectionRequest, Item, ItemStatus
from lawtrace.orgs.models import Role
from tests.disclosure.helpers import (
    COMPANY,
    PARTY_ID,
    PARTY_NAME,
    PARTY_PHONE,
    company_case,
    decided,
    natural_case,
    setting,
)
from tests.factories import give_certificate, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def s() -> dict[str, Any]:
    return setting()


def publish(s: dict[str, Any], item: Item) -> Item:
    services.submit_for_review(actor=s["publisher"], item=item)
    return services.publish_item(actor=s["publisher"], item=item, redaction_confirmed=True)


def before(s: dict[str, Any], category: BeforeCategory, title: str, text: str) -> Item:
    item = services.draft_before_item(
        actor=s["publisher"], organisation=s["county"], category=category, title=title, text=text
    )
    return item


def test_IMD_4_officers_with_valid_certificates_are_listed_and_expired_or_revoked_disappear(s: dict[str, Any]) -> None:
    expired = make_person(s["county"], Role.OFFICER, certificate="expired")
    revoked = make_person(s["county"], Role.OFFICER, certificate="revoked")
    page = Client().get(f"/gongshi/org/{s['county'].pk}/").content.decode()
    valid_number = s["officer"].certificates.get().number
    assert s["officer"].full_name in page and valid_number in page
    assert expired.full_name not in page and expired.certificates.get().number not in page
    assert revoked.full_name not in page
    give_certificate(expired)  # renewed: back on the list, from the register, with no publishing step
    assert expired.full_name in Client().get(f"/gongshi/org/{s['county'].pk}/").content.decode()


def test_IMD_5_before_information_is_shown_once_published_with_bases_steps_and_remedies(s: dict[str, Any]) -> None:
    powers = before(s, BeforeCategory.POWERS, "权责清单（2026年版）", "行政处罚：对定点医药机构违法行为的处罚。")
    matters = before(s, BeforeCategory.MATTERS, "执法事项清单", "医疗保障基金使用监督检查。")
    page = Client().get(f"/gongshi/org/{s['county'].pk}/").content.decode()
    assert "权责清单（2026年版）" not in page  # not met: a draft is not public
    publish(s, powers)
    page = Client().get(f"/gongshi/org/{s['county'].pk}/").content.decode()
    assert "权责清单（2026年版）" in page and "执法事项清单</a>" not in page
    assert "医疗保障基金使用监督管理条例" in page or "行政处罚法" in page  # bases from the rulebook
    assert "调查取证" in page and "审查决定" in page  # the procedure's steps
    assert "行政复议" in page and "更正" in page  # remedies and how to complain
    assert matters.status == ItemStatus.DRAFT


def test_IMD_7_published_decisions_are_listed_and_drafts_are_not(s: dict[str, Any]) -> None:
    shown = publish(s, decided(s, natural_case(s)))
    draft = decided(s, company_case(s))
    page = Client().get("/gongshi/decisions/").content.decode()
    assert shown.published_version.title in page and "周某某" in page
    assert draft.latest_version.title not in page
    detail = Client().get(f"/gongshi/items/{shown.pk}/").content.decode()
    assert "周某某" in detail and PARTY_NAME not in detail and PARTY_ID not in detail and PARTY_PHONE not in detail
    assert Client().get(f"/gongshi/items/{draft.pk}/").status_code == 404


def test_IMD_9_each_organisation_publishes_its_own_and_the_hierarchy_view_gathers_them(s: dict[str, Any]) -> None:
    item = publish(s, decided(s, company_case(s)))
    title = item.published_version.title
    city = s["city"].pk
    assert title not in Client().get(f"/gongshi/decisions/?org={city}").content.decode()
    assert title in Client().get(f"/gongshi/decisions/?org={city}&scope=tree").content.decode()
    assert title in Client().get(f"/gongshi/decisions/?org={s['county'].pk}").content.decode()
    assert title not in Client().get(f"/gongshi/decisions/?org={s['other'].pk}&scope=tree").content.decode()


def test_search_filters_and_pagination(s: dict[str, Any]) -> None:
    case = company_case(s)
    for _ in range(23):
        publish(s, decided(s, case))  # 文号 1…23, given at signing (APL-59)
    client = Client()
    first = client.get("/gongshi/decisions/").content.decode()
    assert "共 23 条" in first and "第 1/2 页" in first
    assert "第 2/2 页" in client.get("/gongshi/decisions/?page=2").content.decode()
    found = client.get("/gongshi/decisions/", {"q": "〔2026〕17号"}).content.decode()
    assert "〔2026〕17号" in found and "〔2026〕18号" not in found
    assert "暂无公示信息" in client.get("/gongshi/decisions/", {"kind": "coercion"}).content.decode()
    assert COMPANY in client.get("/gongshi/decisions/", {"q": COMPANY}).content.decode()


def test_a_search_with_many_matches_counts_up_to_the_cap(s: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from lawtrace.disclosure import public_views

    monkeypatch.setattr(public_views, "SEARCH_COUNT_CAP", 21)
    case = company_case(s)
    for _ in range(23):
        publish(s, decided(s, case))  # 文号 1…23, given at signing (APL-59)
    client = Client()
    many = client.get("/gongshi/decisions/", {"q": "罚〔2026〕"}).content.decode()
    assert "共 21+ 条" in many and "第 1/2 页" in many
    assert "〔2026〕23号" in many  # the newest first, as without a search
    second = client.get("/gongshi/decisions/", {"q": "罚〔2026〕", "page": 2}).content.decode()
    assert "第 2/2 页" in second and "〔2026〕3号" in second  # the 21st match
    assert "〔2026〕2号" not in second  # the two oldest lie past the cap: a narrower search finds them
    few = client.get("/gongshi/decisions/", {"q": "〔2026〕1"}).content.decode()
    assert "〔2026〕19号" in few and "〔2026〕20号" not in few and "+ 条" not in few  # under the cap: one page


def test_atom_feed_lists_published_items_redacted(s: dict[str, Any]) -> None:
    item = publish(s, decided(s, natural_case(s)))
    response = Client().get("/gongshi/feed.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert item.published_version.title in body and PARTY_NAME not in body and PARTY_ID not in body


def test_open_data_api_gives_redacted_published_items(s: dict[str, Any]) -> None:
    item = publish(s, decided(s, natural_case(s)))
    decided(s, company_case(s))  # a draft: not in the open data
    response = Client().get("/api/disclosure/items")
    data = response.json()
    assert data["count"] == 1 and data["items"][0]["id"] == item.pk
    assert data["items"][0]["party"] == "周某某"
    assert PARTY_ID not in response.content.decode() and PARTY_NAME not in response.content.decode()
    assert Client().get(f"/api/disclosure/items/{item.pk}").json()["version"] == 1
    officers = Client().get(f"/api/disclosure/organisations/{s['county'].pk}/officers").json()
    assert {o["name"] for o in officers} == {s["officer"].full_name, s["officer2"].full_name}
    assert "/api/disclosure/items" in json.dumps(Client().get("/api/openapi.json").json())


def test_IMD_11_the_public_correction_form_files_a_request_due_in_5_working_days(s: dict[str, Any]) -> None:
    item = publish(s, decided(s, company_case(s)))
    response = Client().post(
        f"/gongshi/items/{item.pk}/correction/",
        {"requester": "王某", "contact": "13900001111", "content": "罚款数额有误。"},
    )
    assert response.status_code == 200
    request = CorrectionRequest.objects.get()
    assert request.number in response.content.decode() and "24时" in response.content.decode()
    assert "13900001111" not in response.content.decode()
    queue = _signed_in(s["publisher"]).get("/disclosure/").content.decode()
    assert request.number in queue  # in the publisher's list with its due date


def test_IMD_11_the_correction_form_is_rate_limited_and_ignores_robots(s: dict[str, Any]) -> None:
    item = publish(s, decided(s, company_case(s)))
    client = Client()
    url = f"/gongshi/items/{item.pk}/correction/"
    client.post(url, {"requester": "机器", "contact": "x", "content": "y", "website": "http://spam"})
    assert not CorrectionRequest.objects.exists()
    for _ in range(4):
        assert client.post(url, {"requester": "王某", "contact": "1", "content": "有误"}).status_code == 200
    assert client.post(url, {"requester": "王某", "contact": "1", "content": "有误"}).status_code == 429
    assert CorrectionRequest.objects.count() == 4


def test_a_withdrawn_decision_shows_its_explanation_not_its_content(s: dict[str, Any]) -> None:
    from django.utils import timezone

    from lawtrace.disclosure.models import WithdrawalCause

    item = publish(s, decided(s, natural_case(s)))
    services.register_withdrawal(
        actor=s["publisher"], item=item, cause=WithdrawalCause.REVOKED, cause_occurred_at=timezone.now()
    )
    services.withdraw_item(actor=s["publisher"], item=item, explanation="经行政复议撤销，予以撤回。")
    page = Client().get(f"/gongshi/items/{item.pk}/").content.decode()
    assert "已于" in page and "经行政复议撤销" in page and "伪造门诊登记" not in page
    assert "撤回说明" in Client().get("/gongshi/decisions/").content.decode()


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_publisher_pages_preview_highlights_and_publish(s: dict[str, Any]) -> None:
    item = decided(s, natural_case(s))
    client = _signed_in(s["publisher"])
    assert "公示" in client.get("/").content.decode()  # the navigation item
    page = client.get(f"/disclosure/items/{item.pk}/").content.decode()
    preview = page.split('data-testid="preview">')[1].split("</div>")[0]
    assert 'data-kind="id_number"' in preview and 'data-kind="name"' in preview
    assert PARTY_ID not in preview and PARTY_NAME not in preview  # the original is only in the edit form
    client.post(
        f"/disclosure/items/{item.pk}/revise/", {"text": item.latest_version.text, "manual_terms": "伪造门诊登记"}
    )
    item.refresh_from_db()
    assert item.latest_version.number == 2 and "伪造门诊登记" not in item.latest_version.redacted_text
    client.post(f"/disclosure/items/{item.pk}/submit/")
    response = client.post(f"/disclosure/items/{item.pk}/publish/", {}, follow=True)
    assert "IMD-8" in response.content.decode()  # not confirmed: refused with the rule
    client.post(f"/disclosure/items/{item.pk}/publish/", {"redaction_confirmed": "on"})
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED and item.published_version.number == 2


def test_supervisor_sees_overdue_publications(s: dict[str, Any]) -> None:
    from datetime import timedelta

    from lawtrace import clock

    with clock.frozen_at(clock.now() - timedelta(days=30)):
        item = decided(s, natural_case(s))
    page = _signed_in(s["supervisor"]).get("/disclosure/overdue/").content.decode()
    assert f"#{item.pk}" in page and "已逾期" in page and "IMD-10" in page
    assert "公示" in _signed_in(s["supervisor"]).get("/").content.decode()
    assert _signed_in(s["officer"]).get(f"/disclosure/items/{item.pk}/").status_code == 200  # own organisation
    outsider = make_person(s["other"], Role.PUBLISHER)
    assert _signed_in(outsider).get(f"/disclosure/items/{item.pk}/").status_code == 404
