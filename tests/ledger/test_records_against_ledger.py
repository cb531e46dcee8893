"""WS-20 / IMR-20: `lawtrace records verify` checks everything the ledger committed to about a record — content, kind,
times, the people (maker, signer), what it corrects, its status and its case — so a row edited with database access
alone is caught, field by field; and a record the ledger says was made cannot vanish unnoticed."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lawtrace.cases import services
from lawtrace.records.integrity import MissingRecord, check_all
from lawtrace.records.models import Record
from tests.factories import open_case_setting, register
from tests.ledger.test_verify import sql
from tests.records.test_integrity import _signed_inquiry

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting() -> dict:
    s = open_case_setting()
    case = register(s)
    services.give_unit_opinion(actor=s["unit_head"], case=case, approve=True, opinion="同意")
    s["case"] = services.decide_opening(actor=s["head"], case=case, approve=True, opinion="同意立案")
    s["record"] = _signed_inquiry(s, s["case"])
    assert check_all() == []
    return s


def caught(record: Record, says: str) -> None:
    found = check_all()
    assert [getattr(m, "record", None) and m.record.pk for m in found] == [record.pk], found
    assert says in found[0].problem
    with pytest.raises(CommandError) as failure:
        call_command("records", "verify", stdout=StringIO())
    assert failure.value.returncode == 2 and says in str(failure.value)


def test_WS_20_changed_maker_is_caught(setting: dict) -> None:
    sql("UPDATE records_record SET created_by_id = %s WHERE id = %s", [setting["officer2"].pk, setting["record"].pk])
    caught(setting["record"], "制作人")


def test_WS_20_changed_signer_is_caught(setting: dict) -> None:
    sql("UPDATE records_record SET signed_by_id = %s WHERE id = %s", [setting["officer2"].pk, setting["record"].pk])
    caught(setting["record"], "签署人")


def test_WS_20_a_signed_record_turned_back_into_a_draft_is_caught(setting: dict) -> None:
    sql("UPDATE records_record SET status = 'draft' WHERE id = %s", [setting["record"].pk])
    caught(setting["record"], "台账记载该记录已签署")


def test_WS_20_a_draft_marked_signed_without_signing_is_caught(setting: dict) -> None:
    from lawtrace.records import services as records
    from tests.cases.record_content import filled

    s = setting
    moment = s["record"].occurred_at
    content = filled(s["case"], "inquiry_transcript", s["officer"], moment)
    content["officers"] = [str(s["officer"].pk), str(s["officer2"].pk)]
    draft = records.add_record(
        actor=s["officer"], case=s["case"], kind="inquiry_transcript", occurred_at=moment, content=content
    )
    sql(
        "UPDATE records_record SET status = 'signed', signed_by_id = %s, signed_at = created_at WHERE id = %s",
        [s["officer"].pk, draft.pk],
    )
    caught(draft, "台账中没有签署条目")


def test_WS_20_a_record_moved_to_another_case_is_caught(setting: dict) -> None:
    other = register(setting)
    sql("UPDATE records_record SET case_id = %s WHERE id = %s", [other.pk, setting["record"].pk])
    caught(setting["record"], "移到案件")


def test_WS_20_backdated_signing_and_making_times_are_caught(setting: dict) -> None:
    record = setting["record"]
    sql("UPDATE records_record SET signed_at = %s WHERE id = %s", [record.signed_at - timedelta(days=3), record.pk])
    caught(record, "签署时间")
    sql("UPDATE records_record SET created_at = %s WHERE id = %s", [record.created_at - timedelta(days=3), record.pk])
    assert "制作时间" in check_all()[0].problem


def test_WS_20_changed_kind_is_caught(setting: dict) -> None:
    sql("UPDATE records_record SET kind = 'site_inspection' WHERE id = %s", [setting["record"].pk])
    caught(setting["record"], "记录")  # the content hash covers the kind, and the entry names it


def test_WS_20_a_deleted_record_is_caught(setting: dict) -> None:
    record = setting["record"]
    sql("DELETE FROM records_record WHERE id = %s", [record.pk])
    found = check_all()
    assert len(found) == 1 and isinstance(found[0], MissingRecord) and found[0].record_id == record.pk
    assert setting["case"].number in str(found[0])
