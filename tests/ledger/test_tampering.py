"""A malicious database administrator against the ledger (issue 15): every attack is caught by `lawtrace ledger verify`
(non-zero exit, the first bad sequence number named) or refused before it can be signed.

The attacker has the database (the append-only triggers dropped inside the test's transaction) and the storage
folder, but not the key folder. Runs on SQLite and, with ``DATABASE_URL``, on PostgreSQL.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from lawtrace.ledger import keys, merkle, note, trust
from lawtrace.ledger.bundle import make_bundle
from lawtrace.ledger.entry import ZERO_HASH_HEX, EntryFields, canonical_bytes
from lawtrace.ledger.models import Entry, Log
from lawtrace.ledger.services import (
    CheckpointRefused,
    checkpoint_storage_path,
    leaf_hashes,
    log_for,
    make_checkpoint,
    rotate_key,
)
from lawtrace.ledger.verify import verify_log
from lawtrace.orgs.models import OrgKind, Role
from tests.factories import make_org, make_person, root_user
from tests.ledger.test_verify import drop_triggers, entry, sql

pytestmark = pytest.mark.django_db


def run_verify(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("ledger", "verify", *args, stdout=out)
    except CommandError as e:
        return e.returncode, str(e)
    return 0, out.getvalue()


def assert_caught_at(seq: int, *args: str, says: str = "") -> None:
    code, message = run_verify(*args)
    assert code != 0, message
    assert f"序号 {seq}：" in message, message
    assert says in message, message


def forged_entry(log: Log, seq: int, prev: bytes, **changes: object) -> bytes:
    """Well-formed entry bytes, as someone who knows the format (but not the keys) would write them."""
    template = json.loads(bytes(entry(log, 1).data))
    fields = EntryFields(
        log=log.origin,
        seq=seq,
        time=datetime.now(UTC),
        actor_id=template["actor"]["id"],
        actor_name=template["actor"]["name"],
        org=template["org"],
        case=None,
        action=str(changes.get("action", template["action"])),
        payload=dict(changes.get("payload", template["payload"])),  # type: ignore[call-overload]
        evidence=[],
        prev=prev.hex() if seq else ZERO_HASH_HEX,
    )
    return canonical_bytes(fields)


# Attacks on entries


def test_forged_entry_appended_consistently_at_the_tail_is_caught_by_its_missing_authentication_code(log: Log) -> None:
    make_checkpoint(log)
    drop_triggers()
    last = entry(log, log.size - 1)
    forged = forged_entry(log, log.size, bytes(last.leaf_hash), payload={"role": "bureau_head", "person": "9"})
    leaf = merkle.leaf_hash(forged)
    sql(
        "INSERT INTO ledger_entry (log_id, seq, data, leaf_hash, time, action, actor_id, case_number) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, '')",
        [log.pk, log.size, forged, leaf, last.time, last.action, last.actor_id],
    )
    sql("UPDATE ledger_log SET size = %s, head = %s WHERE id = %s", [log.size + 1, leaf, log.pk])
    assert_caught_at(log.size, says="认证码")


def test_forged_tail_entry_with_a_made_up_authentication_code_is_caught(log: Log) -> None:
    drop_triggers()
    last = entry(log, log.size - 1)
    forged = forged_entry(log, log.size, bytes(last.leaf_hash))
    leaf = merkle.leaf_hash(forged)
    mac = bytes(last.mac)[:4] + b"\x00" * 32
    sql(
        "INSERT INTO ledger_entry (log_id, seq, data, leaf_hash, mac, time, action, actor_id, case_number) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, '')",
        [log.pk, log.size, forged, leaf, mac, last.time, last.action, last.actor_id],
    )
    sql("UPDATE ledger_log SET size = %s, head = %s WHERE id = %s", [log.size + 1, leaf, log.pk])
    assert_caught_at(log.size, says="认证码")


def test_edited_unsigned_tail_entry_rehashed_is_caught(log: Log) -> None:
    drop_triggers()
    last = log.size - 1
    changed = bytes(entry(log, last).data).replace(b'"role":"officer"', b'"role":"bureau_head"')
    leaf = merkle.leaf_hash(changed)
    sql(
        "UPDATE ledger_entry SET data = %s, leaf_hash = %s WHERE log_id = %s AND seq = %s",
        [changed, leaf, log.pk, last],
    )
    sql("UPDATE ledger_log SET head = %s WHERE id = %s", [leaf, log.pk])
    assert_caught_at(last, says="认证码")


def test_unsigned_tail_entry_with_its_authentication_code_removed_is_caught(log: Log) -> None:
    drop_triggers()
    sql("UPDATE ledger_entry SET mac = NULL WHERE log_id = %s AND seq = 5", [log.pk])
    assert_caught_at(5, says="认证码")


@pytest.mark.parametrize(
    ("column", "value"),
    [("actor_id", "other"), ("case_number", "'医保监罚〔2026〕99号'"), ("action", "'org.saved'")],
)
def test_edited_index_column_is_caught(log: Log, column: str, value: str) -> None:
    """The pages read these columns (the IMR-6 retrieval panel names the viewer from ``actor_id``)."""
    other = make_person(log.organisation, Role.OFFICER)  # entry 7
    make_checkpoint(log)
    drop_triggers()
    if value == "other":
        sql("UPDATE ledger_entry SET actor_id = %s WHERE log_id = %s AND seq = 3", [other.pk, log.pk])
    else:
        sql(f"UPDATE ledger_entry SET {column} = {value} WHERE log_id = %s AND seq = 3", [log.pk])
    assert_caught_at(3, says=column)


def test_edited_time_column_is_caught_by_deep_verify(log: Log) -> None:
    make_checkpoint(log)
    drop_triggers()
    sql("UPDATE ledger_entry SET time = %s WHERE log_id = %s AND seq = 4", [entry(log, 1).time, log.pk])
    assert run_verify()[0] == 0
    assert_caught_at(4, "--deep", says="time")


def test_head_pointer_mismatch_fails_verify(log: Log) -> None:
    drop_triggers()
    sql("UPDATE ledger_log SET size = %s WHERE id = %s", [log.size + 2, log.pk])
    assert_caught_at(log.size, says="日志头")


def test_deleted_unsigned_tail_with_the_head_left_alone_is_caught(log: Log) -> None:
    drop_triggers()
    sql("DELETE FROM ledger_entry WHERE log_id = %s AND seq >= 5", [log.pk])
    assert_caught_at(5, says="删除")


# Attacks on checkpoints


def test_rewritten_history_is_refused_a_new_checkpoint_and_caught_by_verify(log: Log) -> None:
    """The DBA rewrites entry 2 and every entry after it (a consistent chain), then waits for the next checkpoint."""
    make_checkpoint(log)
    make_person(log.organisation, Role.OFFICER)
    drop_triggers()
    prev = bytes(entry(log, 1).leaf_hash)
    size = Log.objects.get(pk=log.pk).size
    for seq in range(2, size):
        data = bytes(entry(log, seq).data).replace(b'"role":"officer"', b'"role":"bureau_head"')
        obj = json.loads(data)
        obj["prev"] = prev.hex()
        import rfc8785

        data = rfc8785.dumps(obj)
        prev = merkle.leaf_hash(data)
        sql(
            "UPDATE ledger_entry SET data = %s, leaf_hash = %s WHERE log_id = %s AND seq = %s",
            [data, prev, log.pk, seq],
        )
    sql("UPDATE ledger_log SET head = %s WHERE id = %s", [prev, log.pk])
    with pytest.raises(CheckpointRefused, match="不一致"):
        make_checkpoint(log)
    assert_caught_at(2)


def test_rewritten_history_with_every_checkpoint_row_deleted_is_still_refused_from_storage(log: Log) -> None:
    make_checkpoint(log)
    make_person(log.organisation, Role.OFFICER)
    drop_triggers()
    sql("DELETE FROM ledger_checkpoint WHERE log_id = %s", [log.pk])
    changed = bytes(entry(log, 2).data).replace(b'"role":"officer"', b'"role":"bureau_head"')
    sql(
        "UPDATE ledger_entry SET data = %s, leaf_hash = %s WHERE log_id = %s AND seq = 2",
        [changed, merkle.leaf_hash(changed), log.pk],
    )
    with pytest.raises(CheckpointRefused, match="存储中的签名检查点"):
        make_checkpoint(log)


def test_split_view_two_signed_roots_for_one_size_fails_naming_both(log: Log) -> None:
    """The log's own key signs a second history of the same size (what a witness exists to catch)."""
    checkpoint = make_checkpoint(log)
    assert checkpoint is not None
    signers = keys.signers_for(log.origin)
    other_root = merkle.root_from_leaf_hashes([merkle.leaf_hash(b"x")] * log.size)
    other = note.sign_note(
        note.Checkpoint(log.origin, log.size, other_root).to_text(), [signers.signer, signers.time_signer]
    )
    default_storage.delete(checkpoint_storage_path(log.origin, log.size))
    default_storage.save(checkpoint_storage_path(log.origin, log.size), ContentFile(other.encode()))
    code, message = run_verify()
    assert code != 0
    assert bytes(checkpoint.root_hash).hex() in message and other_root.hex() in message and "分叉" in message


