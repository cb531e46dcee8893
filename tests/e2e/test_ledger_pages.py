"""A supervisor checks the ledger in the browser: status page, verification, an organisation's timeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from lawtrace.orgs.demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


def test_supervisor_verifies_the_ledger_and_reads_a_timeline(server: str, browser, output_dir: Path) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{server}/accounts/login/")
        page.get_by_label("账号").fill("xlgl-supervisor")
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{server}/")

        page.get_by_role("link", name="台账").click()
        assert page.get_by_role("heading", name="执法记录台账状态").is_visible()
        assert page.get_by_text("正蓝旗医疗保障局").is_visible()
        page.get_by_role("button", name="签署检查点并全量核验").click()
        page.get_by_text("全部正常").wait_for()
        page.screenshot(path=output_dir / "ledger-status.png", full_page=True)

        page.get_by_role("link", name="监督").click()
        page.get_by_role("link", name="锡林浩特市医疗保障局").click()
        assert page.get_by_text("本组织台账").is_visible()
        assert page.get_by_text("已签名").first.is_visible()
        page.screenshot(path=output_dir / "organisation.png", full_page=True)

        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=output_dir / "organisation-phone.png", full_page=True)

        page.set_viewport_size({"width": 1366, "height": 768})
        page.goto(f"{server}/supervision/compliance/")
        assert page.get_by_role("heading", name="合规监督").is_visible()
        assert page.get_by_text("案卷评查得分").is_visible()
        assert page.get_by_text("IMR-8b").first.is_visible()  # the demo's urgent case, request never filed
        page.screenshot(path=output_dir / "compliance.png", full_page=True)
        page.goto(f"{server}/cases/")
        assert page.get_by_text("锡林浩特市康宁大药房有限公司").first.is_visible()
        page.screenshot(path=output_dir / "cases.png", full_page=True)
    finally:
        context.close()
