"""Every action leaves exactly one verifiable ledger entry, in the action's own transaction (WS-4, IMR-3)."""

from __future__ import annotations

import itertools
import json

import pytest
from django.db import transaction

from lawtrace.errors import Refused
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.entry import EntryFormatError
from lawtrace.ledger.models import Entry
from lawtrace.ledger.services import LedgerError, append, log_for
from lawtrace.ledger.verify import verify_log
from lawtrace.orgs import services
from lawtrace.orgs.models import OrgKind, Role
from tests.factories import make_org, make_person, root_user

pytestmark = pytest.mark.django_db


def _entries(org) -> list[dict]:
    return [json.loads(bytes(e.data)) for e in Entry.objects.filter(log__organisation=org).order_by("seq")]


def test_each_configuration_action_appends_one_entry_to_its_organisations_log() -> None:
    province = make_org(OrgKind.PROVINCE)  # the hosting organisation: first root
    county = make_org(OrgKind.COUNTY, make_org(OrgKind.CITY, province))
    before = len(_entries(county))
    officer = make_person(county, Role.OFFICER)  # person.saved + password_set go to the host log; role to county
    after = _entries(county)
    assert [e["action"] for e in after[before:]] == [LedgerAction.ROLE_GRANTED]
    entry = after[-1]
    assert entry["payload"] == {
        "assignment": entry["payload"]["assignment"],
        "person": str(officer.pk),
        "role": "officer",
    }
    assert entry["actor"] == {"id": str(root_user().pk), "name": "测试根管理员"}
    assert entry["org"] == county.code and f"/lawtrace/{county.code}/" in entry["log"]
    host_actions = [e["action"] for e in _entries(province)]
    assert host_actions[-2:] == [LedgerAction.PERSON_SAVED, LedgerAction.PASSWORD_SET]


def test_sequence_is_gap_free_and_chained() -> None:
    county = make_org(OrgKind.COUNTY)
    for _ in range(5):
        make_person(county, Role.OFFICER)
    entries = _entries(county)
    assert [e["seq"] for e in entries] == list(range(len(entries)))
    rows = list(Entry.objects.filter(log__organisation=county).order_by("seq"))
    assert entries[0]["prev"] == "0" * 64
    for earlier, later in itertools.pairwise(rows):
        assert json.loads(bytes(later.data))["prev"] == bytes(earlier.leaf_hash).hex()
    assert verify_log(log_for(county)).ok


def test_payload_never_holds_a_phone_number() -> None:
    county = make_org(OrgKind.COUNTY)
    person = make_person(county, Role.OFFICER)
    person.phone = "13912345678"
    services.save_person(actor=root_user(), person=person)
    all_bytes = b"".join(bytes(e.data) for e in Entry.objects.all())
    assert b"13912345678" not in all_bytes
    saved = [json.loads(bytes(e.data)) for e in Entry.objects.filter(action=LedgerAction.PERSON_SAVED)]
    assert saved[-1]["payload"]["changed"] == ["phone"]


def test_refused_action_writes_no_entry() -> None:
    county = make_org(OrgKind.COUNTY)
    officer = make_person(county, Role.OFFICER)
    count = Entry.objects.count()
    with pytest.raises(Refused):
        services.grant_role(actor=officer, user=officer, organisation=county, role=Role.ADMINISTRATOR)
    assert Entry.objects.count() == count


def test_a_crash_after_the_entry_rolls_back_both_row_and_entry() -> None:
    county = make_org(OrgKind.COUNTY)
    person = make_person()
    count, roles = Entry.objects.count(), person.roles.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.grant_role(actor=root_user(), user=person, organisation=county, role=Role.OFFICER)
        raise RuntimeError("crash after the action")
    assert Entry.objects.count() == count and person.roles.count() == roles


def test_append_outside_a_transaction_is_refused() -> None:
    county = make_org(OrgKind.COUNTY)
    # pytest-django wraps the test in a transaction; leave it to see what a service without atomic would do.
    from django.db import connection

    connection.in_atomic_block, saved = False, connection.in_atomic_block
    try:
        with pytest.raises(LedgerError):
            append(action=LedgerAction.ORG_SAVED, actor=None, organisation=county, payload={})
    finally:
        connection.in_atomic_block = saved


@pytest.mark.parametrize("payload", [{"amount": 12.5}, {"big": 2**53}, {1: "non-string key"}, {"nested": [{"x": 0.1}]}])
def test_payload_refuses_floats_huge_integers_and_odd_keys(payload: dict) -> None:
    county = make_org(OrgKind.COUNTY)
    count = Entry.objects.count()
    with pytest.raises(EntryFormatError), transaction.atomic():
        append(action=LedgerAction.ORG_SAVED, actor=None, organisation=county, payload=payload)
    assert Entry.objects.count() == count


def test_ledger_time_is_monotonic_even_when_the_clock_steps_back() -> None:
    from datetime import UTC, datetime

    from lawtrace import clock

    county = make_org(OrgKind.COUNTY)
    with clock.frozen_at(datetime(2030, 1, 1, tzinfo=UTC)), transaction.atomic():
        append(action=LedgerAction.ORG_SAVED, actor=None, organisation=county, payload={})
    with clock.frozen_at(datetime(2029, 1, 1, tzinfo=UTC)), transaction.atomic():
        late = append(action=LedgerAction.ORG_SAVED, actor=None, organisation=county, payload={})
    assert late.time > datetime(2030, 1, 1, tzinfo=UTC)
    assert verify_log(log_for(county)).ok


def test_a_remembered_tail_that_is_no_longer_the_head_is_never_used() -> None:
    """append remembers the tail it wrote; a rolled-back append or another server's append makes the memory stale,
    and the next append must follow the database's head, not the memory (gap-free, chained, verifiable)."""
    from django.db import connection

    from lawtrace.ledger import services as ledger_services

    county = make_org(OrgKind.COUNTY)
    log = log_for(county)
    with transaction.atomic():
        append(action=LedgerAction.ORG_SAVED, actor=None, organisation=county, payload={"n": 1})
    with pytest.raises(RuntimeError), transaction.atomic():  # remembered, then rolled back
        append(action=LedgerAction.ORG_SAVED, actor=None, organisation=county, payload={"n": "rolled back"})
        raise RuntimeError("crash after the append")
    with transaction.atomic():
        after_rollback = append(action=LedgerAction.ORG_SAVED, actor=None, organisation=county, payload={"n": 2})
    key = (connection.alias, str(connection.settings_dict.get("NAME")), county.pk)
    log_id, origin, size, _, last_time = ledger_services._tails[key]
    ledger_services._tails[key] = (log_id, origin, size - 1, b"\x07" * 32, last_time)  # as if another server wrote
    with transaction.atomic():
        after_other = append(action=LedgerAction.ORG_SAVED, actor=None, organisation=county, payload={"n": 3})
    log.refresh_from_db()
    assert (after_rollback.seq, after_other.seq, log.size) == (size - 1, size, size + 1)
    assert [e["payload"].get("n") for e in _entries(county)][-3:] == [1, 2, 3]
    report = verify_log(log)
    assert report.ok and report.entries == log.size, report.problem
