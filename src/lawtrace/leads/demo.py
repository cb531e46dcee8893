"""Demo leads for 正蓝旗医疗保障局, built by the real services in chronological order under a simulated clock: one
decided (a case opened from it and approved), one extended by the head, one pending within its period."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from lawtrace import clock
from lawtrace.cases import services as cases
from lawtrace.cases.models import CaseType, PartyKind
from lawtrace.identifiers import credit_code_check_char
from lawtrace.leads import services
from lawtrace.leads.models import Lead, LeadSource
from lawtrace.orgs.demo import username
from lawtrace.orgs.models import Organisation, User
from lawtrace.rulebook.calendar import SHANGHAI


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def _u(suffix: str) -> User:
    return User.objects.get(username=username("zlq", suffix))


def load_leads(*, today: date) -> None:
    """Three leads; does nothing when the organisation already has leads."""
    zlq = Organisation.objects.get(name="正蓝旗医疗保障局")
    if Lead.objects.filter(organisation=zlq).exists():
        return
    o1, o2, unit, head = _u("officer1"), _u("officer2"), _u("unithead"), _u("head")

    opened_day = today - timedelta(days=30)
    with clock.frozen_at(_at(opened_day, 9)):
        opened = services.register_lead(
            actor=o1,
            organisation=zlq,
            source=LeadSource.MONITORING,
            received_at=_at(opened_day, 8, 30),
            suspect_name="正蓝旗某民营医院有限公司",
            summary="智能监控提示该院同一批住院患者住院天数高度一致，疑似挂床住院。",
        )
    with clock.frozen_at(_at(opened_day + timedelta(days=2), 10)):
        first17 = "91152530MA0R7T5K3"
        case = services.open_case_from_lead(
            actor=o1,
            lead=opened,
            case_type=CaseType.PENALTY,
            title="正蓝旗某民营医院涉嫌挂床住院骗取医保基金",
            facts="经核查病历和查房记录，部分住院患者未在院治疗，涉嫌挂床住院。",
            parties=[
                cases.PartyInput(
                    kind=PartyKind.LEGAL,
                    name="正蓝旗某民营医院有限公司",
                    credit_code=first17 + credit_code_check_char(first17),
                    representative="吴某",
                    address="正蓝旗上都镇某路",
                )
            ],
            handlers=[o1, o2],
            handler_opinion="线索经核查属实，建议立案调查。",
            violation_ended_on=opened_day - timedelta(days=20),
        )
    with clock.frozen_at(_at(opened_day + timedelta(days=2), 15)):
        cases.give_unit_opinion(actor=unit, case=case, approve=True, opinion="同意立案。")
    with clock.frozen_at(_at(opened_day + timedelta(days=3), 9)):
        cases.decide_opening(actor=head, case=case, approve=True, opinion="同意立案。")

    extended_day = today - timedelta(days=19)
    with clock.frozen_at(_at(extended_day, 14)):
        extended = services.register_lead(
            actor=o2,
            organisation=zlq,
            source=LeadSource.REFERRAL,
            received_at=_at(extended_day, 11),
            suspect_name="正蓝旗某药店",
            summary="市场监管部门移送：该药店涉嫌为参保人员套取医保个人账户资金。",
        )
    pending_day = today - timedelta(days=3)
    with clock.frozen_at(_at(pending_day, 10)):
        services.register_lead(
            actor=o1,
            organisation=zlq,
            source=LeadSource.INSPECTION,
            received_at=_at(pending_day, 9, 20),
            suspect_name="正蓝旗某村卫生室",
            summary="日常检查发现该卫生室门诊日志与医保结算记录不一致。",
        )
    with clock.frozen_at(_at(today - timedelta(days=2), 16)):
        services.extend_lead(actor=head, lead=extended, reason="需调取移送部门的询问笔录和该药店近一年的结算数据。")
