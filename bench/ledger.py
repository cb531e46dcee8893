"""Ledger benchmark: append throughput, full verification at scale, proof size and proof-check time.

Run from the repository root::

    .venv/bin/python bench/ledger.py                 # full: 1,000,000 entries, 5,000 appends (about 4 minutes)
    .venv/bin/python bench/ledger.py --quick         # smoke check: 20,000 entries, 2,000 appends
    .venv/bin/python bench/ledger.py --postgres URL  # PostgreSQL server for the concurrent-writer part
    .venv/bin/python bench/ledger.py --no-postgres   # SQLite only

Every figure is set against a baseline measured in the same run on the same database (see bench/README.md). The
script makes its own environment before Django is imported: a temporary ``LAWTRACE_VAR_DIR`` (keys, media, secret)
and a SQLite file in it; the PostgreSQL part runs in a throwaway database (``lawtrace_bench_<random>``, dropped
``WITH (FORCE)`` at the end) on a loopback server, with each writer a separate process (``--writer``) that has its
own connection. Internal roles (``--writer``, ``--phase``) are started by the script itself.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import os
import platform
import pstats
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

from _environment import FOREIGN_VARIABLES
from _report import Row, judged, print_table, seconds

if TYPE_CHECKING:
    from lawtrace.ledger.models import Log
    from lawtrace.orgs.models import Organisation, User

SCRIPT = Path(__file__).resolve()
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/test"
MILLION = 1_000_000
INSERT_BATCH = 10_000  # rows per executemany when building the big log
READ_BATCH = 20_000  # rows per SELECT in the read-and-hash baseline (verify.py's BATCH)
BUNDLE_RUNS = 200
WAIT_LIMIT = 300.0  # seconds any wait for a child process may take
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# Variables that would point the benchmark at real keys, real object storage or a real host organisation.
# Goals (from the issue).
GOAL_SQLITE_APPENDS = 2_000.0  # appends/s, one writer
GOAL_POSTGRES_APPENDS = 1_000.0  # appends/s in total, 8 writers on one log
GOAL_VERIFY_SECONDS_PER_MILLION = 30.0
GOAL_VERIFY_RATIO = 3.0
GOAL_PROOF_BYTES = 2_048
GOAL_BUNDLE_CHECK_MS = 5.0

ROLES = ("officer", "unit_head", "legal_reviewer", "bureau_head", "archivist", "supervisor", "publisher")


class BenchError(RuntimeError):
    """A correctness check failed or a child process misbehaved: the figures cannot be trusted."""


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --- command line and environment (no Django import before configure_environment) --------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark lawtrace's ledger against same-run baselines.")
    parser.add_argument("--entries", type=int, help="size of the log to verify (default 1,000,000; --quick 20,000)")
    parser.add_argument("--appends", type=int, help="appends per measurement (default 5,000; --quick 2,000)")
    parser.add_argument("--writers", type=int, default=8, help="concurrent writer processes on PostgreSQL")
    parser.add_argument("--postgres", metavar="URL", default=DEFAULT_POSTGRES, help="loopback PostgreSQL server")
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL part")
    parser.add_argument("--postgres-scale", action="store_true", help="also build, verify and prove on PostgreSQL")
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke check")
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary of verify_log (SQLite)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (prints its path)")
    # Internal roles, started by the script itself.
    parser.add_argument("--writer", choices=("ledger", "plain"), help=argparse.SUPPRESS)
    parser.add_argument("--phase", choices=("setup", "check", "scale"), help=argparse.SUPPRESS)
    parser.add_argument("--org", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--index", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--sync-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.entries is None:
        args.entries = 20_000 if args.quick else MILLION
    if args.appends is None:
        args.appends = 2_000 if args.quick else 5_000
    if args.entries < 2 or args.appends < 1 or not 1 <= args.writers <= 64:
        parser.error("need --entries >= 2, --appends >= 1 and 1 <= --writers <= 64")
    return args


def configure_environment(args: argparse.Namespace) -> Path | None:
    """Set the variables settings.py reads, then start Django. Returns the temporary folder the main role made."""
    child = bool(args.writer or args.phase)
    workdir = None
    if child:
        if not os.environ.get("DATABASE_URL") or not os.environ.get("LAWTRACE_VAR_DIR"):
            raise BenchError("--writer and --phase are internal: the parent sets DATABASE_URL and LAWTRACE_VAR_DIR")
    else:
        for name in FOREIGN_VARIABLES:
            os.environ.pop(name, None)
        workdir = Path(tempfile.mkdtemp(prefix="lawtrace-bench-"))
        os.environ["LAWTRACE_VAR_DIR"] = str(workdir / "var")
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "lawtrace.settings"
    os.environ.setdefault("LAWTRACE_LOG_LEVEL", "WARNING")

    import django

    django.setup()
    if not args.writer:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    return workdir


# --- shared building blocks (Django is set up) -------------------------------------------------------------------


def bench_root() -> User:
    from lawtrace.orgs.models import User

    user = User.objects.filter(username="bench-root").first()
    return user or User.objects.create(username="bench-root", is_superuser=True, full_name="基准测试管理员")


def make_organisation(n: int) -> Organisation:
    """A root organisation made through the services (its creation is entry 0 of its log)."""
    from lawtrace.identifiers import credit_code_check_char
    from lawtrace.orgs import services
    from lawtrace.orgs.models import Organisation, OrgKind

    region = f"{150000 + n:06d}"
    first17 = f"11{region}MB{n:07d}"[:17]
    return services.save_organisation(
        actor=bench_root(),
        organisation=Organisation(
            name=f"基准测试{n}号医疗保障局",
            short_name=f"基准{n}医保",
            kind=OrgKind.PROVINCE,
            region_code=region,
            credit_code=first17 + credit_code_check_char(first17),
            seal_name=f"基准测试{n}号医疗保障局（印）",
            rulebook="inner-mongolia-2025",
        ),
    )


def role_payload(n: int, who: str = "") -> dict[str, Any]:
    """What ``orgs.services.grant_role`` records: ids and the role, nothing personal."""
    return {"assignment": f"{who}{n}", "person": str(1000 + n % 5000), "role": ROLES[n % len(ROLES)]}


def sample_entry_size(organisation: Organisation) -> int:
    """The byte size of a typical appended entry, for a same-size baseline row."""
    from lawtrace import clock
    from lawtrace.ledger.actions import LedgerAction
    from lawtrace.ledger.entry import ZERO_HASH_HEX, EntryFields, canonical_bytes
    from lawtrace.ledger.services import origin_for

    fields = EntryFields(
        log=origin_for(organisation),
        seq=12345,
        time=clock.now(),
        actor_id=None,
        actor_name=None,
        org=organisation.code,
        case=None,
        action=str(LedgerAction.ROLE_GRANTED),
        payload=role_payload(12345),
        evidence=[],
        prev=ZERO_HASH_HEX,
    )
    return len(canonical_bytes(fields))


def create_plain_table() -> None:
    """A plain table in the same database (not TEMP: a TEMP table would skip the WAL/commit path being compared)."""
    from django.db import connection

    kind = "bytea" if connection.vendor == "postgresql" else "BLOB"
    key = "bigserial PRIMARY KEY" if connection.vendor == "postgresql" else "INTEGER PRIMARY KEY"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS bench_plain (id {key}, k bigint NOT NULL, data {kind} NOT NULL, "
            f"leaf {kind} NOT NULL)"
        )


def append_loop(organisation: Organisation, count: int, who: str = "") -> None:
    from django.db import transaction

    from lawtrace.ledger.actions import LedgerAction
    from lawtrace.ledger.services import append

    for i in range(count):
        with transaction.atomic():
            append(
                action=LedgerAction.ROLE_GRANTED, actor=None, organisation=organisation, payload=role_payload(i, who)
            )


def plain_loop(count: int, size: int, who: int = 0) -> None:
    from django.db import connection, transaction

    data, leaf = b"x" * size, hashlib.sha256(b"bench").digest()
    for i in range(count):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_plain (k, data, leaf) VALUES (%s, %s, %s)", [who * 10**9 + i, data, leaf])


def check_log(organisation_id: int, expected: int) -> dict[str, Any]:
    """verify_log on one log, plus the row count and seq range: ok and gap-free means all of these agree."""
    from django.db.models import Count, Max, Min

    from lawtrace.ledger.models import Entry, Log
    from lawtrace.ledger.verify import verify_log

    log = Log.objects.select_related("organisation").get(organisation_id=organisation_id)
    report = verify_log(log)
    rows = Entry.objects.filter(log=log).aggregate(n=Count("id"), lo=Min("seq"), hi=Max("seq"))
    gap_free = rows["n"] == expected and rows["lo"] == 0 and rows["hi"] == expected - 1
    return {
        "ok": report.ok and gap_free and log.size == expected and report.entries == expected,
        "problem": report.problem,
        "size": log.size,
        "entries": report.entries,
        "rows": rows["n"],
        "expected": expected,
    }


# --- part 2 and 3: a big log, verified and proved ----------------------------------------------------------------


def build_log(organisation: Organisation, total: int) -> Log:
    """Grow the organisation's log to ``total`` entries with the real format and hash chain, inserted in bulk.

    Each entry is ``canonical_bytes`` of its fields (prev = the leaf hash before it) and its leaf hash is
    ``merkle.leaf_hash``, exactly as ``append`` makes them; only the per-row ORM round trips are skipped. The ledger
    table's triggers refuse UPDATE and DELETE, not INSERT. The mutable Log row gets the new size and head.
    """
    from django.db import connection, transaction

    from lawtrace.ledger import keys, merkle
    from lawtrace.ledger.actions import LedgerAction
    from lawtrace.ledger.entry import EntryFields, canonical_bytes
    from lawtrace.ledger.models import Log
    from lawtrace.ledger.services import log_for

    actor = bench_root()
    log = log_for(organisation)
    start, prev = log.size, bytes(log.head).hex()
    assert log.last_time is not None and start >= 1
    base = log.last_time + timedelta(milliseconds=1)
    action, actor_name, code = str(LedgerAction.ROLE_GRANTED), actor.get_full_name(), organisation.code
    adapt = connection.ops.adapt_datetimefield_value
    mac_key_id, mac_secret = keys.active_mac_key(log.origin)
    sql = (
        "INSERT INTO ledger_entry (log_id, seq, data, leaf_hash, mac, time, action, actor_id, case_number) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
    )
    leaf, when = bytes(log.head), log.last_time
    for low in range(start, total, INSERT_BATCH):
        rows = []
        for seq in range(low, min(total, low + INSERT_BATCH)):
            when = base + timedelta(milliseconds=seq - start)
            data = canonical_bytes(
                EntryFields(
                    log=log.origin,
                    seq=seq,
                    time=when,
                    actor_id=str(actor.pk),
                    actor_name=actor_name,
                    org=code,
                    case=None,
                    action=action,
                    payload=role_payload(seq),
                    evidence=[],
                    prev=prev,
                )
            )
            leaf = merkle.leaf_hash(data)
            prev = leaf.hex()
            mac = keys.entry_mac(mac_key_id, mac_secret, leaf)
            rows.append((log.pk, seq, data, leaf, mac, adapt(when), action, actor.pk, ""))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        if (low // INSERT_BATCH) % 20 == 19:
            progress(f"  built {low + len(rows):,} / {total:,}")
    Log.objects.filter(pk=log.pk).update(size=total, head=leaf, last_time=when)
    return Log.objects.select_related("organisation").get(pk=log.pk)


def read_and_hash(log_id: int) -> int:
    """The verification floor: read every entry's bytes in the same batches and hash each once."""
    from django.db import connection

    sha256, count, low = hashlib.sha256, 0, 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT data FROM ledger_entry WHERE log_id = %s AND seq >= %s ORDER BY seq LIMIT %s",
                [log_id, low, READ_BATCH],
            )
            rows = cursor.fetchall()
            for (data,) in rows:
                sha256(data).digest()
            count += len(rows)
            if len(rows) < READ_BATCH:
                return count
            low += len(rows)


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def scale(total: int, organisation_number: int, profile: bool = False) -> dict[str, Any]:
    """Build a log of ``total`` entries, checkpoint it, verify it against the baseline, prove one entry."""
    from django.db import connection

    from lawtrace.ledger import keys
    from lawtrace.ledger.bundle import verify_bundle
    from lawtrace.ledger.services import make_checkpoint, proof_bundle
    from lawtrace.ledger.verify import verify_log

    organisation = make_organisation(organisation_number)
    progress(f"{connection.vendor}: building a log of {total:,} entries, checkpointed half way")
    half, build_1 = timed(lambda: build_log(organisation, total // 2))
    if make_checkpoint(half) is None:
        raise BenchError("make_checkpoint did not sign the first half")
    log, build_2 = timed(lambda: build_log(organisation, total))
    build_s = build_1 + build_2
    progress(f"  built in {build_s:.1f} s; signing a checkpoint (consistency-proved against the first)")
    checkpoint, checkpoint_s = timed(lambda: make_checkpoint(log))
    if checkpoint is None or checkpoint.size != total:
        raise BenchError("make_checkpoint did not sign the built log")
    progress("  read-and-hash baseline")
    count, baseline_1 = timed(lambda: read_and_hash(log.pk))
    if count != total:
        raise BenchError(f"the baseline read {count} entries, expected {total}")
    progress("  verify_log")
    report, verify_s = timed(lambda: verify_log(log))
    if not report.ok or report.entries != total or report.checkpoints < 1:
        raise BenchError(f"verify_log: ok={report.ok} entries={report.entries} problem={report.problem}")
    progress("  read-and-hash baseline again (the faster run counts)")
    _, baseline_2 = timed(lambda: read_and_hash(log.pk))
    if profile:
        profiler = cProfile.Profile()
        profiler.runcall(verify_log, log)
        print("\ncProfile of verify_log (sorted by own time):", file=sys.stderr)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(14)

    seq = total // 2
    progress(f"  proof bundle for seq {seq:,}")
    bundle, proof_s = timed(lambda: proof_bundle(log, seq))
    text = json.dumps(bundle, ensure_ascii=False, indent=2) + "\n"  # as `lawtrace ledger proof` writes it
    received = json.loads(text)
    trusted = keys.trusted_keys(log.origin)  # as from the organisation's published key file
    runs = []
    for _ in range(BUNDLE_RUNS):
        verified, elapsed = timed(lambda: verify_bundle(received, trusted))
        runs.append(elapsed)
        if verified.entry["seq"] != seq:
            raise BenchError("verify_bundle returned another entry")
    tlog = bundle["tlog_proof"]
    return {
        "vendor": connection.vendor,
        "entries": total,
        "build_s": build_s,
        "checkpoint_s": checkpoint_s,
        "verify_s": verify_s,
        "baseline_s": min(baseline_1, baseline_2),
        "checkpoints": report.checkpoints,
        "proof_seq": seq,
        "proof_s": proof_s,
        "proof_hashes": sum(1 for line in tlog.split("\n\n", 1)[0].splitlines()[2:]),
        "tlog_bytes": len(tlog.encode()),
        "bundle_bytes": len(text.encode()),
        "bundle_ms": statistics.median(runs) * 1000,
    }


# --- internal roles ----------------------------------------------------------------------------------------------


def emit(result: dict[str, Any]) -> None:
    """A child's result: one JSON line, last on stdout."""
    print(json.dumps(result), flush=True)


def writer_main(args: argparse.Namespace) -> None:
    """One writer process: connect, say ready, wait for the start signal, then append (or insert) its share."""
    from django.db import connection

    from lawtrace.orgs.models import Organisation

    assert args.sync_dir is not None and args.count is not None
    organisation = Organisation.objects.get(pk=args.org) if args.writer == "ledger" else None
    connection.ensure_connection()
    (args.sync_dir / f"ready-{args.index}").touch()
    deadline = time.monotonic() + WAIT_LIMIT
    while not (args.sync_dir / "start").exists():
        if time.monotonic() > deadline:
            raise BenchError("no start signal")
        time.sleep(0.001)
    started = time.perf_counter()
    if organisation is not None:
        append_loop(organisation, args.count, who=f"w{args.index}-")
    else:
        plain_loop(args.count, args.size or 350, who=args.index + 1)
    emit({"count": args.count, "seconds": time.perf_counter() - started})


def phase_main(args: argparse.Namespace) -> None:
    if args.phase == "setup":
        organisation = make_organisation(1)
        create_plain_table()
        emit({"org": organisation.pk, "entry_size": sample_entry_size(organisation)})
    elif args.phase == "check":
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM bench_plain")
            plain_rows = cursor.fetchone()[0]
        emit({**check_log(args.org, args.count), "plain_rows": plain_rows})
    elif args.phase == "scale":
        emit(scale(args.count, organisation_number=2))


# --- the main role -----------------------------------------------------------------------------------------------


def sqlite_appends(count: int) -> list[Row]:
    from django.db import connection

    organisation = make_organisation(1)
    create_plain_table()
    size = sample_entry_size(organisation)
    progress(f"sqlite: {count:,} plain inserts of {size} bytes, then {count:,} appends, one writer")
    _, plain_s = timed(lambda: plain_loop(count, size))
    _, ledger_s = timed(lambda: append_loop(organisation, count))
    check = check_log(organisation.pk, 1 + count)
    rate, plain_rate = count / ledger_s, count / plain_s
    version = sqlite3.sqlite_version if connection.vendor == "sqlite" else connection.vendor
    return [
        Row(
            f"SQLite {version}, 1 writer: appends/s ({count:,})",
            f"{rate:,.0f}/s",
            f"{plain_rate:,.0f}/s plain INSERT",
            f"{rate / plain_rate:.2f}x",
            f">= {GOAL_SQLITE_APPENDS:,.0f}/s",
            judged(rate >= GOAL_SQLITE_APPENDS),
        ),
        Row(
            "  that log: verify_log ok and gap-free",
            f"{check['rows']:,} entries",
            goal="ok",
            status="PASS" if check["ok"] else "FAIL",
        ),
    ]


def is_loopback(url: str) -> bool:
    parts = urlsplit(url)
    hosts = [parts.hostname or "", *parse_qs(parts.query).get("host", [])]
    return all(not h or h in LOOPBACK or h.startswith("/") for h in hosts)


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def run_child(env: dict[str, str], *options: str) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603 - this script, with arguments it built
        [sys.executable, str(SCRIPT), *options], env=env, stdout=subprocess.PIPE, text=True, timeout=3600, check=False
    )
    if done.returncode != 0:
        raise BenchError(f"child {options[:2]} exited with {done.returncode}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run_writers(env: dict[str, str], sync_dir: Path, writers: int, options: list[str]) -> float:
    """Start the writers, wait until all are connected, signal the start; wall time until the last has finished."""
    sync_dir.mkdir()
    procs = [
        subprocess.Popen(  # noqa: S603 - this script, with arguments it built
            [sys.executable, str(SCRIPT), *options, "--sync-dir", str(sync_dir), "--index", str(i)],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(writers)
    ]
    try:
        deadline = time.monotonic() + WAIT_LIMIT
        while sum(1 for _ in sync_dir.glob("ready-*")) < writers:
            if any(p.poll() is not None for p in procs):
                raise BenchError("a writer exited before it was ready")
            if time.monotonic() > deadline:
                raise BenchError("writers were not ready in time")
            time.sleep(0.01)
        started = time.perf_counter()
        (sync_dir / "start").touch()
        codes = [p.wait(timeout=WAIT_LIMIT * 4) for p in procs]
        wall = time.perf_counter() - started
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        for p in procs:
            if p.stdout:
                p.stdout.close()
    if codes != [0] * writers:
        raise BenchError(f"writer exit codes {codes}")
    return wall


@contextmanager
def throwaway_postgres(url: str) -> Iterator[tuple[str, str]]:
    """A new database on the server of ``url``, dropped WITH (FORCE) afterwards; yields (its URL, server version)."""
    import psycopg

    admin = with_database(url, "postgres")
    name = f"lawtrace_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
        version = str(conn.execute("SHOW server_version").fetchone()[0]).split()[0]  # type: ignore[index]
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(url, name), version
    finally:
        with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_part(args: argparse.Namespace, workdir: Path) -> tuple[list[Row], dict[str, Any] | None]:
    import psycopg

    notice = Row(f"PostgreSQL, {args.writers} writers, one log: appends/s", "skipped", status="SKIP")
    if args.no_postgres:
        return [notice], None
    if not is_loopback(args.postgres):
        progress(f"refusing {args.postgres}: only a loopback PostgreSQL server is used")
        return [notice], None
    try:
        psycopg.connect(with_database(args.postgres, "postgres"), connect_timeout=3).close()
    except psycopg.Error as e:
        reason = (str(e).strip().splitlines() or ["no reason given"])[0][:120]
        print(f"NOTICE: PostgreSQL not reachable at {args.postgres} ({reason}); part skipped.")
        return [notice], None

    each = max(1, args.appends // args.writers)
    total = each * args.writers
    with throwaway_postgres(args.postgres) as (url, version):
        env = {**os.environ, "DATABASE_URL": url, "LAWTRACE_VAR_DIR": str(workdir / "pg-var")}
        setup = run_child(env, "--phase", "setup")
        org, size = str(setup["org"]), str(setup["entry_size"])
        progress(f"postgresql: {args.writers} writers x {each:,} plain inserts, then x {each:,} appends to one log")
        plain = ["--writer", "plain", "--count", str(each), "--size", size]
        plain_s = run_writers(env, workdir / "sync-plain", args.writers, plain)
        ledger = ["--writer", "ledger", "--org", org, "--count", str(each)]
        ledger_s = run_writers(env, workdir / "sync-ledger", args.writers, ledger)
        check = run_child(env, "--phase", "check", "--org", org, "--count", str(1 + total))
        scaled = run_child(env, "--phase", "scale", "--count", str(args.entries)) if args.postgres_scale else None
    rate, plain_rate = total / ledger_s, total / plain_s
    rows = [
        Row(
            f"PostgreSQL {version}, {args.writers} writers, one log: appends/s ({total:,})",
            f"{rate:,.0f}/s",
            f"{plain_rate:,.0f}/s plain INSERT",
            f"{rate / plain_rate:.2f}x",
            f">= {GOAL_POSTGRES_APPENDS:,.0f}/s",
            judged(rate >= GOAL_POSTGRES_APPENDS),
        ),
        Row(
            "  that log: verify_log ok and gap-free",
            f"{check['rows']:,} entries",
            goal=f"size {1 + total:,}",
            status="PASS" if check["ok"] and check["plain_rows"] == total else "FAIL",
        ),
    ]
    return rows, scaled


def scale_rows(result: dict[str, Any]) -> list[Row]:
    name = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(result["vendor"], result["vendor"])
    n = result["entries"]
    limit = GOAL_VERIFY_SECONDS_PER_MILLION * n / MILLION
    ratio = result["verify_s"] / result["baseline_s"]
    return [
        Row(f"{name}: build {n:,}-entry log (bulk INSERT)", seconds(result["build_s"])),
        Row(f"{name}: make_checkpoint at {n:,}", seconds(result["checkpoint_s"])),
        Row(
            f"{name}: verify_log, {n:,} entries",
            f"{seconds(result['verify_s'])} ({n / result['verify_s']:,.0f}/s)",
            f"{seconds(result['baseline_s'])} read+sha256",
            f"{ratio:.1f}x",
            f"< {limit:g} s" + ("" if n == MILLION else " (30 s per 1M)"),
            judged(result["verify_s"] < limit),
        ),
        Row(f"{name}: verify_log vs read+sha256", f"{ratio:.1f}x", goal="<= 3x", status=judged(ratio <= 3)),
        Row(
            f"{name}: tlog-proof of seq {result['proof_seq']:,} ({result['proof_hashes']} hashes)",
            f"{result['tlog_bytes']:,} B",
            goal=f"< {GOAL_PROOF_BYTES:,} B",
            status=judged(result["tlog_bytes"] < GOAL_PROOF_BYTES),
        ),
        Row(f"{name}: whole JSON bundle (as `ledger proof` writes it)", f"{result['bundle_bytes']:,} B"),
        Row(f"{name}: proof_bundle (generate)", f"{result['proof_s'] * 1000:,.0f} ms"),
        Row(
            f"{name}: verify_bundle, median of {BUNDLE_RUNS}",
            f"{result['bundle_ms']:.2f} ms",
            goal=f"< {GOAL_BUNDLE_CHECK_MS:g} ms",
            status=judged(result["bundle_ms"] < GOAL_BUNDLE_CHECK_MS),
        ),
    ]


def main_role(args: argparse.Namespace, workdir: Path) -> int:
    started = time.perf_counter()
    rows = sqlite_appends(args.appends)
    pg_rows, pg_scaled = postgres_part(args, workdir)
    rows += pg_rows
    rows += scale_rows(scale(args.entries, organisation_number=2, profile=args.profile))
    if pg_scaled:
        rows += scale_rows(pg_scaled)
    print(
        f"\nlawtrace ledger benchmark, {datetime.now(UTC).date().isoformat()} — {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {args.entries:,} entries, {args.appends:,} appends, "
        f"{time.perf_counter() - started:.0f} s in all\n"
    )
    print_table(rows)
    sys.stdout.flush()
    failed = [r.measure.strip() for r in rows if r.status == "FAIL"]
    if failed:
        print(f"\nFAILED correctness checks: {', '.join(failed)}")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = configure_environment(args)
    if args.writer:
        writer_main(args)
        return 0
    if args.phase:
        phase_main(args)
        return 0
    assert workdir is not None
    try:
        return main_role(args, workdir)
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
