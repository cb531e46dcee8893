"""WS-20 / IMR-20 (a case-file system: ledgers and documents so that every act can be traced): every action on a case
leaves exactly one ledger entry, which the case's timeline shows and ``ledger verify`` checks; a record changed
behind the ledger's back (raw SQL) is caught by ``records verify``."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client

from lawtrace import clock
from lawtrace.cases import services
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from lawtrace.ledger.services import log_for, make_checkpoint
from lawtrace.ledger.verify import verify_log
from lawtrace.orgs.models import Role
from lawtrace.records import access
from lawtrace.records import services as records
from lawtrace.records.attachments import attach
from lawtrace.records.confidentiality import mark_confidential
from lawtrace.records.integrity import check_all
from lawtrace.records.models import Record
from tests.cases.record_content import filled
from tests.factories import make_person, open_case_setting, register
from tests.ledger.test_verify import sql

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class OneEntry:
    """Asserts the block appends exactly one entry to the case's ledger, of the expected action."""

    def __init__(self, case_number: str, action: LedgerAction) -> None:
        self.case_number, self.action = case_number, action

    def __enter__(self) -> None:
        self.before = Entry.objects.filter(case_number=self.case_number).count()

    def __exit__(self, *exc: object) -> None:
        if exc[0] is not None:
            return
        entries = Entry.objects.filter(case_number=self.case_number).order_by("-time", "-seq")
        assert entries.count() == self.before + 1, f"{self.action}: {entries.count() - self.before} entries"
        assert entries.first().action == self.action  # type: ignore[union-attr]


def _signed_inquiry(s: dict, case) -> Record:  # type: ignore[no-untyped-def]
    moment = clock.now() - timedelta(hours=1)
    content = filled(case, "inquiry_transcript", s["officer"], moment)
    content["officers"] = [str(s["officer"].pk), str(s["officer2"].pk)]
    with OneEntry(case.number, LedgerAction.RECORD_ADDED):
        record = records.add_record(
            actor=s["officer"], case=case, kind="inquiry_transcript", occurred_at=moment, content=content
        )
    with OneEntry(case.number, LedgerAction.RECORD_SIGNED):
        return records.sign_record(actor=s["officer"], record=record)


def test_WS_20_IMR_20_every_action_on_a_case_is_ledgered_shown_on_its_timeline_and_verified() -> None:
    s = open_case_setting()
    archivist = make_person(s["county"], Role.ARCHIVIST)
    third = make_person(s["county"], Role.OFFICER, certificate="valid")
    case = register(s)
    assert Entry.objects.filter(case_number=case.number).get().action == LedgerAction.CASE_REGISTERED
    with OneEntry(case.number, LedgerAction.OPINION_GIVEN):
        services.give_unit_opinion(actor=s["unit_head"], case=case, approve=True, opinion="同意")
    with OneEntry(case.number, LedgerAction.OPENING_APPROVED):
        case = services.decide_opening(actor=s["head"], case=case, approve=True, opinion="同意立案")
    with OneEntry(case.number, LedgerAction.HANDLER_ADDED):
        services.add_handler(actor=s["head"], case=case, person=third)
    inquiry = _signed_inquiry(s, case)
    with OneEntry(case.number, LedgerAction.ATTACHMENT_ADDED):
        attach(actor=s["officer"], record=inquiry, upload=SimpleUploadedFile("p.png", PNG), description="签名页")
    with OneEntry(case.number, LedgerAction.PHASE_CHANGED):
        case = services.advance_phase(actor=s["officer"], case=case)
    with OneEntry(case.number, LedgerAction.CASE_VIEWED):
        services.record_case_view(actor=s["supervisor"], case=case)
    with OneEntry(case.number, LedgerAction.RECORD_MARKED_CONFIDENTIAL):
        mark_confidential(actor=s["head"], record=inquiry, category="privacy", reason="含个人健康信息")
    with OneEntry(case.number, LedgerAction.ACCESS_REQUESTED):
        request = access.register_access_request(
            actor=archivist, case=case, party=case.parties.get(), requested_at=clock.now(), scope="全部记录"
        )
    with OneEntry(case.number, LedgerAction.ACCESS_APPROVED):
        access.decide_access_request(actor=s["head"], request=request, approve=True, opinion="同意")
    second = _signed_inquiry(s, case)
    with OneEntry(case.number, LedgerAction.RECORDS_READ):
        access.record_reading(actor=archivist, request=request, records=[second])
    # the case's timeline shows every one of them
    page = Client()
    page.force_login(s["officer"])
    timeline = page.get(f"/cases/{case.pk}/").content.decode()
    for action in set(Entry.objects.filter(case_number=case.number).values_list("action", flat=True)):
        assert str(LedgerAction(action).label) in timeline, action
    # and the ledger verifies, as do the records against it
    log = log_for(case.organisation)
    make_checkpoint(log)
    report = verify_log(log)
    assert report.ok and report.entries == log.size, report.problem
    out = StringIO()
    call_command("records", "verify", stdout=out)
    assert "记录核对通过" in out.getvalue() and check_all() == []


def _set_content(record: Record, content: dict) -> None:
    cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    sql(f"UPDATE records_record SET content = {cast} WHERE id = %s", [json.dumps(content), record.pk])


def test_WS_20_IMR_20_a_record_changed_without_the_ledger_is_caught() -> None:
    s = open_case_setting()
    case = register(s)
    services.give_unit_opinion(actor=s["unit_head"], case=case, approve=True, opinion="同意")
    case = services.decide_opening(actor=s["head"], case=case, approve=True, opinion="同意立案")
    inquiry = _signed_inquiry(s, case)
    assert check_all() == []
    # an attacker with database access rewrites what the party said
    _set_content(inquiry, {**inquiry.content, "content": "当事人承认全部违法事实"})
    found = check_all(case.number)
    assert [m.record.pk for m in found] == [inquiry.pk] and "内容已被改动" in found[0].problem
    with pytest.raises(CommandError) as failure:
        call_command("records", "verify", stdout=StringIO())
    assert failure.value.returncode == 2 and case.number in str(failure.value)
    # and rewriting the stored hash to match does not help: the ledger still holds the original commitment
    sql("UPDATE records_record SET content_hash = %s WHERE id = %s", ["0" * 64, inquiry.pk])
    assert "内容哈希已被改写" in check_all(case.number)[0].problem
    assert verify_log(log_for(case.organisation)).ok  # the ledger itself is intact: it is the witness
