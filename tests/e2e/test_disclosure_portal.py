"""The public portal in the browser, at desktop and phone widths: the front page, an organisation's 事前公开 with
its officers from the certificate register (an expired certificate is not listed, IMD-4), 事后公示; and a
supervisor finding the demo's overdue publication (IMD-10) through the 公示 navigation item."""

from __future__ import annotations

from pathlib import Path

import pytest

from lawtrace.orgs.demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


def test_public_portal_and_overdue_publications(server: str, browser, output_dir: Path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{server}/gongshi/")
        assert page.get_by_role("heading", name="行政执法公示").is_visible()
        page.screenshot(path=output_dir / "portal-desktop.png", full_page=True)
        page.get_by_role("link", name="锡林浩特市医疗保障局").first.click()
        officers = page.get_by_role("table")
        assert officers.get_by_text("张伟").is_visible()
        assert officers.get_by_text("孙浩").count() == 0  # expired certificate (IMD-4)
        assert page.get_by_text("调查取证").first.is_visible()  # the procedure's steps
        page.screenshot(path=output_dir / "organisation-desktop.png", full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=output_dir / "organisation-phone.png", full_page=True)
        page.goto(f"{server}/gongshi/decisions/")
        page.screenshot(path=output_dir / "decisions-phone.png", full_page=True)
        page.set_viewport_size({"width": 1366, "height": 768})

        page.goto(f"{server}/accounts/login/")
        page.get_by_label("账号").fill("xlgl-supervisor")
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{server}/")
        page.locator("a.nav-link", has_text="公示").click()
        assert page.get_by_test_id("overdue-item").first.is_visible()
        page.screenshot(path=output_dir / "overdue-desktop.png", full_page=True)
    finally:
        context.close()
