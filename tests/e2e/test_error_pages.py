"""The Chinese error pages in the browser (404 on the portal and in the workbench, 400 for a bad parameter, the
500 page), and the main pages under the Content-Security-Policy: nothing the browser refuses, Swagger UI served
from this site and drawn offline."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import RequestFactory

from lawtrace.orgs.demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


def _watch_refusals(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Messages the browser logs when the Content-Security-Policy blocks something."""
    refused: list[str] = []
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text or "Refused to" in m.text else None,
    )
    return refused


def test_error_pages_are_chinese_and_lead_back(server: str, browser, output_dir: Path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    try:
        response = page.goto(f"{server}/gongshi/items/99999999/")
        assert response is not None and response.status == 404
        assert page.get_by_text("该页面不存在或信息已过公示期").is_visible()
        page.screenshot(path=output_dir / "404-portal-desktop.png", full_page=True)
        page.get_by_role("link", name="返回公示首页").click()
        page.wait_for_url(f"{server}/gongshi/")

        response = page.goto(f"{server}/gongshi/decisions/?year=99999")
        assert response is not None and response.status == 400
        assert page.get_by_text("“年度”应在1949至").is_visible()
        page.screenshot(path=output_dir / "400-portal-desktop.png", full_page=True)

        # The 500 page as lawtrace renders it (no request context), shown at a portal address on the real server so
        # that its styles load from there.
        from lawtrace.error_views import server_error

        html = server_error(RequestFactory().get("/gongshi/boom/")).content.decode()
        page.route(
            f"{server}/gongshi/boom/", lambda route: route.fulfill(status=500, body=html, content_type="text/html")
        )
        page.goto(f"{server}/gongshi/boom/")
        assert page.get_by_text("系统出错，请稍后再试").is_visible()
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=output_dir / "500-phone.png", full_page=True)
        page.get_by_role("link", name="返回公示首页").click()
        page.wait_for_url(f"{server}/gongshi/")
        page.set_viewport_size({"width": 1366, "height": 768})

        page.goto(f"{server}/accounts/login/")
        page.get_by_label("账号").fill("xlht-officer1")
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{server}/")
        response = page.goto(f"{server}/cases/99999999/")
        assert response is not None and response.status == 404
        assert response.headers["cache-control"] == "no-store"
        assert page.get_by_text("页面不存在或您无权查看").is_visible()
        page.screenshot(path=output_dir / "404-workbench-desktop.png", full_page=True)
        page.get_by_role("link", name="返回工作台").click()
        page.wait_for_url(f"{server}/")
    finally:
        context.close()


def test_main_pages_work_under_the_content_security_policy(server: str, browser, output_dir: Path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    refused = _watch_refusals(page)
    try:
        page.goto(f"{server}/gongshi/")
        page.goto(f"{server}/gongshi/decisions/")
        page.get_by_role("link", name="事后公示").first.click()
        page.goto(f"{server}/gongshi/")
        page.get_by_role("link", name="锡林浩特市医疗保障局").first.click()
        page.wait_for_load_state()
        page.goto(f"{server}/api/docs")
        page.locator(".swagger-ui .info").wait_for()  # Swagger UI from /static/ninja/, no CDN
        page.screenshot(path=output_dir / "api-docs-desktop.png")

        page.goto(f"{server}/accounts/login/")
        page.get_by_label("账号").fill("xlht-officer1")
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{server}/")
        page.goto(f"{server}/cases/")
        page.locator("table a[href^='/cases/']").first.click()
        page.wait_for_load_state()
        page.goto(f"{server}/leads/")
        assert refused == [], refused
    finally:
        context.close()
