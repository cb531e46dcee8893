"""AV by default and AV options, as each must record.

- IMR-5b: AV records the whole process by default; an act recorded in writing only needs the officer's ledgered
  statement that the written record fully records it — without it the case's compliance shows IMR-5b missing for
  that record, with it met.
- WS-5: disputed acts (on-site enforcement, evidence collection, hearings, retained and public-notice service) *may*
  be recorded on AV: an AV record can be linked to those acts, and nothing is missing without one.
- WS-9b: the reception place *may* have electronic monitoring: footage from a registered monitoring device is
  registered as an AV record of the acceptance (act ``acceptance``); unused, nothing is missing.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from lawtrace import clock
from lawtrace.cases import applications
from lawtrace.cases.compliance import evaluate
from lawtrace.cases.models import CaseSource
from lawtrace.errors import PermissionRefused, Refused
from lawtrace.evidence import services as evidence
from lawtrace.evidence.models import MediaType
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from lawtrace.orgs import services as org_services
from lawtrace.orgs.models import DeviceKind, Organisation, RecordingDevice
from lawtrace.records import services as records
from lawtrace.rulebook import services
from lawtrace.rulebook.deadlines import Status
from lawtrace.rulebook.models import Confirmation
from tests.cases.record_content import filled
from tests.cases.steps import MONDAY, _signed
from tests.factories import open_case_setting, register, root_user
from tests.rulebook_checklists.conftest import opened

pytestmark = pytest.mark.django_db

INQUIRY_AT = MONDAY + timedelta(hours=2)


def _finding(case, rule_id: str):  # type: ignore[no-untyped-def]
    found = [f for f in evaluate(case) if f.rule_id == rule_id]
    assert len(found) <= 1
    return found[0] if found else None


def _av(s: dict, act: str, around, *, device: RecordingDevice | None = None):  # type: ignore[no-untyped-def]
    with clock.frozen_at(around + timedelta(minutes=30)):
        return evidence.add_av_record(
            actor=s["officer"],
            case=s["case"],
            data=evidence.AVRecordInput(
                media_type=MediaType.VIDEO,
                act=act,
                started_at=around - timedelta(minutes=10),
                ended_at=around + timedelta(minutes=20),
                makers=[s["officer"]],
                place="当事人经营场所",
                proves="执法过程",
                device=device,
                other_device="" if device else "执法记录仪",
            ),
        )


# -- IMR-5b -------------------------------------------------------------------------------------------------------


def test_IMR_5b_an_act_recorded_in_writing_only_is_missing_for_that_record() -> None:
    s = opened()
    assert _finding(s["case"], "IMR-5b") is None  # no act done yet: nothing to judge
    record = _signed(s, s["case"], "inquiry_transcript", INQUIRY_AT)
    finding = _finding(s["case"], "IMR-5b")
    assert finding.status is Status.MISSING
    assert record.kind_name in finding.note and "未说明" in finding.note


def test_IMR_5b_the_officers_statement_is_recorded_with_its_ledger_entry_and_the_act_is_met() -> None:
    s = opened()
    record = _signed(s, s["case"], "inquiry_transcript", INQUIRY_AT)
    with clock.frozen_at(INQUIRY_AT + timedelta(hours=1)):
        row = services.state_av_omission(
            actor=s["officer"],
            record=record,
            reason="询问在办公室进行，询问笔录经当事人逐页核对签字，完整记录了询问过程",
        )
    assert Confirmation.objects.get() == row
    assert row.rule_id == "IMR-5b" and row.record == record and row.case == s["case"] and "逐页核对" in row.note
    entry = Entry.objects.get(action=LedgerAction.AV_OMISSION_STATED)
    assert entry.case_number == s["case"].number and "逐页核对" not in bytes(entry.data).decode()
    finding = _finding(s["case"], "IMR-5b")
    assert finding.status is Status.MET and any("已说明理由" in line for line in finding.looked_at)


def test_IMR_5b_an_av_record_of_the_act_meets_it_without_a_statement() -> None:
    s = opened()
    _signed(s, s["case"], "inquiry_transcript", INQUIRY_AT)
    av = _av(s, "inquiry", INQUIRY_AT)
    finding = _finding(s["case"], "IMR-5b")
    assert finding.status is Status.MET and any(f"音像记录#{av.pk}" in line for line in finding.looked_at)


def _draft(s: dict, kind: str, **content: object):  # type: ignore[no-untyped-def]
    with clock.frozen_at(INQUIRY_AT + timedelta(minutes=5)):
        return records.add_record(
            actor=s["officer"],
            case=s["case"],
            kind=kind,
            occurred_at=INQUIRY_AT,
            content=filled(s["case"], kind, s["officer"], INQUIRY_AT) | content,
        )


@pytest.mark.parametrize(
    ("who", "kind", "reason", "error", "message", "rule"),
    [
        pytest.param("officer", "inquiry_transcript", "  ", Refused, "请说明", "IMR-5b", id="IMR_5b-no_reason"),
        pytest.param("head", "inquiry_transcript", "理由", PermissionRefused, "承办人", "IMR-5b",
                     id="IMR_5b-not_handler"),
        pytest.param("officer", "evidence_preservation_notice", "理由", Refused, "必须全程音像记录", "IMR-13",
                     id="IMR_5b-preservation_must_be_recorded"),
        pytest.param("officer", "statement_defence_record", "理由", Refused, "无需说明", "IMR-5b", id="IMR_5b-no_act"),
    ],
)  # fmt: skip
def test_IMR_5b_refusals_write_nothing(
    who: str, kind: str, reason: str, error: type[Refused], message: str, rule: str
) -> None:
    s = opened()
    record = _draft(s, kind)
    before = Entry.objects.count()
    with pytest.raises(error, match=message) as refused:
        services.state_av_omission(actor=s[who], record=record, reason=reason)
    assert refused.value.rule == rule
    assert Confirmation.objects.count() == 0 and Entry.objects.count() == before


def test_IMR_5b_an_act_already_recorded_needs_no_statement() -> None:
    s = opened()
    record = _signed(s, s["case"], "inquiry_transcript", INQUIRY_AT)
    _av(s, "inquiry", INQUIRY_AT)
    with pytest.raises(Refused, match="已有音像记录"):
        services.state_av_omission(actor=s["officer"], record=record, reason="理由")
    assert Confirmation.objects.count() == 0


def test_IMR_5b_postal_service_is_no_act_on_a_scene() -> None:
    s = opened()
    record = _draft(s, "service_receipt", mode="postal")
    with pytest.raises(Refused, match="无需说明"):
        services.state_av_omission(actor=s["officer"], record=record, reason="理由")


# -- WS-5 ---------------------------------------------------------------------------------------------------------


def test_WS_5_evidence_collection_without_av_is_not_missing() -> None:
    s = opened("wenshang-2019")
    _signed(s, s["case"], "material_request_notice", INQUIRY_AT)
    finding = _finding(s["case"], "WS-5")
    assert finding.status is Status.NOT_APPLICABLE and "可选" in finding.note
    assert _finding(s["case"], "IMR-5b") is None  # the wenshang rulebook has no AV-by-default rule


def test_WS_5_an_av_record_can_be_linked_to_evidence_collection_and_is_listed() -> None:
    s = opened("wenshang-2019")
    _signed(s, s["case"], "material_request_notice", INQUIRY_AT)
    av = _av(s, "evidence_collection", INQUIRY_AT)
    finding = _finding(s["case"], "WS-5")
    assert finding.status is Status.MET and any(f"音像记录#{av.pk}" in line for line in finding.looked_at)


def test_WS_5_no_omission_statement_is_asked_for_under_the_wenshang_rulebook() -> None:
    s = opened("wenshang-2019")
    record = _signed(s, s["case"], "material_request_notice", INQUIRY_AT)
    with pytest.raises(Refused, match="未要求默认音像记录"):
        services.state_av_omission(actor=s["officer"], record=record, reason="理由")


# -- WS-9b --------------------------------------------------------------------------------------------------------


def _wenshang_application_case() -> dict:
    with clock.frozen_at(MONDAY):
        s = open_case_setting()
        Organisation.objects.filter(pk=s["county"].pk).update(rulebook="wenshang-2019")
        s["county"].refresh_from_db()
        application = applications.register_application(
            actor=s["officer"],
            organisation=s["county"],
            received_at=MONDAY - timedelta(minutes=30),
            applicant="某县人民医院",
            applicant_contact="0537-0000000",
            matter="申请核查被冒用的医保结算费用",
            materials="申请书",
        )
        s["case"] = register(s, source=CaseSource.APPLICATION, application=application)
    return s


def test_WS_9b_monitoring_unused_is_not_missing() -> None:
    s = _wenshang_application_case()
    assert _finding(s["case"], "WS-9b") is None


def test_WS_9b_reception_monitoring_footage_is_registered_as_an_av_record_of_the_acceptance(client) -> None:  # type: ignore[no-untyped-def]
    s = _wenshang_application_case()
    # the organisation's setting: a monitoring device of the reception place, in the devices register
    with clock.frozen_at(MONDAY):
        monitor = org_services.save_device(
            actor=root_user(),
            device=RecordingDevice(
                organisation=s["county"], kind=DeviceKind.OTHER, serial="CCTV-001", model_name="受理大厅电子监控"
            ),
        )
    av = _av(s, "acceptance", MONDAY - timedelta(minutes=30), device=monitor)
    assert av.act == "acceptance" and av.device == monitor
    finding = _finding(s["case"], "WS-9b")
    assert finding.status is Status.MET and any(f"音像记录#{av.pk}" in line for line in finding.looked_at)
    client.force_login(s["supervisor"])
    page = client.get(f"/orgs/{s['county'].pk}/").content.decode()
    assert 'data-rule="WS-9b"' in page and "已使用：1 条音像记录" in page and "受理大厅电子监控" in page
