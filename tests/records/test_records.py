"""Written records: required fields from the rulebook (WS-11 / IMR-9), append-only with corrections, ledgered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lawtrace import clock
from lawtrace.errors import PermissionRefused, Refused
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from lawtrace.records import services
from lawtrace.records.models import Record
from tests.factories import open_case_setting, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def s() -> dict:
    from lawtrace.orgs.models import RecordingRoom, RoomKind

    setting = open_case_setting()
    setting["case"] = register(setting)
    # the room the inquiries below are held in, registered (WS-12 / IMR-4); made directly, outside the ledger counts
    RecordingRoom.objects.create(organisation=setting["county"], kind=RoomKind.INTERVIEW, name="询问室一")
    return setting


def _inquiry(s: dict, **overrides: object) -> dict:
    now = timezone.now()
    content = {
        "subject": "赵某某，康宁大药房店长",
        "subject_role": "party",
        "started_at": (now - timedelta(hours=2)).isoformat(),
        "ended_at": (now - timedelta(hours=1)).isoformat(),
        "place": "锡林浩特市医疗保障局询问室一",
        "officers": [str(s["officer"].pk), str(s["officer2"].pk)],
        "certificate_numbers": "15000000001、15000000002",
        "certificates_shown": True,
        "recorder": str(s["officer2"].pk),
        "content": "问：……答：……",
        "subject_signature": "signed",
        "officer_signatures": "signed",
    }
    content.update(overrides)
    return content


def test_IMR_9_a_complete_inquiry_record_is_made_signed_and_ledgered(s: dict) -> None:
    before = Entry.objects.count()
    record = services.add_record(
        actor=s["officer"],
        case=s["case"],
        kind="inquiry_transcript",
        occurred_at=timezone.now() - timedelta(hours=2),
        content=_inquiry(s),
    )
    services.sign_record(actor=s["officer"], record=record)
    actions = list(Entry.objects.order_by("pk").values_list("action", flat=True)[before:])
    assert actions == [LedgerAction.RECORD_ADDED, LedgerAction.RECORD_SIGNED]
    assert b"15000000001" not in bytes(Entry.objects.latest("pk").data)


def test_IMR_9_certificates_not_shown_is_recorded_as_no_and_its_signature_refused_with_nothing_written(
    s: dict,
) -> None:
    draft = services.add_record(
        actor=s["officer"],
        case=s["case"],
        kind="inquiry_transcript",
        occurred_at=timezone.now(),
        content=_inquiry(s, certificates_shown=False),
    )
    assert draft.content["certificates_shown"] is False  # "no" is an answer, recorded as given
    before = Entry.objects.count()
    with pytest.raises(Refused, match="出示执法证件") as refusal:
        services.sign_record(actor=s["officer"], record=draft)
    assert refusal.value.rule in ("APL-55", "IMR-9") and Entry.objects.count() == before
    assert Record.objects.get(pk=draft.pk).status == Record.Status.DRAFT


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"subject_role": "neighbour"}, "被询问人身份只能选择"),
        ({"started_at": "2026年3月1日上午"}, "不是有效的日期时间"),
    ],
    ids=["choice-outside-its-list", "time-not-a-time"],
)
def test_a_value_its_field_does_not_allow_is_refused_and_nothing_written(
    s: dict, overrides: dict, message: str
) -> None:
    before = (Record.objects.count(), Entry.objects.count())
    with pytest.raises(Refused, match=message):
        services.add_record(
            actor=s["officer"],
            case=s["case"],
            kind="inquiry_transcript",
            occurred_at=timezone.now(),
            content=_inquiry(s, **overrides),
        )
    assert (Record.objects.count(), Entry.objects.count()) == before


def test_a_signed_record_cannot_be_signed_again_and_a_correction_keeps_both(s: dict) -> None:
    record = services.add_record(
        actor=s["officer"], case=s["case"], kind="inquiry_transcript", occurred_at=timezone.now(), content=_inquiry(s)
    )
    services.sign_record(actor=s["officer"], record=record)
    with pytest.raises(Refused, match="已签署"):
        services.sign_record(actor=s["officer"], record=record)
    fixed = services.correct_record(
        actor=s["officer"],
        original=record,
        content=_inquiry(s, place="正确地点"),
        occurred_at=timezone.now(),
        reason="询问地点记错",
    )
    record.refresh_from_db()
    assert record.content["place"] != "正确地点" and fixed.corrects == record
    assert Entry.objects.filter(action=LedgerAction.RECORD_CORRECTED).count() == 1


def test_only_a_handler_makes_records(s: dict) -> None:
    with pytest.raises(PermissionRefused):
        services.add_record(
            actor=s["head"], case=s["case"], kind="inquiry_transcript", occurred_at=timezone.now(), content=_inquiry(s)
        )


def test_an_unknown_record_kind_is_refused(s: dict) -> None:
    with pytest.raises(Refused, match="没有"):
        services.add_record(
            actor=s["officer"], case=s["case"], kind="no_such_kind", occurred_at=timezone.now(), content={}
        )


def test_record_form_is_built_from_the_rulebook_and_saves(s: dict) -> None:
    client = Client()
    client.force_login(s["officer"])
    url = f"/cases/{s['case'].pk}/records/new/inquiry_transcript/"
    page = client.get(url).content.decode()
    assert "询问（调查）笔录" in page and "已出示执法证件" in page
    local = timezone.localtime() - timedelta(hours=1)
    fmt = "%Y-%m-%dT%H:%M"
    response = client.post(
        url,
        {
            "occurred_at": local.strftime(fmt),
            "subject": "赵某某",
            "subject_role": "party",
            "started_at": local.strftime(fmt),
            "ended_at": local.strftime(fmt),
            "place": "询问室",
            "officers": [s["officer"].pk, s["officer2"].pk],
            "certificate_numbers": "1、2",
            "certificates_shown": "on",
            "recorder": s["officer2"].pk,
            "content": "问答",
            "subject_signature": "signed",
            "officer_signatures": "signed",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    record = Record.objects.get()
    assert record.content["officers"] == [str(s["officer"].pk), str(s["officer2"].pk)]
    detail = client.get(response["Location"]).content.decode()
    assert "草稿" in detail and "赵某某" in detail


def test_record_page_shows_names_labels_and_yuan_not_stored_ids(s: dict) -> None:
    record = services.add_record(
        actor=s["officer"], case=s["case"], kind="inquiry_transcript", occurred_at=timezone.now(), content=_inquiry(s)
    )
    client = Client()
    client.force_login(s["officer"])
    page = client.get(f"/records/{record.pk}/").content.decode()
    assert s["officer2"].full_name in page  # recorder, by name
    assert "当事人" in page and "已签名" in page  # choice and signature labels
    assert ">party<" not in page and ">signed<" not in page


def test_IMR_17_3_retained_service_form_offers_the_modes_fields_and_a_missing_witness_is_a_finding(s: dict) -> None:
    """The 送达回证 form shows each service mode's own fields; a retained service recorded without a witness is
    accepted as what happened, and the compliance panel reports IMR-17.3 missing, naming the witness."""
    from django.test import Client

    from lawtrace.cases.compliance import evaluate
    from lawtrace.rulebook.deadlines import Status
    from tests.cases.record_content import filled

    case = s["case"]
    officer = Client()
    officer.force_login(s["officer"])
    page = officer.get(f"/cases/{case.pk}/records/new/service_receipt/").content.decode()
    assert "见证人" in page and "拒收事由" in page and 'data-mode="retained"' in page
    now = timezone.now() - timedelta(minutes=5)
    content = filled(case, "service_receipt", s["officer"], now, mode="retained", refusal_reason="拒绝签收")
    record = services.add_record(
        actor=s["officer"], case=case, kind="service_receipt", occurred_at=now, content=content
    )
    services.sign_record(actor=s["officer"], record=record)
    finding = next(f for f in evaluate(case) if f.rule_id == "IMR-17.3")
    assert finding.status is Status.MISSING and "见证人" in finding.note
    witnessed = {
        **content,
        "witness": "王某（社区工作人员）",
        "witness_signature": "signed",
        "server_signature": ["signed"],
    }
    witnessed |= {"place": "当事人住所", "refusal_date": now.date().isoformat(), "retained_at": now.isoformat()}
    correction = services.correct_record(
        actor=s["officer"], original=record, content=witnessed, occurred_at=now, reason="补记见证人"
    )
    services.sign_record(actor=s["officer"], record=correction)
    assert next(f for f in evaluate(case) if f.rule_id == "IMR-17.3").status is Status.MET
    detail = officer.get(f"/records/{record.pk}/").content.decode()
    assert "拒收事由" in detail  # the mode's fields are labelled on the record page


def test_the_decision_is_signed_by_the_head_it_names_not_by_the_handler(s: dict) -> None:
    """行政处罚决定书: handlers draft it, the bureau head named as 签发人 signs it (and it waits on their
    workbench); a handler's or another head's signature is refused and writes nothing."""
    from lawtrace.orgs.models import Role
    from tests.cases.record_content import filled
    from tests.factories import make_person

    case = s["case"]
    later = timezone.now() + timedelta(days=15)
    from tests.cases.steps import _decision_chain

    _decision_chain(s, case, later)  # notified, heard and reviewed first (APL-62, APL-45, APL-58)
    with clock.frozen_at(later):
        now = clock.now() - timedelta(minutes=5)
        content = filled(case, "penalty_decision", s["officer"], now, signed_by=str(s["head"].pk))
        draft = services.add_record(
            actor=s["officer"], case=case, kind="penalty_decision", occurred_at=now, content=content
        )
        head = Client()
        head.force_login(s["head"])
        assert "待我签署" in head.get("/").content.decode()
        other_head = make_person(s["county"], Role.BUREAU_HEAD)
        before = Entry.objects.count()
        with pytest.raises(PermissionRefused) as by_officer:
            services.sign_record(actor=s["officer"], record=draft)
        with pytest.raises(Refused, match="应由其本人签署") as by_other:
            services.sign_record(actor=other_head, record=draft)
        assert by_officer.value.rule == by_other.value.rule == "IMR-16"  # the refusal cites the rule that refused
        assert Entry.objects.count() == before and Record.objects.get(pk=draft.pk).status == Record.Status.DRAFT
        officer = Client()
        officer.force_login(s["officer"])
        assert "待行政机关负责人签署" in officer.get(f"/records/{draft.pk}/").content.decode()
        head.post(f"/records/{draft.pk}/sign/")
        signed = Record.objects.get(pk=draft.pk)
        assert signed.status == Record.Status.SIGNED and signed.signed_by == s["head"]
        assert "待我签署" not in head.get("/").content.decode()


@pytest.mark.parametrize("rulebook", ["inner-mongolia-2025", "wenshang-2019"])
def test_every_signer_refusal_has_a_rule_of_the_rulebook_to_cite(rulebook: str) -> None:
    from lawtrace.rulebook.loader import load

    book = load(rulebook)
    for kind in services.SIGNERS:
        assert any(rule in book for rule in services.SIGNER_RULES.get(kind, ())), kind


def test_person_fields_offer_the_right_people(s: dict) -> None:
    """送达人 and 执法人员 are the case's handlers; 签发人 and 批准人 the heads; anyone else in the organisation is not
    offered there (a typed-in stranger cannot be chosen either: the form refuses a value outside its list)."""
    from lawtrace.records.forms import people_for

    case = s["case"]
    handlers = {s["officer"], s["officer2"]}
    assert set(people_for("servers", case)) == handlers == set(people_for("officers", case))
    assert set(people_for("signed_by", case)) == {s["head"]}
    assert s["unit_head"] in set(people_for("chair", case))  # other person fields: the whole organisation
    officer = Client()
    officer.force_login(s["officer"])
    page = officer.get(f"/cases/{case.pk}/records/new/service_receipt/").content.decode()
    servers = page[page.index('name="servers"') : page.index("</select>", page.index('name="servers"'))]
    assert s["head"].full_name not in servers and s["officer2"].full_name in servers


def _inquiry_at(s: dict, days_before: int) -> Record:
    occurred = s["case"].created_at - timedelta(days=days_before)
    content = _inquiry(s, started_at=occurred.isoformat(), ended_at=(occurred + timedelta(hours=1)).isoformat())
    return services.add_record(
        actor=s["officer"], case=s["case"], kind="inquiry_transcript", occurred_at=occurred, content=content
    )


@pytest.mark.parametrize("days_before", [365, 2])
def test_nothing_done_in_a_case_is_dated_before_the_matter_came_to_the_bureau(s: dict, days_before: int) -> None:
    """Issue 14: a record dated before the case's registration (or the complaint, application or lead it came from)
    is refused with nothing written."""
    before = (Entry.objects.count(), Record.objects.count())
    with pytest.raises(Refused, match="发生时间早于本案来源的登记（立案登记"):
        _inquiry_at(s, days_before)
    assert (Entry.objects.count(), Record.objects.count()) == before


def test_a_record_dated_the_day_before_the_registration_is_accepted(s: dict) -> None:
    """A day's grace, for a record dated by the day."""
    assert _inquiry_at(s, 1).pk is not None


