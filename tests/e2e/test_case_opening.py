"""Issue walk-through, first part: a complaint is registered and taken up, the case registered, the unit head and
the bureau head approve — each in their own browser session — and the case page shows the ledger timeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from lawtrace.orgs.demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


def _sign_in(browser, server: str, account: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server}/accounts/login/")
    page.get_by_label("账号").fill(account)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{server}/")
    return context, page


def test_complaint_to_approved_case(server: str, browser, output_dir: Path) -> None:
    context, page = _sign_in(browser, server, "zlq-officer1")
    try:
        page.get_by_role("link", name="案件").click()
        page.get_by_role("link", name="投诉举报").click()
        page.get_by_role("link", name="登记投诉举报").click()
        page.get_by_label("实名投诉举报").check()
        page.get_by_label("投诉举报人").fill("测试投诉人")
        page.get_by_label("联系方式").fill("13900000000")
        page.get_by_label("被投诉举报对象").fill("正蓝旗某诊所")
        page.get_by_label("投诉举报内容").fill("反映该诊所挂床住院、虚记费用。")
        page.get_by_role("button", name="登记").click()
        page.get_by_text("已登记").wait_for()
        page.screenshot(path=output_dir / "complaints.png", full_page=True)

        page.get_by_role("link", name="立案", exact=True).first.click()
        page.get_by_label("违法行为发生（终了）日期").fill("2026-10-01")
        page.get_by_label("其他承办人").select_option(label="格日勒图")
        page.get_by_label("承办人意见").fill("线索具体，建议立案调查。")
        page.get_by_label("姓名/名称").fill("正蓝旗某诊所")
        page.get_by_label("当事人类型").select_option("other")
        page.screenshot(path=output_dir / "register.png", full_page=True)
        page.get_by_role("button", name="登记并提交审批").click()
        page.get_by_text("已登记案件").wait_for()
        case_url = page.url
        assert page.get_by_text("待审批立案").first.is_visible()
    finally:
        context.close()

    for account in ("zlq-unithead", "zlq-head"):
        context, page = _sign_in(browser, server, account)
        try:
            assert page.get_by_text("待我审批").is_visible()
            page.goto(case_url)
            page.get_by_label("意见").fill("同意立案。")
            page.get_by_role("button", name="签署").click()
            page.get_by_text("已保存，并记入台账").wait_for()
        finally:
            context.close()

    context, page = _sign_in(browser, server, "zlq-officer1")
    try:
        page.goto(case_url)
        assert page.get_by_text("办理中").first.is_visible()
        assert page.get_by_text("批准立案").is_visible()
        page.screenshot(path=output_dir / "case.png", full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=output_dir / "case-phone.png", full_page=True)
    finally:
        context.close()
