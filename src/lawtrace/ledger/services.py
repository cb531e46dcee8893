"""Writing to the ledger: :func:`append` (called by every service inside its own transaction) and checkpoints.

Appends to one log are serialised: on PostgreSQL by ``SELECT … FOR UPDATE`` on the log's row (the race it prevents:
two app servers reading the same size and both writing entry N — the unique (log, seq) constraint would refuse the
second, but the lock makes it wait instead of fail); on SQLite every write transaction already holds the database's
write lock from its start (``transaction_mode=IMMEDIATE``). Different organisations' logs do not block each other on
PostgreSQL.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from lawtrace import clock
from lawtrace.ledger import keys, merkle, note, trust
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.entry import ZERO_HASH_HEX, EntryFields, canonical_bytes
from lawtrace.ledger.models import Checkpoint, Entry, Log
from lawtrace.orgs.models import Organisation, User


class LedgerError(RuntimeError):
    pass


def origin_for(organisation: Organisation) -> str:
    """A new log's origin: ``<host>/lawtrace/<org code>/<log id>``. The log id (the creation date and 48 random bits)
    is made once, when the log is created, so no two databases — a reinstall, a restored copy, a second deployment —
    ever share an origin, and checkpoints of another log are never mistaken for this one's."""
    log_id = f"{clock.now().astimezone(UTC):%Y%m%d}-{secrets.token_hex(6)}"
    return f"{settings.LAWTRACE_HOST}/lawtrace/{organisation.code}/{log_id}"


def host_organisation() -> Organisation:
    """The organisation whose log takes events that belong to no organisation (DESIGN: the hosting organisation)."""
    code = getattr(settings, "LAWTRACE_HOST_ORGANISATION", "")
    qs = Organisation.objects.all()
    org = (qs.filter(credit_code=code).first() if code else None) or qs.filter(parent=None).order_by("pk").first()
    if org is None:
        raise LedgerError("尚未建立任何组织，无法记账")
    return org


def log_for(organisation: Organisation) -> Log:
    log, _ = Log.objects.get_or_create(organisation=organisation, defaults={"origin": origin_for(organisation)})
    return log


def append(
    *,
    action: LedgerAction,
    actor: User | None,
    organisation: Organisation | None,
    payload: Mapping[str, Any],
    case_number: str = "",
    evidence: Sequence[str] = (),
) -> Entry:
    """Append one entry to the organisation's log, inside the caller's transaction.

    Must be called within ``transaction.atomic``: the entry and the rows it describes commit together or not at all.
    """
    db = connections[DEFAULT_DB_ALIAS]  # once: every use of the ``connection`` proxy looks the connection up again
    if not db.in_atomic_block:
        raise LedgerError("ledger.append must run inside the action's transaction")
    organisation = organisation or host_organisation()
    tail_key = (db.alias, str(db.settings_dict.get("NAME")), organisation.pk)
    actor_id = actor.pk if actor is not None and actor.pk else None
    # Two plain statements when this process made the log's last append (the usual case for one writer): the
    # conditional UPDATE both takes the log row's lock and proves the remembered tail is still the log's head; any
    # other append since (another server, a rolled-back transaction) makes it match no row, and the append reads
    # the head under lock as below. Plain SQL rather than the ORM: an append is the hottest write in the system, and
    # compiling ORM queries cost four times SQLite's own work (bench/ledger.py).
    cached = _tails.get(tail_key)
    if cached is not None:
        made = _make(db, cached, action, actor, actor_id, organisation, payload, case_number, evidence)
        log_id, _, size, prev_leaf, _ = cached
        with db.cursor() as cursor:
            cursor.execute(
                "UPDATE ledger_log SET size = %s, head = %s, last_time = %s "
                "WHERE id = %s AND organisation_id = %s AND size = %s AND head = %s",
                [size + 1, made.leaf_hash, made.stored_time, log_id, organisation.pk, size, prev_leaf],
            )
            if cursor.rowcount == 1:
                _insert(cursor, cached, made, action, actor_id, case_number)
                _tails[tail_key] = (log_id, cached[1], size + 1, made.leaf_hash, made.time)
                return made.entry(cached, action, actor_id, case_number)
    # Three statements: lock and read the head, insert, advance the head.
    head = _lock_head(organisation)
    if head is None:  # the organisation's first entry (normally its own creation, in the same transaction)
        log_for(organisation)
        head = _lock_head(organisation)
        assert head is not None
    made = _make(db, head, action, actor, actor_id, organisation, payload, case_number, evidence)
    log_id, origin, size, _, _ = head
    with db.cursor() as cursor:
        _insert(cursor, head, made, action, actor_id, case_number)
        cursor.execute(
            "UPDATE ledger_log SET size = %s, head = %s, last_time = %s WHERE id = %s",
            [size + 1, made.leaf_hash, made.stored_time, log_id],
        )
    _tails[tail_key] = (log_id, origin, size + 1, made.leaf_hash, made.time)
    return made.entry(head, action, actor_id, case_number)


