"""`lawtrace ledger verify` catches every kind of tampering, naming the first bad sequence number.

The attacker has database access: each scenario drops the append-only triggers first (inside the test's
transaction, which rolls back afterwards), then edits rows behind the application's back.
"""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from lawtrace.ledger import merkle
from lawtrace.ledger.models import Checkpoint, Entry, Log
from lawtrace.ledger.services import checkpoint_storage_path, make_checkpoint, rotate_key
from lawtrace.ledger.verify import verify_log
from tests.factories import root_user

pytestmark = pytest.mark.django_db


def drop_triggers() -> None:
    with connection.cursor() as c:
        if connection.vendor == "sqlite":
            for table in ("ledger_entry", "ledger_checkpoint"):
                for op in ("update", "delete"):
                    c.execute(f"DROP TRIGGER {table}_no_{op}")
        else:
            for table in ("ledger_entry", "ledger_checkpoint"):
                c.execute(f"DROP TRIGGER {table}_append_only ON {table}")


def sql(statement: str, params: list) -> None:
    with connection.cursor() as c:
        c.execute(statement, params)


def entry(log: Log, seq: int) -> Entry:
    return Entry.objects.get(log=log, seq=seq)


def run_verify() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("ledger", "verify", stdout=out)
    except CommandError as e:
        return e.returncode, str(e)
    return 0, out.getvalue()


def test_sound_ledger_verifies_with_exit_0(log: Log) -> None:
    make_checkpoint(log)
    code, output = run_verify()
    assert code == 0, output
    assert "台账核验通过" in output


def test_changed_payload_is_caught_at_its_sequence_number(log: Log) -> None:
    drop_triggers()
    changed = bytes(entry(log, 3).data).replace(b'"role":"officer"', b'"role":"bureau_head"')
    sql("UPDATE ledger_entry SET data = %s WHERE log_id = %s AND seq = 3", [changed, log.pk])
    report = verify_log(log)
    assert report.first_bad_seq == 3 and "叶哈希" in report.problem
    code, message = run_verify()
    assert code != 0 and "序号 3" in message


def test_changed_and_rehashed_entry_is_caught_by_its_authentication_code(log: Log) -> None:
    drop_triggers()
    changed = bytes(entry(log, 2).data).replace(b'"role":"officer"', b'"role":"bureau_head"')
    sql(
        "UPDATE ledger_entry SET data = %s, leaf_hash = %s WHERE log_id = %s AND seq = 2",
        [changed, merkle.leaf_hash(changed), log.pk],
    )
    report = verify_log(log)
    assert report.first_bad_seq == 2 and "认证码" in report.problem


def test_changed_and_rehashed_entry_inside_a_checkpoint_is_caught_by_the_chain(log: Log) -> None:
    make_checkpoint(log)
    drop_triggers()
    changed = bytes(entry(log, 2).data).replace(b'"role":"officer"', b'"role":"bureau_head"')
    sql(
        "UPDATE ledger_entry SET data = %s, leaf_hash = %s, mac = NULL WHERE log_id = %s AND seq = 2",
        [changed, merkle.leaf_hash(changed), log.pk],
    )
    report = verify_log(log)
    assert report.first_bad_seq == 3 and "序号 2 被修改后重算了哈希" in report.problem


def test_changed_last_entry_rehashed_is_caught_by_the_checkpoint(log: Log) -> None:
    make_checkpoint(log)
    drop_triggers()
    last = log.size - 1
    changed = bytes(entry(log, last).data).replace(b'"role":"officer"', b'"role":"bureau_head"')
    sql(
        "UPDATE ledger_entry SET data = %s, leaf_hash = %s WHERE log_id = %s AND seq = %s",
        [changed, merkle.leaf_hash(changed), log.pk, last],
    )
    report = verify_log(log)
    assert report.first_bad_seq == last and ("检查点" in report.problem or "认证码" in report.problem)


def test_deleted_entry_is_caught(log: Log) -> None:
    drop_triggers()
    sql("DELETE FROM ledger_entry WHERE log_id = %s AND seq = 4", [log.pk])
    report = verify_log(log)
    assert report.first_bad_seq == 4 and "缺失" in report.problem


def test_deleted_and_renumbered_entries_are_caught(log: Log) -> None:
    drop_triggers()
    sql("DELETE FROM ledger_entry WHERE log_id = %s AND seq = 4", [log.pk])
    for seq in range(5, log.size):
        sql("UPDATE ledger_entry SET seq = %s WHERE log_id = %s AND seq = %s", [seq - 1, log.pk, seq])
    report = verify_log(log)
    assert report.first_bad_seq == 4 and not report.ok


