"""Issue 7 walk-through, public disclosure: on the demo (锡林浩特市医疗保障局), a penalty decision against a natural
person is made by a handler and signed by the bureau head it names, which drafts its publication item (IMD-10); the
publisher reviews the highlighted redaction preview and publishes it; the public site shows it with the party's
name masked (包某某) and no ID number or phone (IMD-8, PUB-MASK); a member of the public files a correction request
from the public form, which appears in the publisher's list due in 5 working days (IMD-11); the decision is then
withdrawn with an explanation, and the public page shows the withdrawal notice (IMD-11, APL-48).

Screenshots at desktop (1366×768) and phone (390×844) widths go to output_dir."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from lawtrace.identifiers import id_number_check_digit
from lawtrace.orgs.demo import DEMO_PASSWORD
from tests.e2e.conftest import run_in_server

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}

HEAD = "郑永刚"
CO_OFFICER = "李娜"
PARTY = "包金花"
MASKED = "包某某"
PARTY_ID = "15250219850412002" + id_number_check_digit("15250219850412002")
PARTY_PHONE = "13947912345"
HOME = "锡林浩特市希望小区3号楼2单元501室"
REQUESTER_PHONE = "13800001111"

Value = str | bool | list[str]


def fill(page, values: dict[str, Value]) -> None:  # type: ignore[no-untyped-def]
    """Fill a form by its labels: text and date inputs, textareas, checkboxes, single and multiple selects."""
    for label, value in values.items():
        field = page.get_by_label(label, exact=True)
        kind = field.evaluate("e => e.tagName + ':' + (e.type||'')")
        if kind == "INPUT:checkbox":
            field.set_checked(bool(value))
        elif kind.startswith("SELECT:"):
            assert not isinstance(value, bool), label
            field.select_option(label=value)
        else:
            assert isinstance(value, str), label
            field.fill(value)


class Walk:
    """One person's browser session (or the public's, without signing in), with numbered screenshots at desktop
    width and, when asked, at phone width too."""

    shots: list[str] = []

    def __init__(self, browser, server: str, output_dir: Path, account: str | None = None) -> None:  # type: ignore[no-untyped-def]
        self.server, self.output_dir = server, output_dir
        self.context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
        self.context.set_default_timeout(20_000)
        self.page = self.context.new_page()
        if account:
            self.page.goto(f"{server}/accounts/login/")
            self.page.get_by_label("账号").fill(account)
            self.page.get_by_label("密码").fill(DEMO_PASSWORD)
            self.page.get_by_role("button", name="登录").click()
            self.page.wait_for_url(f"{server}/")

    def close(self) -> None:
        self.context.close()

    def goto(self, path: str) -> None:
        self.page.goto(f"{self.server}{path}")

    def shot(self, name: str, phone: bool = False) -> None:
        path = self.output_dir / f"{len(Walk.shots) + 1:02d}-{name}.png"
        self.page.screenshot(path=path, full_page=True)
        Walk.shots.append(path.name)
        if phone:
            self.page.set_viewport_size(PHONE)
            path = self.output_dir / f"{len(Walk.shots) + 1:02d}-{name}-phone.png"
            self.page.screenshot(path=path, full_page=True)
            Walk.shots.append(path.name)
            self.page.set_viewport_size(DESKTOP)


def wait_text(walk: Walk, text: str) -> None:
    """Wait for a confirmation; if it does not come, fail with what the page says instead (and a screenshot)."""
    try:
        walk.page.get_by_text(text).first.wait_for()
    except Exception:
        walk.shot("unexpected")
        alerts = walk.page.locator(".alert, .invalid-feedback, .errorlist").all_inner_texts()
        raise AssertionError(f"{text!r} not shown; the page says: {alerts}") from None


def _public_text(walk: Walk) -> str:
    return walk.page.locator("body").inner_text()


def assert_nothing_private(text: str) -> None:
    for secret in (PARTY, PARTY_ID, PARTY_PHONE, "希望小区", REQUESTER_PHONE):
        assert secret not in text, f"{secret!r} is on the public page"


def test_decision_published_masked_corrected_and_withdrawn(server: str, browser, output_dir: Path) -> None:  # type: ignore[no-untyped-def]
    Walk.shots = []
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    today = now.date()
    title = f"{PARTY}涉嫌伪造门诊登记骗取医保基金（{now:%H%M%S}）"

    # -- the officer registers a case against a natural person (ID number, phone, home address) ----------------
    officer = Walk(browser, server, output_dir, "xlht-officer1")
    try:
        page = officer.page
        # The matter came in as a complaint two weeks ago: the decision chain below is dated after it (issue 14).
        subject = f"某诊所（{now:%H%M%S}）"
        officer.goto("/complaints/new/")
        fill(
            page,
            {
                "收到时间": (now - timedelta(days=15)).strftime("%Y-%m-%dT%H:%M"),
                "被投诉举报对象": subject,
                "投诉举报内容": "反映该诊所伪造门诊登记，骗取医保基金。",
            },
        )
        page.get_by_role("button", name="登记").click()
        page.get_by_text("已登记").first.wait_for()
        page.get_by_role("row", name=subject).get_by_role("link", name="立案").click()
        fill(
            page,
            {
                "案件类型": "行政处罚",
                "案由": title,
                "基本案情": "日常检查发现该诊所伪造门诊登记，骗取医保基金。",
                "违法行为发生（终了）日期": (today - timedelta(days=30)).isoformat(),
                "其他承办人（连同本人不少于2名持证执法人员）": [CO_OFFICER],
                "承办人意见": "线索具体，建议立案调查。",
                "当事人类型": "自然人",
                "姓名/名称": PARTY,
                "身份证号": PARTY_ID,
                "住所/地址": HOME,
                "联系电话": PARTY_PHONE,
            },
        )
        page.get_by_role("button", name="登记并提交审批").click()
        wait_text(officer, "已登记案件")
        case_url = page.url
        case_number = page.locator(".page-title").first.inner_text().split()[0]
        officer.shot("case-registered")
    finally:
        officer.close()

    # -- the unit head and the bureau head approve the opening ------------------------------------------------
    for account in ("xlht-unithead", "xlht-head"):
        approver = Walk(browser, server, output_dir, account)
        try:
            approver.page.goto(case_url)
            fill(approver.page, {"意见": "同意立案。"})
            approver.page.get_by_role("button", name="签署").click()
            wait_text(approver, "已保存，并记入台账")
        finally:
            approver.close()

    # -- what comes before a decision, through the services (the walk-throughs of cases show it in the browser):
    # the questioning, the rights notice served, the party heard and the statement reviewed, the legal review --------
    run_in_server(
        server,
        "from lawtrace import clock; from lawtrace.cases.models import Case; from lawtrace.orgs.models import User; "
        "from tests.cases.steps import _decision_chain; "
        f"case = Case.objects.get(number={case_number!r}); u = lambda n: User.objects.get(username=n); "
        "s = {'officer': u('xlht-officer1'), 'officer2': u('xlht-officer2'), 'head': u('xlht-head'), "
        "'reviewer': u('xlht-reviewer'), 'county': case.organisation}; "
        "_decision_chain(s, case, clock.now() - __import__('datetime').timedelta(minutes=30))",
    )

    # -- the handler makes the penalty decision (with the party's details in its text); the head signs it --------
    officer = Walk(browser, server, output_dir, "xlht-officer1")
    try:
        page = officer.page
        page.goto(case_url)
        page.get_by_label("记录种类").select_option(label="行政处罚决定书")
        page.get_by_role("button", name="制作记录").click()
        page.wait_for_url("**/records/new/**")
        fill(
            page,
            {
                "当事人的姓名或者名称、地址": f"{PARTY}，{HOME}，身份证号{PARTY_ID}，电话{PARTY_PHONE}",
                "违反法律、法规、规章的事实和证据": f"{PARTY}伪造门诊登记12份，骗取医保基金3,600元，有询问笔录为证。",
                "行政处罚的种类和依据": "罚款；《医疗保障基金使用监督管理条例》第四十条",
                "行政处罚的履行方式和期限": "自收到本决定书之日起十五日内缴纳",
                "申请行政复议、提起行政诉讼的途径和期限": "六十日内申请行政复议，或六个月内提起行政诉讼",
                "作出决定的行政机关名称": "锡林浩特市医疗保障局",
                "作出决定的日期": today.isoformat(),
                "行政机关印章": "已盖章",
                "行政机关负责人签署意见": "同意。",
                "签发人": HEAD,
                "签发时间": (now - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M"),
                "罚款数额（元）": "7200",
            },
        )
        optional = {"处理结果": "给予行政处罚", "已告知当事人决定将依法公开": True}
        fill(page, {k: v for k, v in optional.items() if page.get_by_label(k, exact=True).count()})
        officer.shot("decision-form")
        page.get_by_role("button", name="保存").click()
        wait_text(officer, "已制作行政处罚决定书，请核对后签署。")
        assert page.get_by_text("待行政机关负责人签署后生效").is_visible()
    finally:
        officer.close()

    head = Walk(browser, server, output_dir, "xlht-head")
    try:
        page = head.page
        waiting = page.locator(".card", has=page.get_by_role("heading", name="待我签署"))
        waiting.get_by_role("link").filter(has_text=case_number).filter(has_text="行政处罚决定书").first.click()
        page.get_by_role("heading", name="行政处罚决定书").wait_for()
        page.get_by_role("button", name="签署", exact=True).click()
        wait_text(head, "已签署，并记入台账。")
        document = page.locator("dt:text-is('文号') + dd").inner_text().strip()  # given at signing (APL-59)
        assert document.startswith("锡市医保罚〔"), document
        head.shot("decision-signed")
    finally:
        head.close()

    # -- the publisher: the item drafted by the signature, its highlighted preview, submit, publish ----------------
    publisher = Walk(browser, server, output_dir, "xlht-publisher")
    try:
        page = publisher.page
        page.locator("a.nav-link", has_text="公示").click()
        row = page.get_by_role("row", name=case_number)
        assert row.get_by_text("待处理").is_visible()
        row.get_by_role("link", name="行政处罚决定").click()
        preview = page.get_by_test_id("preview")
        preview.wait_for()
        text = preview.inner_text()
        assert MASKED in text and PARTY not in text, text
        assert PARTY_ID not in text and PARTY_PHONE not in text and "希望小区" not in text, text
        marks = preview.locator("mark")
        kinds = set(marks.evaluate_all("ms => ms.map(m => m.dataset.kind)"))
        assert {"id_number", "mobile"} <= kinds, kinds
        assert page.get_by_text(f"当事人：{MASKED}").is_visible()
        publisher.shot("preview", phone=True)
        page.get_by_test_id("submit").click()
        wait_text(publisher, "已保存。")
        page.get_by_label("已核对遮蔽预览", exact=False).check()
        publisher.shot("publish")
        page.get_by_test_id("publish").click()
        wait_text(publisher, "已保存。")
        assert page.locator(".card-actions .badge").inner_text() == "已公开"
        item_url = page.url
    finally:
        publisher.close()

    # -- the public: the decision on the list and its page, masked; a correction request -------------------------
    public = Walk(browser, server, output_dir)
    try:
        page = public.page
        public.goto("/gongshi/decisions/?q=" + document)
        link = page.get_by_role("link", name=document)
        assert link.is_visible()
        assert MASKED in link.inner_text()
        assert_nothing_private(_public_text(public))
        public.shot("public-list", phone=True)
        link.click()
        page.get_by_role("heading", name=document).wait_for()
        body = _public_text(public)
        assert f"当事人：{MASKED}" in body and "身份证号" in body  # the label stays, the number is masked
        assert_nothing_private(body)
        public_url = page.url
        public.shot("public-decision", phone=True)

        page.get_by_role("link", name="申请更正").click()
        fill(
            page,
            {
                "姓名或名称": "王某（当事人委托代理人）",
                "联系方式（电话或电子邮箱，仅用于答复，不公开）": REQUESTER_PHONE,
                "更正要求及理由": "决定书所载罚款数额有误，请核实更正。",
            },
        )
        public.shot("correction-form", phone=True)
        page.get_by_role("button", name="提交更正要求").click()
        page.get_by_role("heading", name="已收到您的更正要求").wait_for()
        done = _public_text(public)
        assert "5个工作日" in done, done
        receipt = page.locator("strong").first.inner_text()
        promised = _date_in(done)
        assert today + timedelta(days=5) <= promised <= today + timedelta(days=14), (promised, done)
        public.shot("correction-received", phone=True)
    finally:
        public.close()

    # -- the publisher's list: the request, due in 5 working days; then the withdrawal -------------------------
    publisher = Walk(browser, server, output_dir, "xlht-publisher")
    try:
        page = publisher.page
        page.locator("a.nav-link", has_text="公示").click()
        corrections = page.locator(".card", has=page.get_by_role("heading", name="更正申请"))
        row = corrections.get_by_role("row", name=receipt)
        assert row.is_visible()
        assert document in row.inner_text()
        assert _date_in(row.locator("td").nth(3).inner_text()) == promised
        assert row.locator(".badge", has_text="已逾期").count() == 0
        publisher.shot("queue-correction", phone=True)

        page.goto(item_url)
        fill(page, {"撤回原因": "依法撤销", "前述情况出现时间": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")})
        page.get_by_role("button", name="登记", exact=True).click()
        wait_text(publisher, "已保存。")
        fill(page, {"公开说明的理由": "该处罚决定经行政复议依法撤销，现撤回原公示信息。"})
        publisher.shot("withdraw")
        page.get_by_test_id("withdraw").click()
        wait_text(publisher, "已保存。")
        assert page.locator(".card-actions .badge").inner_text() == "已撤回"
    finally:
        publisher.close()

    # -- the public page now shows the withdrawal notice ------------------------------------------------------
    public = Walk(browser, server, output_dir)
    try:
        page = public.page
        page.goto(public_url)
        notice = page.locator(".alert-warning")
        assert "已于" in notice.inner_text() and "撤回" in notice.inner_text()
        assert "经行政复议依法撤销" in notice.inner_text()
        assert "依法撤销" in notice.inner_text()  # the cause
        assert page.get_by_role("link", name="申请更正").count() == 0
        assert_nothing_private(_public_text(public))
        public.shot("public-withdrawn", phone=True)
        public.goto("/gongshi/decisions/?q=" + document)
        listed = page.locator(".list-group-item")
        assert listed.count() == 1, listed.all_inner_texts()  # the decision has left the list; its notice is there
        assert "撤回说明" in listed.inner_text() and f"关于撤回行政处罚决定书（{document}）" in listed.inner_text()
        listing = _public_text(public)
        assert_nothing_private(listing)
        public.shot("public-list-withdrawn")
    finally:
        public.close()


def _date_in(text: str) -> date:
    import re

    found = re.search(r"(\d{4})[-年](\d{1,2})[-月](\d{1,2})", text)
    assert found, text
    return date(int(found[1]), int(found[2]), int(found[3]))