def test_checkpoint_signed_by_a_key_the_dba_made_is_not_trusted(log: Log) -> None:
    make_checkpoint(log)
    make_person(log.organisation, Role.OFFICER)
    signer = note.parse_signer_key(note.generate_key(log.origin)[0])
    time_signer = note.parse_signer_key(note.generate_key(log.origin, note.COSIGNATURE_V1)[0])
    root = merkle.root_from_leaf_hashes(leaf_hashes(log))
    size = len(leaf_hashes(log))
    forged = note.sign_note(note.Checkpoint(log.origin, size, root).to_text(), [signer, time_signer])
    default_storage.save(checkpoint_storage_path(log.origin, size), ContentFile(forged.encode()))
    code, message = run_verify()
    assert code != 0 and "不受信任" in message


# Keys


def test_rotated_out_key_cannot_sign_and_its_late_checkpoints_are_refused(log: Log) -> None:
    folder = keys.folder_for(log.origin)
    make_checkpoint(log)
    old_key, old_time_key = (folder / "active.key").read_text(), (folder / "active-time.key").read_text()
    rotate_key(actor=root_user(), organisation=log.organisation)
    retired = next(k.retired for k in keys.trusted_keys(log.origin) if k.retired)
    assert retired is not None

    # The old private key, put back by whoever kept a copy, is refused by the signing service …
    (folder / "active.key").write_text(old_key)
    (folder / "active-time.key").write_text(old_time_key)
    with pytest.raises(trust.TrustError, match="停用，不能再签署"):
        make_checkpoint(log)

    # … and a checkpoint it signs anyway, dated after its retirement, is refused by verify.
    old = note.parse_signer_key(old_key.strip())
    old_time = note.parse_signer_key(old_time_key.strip())
    late = note.CosignatureV1Signer(old_time.name, old_time._private_key, clock=lambda: retired + timedelta(hours=1))  # type: ignore[attr-defined]
    size = len(leaf_hashes(log))
    root = merkle.root_from_leaf_hashes(leaf_hashes(log))
    signed = note.sign_note(note.Checkpoint(log.origin, size, root).to_text(), [old, late])
    with pytest.raises(trust.TrustError, match="停用时间"):
        trust.open_trusted_checkpoint(signed, keys.trusted_keys(log.origin))
    default_storage.save(checkpoint_storage_path(log.origin, size), ContentFile(signed.encode()))
    code, message = run_verify()
    assert code != 0 and "停用时间" in message


