"""Two-step sign-in in the browser: a unit head binds an authenticator (the QR code and the secret on the page, no
script), signs out, and at the next sign-in is asked for the code before the workbench; a wrong code is refused in
Chinese. zge-unithead is used by no other browser test."""

from __future__ import annotations

import base64
import time
from pathlib import Path

import pytest
from django_otp.oath import TOTP

from lawtrace.orgs.demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


def _code(secret: str, steps_ahead: int = 0) -> str:
    text = secret.replace(" ", "")
    key = base64.b32decode(text + "=" * (-len(text) % 8))
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def test_a_unit_head_binds_an_authenticator_and_is_asked_for_its_code(server: str, browser, output_dir: Path) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{server}/accounts/login/")
        page.get_by_label("账号").fill("zge-unithead")
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{server}/")
        page.get_by_role("link", name="账号菜单").click()
        page.get_by_role("link", name="两步验证").click()
        page.wait_for_url(f"{server}/accounts/otp/enrol/")
        assert page.get_by_test_id("otp-qr").evaluate("img => img.complete && img.naturalWidth > 0")
        secret = page.get_by_test_id("otp-secret").inner_text()
        page.screenshot(path=output_dir / "otp-enrol.png", full_page=True)
        page.get_by_label("验证码").fill(_code(secret))
        page.get_by_role("button", name="绑定").click()
        page.wait_for_url(f"{server}/")
        assert page.get_by_text("身份验证器已绑定").is_visible()

        page.get_by_role("link", name="账号菜单").click()
        page.get_by_role("button", name="退出登录").click()
        page.wait_for_url(f"{server}/accounts/login/")
        page.get_by_label("账号").fill("zge-unithead")
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(lambda url: "/accounts/otp/" in url)
        page.goto(f"{server}/cases/")
        assert "/accounts/otp/" in page.url  # no page before the code

        near = {_code(secret, k) for k in (-1, 0, 1, 2)}
        page.get_by_label("验证码").fill(next(c for c in ("000000", "111111", "222222") if c not in near))
        page.get_by_role("button", name="验证").click()
        assert page.get_by_text("验证码不正确").is_visible()
        page.screenshot(path=output_dir / "otp-refused.png", full_page=True)
        time.sleep(1.2)  # the wait after one wrong code (django-otp: 1 s, then doubling)
        page.get_by_label("验证码").fill(_code(secret, 1))  # the next period's code: the first one was used
        page.get_by_role("button", name="验证").click()
        page.wait_for_url(f"{server}/cases/")
    finally:
        context.close()
