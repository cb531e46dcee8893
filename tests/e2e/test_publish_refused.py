"""Issue 16, redaction in the browser: the publisher of 锡林浩特市医疗保障局 drafts a 事前公开 item whose text holds a
person's ID number written in groups (``152502 19800315 0014``), the bureau's hotline and a 19-digit 受理编号.
The preview masks the ID number and the hotline and flags the long number (IMD-8); the publisher's attempt to keep
the ID number is refused; publishing is refused while the flagged number is undecided; once the hotline and the
number are explicitly kept, the item is published and the public page shows them — and no ID number.

Screenshots at desktop (1366×768) and phone (390×844) widths go to output_dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_disclosure_walkthrough import Walk, fill, wait_text

pytestmark = pytest.mark.e2e

GROUPED_ID = "152502 19800315 0014"
HOTLINE = "0479-8234567"
FLAGGED = "2026031500012345670"  # fails every check: flagged for the publisher, not masked
KEPT = "确认可公开的内容（每行一项；仅限本机关电话、邮箱，或经核实不是个人信息的号码、词语）"


def test_a_publisher_cannot_publish_a_grouped_id_number(server: str, browser, output_dir: Path) -> None:  # type: ignore[no-untyped-def]
    Walk.shots = []
    publisher = Walk(browser, server, output_dir, "xlht-publisher")
    try:
        page = publisher.page
        publisher.goto("/disclosure/before/new/")
        fill(
            page,
            {
                "事项": "监督方式与救济渠道",
                "标题": "投诉举报渠道及受理情况说明",
                "内容": f"投诉举报电话：{HOTLINE}。\n举报人王某，身份证号{GROUPED_ID}，来电反映某诊所虚开票据。\n"
                f"受理编号：{FLAGGED}。",
            },
        )
        page.get_by_role("button", name="起草").click()
        preview = page.get_by_test_id("preview")
        preview.wait_for()
        text = preview.inner_text()
        assert GROUPED_ID not in text and "［身份证号已隐去］" in text, text
        assert FLAGGED in text  # left in the text, marked for a decision
        kinds = preview.locator("mark").evaluate_all("ms => ms.map(m => m.dataset.kind)")
        assert kinds == ["landline", "id_number", "suspect"], kinds
        assert page.get_by_test_id("findings").is_visible()
        publisher.shot("flagged-preview", phone=True)

        # keeping the ID number (taken for a case number) is refused, and no version is saved
        fill(page, {KEPT: GROUPED_ID})
        page.get_by_role("button", name="保存新版本").click()
        wait_text(publisher, "含有身份证号，不能保留")
        assert page.locator(".list-group-item", has_text="版本 2").count() == 0
        publisher.shot("keep-refused", phone=True)

        # submitted and confirmed, publishing is still refused while the flagged number is undecided
        page.get_by_test_id("submit").click()
        wait_text(publisher, "已保存。")
        page.get_by_label("已核对遮蔽预览", exact=False).check()
        page.get_by_test_id("publish").click()
        wait_text(publisher, "检测到尚未处理的内容：疑似个人号码（待确认） 1 处")
        assert page.locator(".card-actions .badge").inner_text() == "待审核"
        publisher.shot("publish-refused", phone=True)

        # the publisher keeps the hotline and the number (an explicit decision), submits and publishes
        fill(
            page,
            {
                KEPT: f"{HOTLINE}\n{FLAGGED}",
                "变更说明": "确认举报电话和受理编号可以公开",
            },
        )
        page.get_by_role("button", name="保存新版本").click()
        wait_text(publisher, "已保存。")
        assert page.get_by_test_id("findings").count() == 0
        page.get_by_test_id("submit").click()
        wait_text(publisher, "已保存。")
        page.get_by_label("已核对遮蔽预览", exact=False).check()
        page.get_by_test_id("publish").click()
        wait_text(publisher, "已保存。")
        assert page.locator(".card-actions .badge").inner_text() == "已公开"
        item_path = page.url.split(server, 1)[1]
    finally:
        publisher.close()

    public = Walk(browser, server, output_dir)
    try:
        public.goto(item_path.replace("/disclosure/items/", "/gongshi/items/"))
        body = public.page.locator("body").inner_text()
        assert HOTLINE in body and FLAGGED in body
        assert GROUPED_ID not in body and "152502" not in body and "19800315" not in body
        public.shot("public-item", phone=True)
    finally:
        public.close()
