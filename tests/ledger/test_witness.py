"""A witness that is not the DBA (issue 15): the parent organisation's witness cosigns its children's checkpoints over
C2SP tlog-witness, in a process of its own with its own key folder, refuses anything inconsistent with what it saw;
the cosignatures are kept with the checkpoints, shown on the supervisor's 台账 page and published; and anyone can
monitor the published checkpoint from outside."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from lawtrace.ledger import keys, merkle, note
from lawtrace.ledger.models import Cosignature, Log
from lawtrace.ledger.monitor import MonitorError, watch
from lawtrace.ledger.services import log_for, make_checkpoint
from lawtrace.ledger.witness import Witness, format_request, make_server
from lawtrace.ledger.witnessing import published_checkpoint, submit, submit_all
from lawtrace.orgs.models import OrgKind, Role
from tests.factories import make_org, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def child() -> Log:
    parent = make_org(OrgKind.CITY, make_org(OrgKind.PROVINCE))
    county = make_org(OrgKind.COUNTY, parent)
    for _ in range(3):
        make_person(county, Role.OFFICER)
    log = log_for(county)
    make_checkpoint(log)
    return log


@pytest.fixture
def witness(child: Log, tmp_path: Path) -> Iterator[tuple[Witness, str, str]]:
    """The parent's witness, serving on a port of its own; yields (witness, URL, its verifier key)."""
    folder = tmp_path / "witness"  # not the log's key folder: another hand
    parent = child.organisation.parent
    assert parent is not None
    vkey = Witness.create(folder, f"lawtrace.local/lawtrace/witness/{parent.code}")
    Witness.add_log(folder, keys.published_key_file(child.origin))
    server_witness = Witness(folder)
    server = make_server(server_witness, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server_witness, f"http://127.0.0.1:{server.server_port}", vkey
    server.shutdown()
    server.server_close()


def test_the_parents_witness_cosigns_and_the_cosignature_is_kept_shown_and_published(
    child: Log, witness: tuple[Witness, str, str], settings: object
) -> None:
    _, url, vkey = witness
    parent = child.organisation.parent
    settings.LAWTRACE_WITNESSES = {parent.code: (url, vkey)}  # type: ignore[attr-defined, union-attr]
    made = submit_all()
    assert len(made) == 1 and made[0].witness == note.parse_verifier_key(vkey).name
    published = published_checkpoint(child)
    assert published is not None
    _, names = note.open_note(published, [note.parse_verifier_key(vkey), *keys.verifiers_for(child.origin)])
    assert note.parse_verifier_key(vkey).name in names and child.origin in names

    response = Client().get(f"/gongshi/ledger/{child.organisation.code}/checkpoint.txt")
    assert response.status_code == 200 and response.content.decode() == published

    supervisor = make_person(parent, Role.SUPERVISOR)  # type: ignore[arg-type]
    page = Client()
    page.force_login(supervisor)
    html = page.get("/supervision/ledger/").content.decode()
    assert made[0].witness in html


def test_the_witness_checks_consistency_from_what_it_saw(child: Log, witness: tuple[Witness, str, str]) -> None:
    server_witness, url, vkey = witness
    first = child.checkpoints.get()
    submit(first, url, vkey)
    make_person(child.organisation, Role.OFFICER)
    second = make_checkpoint(child)
    assert second is not None
    cosignature = submit(second, url, vkey)  # old = the first size, with its RFC 6962 proof
    assert cosignature.checkpoint == second
    seen = server_witness.latest(child.origin)
    assert seen is not None and seen.size == second.size


def _signed_by_the_log(log: Log, size: int, root: bytes) -> str:
    signers = keys.signers_for(log.origin)
    return note.sign_note(note.Checkpoint(log.origin, size, root).to_text(), [signers.signer, signers.time_signer])


def test_the_witness_refuses_an_inconsistent_checkpoint_even_signed_by_the_logs_own_key(
    child: Log, witness: tuple[Witness, str, str]
) -> None:
    server_witness, url, vkey = witness
    first = child.checkpoints.get()
    submit(first, url, vkey)
    # Another history, one entry longer, signed with the log's key: what a split view would show someone else.
    other = [merkle.leaf_hash(b"rewritten")] * (first.size + 1)
    forged = _signed_by_the_log(child, first.size + 1, merkle.root_from_leaf_hashes(other))
    proof = merkle.consistency_proof(other, first.size, first.size + 1)
    answer = server_witness.add_checkpoint(format_request(first.size, proof, forged))
    assert answer.status == 422 and "不一致" in answer.body
    # The same size with another root is a conflict, and the witness's memory is unchanged.
    same_size = _signed_by_the_log(child, first.size, merkle.root_from_leaf_hashes(other[: first.size]))
    assert server_witness.add_checkpoint(format_request(first.size, [], same_size)).status == 409
    seen = server_witness.latest(child.origin)
    assert seen is not None and seen.root_hash == bytes(first.root_hash)


def test_the_witness_refuses_unknown_keys_unknown_logs_and_a_stale_old_size(
    child: Log, witness: tuple[Witness, str, str]
) -> None:
    server_witness, _, _ = witness
    stranger = note.parse_signer_key(note.generate_key(child.origin)[0])
    cp = child.checkpoints.get()
    forged = note.sign_note(note.Checkpoint(child.origin, cp.size, bytes(cp.root_hash)).to_text(), [stranger])
    assert server_witness.add_checkpoint(format_request(0, [], forged)).status == 403
    other_log = note.parse_signer_key(note.generate_key("lawtrace.local/lawtrace/X/1")[0])
    unknown = note.sign_note(
        note.Checkpoint("lawtrace.local/lawtrace/X/1", 1, merkle.EMPTY_ROOT).to_text(), [other_log]
    )
    assert server_witness.add_checkpoint(format_request(0, [], unknown)).status == 404
    stale = server_witness.add_checkpoint(format_request(3, [], cp.note))
    assert stale.status == 409 and stale.body == "0\n" and stale.content_type == "text/x.tlog.size"
    assert server_witness.add_checkpoint(b"garbage").status == 400


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_lawtrace_witness_serve_runs_as_its_own_process(child: Log, tmp_path: Path) -> None:
    folder = tmp_path / "witness-process"
    vkey_out = StringIO()
    call_command(
        "witness", "init", "--dir", str(folder), "--name", "lawtrace.local/lawtrace/witness/p", stdout=vkey_out
    )
    key_file = tmp_path / "child.keys.txt"
    call_command("ledger", "keys", "--log", child.organisation.code, "-o", str(key_file))
    call_command("witness", "add-log", "--dir", str(folder), str(key_file), stdout=StringIO())
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    process = subprocess.Popen(
        [sys.executable, "-m", "lawtrace.cli", "witness", "serve", "--dir", str(folder), "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        out = StringIO()
        call_command(
            "ledger",
            "witness",
            f"http://127.0.0.1:{port}",
            "--witness-key",
            vkey_out.getvalue().strip(),
            "--log",
            child.organisation.code,
            stdout=out,
        )
        assert "联署" in out.getvalue()
        assert Cosignature.objects.filter(checkpoint__log=child).count() == 1
    finally:
        process.terminate()
        process.wait(timeout=10)


def _portal(url: str) -> str:
    """The public portal over Django's test client (the same views a monitor reaches over HTTPS)."""
    response = Client().get(url)
    if response.status_code != 200:
        raise MonitorError(f"HTTP {response.status_code}")
    return response.content.decode()


def test_monitor_keeps_what_it_saw_and_reports_a_rewritten_history(
    child: Log, witness: tuple[Witness, str, str], tmp_path: Path
) -> None:
    _, url, vkey = witness
    submit(child.checkpoints.get(), url, vkey)
    base = f"/gongshi/ledger/{child.organisation.code}"
    state = tmp_path / "monitor.txt"
    assert "首次记录" in watch(f"{base}/checkpoint.txt", f"{base}/keys.txt", state, fetch=_portal)

    make_person(child.organisation, Role.OFFICER)
    submit(make_checkpoint(child), url, vkey)  # type: ignore[arg-type]
    found = watch(f"{base}/checkpoint.txt", f"{base}/keys.txt", state, fetch=_portal)  # proof via consistency.txt
    assert "一致" in found and "联署" in found
    assert len((tmp_path / "monitor.log").read_text().splitlines()) == 2

    # What the monitor saw last time is now contradicted: another root for the size it knows.
    seen = note.Checkpoint.parse(note.parse_note(state.read_text()).text)
    other = _signed_by_the_log(child, seen.size, merkle.root_from_leaf_hashes([merkle.leaf_hash(b"x")] * seen.size))
    state.write_text(other)
    with pytest.raises(MonitorError, match="分叉"):
        watch(f"{base}/checkpoint.txt", f"{base}/keys.txt", state, fetch=_portal)
    # and a smaller tree than it saw is a rollback
    smaller = _signed_by_the_log(child, seen.size + 5, merkle.EMPTY_ROOT)
    state.write_text(smaller)
    with pytest.raises(MonitorError, match="回退"):
        watch(f"{base}/checkpoint.txt", f"{base}/keys.txt", state, fetch=_portal)


def test_monitor_command_refuses_a_checkpoint_not_signed_by_the_published_keys(child: Log, tmp_path: Path) -> None:
    stranger = note.parse_signer_key(note.generate_key(child.origin)[0])
    cp = child.checkpoints.get()
    forged = tmp_path / "checkpoint.txt"
    forged.write_text(note.sign_note(note.Checkpoint(child.origin, cp.size, bytes(cp.root_hash)).to_text(), [stranger]))
    key_file = tmp_path / "keys.txt"
    key_file.write_text(keys.published_key_file(child.origin))
    with pytest.raises(CommandError, match="不是由该组织的公钥签署"):
        call_command("ledger", "monitor", str(forged), "--key", str(key_file), "--state", str(tmp_path / "s.txt"))


def test_an_offline_proof_can_require_the_witness_and_a_fork_signed_with_the_logs_key_fails_it(
    child: Log, witness: tuple[Witness, str, str], tmp_path: Path
) -> None:
    """Two proofs from a split view both verify against the log's key alone; requiring the witness's cosignature,
    only the history the witness saw passes — the DBA holding the log's key cannot make the witness sign a fork."""
    from lawtrace.ledger.services import proof_bundle

    _, url, vkey = witness
    county = child.organisation
    make_person(county, Role.OFFICER)
    checkpoint = make_checkpoint(log_for(county))
    assert checkpoint is not None
    submit(checkpoint, url, vkey)
    key_file = tmp_path / "keys.txt"
    key_file.write_text(keys.published_key_file(child.origin), encoding="utf-8")
    witness_file = tmp_path / "witness.vkey"
    witness_file.write_text(vkey + "\n", encoding="utf-8")

    honest = tmp_path / "honest.json"
    honest.write_text(json.dumps(proof_bundle(child, 0)), encoding="utf-8")
    out = StringIO()
    call_command(
        "ledger", "verify-proof", str(honest), "--key", str(key_file), "--witness-key", str(witness_file), stdout=out
    )
    assert "证明有效" in out.getvalue() and "见证方" in out.getvalue() and "联署于" in out.getvalue()

    # the fork: the same entry 0 under another root of the same size, signed by the log's own key, no cosignature
    leaves = [bytes(e.leaf_hash) for e in child.entries.order_by("seq")][: checkpoint.size]
    forged_leaves = [leaves[0], *(merkle.leaf_hash(f"fork {i}".encode()) for i in range(1, checkpoint.size))]
    root = merkle.root_from_leaf_hashes(forged_leaves)
    fork_note = _signed_by_the_log(child, checkpoint.size, root)
    bundle = proof_bundle(child, 0)
    bundle["tlog_proof"] = note.format_tlog_proof(
        0, merkle.inclusion_proof(forged_leaves, 0, checkpoint.size), fork_note
    )
    forked = tmp_path / "fork.json"
    forked.write_text(json.dumps(bundle), encoding="utf-8")
    call_command("ledger", "verify-proof", str(forked), "--key", str(key_file), stdout=StringIO())  # the key alone
    with pytest.raises(CommandError, match="见证方"):
        call_command("ledger", "verify-proof", str(forked), "--key", str(key_file), "--witness-key", vkey)
