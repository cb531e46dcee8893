"""Issue walk-through, whole case: one 行政处罚 case of 正蓝旗 (inner-mongolia-2025) taken through the UI from the
complaint to 结案, each step by the person whose step it is — the officer registers and makes and signs every record,
the unit head and the bureau head approve the opening, the legal reviewer makes the review, the bureau head closes —
and then a supervisor verifies the ledger on the server's own database. Screenshots of each page go to output_dir."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from lawtrace.orgs.demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

Value = str | bool | list[str]

WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

OFFICER, CO_OFFICER, HEAD, UNIT_HEAD, REVIEWER = "苏日娜", "格日勒图", "韩建军", "何军", "宝音"
PARTY = "正蓝旗某某医院有限公司"
CREDIT_CODE = "91350100M000100Y43"


def _sign_in(browser, server: str, account: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=WIDE, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{server}/accounts/login/")
    page.get_by_label("账号").fill(account)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{server}/")
    return context, page


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


def _at(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


class Walk:
    """One person's browser session on the case, with numbered screenshots."""

    shots: list[str] = []

    def __init__(self, browser, server: str, account: str, case_url: str, output_dir: Path) -> None:  # type: ignore[no-untyped-def]
        self.context, self.page = _sign_in(browser, server, account)
        self.case_url, self.output_dir = case_url, output_dir

    def close(self) -> None:
        self.context.close()

    def shot(self, name: str) -> None:
        path = self.output_dir / f"{len(Walk.shots) + 1:02d}-{name}.png"
        self.page.screenshot(path=path, full_page=True)
        Walk.shots.append(path.name)

    def case(self) -> None:
        self.page.goto(self.case_url)

    def record(
        self,
        kind: str,
        values: dict[str, Value],
        name: str | None = None,
        then: dict[str, Value] | None = None,
        sign: bool = True,
    ) -> None:
        """From the case page: pick the kind, 制作记录, fill, 保存, then 签署 on the record page (unless the
        head signs it: decisions and approvals)."""
        page = self.page
        self.case()
        page.get_by_label("记录种类").select_option(label=kind)
        page.get_by_role("button", name="制作记录").click()
        page.wait_for_url("**/records/new/**")
        assert page.get_by_role("heading", name=kind).is_visible()
        fill(page, values)
        if then:  # fields that appear only for some values (e.g. a service mode's own fields), if the form has them
            fill(page, {k: v for k, v in then.items() if page.get_by_label(k, exact=True).count()})
        if name:
            self.shot(f"{name}-form")
        page.get_by_role("button", name="保存").click()
        page.get_by_text(f"已制作{kind}，请核对后签署。").wait_for()
        if not sign:
            assert page.get_by_text("待行政机关负责人签署后生效").is_visible()
            assert page.get_by_role("button", name="签署", exact=True).count() == 0
            return
        page.get_by_role("button", name="签署", exact=True).click()
        page.get_by_text("已签署，并记入台账。").wait_for()
        if name:
            self.shot(name)

    def sign_from_workbench(self, kind: str, name: str) -> None:
        """The head opens 工作台, finds the draft under 待我签署, reads it and signs it."""
        page = self.page
        page.goto(self.case_url.split("/cases/")[0] + "/")
        waiting = page.locator(".card", has=page.get_by_role("heading", name="待我签署"))
        waiting.get_by_role("link", name=kind).first.click()
        page.get_by_role("heading", name=kind).wait_for()
        self.shot(f"{name}-to-sign")
        page.get_by_role("button", name="签署", exact=True).click()
        page.get_by_text("已签署，并记入台账。").wait_for()
        self.shot(name)

    def advance(self, phase: str) -> None:
        page = self.page
        self.case()
        button = page.get_by_role("button", name=f"进入“{phase}”")
        assert button.is_enabled(), page.locator(".card.border-warning").inner_text()
        button.click()
        page.get_by_role("button", name=f"进入“{phase}”").wait_for(state="detached")

    def next_phase_card(self) -> str:
        return self.page.locator(".card", has_text="下一阶段：").first.inner_text()


