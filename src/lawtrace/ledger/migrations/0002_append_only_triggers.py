"""The database itself refuses UPDATE and DELETE of ledger entries and checkpoints (and TRUNCATE on PostgreSQL).

Installed per vendor. On SQLite a later migration that rebuilds one of these tables (ALTER TABLE emulation) would
drop the triggers: ``tests/ledger/test_triggers.py`` asserts they exist after ``migrate``.
"""

from django.db import migrations

TABLES = ("ledger_entry", "ledger_checkpoint")

SQLITE_CREATE = [
    f"""CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table}
        BEGIN SELECT RAISE(ABORT, 'lawtrace ledger is append-only: {op} on {table} refused'); END;"""
    for table in TABLES
    for op in ("UPDATE", "DELETE")
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {table}_no_{op.lower()};" for table in TABLES for op in ("UPDATE", "DELETE")]

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION lawtrace_ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'lawtrace ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""
PG_CREATE = [PG_FUNCTION] + [
    sql
    for table in TABLES
    for sql in (
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION lawtrace_ledger_refuse_change();",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION lawtrace_ledger_refuse_change();",
    )
]
PG_DROP = [
    sql
    for table in TABLES
    for sql in (
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};",
    )
] + ["DROP FUNCTION IF EXISTS lawtrace_ledger_refuse_change();"]


def install(apps, schema_editor):
    statements = PG_CREATE if schema_editor.connection.vendor == "postgresql" else SQLITE_CREATE
    for sql in statements:
        schema_editor.execute(sql, params=None)


def uninstall(apps, schema_editor):
    statements = PG_DROP if schema_editor.connection.vendor == "postgresql" else SQLITE_DROP
    for sql in statements:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_ledger")]
    operations = [migrations.RunPython(install, uninstall)]
