"""Issue 17 in the browser: the officer of 锡林浩特 opens the signed 行政处罚决定书 of the demo's 康宁 case, prints it
(the final PDF/A), and the public checks the paper's verification code on /gongshi/verify/: the page names the
document, says the authority's copy is intact, and confirms that the PDF in hand is the one signed. Screenshots at
desktop and phone widths go to output_dir."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.e2e.test_disclosure_walkthrough import Walk, wait_text

pytestmark = pytest.mark.e2e

CASE = "锡林浩特市康宁大药房涉嫌串换药品骗取医保基金"


def test_the_printed_decision_verifies_on_the_public_portal(server: str, browser, output_dir: Path) -> None:  # type: ignore[no-untyped-def]
    Walk.shots = []
    officer = Walk(browser, server, output_dir, "xlht-officer1")
    try:
        page = officer.page
        officer.goto("/cases/?q=康宁")
        page.get_by_role("row", name=CASE).get_by_role("link").first.click()
        page.locator("a.list-group-item", has_text=re.compile(r"^\s*行政处罚决定书")).first.click()
        page.get_by_role("heading", name="行政处罚决定书").first.wait_for()
        printed = page.get_by_test_id("document-pdf")
        assert printed.inner_text().strip() == "打印文书（PDF）"
        officer.shot("signed-decision", phone=True)
        response = page.request.get(f"{server}{printed.get_attribute('href')}")
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"
        pdf = response.body()
        assert pdf.startswith(b"%PDF-") and response.headers["x-content-sha256"]
    finally:
        officer.close()

    held = output_dir / "decision.pdf"
    held.write_bytes(pdf)
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(held), "-"], capture_output=True, text=True).stdout)
    code = re.search(r"核验码([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{2})", text)
    assert code, text[-300:]
    subprocess.run(["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "1", str(held), str(output_dir / "decision")])

    public = Walk(browser, server, output_dir)
    try:
        page = public.page
        public.goto("/gongshi/verify/")
        page.get_by_label("输入文书上的核验码").fill(code.group(1).lower())
        page.get_by_role("button", name="核验").click()
        page.get_by_test_id("verified").wait_for()
        body = page.locator("main").inner_text()
        assert "存档文书完整" in body and "锡林浩特市医疗保障局" in body and "锡市医保罚" in body
        assert "康宁大药房" not in body  # nothing about the party
        public.shot("verified", phone=True)
        page.locator("#check-file").set_input_files(str(held))
        page.get_by_role("button", name="比对").click()
        wait_text(public, "逐字节相同")
        public.shot("compared", phone=True)
    finally:
        public.close()