Head = tuple[int, str, int, bytes, datetime | None]  # log id, origin, size, last leaf hash, last time

# The tail this process last appended to each log, by (database alias, database name, organisation): a guess that
# saves reading the head, never trusted — the conditional UPDATE in ``append`` checks it against the locked row.
_tails: dict[tuple[str, str, int], Head] = {}


class _Made:
    """One entry's bytes and what is stored beside them, made from the head it follows."""

    __slots__ = ("data", "leaf_hash", "mac", "stored_time", "time")

    def __init__(self, db: BaseDatabaseWrapper, data: bytes, leaf: bytes, mac: bytes, time: datetime) -> None:
        self.data, self.leaf_hash, self.mac, self.time = data, leaf, mac, time
        self.stored_time = db.ops.adapt_datetimefield_value(time)

    def entry(self, head: Head, action: LedgerAction, actor_id: int | None, case_number: str) -> Entry:
        return Entry(
            log_id=head[0],
            seq=head[2],
            data=self.data,
            leaf_hash=self.leaf_hash,
            mac=self.mac,
            time=self.time,
            action=str(action),
            actor_id=actor_id,
            case_number=case_number,
        )


def _make(
    db: BaseDatabaseWrapper,
    head: Head,
    action: LedgerAction,
    actor: User | None,
    actor_id: int | None,
    organisation: Organisation,
    payload: Mapping[str, Any],
    case_number: str,
    evidence: Sequence[str],
) -> _Made:
    _, origin, size, prev_leaf, last_time = head
    mac_key_id, mac_secret = keys.active_mac_key(origin)
    now = clock.now()
    # Ledger time is monotonic within a log, even if a server's clock steps back.
    if last_time and now <= last_time:
        now = last_time + timedelta(microseconds=1)
    fields = EntryFields(
        log=origin,
        seq=size,
        time=now,
        actor_id=None if actor is None else str(actor.pk),
        actor_name=None if actor is None else actor.get_full_name(),
        org=organisation.code,
        case=case_number or None,
        action=str(action),
        payload=payload,
        evidence=list(evidence),
        prev=prev_leaf.hex() if size else ZERO_HASH_HEX,
    )
    data = canonical_bytes(fields)
    leaf = merkle.leaf_hash(data)
    return _Made(db, data, leaf, keys.entry_mac(mac_key_id, mac_secret, leaf), now)


def _insert(cursor: Any, head: Head, made: _Made, action: LedgerAction, actor_id: int | None, case_number: str) -> None:
    cursor.execute(
        "INSERT INTO ledger_entry (log_id, seq, data, leaf_hash, mac, time, action, actor_id, case_number) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [head[0], head[2], made.data, made.leaf_hash, made.mac, made.stored_time, str(action), actor_id, case_number],
    )


