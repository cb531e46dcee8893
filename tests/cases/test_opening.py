"""Registering and opening a case: numbers, handlers (APL-42), limitation (APL-36), the approval chain (WS-10,
IMR-8, IMR-8b), parties' identifiers — each gate refuses with its rule and writes nothing."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest

from lawtrace import clock
from lawtrace.cases import services
from lawtrace.cases.compliance import evaluate
from lawtrace.cases.models import Case, CaseSource, CaseStatus, Complaint, Party, PartyKind, Phase
from lawtrace.errors import PermissionRefused, Refused
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from lawtrace.orgs import services as org_services
from lawtrace.orgs.models import Certificate, Organisation, Role
from lawtrace.records import services as records
from lawtrace.records.models import Record
from lawtrace.rulebook.calendar import SHANGHAI
from lawtrace.rulebook.deadlines import Status
from tests.cases.record_content import filled
from tests.cases.steps import MONDAY
from tests.factories import give_certificate, make_person, open_case_setting, register, root_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def s() -> dict:
    return open_case_setting()


def _nothing_written(before: tuple[int, int, int]) -> bool:
    return (Case.objects.count(), Party.objects.count(), Entry.objects.count()) == before


def _counts() -> tuple[int, int, int]:
    return Case.objects.count(), Party.objects.count(), Entry.objects.count()


def test_registration_gives_gap_free_numbers_per_organisation_and_year(s: dict) -> None:
    year = date.today().year
    numbers = [register(s).number for _ in range(3)]
    short = s["county"].short_name
    assert numbers == [f"{short}立〔{year}〕{n}号" for n in (1, 2, 3)]


def test_registration_writes_one_ledger_entry_without_personal_data(s: dict) -> None:
    before = Entry.objects.count()
    case = register(
        s,
        parties=[
            services.PartyInput(
                kind=PartyKind.NATURAL, name="张三", id_number="11010519491231002X", phone="13912345678"
            )
        ],
    )
    entries = list(Entry.objects.order_by("pk")[before:])
    assert [e.action for e in entries] == [LedgerAction.CASE_REGISTERED]
    assert entries[0].case_number == case.number
    data = bytes(entries[0].data)
    assert b"11010519491231002X" not in data and b"13912345678" not in data
    assert "张三".encode() not in data
    assert len(json.loads(data)["payload"]["parties"][0]["content"]) == 64


def test_APL_42_a_single_handler_is_refused_and_nothing_written(s: dict) -> None:
    before = _counts()
    with pytest.raises(Refused) as refusal:
        register(s, handlers=[s["officer"]])
    assert refusal.value.rule == "APL-42"
    assert _nothing_written(before)


def test_APL_42_a_handler_with_an_expired_certificate_is_refused(s: dict) -> None:
    expired = make_person(s["county"], Role.OFFICER)
    give_certificate(expired, "expired")
    before = _counts()
    with pytest.raises(Refused) as refusal:
        register(s, handlers=[s["officer"], expired])
    assert (refusal.value.rule == "APL-42" and "已过期" in refusal.value.message) or "过期" in refusal.value.message
    assert _nothing_written(before)


def test_APL_42_an_officer_of_another_county_cannot_handle(s: dict) -> None:
    stranger = make_person(s["other"], Role.OFFICER, certificate="valid")
    with pytest.raises(PermissionRefused):
        register(s, handlers=[s["officer"], stranger])


def test_APL_36_a_penalty_case_beyond_two_years_is_refused(s: dict) -> None:
    before = _counts()
    with pytest.raises(Refused) as refusal:
        register(s, violation_ended_on=date.today() - timedelta(days=2 * 366 + 1))
    assert refusal.value.rule == "APL-36" and "2年" in refusal.value.message
    assert _nothing_written(before)


def test_APL_36_five_years_where_life_health_or_finance_was_harmed(s: dict) -> None:
    case = register(s, violation_ended_on=date.today() - timedelta(days=3 * 365), harms_life_or_finance=True)
    assert case.pk
    with pytest.raises(Refused, match="5年"):
        register(s, violation_ended_on=date.today() - timedelta(days=5 * 366 + 1), harms_life_or_finance=True)


def test_APL_36_penalty_case_needs_the_date_the_violation_ended(s: dict) -> None:
    with pytest.raises(Refused) as refusal:
        register(s, violation_ended_on=None)
    assert refusal.value.rule == "APL-36"


@pytest.mark.parametrize(
    ("party", "message"),
    [
        (services.PartyInput(kind=PartyKind.NATURAL, name="李四", id_number="110105194912310021"), "身份证号无效"),
        (
            services.PartyInput(kind=PartyKind.LEGAL, name="某公司", credit_code="91350100M000100Y44"),
            "统一社会信用代码无效",
        ),
        (services.PartyInput(kind=PartyKind.NATURAL, name=" "), "不能为空"),
    ],
)
def test_invalid_party_identifiers_are_refused(s: dict, party: services.PartyInput, message: str) -> None:
    before = _counts()
    with pytest.raises(Refused, match=message):
        register(s, parties=[party])
    assert _nothing_written(before)


def test_WS_10_approval_chain_handler_unit_head_bureau_head(s: dict) -> None:
    case = register(s)
    assert (case.status, case.phase) == (CaseStatus.PENDING_APPROVAL, Phase.OPENING)
    with pytest.raises(Refused) as refusal:
        services.decide_opening(actor=s["head"], case=case, approve=True, opinion="同意立案")
    assert refusal.value.rule == "WS-10"
    with pytest.raises(PermissionRefused):
        services.give_unit_opinion(actor=s["officer"], case=case, approve=True, opinion="同意")
    services.give_unit_opinion(actor=s["unit_head"], case=case, approve=True, opinion="同意立案调查")
    case = services.decide_opening(actor=s["head"], case=case, approve=True, opinion="同意立案")
    assert (case.status, case.phase) == (CaseStatus.ACTIVE, Phase.INVESTIGATION) and case.opened_at
    actions = list(Entry.objects.filter(case_number=case.number).order_by("pk").values_list("action", flat=True))
    assert actions == [LedgerAction.CASE_REGISTERED, LedgerAction.OPINION_GIVEN, LedgerAction.OPENING_APPROVED]


def test_WS_10b_refused_opening_leaves_the_case_not_opened(s: dict) -> None:
    case = register(s)
    services.give_unit_opinion(actor=s["unit_head"], case=case, approve=False, opinion="证据不足")
    case = services.decide_opening(actor=s["head"], case=case, approve=False, opinion="不予立案")
    assert case.status == CaseStatus.NOT_OPENED and case.opened_at is None


def test_IMR_8b_urgent_case_starts_at_once_and_the_request_follows(s: dict) -> None:
    case = register(s, urgent=True, handler_opinion="")
    assert case.status == CaseStatus.ACTIVE and case.opened_at
    with pytest.raises(Refused, match="尚未提交"):
        services.give_unit_opinion(actor=s["unit_head"], case=case, approve=True, opinion="同意")
    services.submit_opening_request(actor=s["officer"], case=case, opinion="情况紧急，已先行启动，现补报")
    services.give_unit_opinion(actor=s["unit_head"], case=case, approve=True, opinion="同意")
    services.decide_opening(actor=s["head"], case=case, approve=True, opinion="同意")
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE


def test_WS_8b_real_name_complaint_declined_without_notice_is_refused(s: dict) -> None:
    from django.utils import timezone

    from lawtrace.orgs.models import Organisation

    Organisation.objects.filter(pk=s["county"].pk).update(rulebook="wenshang-2019")  # WS-8b: a wenshang bureau
    complaint = services.register_complaint(
        actor=s["officer"],
        organisation=s["county"],
        received_at=timezone.now(),
        channel="phone",
        real_name=True,
        complainant_name="王五",
        complainant_contact="13800000000",
        subject="某诊所",
        content="挂床住院",
    )
    before = Entry.objects.count()
    with pytest.raises(Refused) as refusal:
        services.decline_complaint(actor=s["officer"], complaint=complaint, reason="不属于本局管辖", notice="")
    assert refusal.value.rule == "WS-8b" and Entry.objects.count() == before
    services.decline_complaint(
        actor=s["officer"], complaint=complaint, reason="不属于本局管辖", notice="已电话告知向卫健部门反映"
    )
    complaint.refresh_from_db()
    assert complaint.handling == Complaint.Handling.NOT_TAKEN_UP and complaint.notified_at


def test_complaint_taken_up_opens_a_linked_case(s: dict) -> None:
    from django.utils import timezone

    complaint = services.register_complaint(
        actor=s["officer"],
        organisation=s["county"],
        received_at=timezone.now(),
        channel="online",
        real_name=False,
        complainant_name="",
        complainant_contact="",
        subject="某药店",
        content="串换药品",
    )
    case = register(s, complaint=complaint)
    complaint.refresh_from_db()
    assert case.complaint == complaint and complaint.handling == Complaint.Handling.TAKEN_UP
    with pytest.raises(Refused):
        register(s, complaint=complaint)


def test_APL_43_recusal_that_leaves_one_handler_is_refused_until_one_is_added(s: dict) -> None:
    case = register(s)
    with pytest.raises(Refused) as refusal:
        services.recuse_handler(
            actor=s["head"], case=case, person=s["officer2"], reason="与当事人有亲属关系", applied_by_party=True
        )
    assert refusal.value.rule == "APL-43"
    third = make_person(s["county"], Role.OFFICER, certificate="valid")
    services.add_handler(actor=s["head"], case=case, person=third)
    services.recuse_handler(
        actor=s["head"], case=case, person=s["officer2"], reason="与当事人有亲属关系", applied_by_party=True
    )
    assert case.handlers.filter(active=True).count() == 2


# -- WS-10b: the notice of not opening, recorded once the head decided not to open -----------------------------------


def _not_opening_notice(s: dict, case: Case, moment: datetime, **given: object) -> dict:
    return filled(case, "not_opening_notice", s["officer"], moment, **{"decided_by": str(s["head"].pk), **given})


def test_WS_10b_the_notice_of_not_opening_is_recorded_after_the_heads_decision_and_only_then(s: dict) -> None:
    Organisation.objects.filter(pk=s["county"].pk).update(rulebook="wenshang-2019")
    s["county"].refresh_from_db()
    with clock.frozen_at(MONDAY - timedelta(days=3)):
        case = register(s, violation_ended_on=date(2025, 10, 1))
        services.give_unit_opinion(actor=s["unit_head"], case=case, approve=False, opinion="证据不足")
        before = (Record.objects.count(), Entry.objects.count())
        with pytest.raises(Refused) as undecided:  # the head has not decided yet: no notice of it
            records.add_record(
                actor=s["officer"],
                case=case,
                kind="not_opening_notice",
                occurred_at=clock.now(),
                content=_not_opening_notice(s, case, clock.now()),
            )
        assert undecided.value.rule == "WS-10b" and "不予立案后" in undecided.value.message
        assert (Record.objects.count(), Entry.objects.count()) == before
    with clock.frozen_at(MONDAY):
        case = services.decide_opening(actor=s["head"], case=case, approve=False, opinion="不予立案")
    told = MONDAY + timedelta(days=1)
    with clock.frozen_at(told + timedelta(hours=1)):
        assert {f.rule_id: f.status for f in evaluate(case)}["WS-10b"] is Status.DUE
        before = (Record.objects.count(), Entry.objects.count())
        for wrong in (
            {"notified_at": (MONDAY - timedelta(hours=1)).isoformat()},  # told before it was decided
            {"decided_by": str(s["unit_head"].pk)},  # not the head who decided
        ):
            with pytest.raises(Refused) as refusal:
                records.add_record(
                    actor=s["officer"],
                    case=case,
                    kind="not_opening_notice",
                    occurred_at=told,
                    content=_not_opening_notice(s, case, told, **wrong),
                )
            assert refusal.value.rule == "WS-10b"
        assert (Record.objects.count(), Entry.objects.count()) == before
        with pytest.raises(Refused):  # every other record stays closed on a case not opened
            records.add_record(
                actor=s["officer"],
                case=case,
                kind="inquiry_transcript",
                occurred_at=told,
                content=filled(case, "inquiry_transcript", s["officer"], told),
            )
        notice = records.add_record(
            actor=s["officer"],
            case=case,
            kind="not_opening_notice",
            occurred_at=told,
            content=_not_opening_notice(s, case, told, notice_method="书面送达"),
        )
        notice = records.sign_record(actor=s["officer"], record=notice)
    assert notice.status == Record.Status.SIGNED and "不立告〔" in notice.content["document_number"]
    actions = list(Entry.objects.order_by("pk").values_list("action", flat=True))[before[1] :]
    assert actions == [LedgerAction.RECORD_ADDED, LedgerAction.RECORD_SIGNED]
    with clock.frozen_at(told + timedelta(days=1)):
        finding = {f.rule_id: f for f in evaluate(case)}["WS-10b"]
    assert finding.status is Status.MET and finding.met_at == told + timedelta(hours=1)


# -- APL-36: the limitation runs to discovery — the complaint's date — not to the opening ---------------------------


COMPLAINED = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
REGISTERED = datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI)  # three months later: past the limit the complaint met


def _complained(s: dict) -> Complaint:
    with clock.frozen_at(COMPLAINED + timedelta(hours=1)):
        return services.register_complaint(
            actor=s["officer"],
            organisation=s["county"],
            received_at=COMPLAINED,
            channel="phone",
            real_name=False,
            complainant_name="",
            complainant_contact="",
            subject="某药店",
            content="串换药品",
        )


def test_APL_36_met_on_the_last_day_counted_to_the_complaint_not_to_the_opening(s: dict) -> None:
    complaint = _complained(s)
    with clock.frozen_at(REGISTERED):
        case = register(s, source=CaseSource.COMPLAINT, complaint=complaint, violation_ended_on=date(2024, 3, 2))
    assert case.pk and case.complaint == complaint


def test_APL_36_not_met_a_day_past_the_complaint_and_counted_to_the_opening_without_one(s: dict) -> None:
    complaint = _complained(s)
    before = _counts()
    with clock.frozen_at(REGISTERED), pytest.raises(Refused) as late:
        register(s, source=CaseSource.COMPLAINT, complaint=complaint, violation_ended_on=date(2024, 3, 1))
    assert late.value.rule == "APL-36" and "收到投诉举报" in late.value.message
    assert "2026年03月02日" in late.value.message
    with clock.frozen_at(REGISTERED), pytest.raises(Refused) as no_complaint:  # no discovery before the opening
        register(s, violation_ended_on=date(2024, 3, 2))
    assert no_complaint.value.rule == "APL-36" and "立案登记于2026年06月01日" in no_complaint.value.message
    assert _nothing_written(before)
    complaint.refresh_from_db()
    assert complaint.handling == Complaint.Handling.PENDING


# -- APL-42 / APL-55: one certificate, however its number was typed; a certificate used in a case keeps its holder ---


def _certificate(holder: object, number: str) -> Certificate:
    return Certificate(
        holder=holder,
        number=number,
        issuing_authority="内蒙古自治区人民政府",
        area="测试",
        valid_from=date.today() - timedelta(days=365),
        valid_to=date.today() + timedelta(days=365),
    )


def test_APL_42_a_certificate_number_is_stored_normalised_and_a_full_width_copy_is_the_same_certificate(
    s: dict,
) -> None:
    first = make_person(s["county"], Role.OFFICER)
    saved = org_services.save_certificate(actor=root_user(), certificate=_certificate(first, " １５０１ＡＢ００１　"))
    assert saved.number == "1501AB001"
    second = make_person(s["county"], Role.OFFICER)
    before = (Certificate.objects.count(), Entry.objects.count())
    with pytest.raises(Refused):  # the same number typed half-width: not a second certificate
        org_services.save_certificate(actor=root_user(), certificate=_certificate(second, "1501AB001"))
    assert (Certificate.objects.count(), Entry.objects.count()) == before


def test_APL_42_handlers_whose_stored_numbers_differ_only_in_width_do_not_hold_two_different_certificates(
    s: dict,
) -> None:
    first, second = make_person(s["county"], Role.OFFICER), make_person(s["county"], Role.OFFICER)
    org_services.save_certificate(actor=root_user(), certificate=_certificate(first, "1501AB002"))
    _certificate(second, "１５０１ＡＢ００２ ").save()  # a row stored before numbers were normalised
    before = _counts()
    with pytest.raises(Refused) as same:
        register(s, actor=first, handlers=[first, second])
    assert same.value.rule == "APL-42" and "各自不同" in same.value.message and _nothing_written(before)
    case = register(s, actor=first, handlers=[first, s["officer2"]])  # each with a certificate of their own
    with pytest.raises(Refused) as added:
        services.add_handler(actor=s["head"], case=case, person=second)
    assert added.value.rule == "APL-42"
    assert not case.handlers.filter(user=second).exists()


def test_APL_42_a_certificate_used_in_a_case_cannot_move_to_another_holder_an_unused_one_can(s: dict) -> None:
    case = register(s)
    used = case.handlers.get(user=s["officer2"]).certificate
    used.holder = s["officer"]
    before = Entry.objects.count()
    with pytest.raises(Refused) as moved:
        org_services.save_certificate(actor=root_user(), certificate=used)
    assert moved.value.rule == "APL-42" and "不能改为他人持有" in moved.value.message
    assert case.number in moved.value.message
    assert Certificate.objects.get(pk=used.pk).holder == s["officer2"] and Entry.objects.count() == before
    newcomer = make_person(s["county"], Role.OFFICER)
    spare = org_services.save_certificate(actor=root_user(), certificate=_certificate(s["officer2"], "1501AB003"))
    spare.holder = newcomer  # never used in a case: a registration mistake may still be put right
    before = Entry.objects.count()
    org_services.save_certificate(actor=root_user(), certificate=spare)
    assert Certificate.objects.get(pk=spare.pk).holder == newcomer and Entry.objects.count() > before