def test_a_case_from_a_complaint_began_when_the_complaint_was_received(s: dict) -> None:
    """The matter began at the earliest of its sources: a complaint received ten days before the case was
    registered lets the inquiry held in between stand."""
    from lawtrace.cases.models import Complaint

    case = s["case"]
    case.complaint = Complaint.objects.create(
        organisation=case.organisation,
        number="TS-2026-0001",
        received_at=case.created_at - timedelta(days=10),
        channel="phone",
        subject="康宁大药房",
        content="反映串换药品。",
        recorded_by=s["officer"],
    )
    case.save(update_fields=["complaint"])
    assert services.matter_began(case) == (case.complaint.received_at, "收到投诉举报（TS-2026-0001）")
    s["case"] = case
    assert _inquiry_at(s, 5).pk is not None  # five days before registration, after the complaint


def test_the_record_form_offers_no_time_before_the_matter_began(s: dict) -> None:
    """The date picker's lower bound is the day before the case's source was registered, said in its help text."""
    from lawtrace.records.forms import RecordForm
    from lawtrace.rulebook.loader import at

    case = s["case"]
    spec = at(case.rulebook, case.rulebook_version).record_kind("inquiry_transcript")
    field = RecordForm(spec=spec, case=case).fields["occurred_at"]
    day_before = timezone.localtime(case.created_at).date() - timedelta(days=1)
    assert field.widget.attrs["min"] == f"{day_before:%Y-%m-%d}T00:00"
    assert "立案登记" in field.help_text