def test_reordered_entries_are_caught(log: Log) -> None:
    drop_triggers()
    sql("UPDATE ledger_entry SET seq = -1 WHERE log_id = %s AND seq = 2", [log.pk])
    sql("UPDATE ledger_entry SET seq = 2 WHERE log_id = %s AND seq = 3", [log.pk])
    sql("UPDATE ledger_entry SET seq = 3 WHERE log_id = %s AND seq = -1", [log.pk])
    report = verify_log(log)
    assert report.first_bad_seq == 2 and not report.ok


def test_inserted_entry_is_caught(log: Log) -> None:
    drop_triggers()
    for seq in reversed(range(3, log.size)):
        sql("UPDATE ledger_entry SET seq = %s WHERE log_id = %s AND seq = %s", [seq + 1, log.pk, seq])
    forged = bytes(entry(log, 2).data).replace(b'"seq":2', b'"seq":3')
    template = entry(log, 2)
    sql(
        "INSERT INTO ledger_entry (log_id, seq, data, leaf_hash, time, action, case_number) "
        "VALUES (%s, 3, %s, %s, %s, %s, '')",
        [log.pk, forged, merkle.leaf_hash(forged), template.time, template.action],
    )
    report = verify_log(log)
    assert report.first_bad_seq == 3 and not report.ok


def test_truncation_below_a_signed_checkpoint_is_caught_even_without_its_row(log: Log) -> None:
    checkpoint = make_checkpoint(log)
    assert checkpoint is not None
    assert default_storage.exists(checkpoint_storage_path(log.origin, log.size))
    drop_triggers()
    sql("DELETE FROM ledger_entry WHERE log_id = %s AND seq >= 5", [log.pk])
    sql("DELETE FROM ledger_checkpoint WHERE log_id = %s", [log.pk])
    report = verify_log(log)
    assert report.first_bad_seq == 5 and "截断" in report.problem


def test_forged_checkpoint_signature_is_caught(log: Log) -> None:
    checkpoint = make_checkpoint(log)
    assert checkpoint is not None
    drop_triggers()
    text, _, signatures = checkpoint.note.partition("\n\n")
    first, *rest = signatures.split("\n")
    signature = first.rsplit(" ", 1)[1]
    flipped = signature[:20] + ("A" if signature[20] != "A" else "B") + signature[21:]
    forged = text + "\n\n" + "\n".join([first.replace(signature, flipped), *rest])
    sql("UPDATE ledger_checkpoint SET note = %s WHERE id = %s", [forged, checkpoint.pk])
    report = verify_log(log)
    assert not report.ok and "签名" in report.problem


def test_incremental_verify_since_n(log: Log) -> None:
    assert verify_log(log, since=4).ok
    drop_triggers()
    changed = bytes(entry(log, 5).data).replace(b'"role":"officer"', b'"role":"archivist"')
    sql("UPDATE ledger_entry SET data = %s WHERE log_id = %s AND seq = 5", [changed, log.pk])
    report = verify_log(log, since=4)
    assert report.first_bad_seq == 5 and report.entries == 1


def test_rotated_key_keeps_old_checkpoints_verifiable(log: Log) -> None:
    first = make_checkpoint(log)
    rotate_key(actor=root_user(), organisation=log.organisation)
    second = make_checkpoint(Log.objects.get(pk=log.pk))
    assert first and second and first.key_id != second.key_id
    assert verify_log(log).ok
    assert Checkpoint.objects.filter(log=log).count() == 2


def test_proof_bundle_verifies_offline_and_a_changed_byte_fails(log: Log, tmp_path: Path) -> None:
    code = log.organisation.code
    out = tmp_path / "proof.json"
    call_command("ledger", "proof", "3", "--log", code, "-o", str(out))
    bundle = json.loads(out.read_text(encoding="utf-8"))
    assert len(out.read_bytes()) < 4096
    result = StringIO()
    call_command("ledger", "verify-proof", str(out), stdout=result)
    assert "证明有效" in result.getvalue() and "序号 3" in result.getvalue()

    bundle["entry_text"] = None
    import base64

    data = bytearray(base64.b64decode(bundle["entry"]))
    data[40] ^= 0x01
    bundle["entry"] = base64.b64encode(bytes(data)).decode()
    out.write_text(json.dumps(bundle), encoding="utf-8")
    with pytest.raises(CommandError, match="证明无效"):
        call_command("ledger", "verify-proof", str(out))
