"""The database itself refuses UPDATE and DELETE of ledger rows — through the ORM and through raw SQL."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from lawtrace.ledger.models import Checkpoint, Entry
from lawtrace.ledger.services import log_for, make_checkpoint
from lawtrace.orgs.models import OrgKind, Role
from tests.factories import make_org, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry() -> Entry:
    county = make_org(OrgKind.COUNTY)
    make_person(county, Role.OFFICER)
    return Entry.objects.filter(log__organisation=county).latest("seq")


def _refused(fn) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        fn()


def test_orm_update_and_delete_of_an_entry_fail(entry: Entry) -> None:
    _refused(lambda: Entry.objects.filter(pk=entry.pk).update(action="org.saved"))
    entry.action = "org.saved"
    _refused(lambda: entry.save())
    _refused(lambda: Entry.objects.filter(pk=entry.pk).delete())


def test_raw_sql_update_and_delete_of_an_entry_fail(entry: Entry) -> None:
    def update() -> None:
        with connection.cursor() as c:
            c.execute("UPDATE ledger_entry SET case_number = 'x' WHERE id = %s", [entry.pk])

    def delete() -> None:
        with connection.cursor() as c:
            c.execute("DELETE FROM ledger_entry WHERE id = %s", [entry.pk])

    _refused(update)
    _refused(delete)
    assert Entry.objects.filter(pk=entry.pk, case_number="").exists()


def test_checkpoints_are_append_only_too(entry: Entry) -> None:
    checkpoint = make_checkpoint(log_for(entry.log.organisation))
    assert checkpoint is not None
    _refused(lambda: Checkpoint.objects.filter(pk=checkpoint.pk).update(size=1))
    _refused(lambda: Checkpoint.objects.filter(pk=checkpoint.pk).delete())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE exists on PostgreSQL only")
def test_truncate_is_refused_on_postgresql(entry: Entry) -> None:
    def truncate() -> None:
        with connection.cursor() as c:
            # Django's foreign keys are deferred: fire their pending checks first, or PostgreSQL refuses the
            # TRUNCATE for that reason before our trigger is reached.
            c.execute("SET CONSTRAINTS ALL IMMEDIATE")
            c.execute("TRUNCATE ledger_entry CASCADE")

    _refused(truncate)


def test_triggers_exist_after_migrate() -> None:
    with connection.cursor() as c:
        if connection.vendor == "sqlite":
            c.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            c.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        names = {row[0] for row in c.fetchall()}
    expected = (
        {f"{t}_no_{op}" for t in ("ledger_entry", "ledger_checkpoint") for op in ("update", "delete")}
        if connection.vendor == "sqlite"
        else {f"{t}_{k}" for t in ("ledger_entry", "ledger_checkpoint") for k in ("append_only", "no_truncate")}
    )
    assert expected <= names
