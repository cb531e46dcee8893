"""Issue walk-through, national procedure: a 正蓝旗 penalty case from the rights notice to the decision through a
hearing (the party's request, the notice at least 7 working days ahead, a chair who did not investigate, the
transcript, the chair's report) and a collective discussion; the head signs the decision and the system gives its 文号;
then the fine is not paid — the case page shows the party late and the surcharge running — a reminder is served and,
its 10 working days past and the party's periods for review (60 days) and for a lawsuit (6 months from service) run
out (CEL-54), the officer drafts the application to the court and the head signs it, inside the CEL-53 window. Each
step in Chromium by the person whose step it is; the times typed are in the past, as an officer enters what
happened, so the periods have run by today (the decision was served seven months ago)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.test_penalty_walkthrough import CO_OFFICER, HEAD, OFFICER, PHONE, REVIEWER, UNIT_HEAD, Walk, _at, fill

pytestmark = pytest.mark.e2e

PARTY = "正蓝旗某康复医院有限公司"
CREDIT_CODE = "91152530MA0Q3F7T8X"


def _credit_code() -> str:
    from lawtrace.identifiers import credit_code_check_char

    return CREDIT_CODE[:17] + credit_code_check_char(CREDIT_CODE[:17])


def _open_case(browser, server: str, output_dir: Path, now: datetime) -> str:  # type: ignore[no-untyped-def]
    """立案登记 by the officer, approved by the unit head and the bureau head; the case page's address."""
    officer = Walk(browser, server, "zlq-officer1", "", output_dir)
    try:
        page = officer.page
        # The matter came in as a complaint months ago: everything the case records happened after it (issue 14).
        subject = f"{PARTY}（{now:%H%M%S}）"
        page.goto(f"{server}/complaints/new/")
        fill(
            page,
            {
                "收到时间": _at(now - timedelta(days=262)),
                "被投诉举报对象": subject,
                "投诉举报内容": "反映该院挂床住院，骗取医保基金。",
            },
        )
        page.get_by_role("button", name="登记").click()
        page.get_by_text("已登记").first.wait_for()
        page.get_by_role("row", name=subject).get_by_role("link", name="立案").click()
        fill(
            page,
            {
                "案由": f"{PARTY}涉嫌挂床住院骗取医保基金（{now:%H%M%S}）",
                "基本案情": "智能监控提示该院住院天数异常，经初步核查存在挂床住院情形。",
                "违法行为发生（终了）日期": (now - timedelta(days=270)).date().isoformat(),
                "其他承办人（连同本人不少于2名持证执法人员）": [CO_OFFICER],
                "承办人意见": "建议立案调查。",
                "当事人类型": "法人",
                "姓名/名称": PARTY,
                "统一社会信用代码": _credit_code(),
                "法定代表人/负责人": "郑某某",
                "住所/地址": "正蓝旗上都镇某路9号",
            },
        )
        page.get_by_role("button", name="登记并提交审批").click()
        page.get_by_text("已登记案件").wait_for()
        case_url = page.url
    finally:
        officer.close()
    for account in ("zlq-unithead", "zlq-head"):
        approver = Walk(browser, server, account, case_url, output_dir)
        try:
            approver.case()
            fill(approver.page, {"意见": "同意立案。"})
            approver.page.get_by_role("button", name="签署").click()
            approver.page.get_by_text("已保存，并记入台账").wait_for()
        finally:
            approver.close()
    return case_url