def test_penalty_case_from_complaint_to_closing(server: str, browser, output_dir: Path) -> None:
    Walk.shots = []
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    today = now.date().isoformat()
    notice_at = now - timedelta(days=20)  # well past APL-64's five working days for requesting a hearing
    subject = f"{PARTY}（{now:%H%M%S}）"

    # -- the officer registers the complaint and takes it up as a case ------------------------------------------------
    officer = Walk(browser, server, "zlq-officer1", "", output_dir)
    try:
        page = officer.page
        page.get_by_role("link", name="案件").click()
        page.get_by_role("link", name="投诉举报").click()
        page.get_by_role("link", name="登记投诉举报").click()
        fill(
            page,
            {
                "收到时间": _at(notice_at - timedelta(hours=2)),  # the matter began before anything done in it
                "实名投诉举报": True,
                "投诉举报人": "测试投诉人",
                "联系方式": "13900000000",
                "被投诉举报对象": subject,
                "投诉举报内容": "反映该医院分解住院、串换药品，骗取医保基金。",
            },
        )
        officer.shot("complaint-form")
        page.get_by_role("button", name="登记").click()
        page.get_by_text("已登记").first.wait_for()
        officer.shot("complaints")

        page.get_by_role("row", name=subject).get_by_role("link", name="立案").click()
        fill(
            page,
            {
                "违法行为发生（终了）日期": (now - timedelta(days=21)).date().isoformat(),
                "其他承办人（连同本人不少于2名持证执法人员）": [CO_OFFICER],
                "承办人意见": "线索具体，建议立案调查。",
                "当事人类型": "法人",
                "姓名/名称": PARTY,
                "统一社会信用代码": CREDIT_CODE,
                "法定代表人/负责人": "张某某",
                "住所/地址": "正蓝旗上都镇某路1号",
            },
        )
        officer.shot("register")
        page.get_by_role("button", name="登记并提交审批").click()
        page.get_by_text("已登记案件").wait_for()
        case_url = officer.case_url = page.url
        assert page.get_by_text("待审批立案").first.is_visible()
    finally:
        officer.close()

    # -- the unit head and the bureau head approve the opening -----------------------------------------------------
    for account in ("zlq-unithead", "zlq-head"):
        approver = Walk(browser, server, account, case_url, output_dir)
        try:
            assert approver.page.get_by_text("待我审批").is_visible()
            approver.case()
            fill(approver.page, {"意见": "同意立案。"})
            approver.page.get_by_role("button", name="签署").click()
            approver.page.get_by_text("已保存，并记入台账").wait_for()
        finally:
            approver.close()

    # -- investigation: questioning and on-site inspection ---------------------------------------------------------
    officer = Walk(browser, server, "zlq-officer1", case_url, output_dir)
    try:
        page = officer.page
        officer.case()
        assert page.get_by_text("办理中").first.is_visible()
        assert page.get_by_text("批准立案").is_visible()
        assert "IMR-9" in officer.next_phase_card()
        assert page.get_by_role("button", name="进入“审查决定”").is_disabled()
        officer.shot("case-investigation")
        handlers = page.locator(".card", has=page.get_by_role("heading", name="承办人", exact=True))
        certificates = "、".join(
            handlers.locator(".list-group-item", has_text=who).locator(".small").inner_text().removeprefix("执法证 ")
            for who in (OFFICER, CO_OFFICER)
        )
        officers = [OFFICER, CO_OFFICER]

        officer.record(
            "询问（调查）笔录",
            {
                "被询问人基本情况": "张某某，该医院法定代表人。",
                "被询问人身份": "当事人",
                "询问开始时间": _at(now - timedelta(hours=3)),
                "询问结束时间": _at(now - timedelta(hours=2)),
                "询问地点": "正蓝旗医疗保障局询问室一",
                "询问人（执法人员）": officers,
                "执法证件号码": certificates,
                "已出示执法证件": True,
                "记录人": CO_OFFICER,
                "询问内容（问答）": "问：是否知悉分解住院的情况？\n答：知悉，系科室为完成指标所为。",
                "被询问人签名（或拒签的注明）": "已签名",
                "执法人员签名": "已签名",
                "已告知陈述、申辩、申请回避等权利": True,
            },
            name="inquiry",
        )
        officer.record(
            "现场检查（勘验）笔录",
            {
                "被检查人": PARTY,
                "检查地点": "正蓝旗上都镇某路1号 住院部",
                "检查开始时间": _at(now - timedelta(hours=5)),
                "检查结束时间": _at(now - timedelta(hours=4)),
                "检查人（执法人员）": officers,
                "执法证件号码": certificates,
                "已出示执法证件": True,
                "已告知执法人员姓名、执法证号": True,
                "检查情况": "调取住院病历30份，其中12份存在分解住院情形。",
                "当事人签名（或拒签的注明）": "已签名",
                "执法人员签名": "已签名",
            },
            name="inspection",
        )
        officer.case()
        assert "各项条件均已满足" in officer.next_phase_card()
        officer.advance("审查决定")
        officer.shot("case-decision")

        # -- decision: rights notice and the party's statement -------------------------------------------------------
        assert "IMR-16" in officer.next_phase_card()  # the step collects: no decision signed yet
        officer.record(
            "行政处罚事先告知书",
            {
                "发生时间": _at(notice_at),
                "当事人": PARTY,
                "违法事实": "2026年分解住院12人次，骗取医保基金。",
                "理由": "违反《医疗保障基金使用监督管理条例》第十五条。",
                "证据": "询问笔录、现场检查笔录、住院病历。",
                "依据": "《医疗保障基金使用监督管理条例》第三十八条",
                "拟作出的行政处罚内容": "罚款人民币壹拾伍万元",
                "陈述、申辩权利（及要求听证的权利）": "当事人可在收到本告知书之日起五个工作日内陈述、申辩，要求听证。",
                "制作时间": _at(notice_at),
                "文号": "蓝医保告〔2026〕1号",
                "送达时间": _at(notice_at),
                "拟罚款数额（元）": "150000",
                "已告知要求听证的权利": True,
            },
            name="rights-notice",
        )
        officer.record(
            "陈述、申辩笔录",
            {
                "当事人": PARTY,
                "陈述申辩时间": _at(now - timedelta(hours=1)),
                "陈述、申辩内容": "对违法事实无异议，请求从轻处罚。",
                "采纳情况": "部分采纳，罚款数额酌减。",
                "当事人签名": "已签名",
                "复核意见": "经复核，当事人积极配合调查，可酌情从轻。",
            },
        )
        officer.case()
        card = officer.next_phase_card()
        assert "IMR-16" in card, card

        # -- the legal reviewer (not a handler) makes the review, in her own session ------------------------------
        reviewer = Walk(browser, server, "zlq-reviewer", case_url, output_dir)
        try:
            reviewer.record(
                "法制审核意见",
                {
                    "审核人": REVIEWER,
                    "审核意见": "事实清楚，证据确凿，适用依据正确，程序合法，处罚适当，同意。",
                    "审核通过": True,
                    "审核时间": _at(now - timedelta(minutes=30)),
                    "审核人法律职业资格证书编号": "A20151100000001",
                },
                name="legal-review",
            )
        finally:
            reviewer.close()

        # -- collective discussion, the decision with the head's signature, then 送达执行 -----------------------------
        officer.record(
            "行政处罚决定书",
            {
                "当事人的姓名或者名称、地址": f"{PARTY}，正蓝旗上都镇某路1号",
                "违反法律、法规、规章的事实和证据": "分解住院12人次，有询问笔录、现场检查笔录、住院病历为证。",
                "行政处罚的种类和依据": "罚款；《医疗保障基金使用监督管理条例》第三十八条",
                "行政处罚的履行方式和期限": "自收到本决定书之日起十五日内缴纳至指定银行",
                "申请行政复议、提起行政诉讼的途径和期限": "六十日内申请行政复议，或六个月内提起行政诉讼",
                "作出决定的行政机关名称": "正蓝旗医疗保障局",
                "作出决定的日期": today,
                "行政机关印章": "已盖章",
                "行政机关负责人签署意见": "同意，按集体讨论决定作出处罚。",
                "签发人": HEAD,
                "签发时间": _at(now - timedelta(minutes=10)),
                "罚款数额（元）": "120000",
                "处理结果": "给予行政处罚",
                "已告知当事人决定将依法公开": True,
            },
            name="decision",
            sign=False,
        )
        # drafted before the collective discussion a fine of this size needs (APL-57): the draft says so at once
        warnings = officer.page.get_by_test_id("act-warnings")
        assert warnings.is_visible() and "APL-57" in warnings.inner_text(), warnings.inner_text()
        officer.shot("decision-draft-warns")
        decision_url = officer.page.url
        officer.record(
            "集体讨论记录",
            {
                "讨论时间": _at(now - timedelta(minutes=20)),
                "主持人": HEAD,
                "参加人员": [HEAD, UNIT_HEAD, REVIEWER],
                "讨论情况": "承办人汇报案情，法制审核人员汇报审核意见，与会人员讨论。",
                "讨论决定": "对当事人罚款人民币壹拾贰万元。",
                "全体参与讨论人员签字": "已签名",
            },
        )
        officer.page.goto(decision_url)
        assert officer.page.get_by_test_id("act-warnings").count() == 0  # nothing now stands against the signature
        head = Walk(browser, server, "zlq-head", case_url, output_dir)
        try:
            head.sign_from_workbench("行政处罚决定书", "decision")
            number = head.page.locator("dt:text-is('文号') + dd").inner_text().strip()  # given at signing (APL-59)
            assert number.startswith("正蓝旗医保罚〔") and number.endswith("号"), number
        finally:
            head.close()
        officer.case()
        assert "各项条件均已满足" in officer.next_phase_card()
        officer.advance("送达执行")
        officer.shot("case-execution")

        # -- execution: retained service, execution, closing report ---------------------------------------------------
        officer.record(
            "送达回证（送达记录）",
            {
                "送达文书名称": "行政处罚决定书",
                "文号": number,
                "送达方式": "直接送达",
                "受送达人": PARTY,
                "送达时间": _at(now - timedelta(minutes=5)),
                "送达人": officers,
                "送达人签名": "已签名",
            },
            then={  # the direct service mode's own fields, shown for that mode
                "受送达人或签收人签名或盖章": "已签名",
                "已告知当事人决定将依法公示": True,
            },
            name="service",
        )
        officer.record(
            "罚款缴纳记录",
            {
                "缴纳金额（元）": "120000",
                "缴纳时间": _at(now - timedelta(minutes=4)),
                "缴纳方式": "指定银行",
            },
        )
        officer.record(
            "执行情况记录",
            {
                "履行或执行情况": "当事人已于指定银行缴纳罚款人民币壹拾贰万元。",
                "记录时间": _at(now - timedelta(minutes=3)),
                "结果": "已履行",
                "执行终结时间": _at(now - timedelta(minutes=3)),
            },
        )
        officer.record(
            "结案报告（结案审批表）",
            {
                "结案情形": "处罚决定执行完毕",
                "案件办理情况": "立案调查、告知、听取陈述申辩、法制审核、集体讨论后作出处罚决定，已送达并执行完毕。",
                "批准人（行政机关负责人）": HEAD,
                "批准时间": _at(now - timedelta(minutes=1)),
            },
            name="closing-report",
            sign=False,
        )
        # IMR-5b: audio/video by default — the questioning and the inspection were recorded in writing only, so the
        # officer says why, record by record, in the checklist panel
        officer.case()
        for _ in range(4):
            pending = page.locator("[data-rule='IMR-5b']", has_text="无音像记录")
            if not pending.count():
                break
            item = pending.first
            item.get_by_role("textbox").fill("在询问室询问、现场检查，文字笔录已全面有效记录，当事人已签字确认。")
            with page.expect_navigation():
                item.get_by_role("button", name="说明不进行音像记录").click()
        assert not page.locator("[data-rule='IMR-5b']", has_text="无音像记录").count(), page.locator(
            ".alert, [data-rule='IMR-5b']"
        ).all_inner_texts()
        officer.case()
        officer.shot("case-before-closing")
    finally:
        officer.close()

    # -- the bureau head approves the closing report and closes the case -------------------------------------------
    head = Walk(browser, server, "zlq-head", case_url, output_dir)
    try:
        page = head.page
        head.sign_from_workbench("结案报告（结案审批表）", "closing-report")
        head.case()
        assert "各项条件均已满足" in head.next_phase_card()
        head.advance("结案")
        status = page.locator(".page-title .badge").first
        assert status.inner_text() == "已结案"
        assert page.get_by_text("下一阶段：").count() == 0
        assert page.get_by_role("button", name="制作记录").count() == 0
        compliance = page.locator(".card", has=page.get_by_role("heading", name="合规情况"))
        rows = compliance.locator("[data-rule]")
        statuses = {
            f"{row.get_attribute('data-rule')} {row.locator('.badge.text-nowrap').first.inner_text()}"
            for row in rows.all()
        }
        assert statuses, "compliance panel is empty"
        assert not [s for s in statuses if s.split()[1].startswith(("已逾期", "缺失"))], sorted(statuses)
        head.shot("case-closed")
        page.set_viewport_size(PHONE)
        head.shot("case-closed-phone")
    finally:
        head.close()

    # -- a supervisor over 正蓝旗 verifies the ledger (the same verify as `lawtrace ledger verify`) ------------------
    supervisor = Walk(browser, server, "xlgl-supervisor", case_url, output_dir)
    try:
        page = supervisor.page
        page.get_by_role("link", name="台账").click()
        page.get_by_role("button", name="签署检查点并全量核验").click()
        page.get_by_text("全部正常").wait_for()
        supervisor.shot("ledger-verified")
    finally:
        supervisor.close()