# Proof bundles: trust comes from outside the bundle


def _published_keys(log: Log, tmp_path: Path) -> Path:
    path = tmp_path / "keys.txt"
    call_command("ledger", "keys", "--log", log.organisation.code, "-o", str(path))
    return path


def test_proof_verifies_against_the_published_key_file(log: Log, tmp_path: Path) -> None:
    out = tmp_path / "proof.json"
    call_command("ledger", "proof", "3", "--log", log.organisation.code, "-o", str(out))
    result = StringIO()
    call_command("ledger", "verify-proof", str(out), "--key", str(_published_keys(log, tmp_path)), stdout=result)
    assert "证明有效" in result.getvalue()


def test_forged_bundle_with_its_own_keys_is_refused(log: Log, tmp_path: Path) -> None:
    key_file = _published_keys(log, tmp_path)
    signer_key, verifier_key = note.generate_key(log.origin)
    time_key, time_verifier = note.generate_key(log.origin, note.COSIGNATURE_V1)
    data = forged_entry(log, 0, b"", payload={"forged": True})
    root = merkle.leaf_hash(data)
    signed = note.sign_note(
        note.Checkpoint(log.origin, 1, root).to_text(),
        [note.parse_signer_key(signer_key), note.parse_signer_key(time_key)],
    )
    bundle = make_bundle(data, note.format_tlog_proof(0, [], signed), [verifier_key, time_verifier])
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match="伪造"):
        call_command("ledger", "verify-proof", str(forged), "--key", str(key_file))
    with pytest.raises(CommandError, match="伪造"):  # without --key: this machine's key folder, never the bundle's
        call_command("ledger", "verify-proof", str(forged))


