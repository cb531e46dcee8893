"""The pages around a case, in Chromium on the demo, desktop and phone: the leads register and a lead with its due
date explained (NHSA-LEAD), the case file's table of contents (NHSA-ONECASE), the sealing case's measures panel
(CEL-25), and an organisation's rulebook parameters (IMR-26). Screenshots in var/test-output/."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_penalty_walkthrough import PHONE, _sign_in

pytestmark = pytest.mark.e2e


def _shots(page, output_dir: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=output_dir / f"{name}.png", full_page=True)
    wide = page.viewport_size
    page.set_viewport_size(PHONE)
    page.screenshot(path=output_dir / f"{name}-phone.png", full_page=True)
    page.set_viewport_size(wide)


def test_leads_case_file_measures_and_parameters_pages(server: str, browser, output_dir: Path) -> None:
    context, page = _sign_in(browser, server, "zlq-officer1")
    try:
        page.get_by_role("link", name="线索").first.click()
        page.get_by_role("heading", name="线索登记").wait_for()
        rows = page.locator("table tbody tr")
        assert rows.count() >= 3, page.content()
        _shots(page, output_dir, "leads")
        page.locator("table tbody tr a").first.click()
        page.get_by_text("NHSA-LEAD").first.wait_for()
        assert "工作日" in page.locator("main, .page-body").first.inner_text()
        _shots(page, output_dir, "lead")
    finally:
        context.close()

    context, page = _sign_in(browser, server, "xlht-officer1")
    try:
        page.goto(f"{server}/cases/")
        page.get_by_role("row", name="封存账册").get_by_role("link").first.click()
        measures = page.locator("#coercive-measures")
        assert "CEL-25" in measures.inner_text() and "延长" in measures.inner_text()
        _shots(page, output_dir, "sealing-case")
        page.get_by_role("link", name="案卷目录").click()
        page.get_by_role("heading", name="案卷目录").wait_for()
        body = page.locator(".page-body").first.inner_text()
        assert "财物清单" in body and "实施行政强制措施决定书" in body, body
        _shots(page, output_dir, "case-file")
    finally:
        context.close()

    context, page = _sign_in(browser, server, "nmg-admin")
    try:
        page.get_by_role("link", name="内蒙古自治区医疗保障局").first.click()  # 我的角色 on the workbench
        page.get_by_role("link", name="规则集参数").click()
        page.get_by_role("heading", name="规则集参数").wait_for()
        assert "APL-57" in page.content()
        _shots(page, output_dir, "parameters")
    finally:
        context.close()
