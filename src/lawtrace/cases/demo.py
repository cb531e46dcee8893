"""Demo cases, built by the real services in chronological order under a simulated clock (DESIGN: the demo's
ledger times lie in the past and stay monotonic)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from lawtrace import clock
from lawtrace.cases import services
from lawtrace.cases.models import CaseSource, CaseType, PartyKind
from lawtrace.identifiers import credit_code_check_char, id_number_check_digit
from lawtrace.orgs.demo import username
from lawtrace.orgs.models import Organisation, User
from lawtrace.rulebook.calendar import SHANGHAI


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def _credit_code(first17: str) -> str:
    return first17 + credit_code_check_char(first17)


def _id_number(first17: str) -> str:
    return first17 + id_number_check_digit(first17)


def _u(slug: str, suffix: str) -> User:
    return User.objects.get(username=username(slug, suffix))


def load_cases(*, today: date) -> None:
    """A handful of cases per phase reached so far by the implemented services (later issues add more)."""
    xlht = Organisation.objects.get(name="锡林浩特市医疗保障局")
    ws = Organisation.objects.get(name="汶上县医疗保障局")
    o1, o2, unit, head = _u("xlht", "officer1"), _u("xlht", "officer2"), _u("xlht", "unithead"), _u("xlht", "head")
    start = today - timedelta(days=40)

    with clock.frozen_at(_at(start, 9, 10)):
        complaint = services.register_complaint(
            actor=o1,
            organisation=xlht,
            received_at=_at(start, 8, 40),
            channel="phone",
            real_name=True,
            complainant_name="刘某某",
            complainant_contact="13904790001",
            subject="锡林浩特市康宁大药房",
            content="反映该药店将保健品、日用品串换为医保目录内药品进行刷卡结算。",
        )
    with clock.frozen_at(_at(start + timedelta(days=1), 10)):
        case = services.register_case(
            actor=o1,
            organisation=xlht,
            case_type=CaseType.PENALTY,
            source=CaseSource.COMPLAINT,
            title="锡林浩特市康宁大药房涉嫌串换药品骗取医保基金",
            complaint=complaint,
            facts="经初步核查，该药店2026年1月至3月间存在将非医保目录商品串换为目录内药品结算的情形。",
            parties=[
                services.PartyInput(
                    kind=PartyKind.LEGAL,
                    name="锡林浩特市康宁大药房有限公司",
                    credit_code=_credit_code("91152502MA0N3K8X2"),
                    representative="赵某某",
                    address="锡林浩特市锡林大街某号",
                    phone="04798234567",
                )
            ],
            handlers=[o1, o2],
            handler_opinion="投诉举报线索具体，建议立案调查。",
            violation_ended_on=start - timedelta(days=20),
        )
    with clock.frozen_at(_at(start + timedelta(days=1), 15)):
        services.give_unit_opinion(actor=unit, case=case, approve=True, opinion="同意立案，由张伟、李娜承办。")
    with clock.frozen_at(_at(start + timedelta(days=2), 9, 30)):
        services.decide_opening(actor=head, case=case, approve=True, opinion="同意立案。")

    with clock.frozen_at(_at(start + timedelta(days=10), 11)):
        services.register_case(
            actor=o2,
            organisation=xlht,
            case_type=CaseType.INSPECTION,
            source=CaseSource.EX_OFFICIO,
            title="锡林浩特市某民营医院住院病历专项检查",
            facts="按年度监督检查计划开展住院病历抽查。",
            parties=[
                services.PartyInput(
                    kind=PartyKind.LEGAL,
                    name="锡林浩特市仁和医院有限公司",
                    representative="孙某",
                    address="锡林浩特市某路",
                )
            ],
            handlers=[o2, o1],
            handler_opinion="建议立案检查。",
        )
    with clock.frozen_at(_at(start + timedelta(days=20), 16)):
        services.register_case(
            actor=o1,
            organisation=xlht,
            case_type=CaseType.PENALTY,
            source=CaseSource.EX_OFFICIO,
            urgent=True,
            title="某诊所涉嫌伪造医疗文书骗取医保基金（紧急先行启动）",
            facts="检查中发现该诊所正在销毁门诊登记簿，情况紧急，先行启动调查并补报审批。",
            parties=[
                services.PartyInput(
                    kind=PartyKind.NATURAL,
                    name="周某某",
                    id_number=_id_number("15250219800315001"),
                    address="锡林浩特市某小区",
                    phone="13847900002",
                )
            ],
            handlers=[o1, o2],
            handler_opinion="",
            violation_ended_on=start + timedelta(days=19),
        )
    with clock.frozen_at(_at(start + timedelta(days=25), 9)):
        declined = services.register_complaint(
            actor=_u("ws", "officer1"),
            organisation=ws,
            received_at=_at(start + timedelta(days=25), 8, 30),
            channel="visit",
            real_name=True,
            complainant_name="孔某",
            complainant_contact="13605370003",
            subject="汶上县某养老院",
            content="反映养老院护理费用问题。",
        )
        services.decline_complaint(
            actor=_u("ws", "officer1"),
            complaint=declined,
            reason="不属于医疗保障行政执法事项",
            notice="已当面告知投诉人向民政部门反映，投诉人表示知悉。",
        )
    with clock.frozen_at(_at(start + timedelta(days=26), 10)):
        services.register_case(
            actor=_u("ws", "officer1"),
            organisation=ws,
            case_type=CaseType.PENALTY,
            source=CaseSource.EX_OFFICIO,
            title="汶上县某卫生室涉嫌虚构诊疗项目",
            facts="智能监控提示该卫生室2026年度诊疗频次异常。",
            parties=[services.PartyInput(kind=PartyKind.NATURAL, name="颜某某", address="汶上县某村")],
            handlers=[_u("ws", "officer1"), _u("ws", "officer2")],
            handler_opinion="建议立案调查。",
            violation_ended_on=start,
        )
