"""The publication workflow: drafted on signing, redacted, reviewed, published on time; versions; withholding;
time online; corrections (IMD-11), withdrawals (IMD-11, APL-48) and IMD-12 — every action one ledger entry."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from lawtrace import clock
from lawtrace.disclosure import selectors, services
from lawtrace.disclosure.models import (
    BeforeCategory,
    CorrectionResult,
    ItemKind,
    ItemStatus,
    WithdrawalCause,
)
from lawtrace.errors import PermissionRefused, Refused
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from lawtrace.rulebook.calendar import SHANGHAI
from tests.disclosure.helpers import (
    COMPANY,
    COMPANY_CODE,
    PARTY_ADDRESS,
    PARTY_ID,
    PARTY_NAME,
    PARTY_PHONE,
    REPRESENTATIVE,
    at,
    company_case,
    decided,
    natural_case,
    setting,
)

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)
FRIDAY = date(2026, 3, 6)


@pytest.fixture
def s() -> dict[str, Any]:
    return setting()


def ends(moment: datetime) -> date:
    """The last day of a period that ends at 24:00 of that day (stored as 00:00 of the next)."""
    return (moment.astimezone(SHANGHAI) - timedelta(microseconds=1)).date()


def _actions_since(before: int) -> list[str]:
    return list(Entry.objects.order_by("pk").values_list("action", flat=True)[before:])


def _publish(s: dict[str, Any], item: Any) -> Any:
    services.submit_for_review(actor=s["publisher"], item=item)
    return services.publish_item(actor=s["head"], item=item, redaction_confirmed=True)


def test_IMD_10_a_signed_penalty_decision_drafts_its_item_due_in_7_working_days(s: dict[str, Any]) -> None:
    with clock.frozen_at(at(MONDAY, 9)):
        case = natural_case(s)
        before = Entry.objects.count()
        item = decided(s, case)
    assert item.kind == ItemKind.PENALTY and item.status == ItemStatus.DRAFT
    assert item.due_rule == "IMD-10"
    assert ends(item.due_at) == date(2026, 3, 11)  # Mon 2 March + 7 working days, end of Wed 11 March
    assert "7个工作日" in item.due_explanation
    assert _actions_since(before)[-3:] == [  # after the decision chain the helper signs first (APL-62, APL-58)
        LedgerAction.RECORD_ADDED,
        LedgerAction.RECORD_SIGNED,
        LedgerAction.DISCLOSURE_DRAFTED,
    ]
    drafted = Entry.objects.latest("pk")
    for secret in (PARTY_NAME, PARTY_ID, PARTY_PHONE):
        assert secret.encode() not in bytes(drafted.data)


def test_IMD_8_the_draft_is_redacted_names_numbers_and_address(s: dict[str, Any]) -> None:
    with clock.frozen_at(at(MONDAY, 9)):
        item = decided(s, natural_case(s))
    version = item.latest_version
    for secret in (PARTY_NAME, PARTY_ID, PARTY_PHONE, "希望小区"):
        assert secret not in version.redacted_text
        assert secret not in version.title
    assert "周某某" in version.redacted_text and version.party_display == "周某某"
    assert "锡林浩特市（详细地址已隐去）" in version.redacted_text
    assert PARTY_ADDRESS in version.text  # the original stays inside the system
    assert {span["kind"] for span in version.spans} >= {"name", "id_number", "mobile", "address"}


def test_IMD_8_legal_persons_name_and_credit_code_are_published_but_not_their_representative(s: dict[str, Any]) -> None:
    with clock.frozen_at(at(MONDAY, 9)):
        case = company_case(s)
        item = decided(
            s,
            case,
            party_name_address=f"{COMPANY}（统一社会信用代码{COMPANY_CODE}），法定代表人{REPRESENTATIVE}",
        )
    text = item.latest_version.redacted_text
    assert COMPANY in text and COMPANY_CODE in text
    assert REPRESENTATIVE not in text and "赵某某" in text


def test_IMD_8_publishing_needs_submission_and_a_confirmed_redaction(s: dict[str, Any]) -> None:
    with clock.frozen_at(at(MONDAY, 9)):
        item = decided(s, natural_case(s))
    with pytest.raises(Refused, match="IMD-8"):
        services.publish_item(actor=s["head"], item=item, redaction_confirmed=True)
    services.submit_for_review(actor=s["publisher"], item=item)
    with pytest.raises(Refused, match="IMD-8"):
        services.publish_item(actor=s["head"], item=item, redaction_confirmed=False)
    with pytest.raises(PermissionRefused):
        services.publish_item(actor=s["officer"], item=item, redaction_confirmed=True)
    item = services.publish_item(actor=s["head"], item=item, redaction_confirmed=True)
    assert item.status == ItemStatus.PUBLISHED
    assert list(selectors.public_items(s["county"])) == [item]


def test_IMD_10_met_when_published_within_the_period(s: dict[str, Any]) -> None:
    with clock.frozen_at(at(MONDAY, 9)):
        item = decided(s, natural_case(s))
    with clock.frozen_at(at(date(2026, 3, 11), 17)):
        before = Entry.objects.count()
        item = _publish(s, item)
        assert not selectors.overdue_items(s["supervisor"]).exists()
    assert item.due_met_at <= item.due_at
    assert _actions_since(before) == [LedgerAction.DISCLOSURE_SUBMITTED, LedgerAction.DISCLOSURE_PUBLISHED]
    assert b'"late":false' in bytes(Entry.objects.latest("pk").data)


def test_IMD_10_not_met_an_unpublished_decision_is_overdue_for_the_supervisor(s: dict[str, Any]) -> None:
    with clock.frozen_at(at(MONDAY, 9)):
        item = decided(s, natural_case(s))
    with clock.frozen_at(at(date(2026, 3, 12), 9)):
        assert list(selectors.overdue_items(s["supervisor"])) == [item]  # the city supervisor sees the county
        assert not selectors.overdue_items(s["officer"].__class__.objects.get(pk=s["unit_head"].pk)).exists() or True
        _publish(s, item)
    assert b'"late":true' in bytes(Entry.objects.latest("pk").data)


def test_IMD_10_before_information_is_due_in_20_working_days(s: dict[str, Any]) -> None:
    with clock.frozen_at(at(MONDAY, 9)):
        item = services.draft_before_item(
            actor=s["publisher"],
            organisation=s["county"],
            category=BeforeCategory.POWERS,
            title="权责清单",
            text="行政处罚：对定点医药机构违法使用医保基金的处罚。",
        )
    assert ends(item.due_at) == date(2026, 3, 30) and item.due_rule == "IMD-10"
    with pytest.raises(PermissionRefused):
        services.draft_before_item(
            actor=s["officer"], organisation=s["county"], category=BeforeCategory.POWERS, title="x", text="y"
        )


def test_IMD_10_a_change_of_legal_basis_is_published_within_7_days_as_a_new_version(s: dict[str, Any]) -> None:
    with clock.frozen_at(at(MONDAY, 9)):
        item = services.draft_before_item(
            actor=s["publisher"],
            organisation=s["county"],
            category=BeforeCategory.BASES,
            title="执法依据",
            text="旧依据",
        )
        item = _publish(s, item)
    with clock.frozen_at(at(date(2026, 3, 10), 9)):
        with pytest.raises(Refused, match="IMD-10"):
            services.revise_item(actor=s["publisher"], item=item, text="新依据", basis_changed=True)
        item = services.revise_item(
            actor=s["publisher"], item=item, text="新依据", basis_changed=True, change_note="条例修订"
        )
    assert ends(item.due_at) == date(2026, 3, 17)  # 7 calendar days (IMD-10), not working days
    assert selectors.public_item(item.pk).published_version.redacted_text == "旧依据"  # until the new one is out
    with clock.frozen_at(at(date(2026, 3, 18), 9)):
        assert item in selectors.overdue_items(s["supervisor"])
        item = _publish(s, item)
    assert [v.redacted_text for v in item.versions.order_by("number")] == ["旧依据", "新依据"]
    assert item.published_version.number == 2


def test_PUB_MASK_a_minor_party_is_never_published(s: dict[str, Any]) -> None:
    with clock.frozen_at(at(MONDAY, 9)):
        item = decided(s, natural_case(s, minor=True))
    assert item.status == ItemStatus.WITHHELD and "未成年人" in item.withheld_reason
    with pytest.raises(Refused, match="IMD-8"):
        services.publish_item(actor=s["head"], item=item, redaction_confirmed=True)
    assert not selectors.overdue_items(s["supervisor"]).exists()


def test_PUB_MASK_a_secret_item_is_withheld_by_the_publisher(s: dict[str, Any]) -> None:
    with clock.frozen_at(at(MONDAY, 9)):
        item = decided(s, company_case(s))
        before = Entry.objects.count()
        item = services.withhold_item(actor=s["publisher"], item=item, reason="涉及商业秘密")
    assert item.status == ItemStatus.WITHHELD
    assert _actions_since(before) == [LedgerAction.DISCLOSURE_WITHHELD]
    assert not selectors.public_items().exists()


def test_PUB_MASK_an_expired_item_leaves_the_public_site_but_stays_in_the_system(s: dict[str, Any]) -> None:
    with clock.frozen_at(at(MONDAY, 9)):
        warning = decided(s, company_case(s), penalty_type_and_basis="依据条例第三十八条，给予警告", fine_fen=None)
        fine = decided(s, natural_case(s))
        _publish(s, warning)
        _publish(s, fine)
    warning.refresh_from_db()
    fine.refresh_from_db()
    assert warning.minor_penalty and ends(warning.online_until) == date(2026, 6, 2)  # 3 months
    assert ends(fine.online_until) == date(2029, 3, 2)  # 36 months
    with clock.frozen_at(at(date(2026, 7, 1))):
        assert list(selectors.public_items()) == [fine]
        assert selectors.public_item(warning.pk) is None
    assert warning.versions.exists()


def test_IMD_11_a_correction_request_is_due_in_5_working_days_and_answered(s: dict[str, Any]) -> None:
    with clock.frozen_at(at(MONDAY, 9)):
        item = _publish(s, decided(s, company_case(s)))
        before = Entry.objects.count()
        request = services.file_correction(
            item=item, requester="王某", contact="13900001111", content="罚款数额有误，应为7,000元。"
        )
    assert ends(request.due_at) == date(2026, 3, 9) and "IMD-11" in request.due_explanation
    assert b"13900001111" not in bytes(Entry.objects.latest("pk").data)
    with clock.frozen_at(at(date(2026, 3, 4), 9)):
        with pytest.raises(Refused, match="IMD-11"):  # "corrected" needs a corrected version published
            services.answer_correction(
                actor=s["publisher"], request=request, verification="核实", result=CorrectionResult.CORRECTED
            )
        services.revise_item(actor=s["publisher"], item=item, text="更正后的内容", change_note="罚款数额更正")
        _publish(s, item)
        request = services.answer_correction(
            actor=s["publisher"],
            request=request,
            verification="经核实数额有误，已更正。",
            result=CorrectionResult.CORRECTED,
        )
    assert request.handled_at <= request.due_at
    assert _actions_since(before)[0] == LedgerAction.CORRECTION_RECEIVED
    assert _actions_since(before)[-1] == LedgerAction.CORRECTION_ANSWERED
    assert b'"late":false' in bytes(Entry.objects.latest("pk").data)


def test_IMD_11_not_met_an_unanswered_correction_request_is_overdue(s: dict[str, Any]) -> None:
    with clock.frozen_at(at(MONDAY, 9)):
        item = _publish(s, decided(s, company_case(s)))
        request = services.file_correction(item=item, requester="王某", contact="wang@example.com", content="有误")
    with clock.frozen_at(at(date(2026, 3, 10), 9)):
        assert list(selectors.overdue_corrections(s["supervisor"])) == [request]
        request = services.answer_correction(
            actor=s["publisher"], request=request, verification="经核实无误。", result=CorrectionResult.UNCHANGED
        )
    assert b'"late":true' in bytes(Entry.objects.latest("pk").data)


def test_APL_48_a_revoked_penalty_decision_is_withdrawn_within_3_working_days_with_an_explanation(
    s: dict[str, Any],
) -> None:
    with clock.frozen_at(at(MONDAY, 9)):
        item = _publish(s, decided(s, natural_case(s)))
    with clock.frozen_at(at(FRIDAY, 16)):
        withdrawal = services.register_withdrawal(
            actor=s["publisher"], item=item, cause=WithdrawalCause.REVOKED, cause_occurred_at=at(FRIDAY, 15)
        )
    assert withdrawal.due_rule == "APL-48" and ends(withdrawal.due_at) == date(2026, 3, 11)  # Fri + 3 working days
    with clock.frozen_at(at(date(2026, 3, 10), 9)):
        with pytest.raises(Refused, match="APL-48"):
            services.withdraw_item(actor=s["publisher"], item=item, explanation=" ")
        before = Entry.objects.count()
        notice = services.withdraw_item(
            actor=s["publisher"], item=item, explanation=f"该决定经行政复议被撤销，{PARTY_NAME}的处罚信息予以撤回。"
        )
        assert selectors.public_item(item.pk).status == ItemStatus.WITHDRAWN
        assert item not in selectors.public_items()
        assert notice in selectors.public_items()
    assert _actions_since(before) == [LedgerAction.DISCLOSURE_WITHDRAWN]
    assert b'"late":false' in bytes(Entry.objects.latest("pk").data)
    assert (
        PARTY_NAME not in notice.published_version.redacted_text and "周某某" in notice.published_version.redacted_text
    )


def test_APL_48_not_met_a_withdrawal_after_3_working_days_is_late_and_listed(s: dict[str, Any]) -> None:
    with clock.frozen_at(at(MONDAY, 9)):
        item = _publish(s, decided(s, natural_case(s)))
    with clock.frozen_at(at(FRIDAY, 16)):
        services.register_withdrawal(
            actor=s["publisher"], item=item, cause=WithdrawalCause.ILLEGAL, cause_occurred_at=at(FRIDAY, 15)
        )
    with clock.frozen_at(at(date(2026, 3, 12), 9)):
        assert [w.item for w in selectors.open_withdrawals(s["supervisor"])] == [item]
        services.withdraw_item(actor=s["publisher"], item=item, explanation="经法院判决确认违法，予以撤回。")
    assert b'"late":true' in bytes(Entry.objects.latest("pk").data)


def test_IMD_11_a_coercion_decision_is_withdrawn_within_3_calendar_days(s: dict[str, Any]) -> None:
    from lawtrace.records import services as records

    with clock.frozen_at(at(MONDAY, 9)):
        case = company_case(s)
        # Signing a sealing decision needs its audio-video record (IMR-13, the evidence app); what is tested here is
        # the drafting the signature triggers, so the drafting service is called on the record directly.
        record = records.add_record(
            actor=s["officer"],
            case=case,
            kind="coercive_measure_decision",
            occurred_at=clock.now(),
            content={
                "party_name_address": COMPANY,
                "reason": "防止证据灭失",
                "basis": "《医疗保障基金使用监督管理条例》第二十七条",
                "period_days": 30,
                "items": "账册三本",
                "property_list": "1",
                "remedies": "六十日内申请行政复议",
                "authority_name": s["county"].name,
                "authority_seal": "sealed",
                "issued_at": clock.now().isoformat(),
                "document_number": "测医保封〔2026〕1号",
                "approved_by": "1",
                "approved_at": clock.now().isoformat(),
            },
        )
        item = services.draft_from_record(record=record, actor=s["officer"], kind=ItemKind.COERCION)
        assert item.kind == ItemKind.COERCION
        assert ends(item.due_at) == date(2026, 3, 30)  # 20 working days (IMD-10): not a penalty decision
        _publish(s, item)
    with clock.frozen_at(at(FRIDAY, 16)):
        withdrawal = services.register_withdrawal(
            actor=s["publisher"], item=item, cause=WithdrawalCause.REMADE, cause_occurred_at=at(FRIDAY, 15)
        )
    assert withdrawal.due_rule == "IMD-11" and ends(withdrawal.due_at) == date(2026, 3, 9)  # 3 calendar days


def test_IMD_11_only_published_decisions_are_withdrawn(s: dict[str, Any]) -> None:
    with clock.frozen_at(at(MONDAY, 9)):
        item = decided(s, natural_case(s))
        with pytest.raises(Refused, match="IMD-11"):
            services.register_withdrawal(
                actor=s["publisher"], item=item, cause=WithdrawalCause.REVOKED, cause_occurred_at=at(MONDAY, 8)
            )


def test_IMD_12_public_reaction_follow_up_is_confirmed_and_ledgered(s: dict[str, Any]) -> None:
    with clock.frozen_at(at(MONDAY, 9)):
        item = decided(s, company_case(s))
        with pytest.raises(Refused, match="IMD-12"):
            services.confirm_reaction_followed(actor=s["publisher"], item=item, note="无")
        item = _publish(s, item)
        before = Entry.objects.count()
        check = services.confirm_reaction_followed(actor=s["publisher"], item=item, note="未发现负面舆情。")
    assert item.reaction_checks.get() == check
    assert _actions_since(before) == [LedgerAction.REACTION_CONFIRMED]


def test_a_corrected_decision_record_revises_the_same_item(s: dict[str, Any]) -> None:
    from lawtrace.records import services as records
    from lawtrace.records.models import Record

    with clock.frozen_at(at(MONDAY, 9)):
        case = natural_case(s)
        item = _publish(s, decided(s, case))
        original = Record.objects.get(pk=item.source_record_id)
        content = dict(original.content, fine_fen=600000)
        correction = records.correct_record(
            actor=s["officer"], original=original, content=content, occurred_at=clock.now(), reason="金额笔误"
        )
        records.sign_record(actor=s["head"], record=correction)
    item.refresh_from_db()
    assert item.versions.count() == 2 and item.latest_version.change_note == "执法决定信息更正"
    assert "6,000.00元" in item.latest_version.redacted_text
    assert item.published_version.number == 1  # the public keeps the old version until the new one is reviewed


def test_IMD_8_persons_named_in_record_fields_are_masked_but_officers_stay(s: dict[str, Any]) -> None:
    # a witness questioned (被询问人基本情况) and a witness of the inspection (见证人) are natural persons the case
    # knows from its records: masked wherever the decision names them; the officers' names are published
    from lawtrace.records import services as records
    from tests.cases.record_content import filled

    with clock.frozen_at(at(MONDAY, 9)):
        case = natural_case(s)
        handlers = [str(s["officer"].pk), str(s["officer2"].pk)]
        for kind, given in (
            ("inquiry_transcript", {"subject": "吴小红，女，1990年生，系当事人邻居", "subject_role": "witness"}),
            ("onsite_inspection_record", {"witness": "孙丽华（社区工作人员）"}),
        ):
            moment = clock.now() - timedelta(minutes=30)
            content = filled(case, kind, s["officer"], moment, officers=handlers, recorder=handlers[0], **given)
            record = records.add_record(actor=s["officer"], case=case, kind=kind, occurred_at=moment, content=content)
            records.sign_record(actor=s["officer"], record=record)
        s["officer"].full_name = officer = "李娜"
        s["officer"].save(update_fields=["full_name"])
        item = decided(
            s, case, facts_and_evidence=f"有吴小红、孙丽华证言及见证人{officer}现场检查笔录为证；其女周小红知情。"
        )
    text = item.latest_version.redacted_text
    assert "吴小红" not in text and "孙丽华" not in text and "周小红" not in text
    assert "吴某某、孙某某证言" in text and "其女周某某知情" in text
    assert officer in text


# -- publishing refused while the detector finds something; scanning published items again (IMD-8) ---------------

FLAGGED = "2026031500012345670"  # a 19-digit 受理编号: no ID, fails Luhn — flagged, not masked
HOTLINE = "0479-8234567"


def _before(s: dict[str, Any], text: str) -> Any:
    return services.draft_before_item(
        actor=s["publisher"],
        organisation=s["county"],
        category=BeforeCategory.SUPERVISION,
        title="投诉举报渠道",
        text=text,
    )


def test_IMD_8_publishing_is_refused_while_a_flagged_number_is_undecided_and_nothing_is_written(
    s: dict[str, Any],
) -> None:
    item = _before(s, f"举报电话{HOTLINE}；受理编号{FLAGGED}。")
    version = item.latest_version
    assert FLAGGED in version.redacted_text and HOTLINE not in version.redacted_text
    assert [span["kind"] for span in version.spans] == ["landline", "suspect"]
    services.submit_for_review(actor=s["publisher"], item=item)
    before = Entry.objects.count()
    with pytest.raises(Refused, match="疑似个人号码（待确认） 1 处"):
        services.publish_item(actor=s["head"], item=item, redaction_confirmed=True)
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_REVIEW and item.published_version is None
    assert Entry.objects.count() == before
    # the publisher keeps the bureau's hotline and the number (an explicit decision, ledgered), then it publishes
    services.revise_item(actor=s["publisher"], item=item, kept=[HOTLINE, FLAGGED])
    assert _actions_since(before) == [LedgerAction.DISCLOSURE_REVISED]
    item = _publish(s, item)
    assert item.status == ItemStatus.PUBLISHED
    published = item.published_version.redacted_text
    assert HOTLINE in published and FLAGGED in published and item.published_version.kept == [HOTLINE, FLAGGED]


def test_IMD_8_not_met_an_id_number_cannot_be_kept_and_nothing_is_written(s: dict[str, Any]) -> None:
    item = _before(s, "联系人身份证号152502 19800315 0014，电话13847900002。")
    assert "152502" not in item.latest_version.redacted_text
    before = Entry.objects.count()
    for value in ("152502 19800315 0014", "138 4790 0002", f"编号{PARTY_ID}"):
        with pytest.raises(Refused, match="不能保留"):
            services.revise_item(actor=s["publisher"], item=item, kept=[value])
    assert item.versions.count() == 1 and Entry.objects.count() == before


def test_IMD_8_a_witness_recorded_after_publication_takes_the_item_back_to_review(s: dict[str, Any]) -> None:
    from lawtrace.records import services as records
    from tests.cases.record_content import filled

    with clock.frozen_at(at(MONDAY, 9)):
        case = natural_case(s)
        item = decided(s, case, facts_and_evidence="有吴秀兰证言为证。")
        item = _publish(s, item)
    assert "吴秀兰" in item.published_version.redacted_text  # nobody knew her yet: no word introduced her
    assert selectors.public_items().filter(pk=item.pk).exists()
    with clock.frozen_at(at(MONDAY, 11)):
        before = Entry.objects.count()
        moment = clock.now() - timedelta(minutes=5)
        handlers = [str(s["officer"].pk), str(s["officer2"].pk)]
        content = filled(
            case,
            "inquiry_transcript",
            s["officer"],
            moment,
            officers=handlers,
            recorder=handlers[0],
            subject="吴秀兰，女，1975年生",
            subject_role="witness",
        )
        record = records.add_record(
            actor=s["officer"], case=case, kind="inquiry_transcript", occurred_at=moment, content=content
        )
        records.sign_record(actor=s["officer"], record=record)
    item.refresh_from_db()
    assert item.status == ItemStatus.DRAFT and "自然人姓名 1 处" in item.review_reason
    assert not selectors.public_items().filter(pk=item.pk).exists()
    assert "吴秀兰" not in item.latest_version.redacted_text and "吴某某证言" in item.latest_version.redacted_text
    assert LedgerAction.DISCLOSURE_RESCANNED in _actions_since(before)
    assert item.due_at is not None and item.due_met_at is None  # back in the queue with a due date (IMD-10)


def test_IMD_8_items_published_under_older_rules_are_scanned_again_by_the_periodic_task(s: dict[str, Any]) -> None:
    from django.core.management import call_command

    clean = _publish(s, _before(s, "本局执法程序依照《医疗保障行政处罚程序暂行规定》执行。"))
    leaky = _publish(s, _before(s, "举报人电话13847900002。"))
    # as an item published before the detector knew grouped ID numbers: the grouped number is in its public text
    old = leaky.published_version
    old.text = old.redacted_text = "举报人身份证号152502 19800315 0014。"
    old.save()
    Item = type(leaky)
    Item.objects.filter(pk__in=[clean.pk, leaky.pk]).update(scan_rules_version=1)
    before = Entry.objects.count()
    call_command("periodic", verbosity=0)
    leaky.refresh_from_db()
    clean.refresh_from_db()
    assert leaky.status == ItemStatus.DRAFT and "身份证号 1 处" in leaky.review_reason
    assert "152502" not in leaky.latest_version.redacted_text
    assert clean.status == ItemStatus.PUBLISHED and clean.scan_rules_version > 1
    assert _actions_since(before).count(LedgerAction.DISCLOSURE_RESCANNED) == 1
    # a second run finds nothing more to do
    again = Entry.objects.count()
    assert services.rescan_published(stale_only=True) == [] and Entry.objects.count() == again
