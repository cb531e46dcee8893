"""Written records: required fields from the rulebook (WS-11 / IMR-9), append-only with corrections, ledgered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lawtrace.errors import PermissionRefused, Refused
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from lawtrace.records import services
from lawtrace.records.models import Record
from tests.factories import open_case_setting, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def s() -> dict:
    setting = open_case_setting()
    setting["case"] = register(setting)
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


def test_IMR_9_certificates_not_shown_is_refused_and_nothing_written(s: dict) -> None:
    before = (Record.objects.count(), Entry.objects.count())
    with pytest.raises(Refused, match="已出示执法证件"):
        services.add_record(
            actor=s["officer"],
            case=s["case"],
            kind="inquiry_transcript",
            occurred_at=timezone.now(),
            content=_inquiry(s, certificates_shown=False),
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
