"""In a real browser: an officer registers an AV record on a case, uploads a video (progress shown, tus-js-client),
plays it (range requests, seeking) and sees its storage deadline status. Screenshots in var/test-output/."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from lawtrace.orgs.demo import DEMO_PASSWORD
from tests.evidence.conftest import ffmpeg_media

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg not installed")]


def test_officer_uploads_a_video_sees_progress_plays_it_and_sees_the_deadline(
    server: str,
    browser,
    output_dir: Path,
    tmp_path: Path,
) -> None:
    video = ffmpeg_media(tmp_path, "执法记录.mp4", seconds=4)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{server}/accounts/login/")
        page.get_by_label("账号").fill("xlht-officer1")
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{server}/")
        page.goto(f"{server}/cases/?mine=1")
        page.locator("a[href^='/cases/']").filter(has_text="医保").first.click()
        page.get_by_test_id("av-card").wait_for()
        page.get_by_role("link", name="登记音像记录").click()

        end = datetime.now().replace(second=0, microsecond=0) - timedelta(minutes=5)
        page.get_by_label("类型").select_option("video")
        page.get_by_label("所记录的执法行为").select_option("onsite_inspection")
        page.get_by_label("其他设备（未登记的，注明型号）").fill("执法记录仪（测试）")
        page.get_by_label("开始时间").fill((end - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"))
        page.get_by_label("结束时间").fill(end.strftime("%Y-%m-%dT%H:%M"))
        page.get_by_label("地点").fill("锡林浩特市某大药房")
        page.get_by_label("证明对象").fill("现场检查情况")
        page.get_by_role("button", name="登记并上传文件").click()
        page.wait_for_url("**/upload/")

        page.get_by_test_id("av-file").set_input_files(str(video))
        page.locator("#av-uploads [data-state='done']").wait_for(timeout=30_000)
        assert page.locator("#av-uploads .progress-bar").get_attribute("aria-valuenow") == "100"
        page.screenshot(path=output_dir / "upload-done.png", full_page=True)

        page.get_by_test_id("back-to-av").click()
        player = page.get_by_test_id("player")
        player.wait_for()
        page.wait_for_function("document.querySelector('video').readyState >= 1", timeout=15_000)
        assert page.evaluate("document.querySelector('video').duration") > 3
        page.evaluate("document.querySelector('video').currentTime = 2.5")  # seeking: a range request
        page.wait_for_function("document.querySelector('video').currentTime >= 2.4", timeout=15_000)
        status = page.get_by_test_id("storage-deadline").inner_text()
        assert "按时存储" in status
        page.screenshot(path=output_dir / "av-detail.png", full_page=True)
    finally:
        context.close()