def _lock_head(organisation: Organisation) -> Head | None:
    """The log's head, locked until the transaction ends (PostgreSQL ``FOR UPDATE``; on SQLite the IMMEDIATE
    transaction already holds the database's write lock). The race it prevents: two servers writing entry N."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, origin, size, head, last_time FROM ledger_log WHERE organisation_id = %s{lock}",  # noqa: S608
            [organisation.pk],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    log_id, origin, size, prev_leaf, last_time = row
    if isinstance(last_time, str):  # SQLite returns text
        last_time = parse_datetime(last_time)
    if last_time is not None and timezone.is_naive(last_time):
        last_time = timezone.make_aware(last_time, UTC)
    return log_id, origin, size, bytes(prev_leaf or b""), last_time


def leaf_hashes(log: Log, size: int | None = None) -> list[bytes]:
    qs = Entry.objects.filter(log=log).order_by("seq")
    if size is not None:
        qs = qs.filter(seq__lt=size)
    return [bytes(h) for h in qs.values_list("leaf_hash", flat=True).iterator(chunk_size=10000)]


def checkpoint_storage_path(origin: str, size: int) -> str:
    """Where a signed checkpoint is kept outside the database (DESIGN: ``checkpoints/<origin>/<size>``)."""
    return f"checkpoints/{origin}/{size}"


class CheckpointRefused(LedgerError):
    """Signing would contradict what the log already signed: the tree is not an extension of the last checkpoint."""


def _last_signed(log: Log) -> tuple[int, bytes, str] | None:
    """The largest checkpoint signed by a trusted key, in the database or in storage: (size, root, where)."""
    found = None
    for where, size, signed in known_checkpoints(log):
        try:
            cp = trust.open_trusted_checkpoint(signed, keys.trusted_keys(log.origin)).checkpoint
        except note.NoteError:
            continue
        if cp.origin == log.origin and cp.size == size and (found is None or size > found[0]):
            found = (size, cp.root_hash, where)
    return found


def known_checkpoints(log: Log) -> list[tuple[str, int, str]]:
    """Every checkpoint of the log that can be found: (where, size, signed note), database rows and storage files."""
    found = [(f"数据库检查点（{cp.size}条）", cp.size, cp.note) for cp in Checkpoint.objects.filter(log=log)]
    folder = f"checkpoints/{log.origin}"
    try:
        _, files = default_storage.listdir(folder)
    except FileNotFoundError:
        files = []
    for name in sorted((f for f in files if f.isdigit()), key=int):
        with default_storage.open(f"{folder}/{name}", "rb") as f:
            found.append((f"存储中的签名检查点（{name}条）", int(name), f.read().decode("utf-8", "replace")))
    return found


@transaction.atomic
def make_checkpoint(log: Log) -> Checkpoint | None:
    """Sign the log's current tree head, store it in the database and, outside it, in the storage backend.

    Before signing, the new tree is proved consistent (RFC 6962 consistency proof) with the last checkpoint signed by
    a trusted key; a log rewritten or truncated behind the application's back is refused (``CheckpointRefused``), so
    the next checkpoint can never bless rewritten history. Returns None when there is nothing new to sign.
    """
    log = Log.objects.select_for_update().get(pk=log.pk)
    if log.size == 0 or Checkpoint.objects.filter(log=log, size=log.size).exists():
        return None
    leaves = leaf_hashes(log, log.size)
    if len(leaves) != log.size:
        raise CheckpointRefused(f"拒绝签署 {log.origin}：日志头记载 {log.size} 条，实有 {len(leaves)} 条")
    root = merkle.root_from_leaf_hashes(leaves)
    if (last := _last_signed(log)) is not None:
        old_size, old_root, where = last
        if old_size > log.size:
            raise CheckpointRefused(
                f"拒绝签署 {log.origin}：{where}已签署 {old_size} 条，日志现只有 {log.size} 条（被截断）"
            )
        if old_size == log.size:
            if old_root != root:
                raise CheckpointRefused(f"拒绝签署 {log.origin}：{log.size} 条的根哈希与{where}不同（历史被改写）")
            return None
        try:
            proof = merkle.consistency_proof(leaves, old_size, log.size)
            merkle.verify_consistency(old_size, log.size, proof, old_root, root)
        except merkle.ProofError as e:
            raise CheckpointRefused(
                f"拒绝签署 {log.origin}：当前的树与{where}不一致，不是它的追加（此前的条目被改写）：{e}"
            ) from e
    signers = keys.signers_for(log.origin)
    text = note.Checkpoint(log.origin, log.size, root).to_text()
    signed = note.sign_note(text, [signers.signer, signers.time_signer])
    checkpoint = Checkpoint.objects.create(
        log=log, size=log.size, root_hash=root, time=clock.now(), key_id=f"{signers.signer.key_id:08x}", note=signed
    )
    path = checkpoint_storage_path(log.origin, log.size)
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(signed.encode()))
    return checkpoint


def make_checkpoints(refused: list[str] | None = None) -> list[Checkpoint]:
    """Checkpoint every log that grew since its last checkpoint (the periodic task and ``ledger checkpoint``).

    A log whose checkpoint is refused does not stop the others; the refusal is appended to ``refused``.
    """
    made = []
    for log in Log.objects.all():
        try:
            cp = make_checkpoint(log)
        except (CheckpointRefused, keys.TrustError) as e:
            if refused is None:
                raise
            refused.append(str(e))
            continue
        if cp is not None:
            made.append(cp)
    return made


@transaction.atomic
def rotate_key(*, actor: User, organisation: Organisation) -> str:
    """Replace the log's signing keys; earlier checkpoints stay verifiable with the kept public keys."""
    log = log_for(organisation)
    new = keys.rotate(log.origin)
    append(
        action=LedgerAction.KEY_ROTATED,
        actor=actor,
        organisation=organisation,
        payload={"key_id": f"{new.signer.key_id:08x}", "time_key_id": f"{new.time_signer.key_id:08x}"},
    )
    return f"{new.signer.key_id:08x}"


def proof_bundle(log: Log, seq: int) -> dict[str, Any]:
    """The self-contained proof of one entry (see ``bundle.py``), against the log's latest checkpoint."""
    from lawtrace.ledger.bundle import make_bundle

    entry = Entry.objects.get(log=log, seq=seq)
    # The latest checkpoint a witness cosigned, if one covers the entry (a verifier may require the witness), else
    # the latest one; its cosignature lines travel with its note.
    covering = Checkpoint.objects.filter(log=log, size__gt=seq)
    checkpoint = (
        covering.filter(cosignatures__isnull=False).order_by("-size").first()
        or covering.order_by("-size").first()
        or make_checkpoint(log)
    )
    if checkpoint is None:
        raise LedgerError(f"序号 {seq} 不在日志中")
    leaves = leaf_hashes(log, checkpoint.size)
    proof = merkle.inclusion_proof(leaves, seq, checkpoint.size)
    signed_note = checkpoint.note + "".join(c.line for c in checkpoint.cosignatures.order_by("witness"))
    tlog = note.format_tlog_proof(seq, proof, signed_note)
    return make_bundle(bytes(entry.data), tlog, keys.verifier_keys_text(log.origin))