def test_hearing_and_collective_discussion_to_decision_then_late_payment_reminder_and_court(
    server: str, browser, output_dir: Path
) -> None:
    Walk.shots = []
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    day = lambda n: now - timedelta(days=n)  # noqa: E731 — "n days ago"
    case_url = _open_case(browser, server, output_dir, now)
    officers = [OFFICER, CO_OFFICER]

    officer = Walk(browser, server, "zlq-officer1", case_url, output_dir)
    try:
        page = officer.page
        officer.case()
        handlers = page.locator(".card", has=page.get_by_role("heading", name="承办人", exact=True))
        certificates = "、".join(
            handlers.locator(".list-group-item", has_text=who).locator(".small").inner_text().removeprefix("执法证 ")
            for who in officers
        )
        officer.record(
            "询问（调查）笔录",
            {
                "发生时间": _at(day(250)),
                "被询问人基本情况": "郑某某，该院法定代表人。",
                "被询问人身份": "当事人",
                "询问开始时间": _at(day(250) - timedelta(hours=2)),
                "询问结束时间": _at(day(250) - timedelta(hours=1)),
                "询问地点": "正蓝旗医疗保障局询问室一",
                "询问人（执法人员）": officers,
                "执法证件号码": certificates,
                "已出示执法证件": True,
                "记录人": CO_OFFICER,
                "询问内容（问答）": "问：住院病人夜间是否在院？答：部分病人白天治疗后回家。",
                "被询问人签名（或拒签的注明）": "已签名",
                "执法人员签名": "已签名",
                "已告知陈述、申辩、申请回避等权利": True,
            },
        )
        officer.advance("审查决定")

        # -- the notice with the hearing right (a fine above the APL-63 threshold), the party asks for a hearing ----
        officer.record(
            "行政处罚事先告知书",
            {
                "发生时间": _at(day(240)),
                "当事人": PARTY,
                "违法事实": "2026年挂床住院46人次，医保基金支付61,800元。",
                "理由": "违反《医疗保障基金使用监督管理条例》第十五条。",
                "证据": "询问笔录、住院病历、查房记录。",
                "依据": "《医疗保障基金使用监督管理条例》第四十条",
                "拟作出的行政处罚内容": "责令退回61,800元，处罚款123,600元",
                "陈述、申辩权利（及要求听证的权利）": "当事人可在收到本告知书之日起五个工作日内陈述、申辩，要求听证。",
                "制作时间": _at(day(240)),
                "送达时间": _at(day(240) + timedelta(hours=2)),
                "文号": "蓝医保告〔2026〕9号",
                "拟罚款数额（元）": "123600",
                "已告知要求听证的权利": True,
            },
            name="notice",
        )
        officer.record(
            "听证申请",
            {"发生时间": _at(day(238)), "申请人": PARTY, "提出时间": _at(day(238)), "申请方式": "书面"},
        )
        hearing = day(220).replace(hour=9, minute=0)
        officer.record(
            "听证通知书",
            {
                "发生时间": _at(day(236)),
                "当事人": PARTY,
                "听证时间": _at(hearing),
                "听证地点": "正蓝旗医疗保障局听证室",
                "听证主持人": UNIT_HEAD,  # did not investigate the case (APL-64)
                "公开举行": True,
                "制作时间": _at(day(236)),
                "送达时间": _at(day(236) + timedelta(hours=3)),
            },
            name="hearing-notice",
        )
        officer.record(
            "听证笔录",
            {
                "发生时间": _at(hearing + timedelta(hours=2)),
                "听证时间": _at(hearing),
                "听证地点": "正蓝旗医疗保障局听证室",
                "听证主持人": UNIT_HEAD,
                "记录人": CO_OFFICER,
                "参加人员": "主持人何军；调查人员苏日娜、格日勒图；当事人委托代理人郑某。",
                "听证内容（调查人员意见、当事人申辩和质证）": "调查人员陈述事实、证据和处罚意见；代理人有异议。",
                "当事人或其代理人核对后签名或盖章（拒绝的由主持人注明）": "已签名",
                "听证的告知和申请情况": "告知后两日内书面申请听证，听证通知书于十六日前送达。",
            },
            name="hearing-transcript",
        )
        officer.record(
            "听证报告",
            {
                "发生时间": _at(hearing + timedelta(days=1)),
                "听证主持人": UNIT_HEAD,
                "处理意见": "事实清楚，证据充分；代理人异议部分成立，建议核减金额后处罚。",
                "提交时间": _at(hearing + timedelta(days=1)),
            },
        )
        officer.record(
            "陈述、申辩笔录",
            {
                "发生时间": _at(hearing + timedelta(days=1, hours=2)),
                "当事人": PARTY,
                "陈述申辩时间": _at(hearing),
                "陈述、申辩内容": "见听证笔录。",
                "采纳情况": "部分采纳，核减挂床住院3人次。",
                "复核意见": "经复核，挂床住院3人次证据不足，予以核减。",
                "当事人签名": "已签名",
            },
        )
    finally:
        officer.close()

    reviewer = Walk(browser, server, "zlq-reviewer", case_url, output_dir)
    try:
        reviewer.record(
            "法制审核意见",
            {
                "发生时间": _at(day(216)),
                "审核人": REVIEWER,
                "审核意见": "事实清楚，证据确凿，程序合法，同意。",
                "审核通过": True,
                "审核时间": _at(day(216)),
                "审核人法律职业资格证书编号": "A20151100000001",
            },
        )
    finally:
        reviewer.close()

    officer = Walk(browser, server, "zlq-officer1", case_url, output_dir)
    try:
        officer.record(
            "集体讨论记录",
            {
                "发生时间": _at(day(215)),
                "讨论时间": _at(day(215)),
                "主持人": HEAD,
                "参加人员": [HEAD, UNIT_HEAD, REVIEWER],
                "讨论情况": "承办人汇报案情和听证情况，法制审核人员汇报审核意见。",
                "讨论决定": "责令退回57,800元，处罚款115,600元。",
                "全体参与讨论人员签字": "已签名",
            },
            name="collective-discussion",
        )
        officer.record(
            "行政处罚决定书",
            {
                "发生时间": _at(day(214)),
                "当事人的姓名或者名称、地址": f"{PARTY}，正蓝旗上都镇某路9号",
                "违反法律、法规、规章的事实和证据": "挂床住院43人次，有询问笔录、住院病历、听证笔录为证。",
                "行政处罚的种类和依据": "罚款；《医疗保障基金使用监督管理条例》第四十条",
                "行政处罚的履行方式和期限": "自收到本决定书之日起十五日内缴纳至指定银行",
                "申请行政复议、提起行政诉讼的途径和期限": "六十日内申请行政复议，或六个月内提起行政诉讼",
                "作出决定的行政机关名称": "正蓝旗医疗保障局",
                "作出决定的日期": day(214).date().isoformat(),
                "行政机关印章": "已盖章",
                "行政机关负责人签署意见": "同意，按集体讨论决定作出处罚。",
                "签发人": HEAD,
                "签发时间": _at(day(214)),
                "罚款数额（元）": "115600",
                "处理结果": "给予行政处罚",
                "已告知当事人决定将依法公开": True,
            },
            name="decision",
            sign=False,
        )
    finally:
        officer.close()

    head = Walk(browser, server, "zlq-head", case_url, output_dir)
    try:
        head.sign_from_workbench("行政处罚决定书", "decision")
        number = head.page.locator("dt:text-is('文号') + dd").inner_text().strip()
        assert number.startswith("正蓝旗医保罚〔") and number.endswith("号"), number  # APL-59: given at signing
    finally:
        head.close()

    # -- 送达执行: served 210 days ago, not paid; the reminder, then the court -----------------------------------------
    officer = Walk(browser, server, "zlq-officer1", case_url, output_dir)
    try:
        page = officer.page
        officer.advance("送达执行")
        officer.record(
            "送达回证（送达记录）",
            {
                "发生时间": _at(day(210)),
                "送达文书名称": "行政处罚决定书",
                "文号": number,
                "送达方式": "直接送达",
                "受送达人": PARTY,
                "送达时间": _at(day(210)),
                "送达人": officers,
                "受送达人或签收人签名或盖章": "已签名",
                "已告知当事人决定将依法公示": True,
                "送达人签名": "已签名",
            },
        )
        officer.case()
        execution = page.locator("#execution")
        assert "未缴纳" in execution.inner_text()
        surcharge = execution.locator("[data-rule='APL-72']").inner_text()
        assert "加处罚款" in surcharge and "元" in surcharge, surcharge  # 3% a day since the period ended
        officer.shot("case-late-payment")
        officer.record(
            "催告书",
            {
                "发生时间": _at(day(25)),
                "当事人": PARTY,
                "履行义务的期限、方式及金额": "请于收到本催告书之日起十日内缴纳罚款115,600元及加处罚款。",
                "当事人依法享有的陈述权和申辩权": "当事人有权进行陈述和申辩。",
                "制作时间": _at(day(25)),
                "文号": "蓝医保催〔2026〕1号",
                "送达时间": _at(day(25) + timedelta(hours=3)),
            },
            name="reminder",
        )
        officer.record(
            "强制执行申请书",
            {
                "发生时间": _at(now - timedelta(hours=1)),
                "受理法院": "正蓝旗人民法院",
                "申请时间": _at(now - timedelta(hours=1)),
                "申请情况": "当事人在法定期限内未申请行政复议或提起行政诉讼，经催告仍不履行，申请强制执行。",
                "文号": "蓝医保执申〔2026〕1号",
                "行政决定书文号": number,
                "催告书文号": "蓝医保催〔2026〕1号",
                "当事人的意见": "当事人收到催告书后未提出陈述、申辩意见。",
                "申请强制执行的罚款数额（元）": "115600",
            },
            name="court-application",
            sign=False,  # 《行政强制法》第五十五条: the head signs the application (CEL-54)
        )
    finally:
        officer.close()

    head = Walk(browser, server, "zlq-head", case_url, output_dir)
    try:
        head.sign_from_workbench("强制执行申请书", "court-application-signed")
    finally:
        head.close()

    officer = Walk(browser, server, "zlq-officer1", case_url, output_dir)
    try:
        page = officer.page
        officer.case()
        court = page.locator("#execution [data-rule='CEL-53']").inner_text()
        assert "正蓝旗人民法院" in court and "申请期限" in court, court
        compliance = page.locator(".card", has=page.get_by_role("heading", name="合规情况"))
        assert "CEL-53" in compliance.inner_text()
        officer.shot("case-court-applied")
        page.set_viewport_size(PHONE)
        officer.shot("case-court-applied-phone")
    finally:
        officer.close()
