"""Builders for disclosure tests: a county with officers, a publisher and a supervisor; cases whose decisions are
signed through the real services (which draft the publication items)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from lawtrace import clock
from lawtrace.cases import services as cases
from lawtrace.cases.models import Case, CaseSource, CaseType, PartyKind
from lawtrace.disclosure.models import Item
from lawtrace.identifiers import id_number_check_digit
from lawtrace.orgs.models import Role
from lawtrace.records import services as records
from lawtrace.rulebook.calendar import SHANGHAI
from tests.factories import make_person, open_case_setting

PARTY_NAME = "周志明"
PARTY_ID = "15250219800315001" + id_number_check_digit("15250219800315001")
PARTY_PHONE = "13847900002"
PARTY_ADDRESS = "锡林浩特市希望小区3号楼2单元501室"
REPRESENTATIVE = "赵建华"
COMPANY = "锡林浩特市康宁大药房有限公司"
COMPANY_CODE = "91350100M000100Y43"


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def setting() -> dict[str, Any]:
    s = open_case_setting()
    s["publisher"] = make_person(s["county"], Role.PUBLISHER)
    return s


REGISTERED_BEFORE = timedelta(days=15)  # the decision chain (tests/cases/steps.py) begins 12 days before the decision


def natural_case(s: dict[str, Any], *, minor: bool = False, case_type: str = CaseType.PENALTY) -> Case:
    """A case against a natural person (with ID number, phone, home address) — registered ``REGISTERED_BEFORE`` the
    clock's time, so that what the decision rests on can be dated after the registration."""
    with clock.frozen_at(clock.now() - REGISTERED_BEFORE):
        return cases.register_case(
            actor=s["officer"],
            organisation=s["county"],
            case_type=case_type,
            source=CaseSource.EX_OFFICIO,
            title="某诊所涉嫌伪造医疗文书骗取医保基金",
            facts="检查发现该诊所伪造门诊登记。",
            parties=[
                cases.PartyInput(
                    kind=PartyKind.NATURAL,
                    name=PARTY_NAME,
                    id_number=PARTY_ID,
                    address=PARTY_ADDRESS,
                    phone=PARTY_PHONE,
                    is_minor=minor,
                )
            ],
            handlers=[s["officer"], s["officer2"]],
            handler_opinion="建议立案调查。",
            violation_ended_on=clock.now().date() - timedelta(days=20),
        )


def company_case(s: dict[str, Any]) -> Case:
    """A case against a company, registered ``REGISTERED_BEFORE`` the clock's time."""
    with clock.frozen_at(clock.now() - REGISTERED_BEFORE):
        return cases.register_case(
            actor=s["officer"],
            organisation=s["county"],
            case_type=CaseType.PENALTY,
            source=CaseSource.EX_OFFICIO,
            title="某药店涉嫌串换药品骗取医保基金",
            facts="日常检查发现该药店将保健品串换为药品刷卡结算。",
            parties=[
                cases.PartyInput(
                    kind=PartyKind.LEGAL,
                    name=COMPANY,
                    credit_code=COMPANY_CODE,
                    representative=REPRESENTATIVE,
                    address="锡林浩特市锡林大街12号",
                    phone="04798888888",
                )
            ],
            handlers=[s["officer"], s["officer2"]],
            handler_opinion="建议立案调查。",
            violation_ended_on=clock.now().date() - timedelta(days=20),
        )


def decision_content(case: Case, **overrides: Any) -> dict[str, Any]:
    party = case.parties.get()
    now = clock.now()
    content = {
        "party_name_address": f"{party.name}，{party.address}，身份证号{party.id_number}，电话{party.phone}",
        "facts_and_evidence": f"{party.name}于2026年1月伪造门诊登记12份，骗取医保基金3,600元。",
        "penalty_type_and_basis": "依据《医疗保障基金使用监督管理条例》第四十条，责令退回并处罚款",
        "performance": "自收到本决定书之日起十五日内缴纳",
        "remedies": "六十日内申请行政复议或六个月内提起行政诉讼",
        "authority_name": case.organisation.name,
        "decided_on": now.date().isoformat(),
        "authority_seal": "sealed",
        "head_opinion": "同意",
        "signed_by": "",  # filled with the signing head's id by sign()
        "signed_at": now.isoformat(),
        "fine_fen": 720000,
    }
    content.update(overrides)
    return content


def sign(s: dict[str, Any], case: Case, kind: str, content: dict[str, Any]) -> Item | None:
    """Make (officer) and sign (the officer, or the bureau head for a decision: APL-57) a record at the clock's time;
    return the item its signing drafted (if any)."""
    signer = s["head"] if kind in records.SIGNERS else s["officer"]
    if kind == "penalty_decision":  # notified, heard and reviewed first (APL-62, APL-45, APL-58)
        from tests.cases.steps import _decision_chain

        _decision_chain(s, case, clock.now() - timedelta(minutes=5))
    if "signed_by" in content:
        content = {**content, "signed_by": str(signer.pk)}
    record = records.add_record(
        actor=s["officer"], case=case, kind=kind, occurred_at=clock.now() - timedelta(minutes=5), content=content
    )
    records.sign_record(actor=signer, record=record)
    return Item.objects.filter(source_record=record).first()


def decided(s: dict[str, Any], case: Case, **overrides: Any) -> Item:
    item = sign(s, case, "penalty_decision", decision_content(case, **overrides))
    assert item is not None
    return item