def test_organisations_publish_their_verifier_keys_as_plain_text(log: Log) -> None:
    response = Client().get(f"/gongshi/ledger/{log.organisation.code}/keys.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    published = trust.parse_key_file(response.content.decode())
    assert {k.verifier_key_text for k in published} == set(keys.verifier_keys_text(log.origin))
    assert all(k.created is not None for k in published)
    assert Client().get("/gongshi/ledger/nobody/keys.txt").status_code == 404


# Origins


def test_every_log_gets_an_origin_of_its_own(log: Log) -> None:
    twin = make_org(OrgKind.COUNTY)
    assert log.origin.rsplit("/", 1)[0].endswith(log.organisation.code)
    assert log_for(twin).origin.rsplit("/", 2)[0] == log.origin.rsplit("/", 2)[0]
    assert log_for(twin).origin.rsplit("/", 1)[1] != log.origin.rsplit("/", 1)[1]


def test_fresh_database_beside_old_storage_checkpoints_says_another_log(log: Log) -> None:
    """A reinstall: the old database's checkpoints are still in storage under the organisation's code."""
    make_checkpoint(log)
    old_origin = log.origin.rsplit("/", 1)[0] + "/20250101-0123456789ab"
    signer = note.parse_signer_key(note.generate_key(old_origin)[0])
    old = note.sign_note(note.Checkpoint(old_origin, 900, merkle.EMPTY_ROOT).to_text(), [signer])
    default_storage.save(checkpoint_storage_path(old_origin, 900), ContentFile(old.encode()))
    code, output = run_verify()
    assert code == 0, output
    assert "另一日志" in output and old_origin in output


def test_a_sound_log_after_all_this_still_verifies(log: Log) -> None:
    make_checkpoint(log)
    make_person(log.organisation, Role.OFFICER)
    assert verify_log(log).ok
    code, output = run_verify("--deep")
    assert code == 0 and "台账核验通过" in output
    assert len(bytes(Entry.objects.get(log=log, seq=7).mac)) == keys.MAC_SIZE


def test_supervisors_verify_now_on_a_rewritten_log_refuses_to_sign_and_names_the_entry(log: Log) -> None:
    make_checkpoint(log)
    make_person(log.organisation, Role.OFFICER)
    drop_triggers()
    changed = bytes(entry(log, 2).data).replace(b'"role":"officer"', b'"role":"bureau_head"')
    sql(
        "UPDATE ledger_entry SET data = %s, leaf_hash = %s WHERE log_id = %s AND seq = 2",
        [changed, merkle.leaf_hash(changed), log.pk],
    )
    supervisor = make_person(log.organisation, Role.SUPERVISOR)
    client = Client()
    client.force_login(supervisor)
    page = client.post("/supervision/ledger/verify/", follow=True).content.decode()
    assert "拒绝签署" in page and "序号 2" in page
