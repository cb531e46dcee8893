"""Uploads that survive crashes, against a real server process: gunicorn is killed (SIGKILL, master and worker)
after the last chunk is stored and while the upload completes; the upload is then neither evidence nor lost — the
next HEAD, on the restarted server, completes it, attaches it once and ledgers it once."""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.evidence.conftest import b64, long_media, needs_ffmpeg

pytestmark = needs_ffmpeg

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MiB = 1024 * 1024
CHUNK = 8 * MiB


def _environment(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAWTRACE_") and k != "DATABASE_URL"}
    env.update(
        LAWTRACE_VAR_DIR=str(folder / "var"),
        DATABASE_URL=f"sqlite:///{folder / 'site.sqlite3'}",
        DJANGO_SETTINGS_MODULE="lawtrace.settings",
        LAWTRACE_LOG_LEVEL="WARNING",
        PYTHONPATH=str(REPO / "src") + os.pathsep + str(REPO),
    )
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """gunicorn on loopback in its own process group (so that one kill takes the master and its worker)."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = _free_port()
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "lawtrace.wsgi:application", f"--bind=127.0.0.1:{self.port}", "--workers=1",
             "--timeout=600", "--no-control-socket"],
            env=env, cwd=REPO, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.request("OPTIONS", "/", {}).status in (204, 404, 302, 200):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not start:\n{log.read_text()[-2000:]}")

    def request(self, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> http.client.HTTPResponse:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        conn.request(method, path, body=body or None, headers=headers)
        response = conn.getresponse()
        response.read()
        conn.close()
        return response

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


def _rows(db: Path, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
        return conn.execute(sql).fetchall()


def test_a_server_killed_while_an_upload_completes_finishes_it_on_the_next_head_after_restart(tmp_path: Path) -> None:
    env = _environment(tmp_path)
    made = subprocess.run(
        [sys.executable, str(REPO / "tests/evidence/throwaway_site.py")],
        env=env, cwd=REPO, capture_output=True, text=True, check=True,
    )  # fmt: skip
    site = json.loads(made.stdout.strip().splitlines()[-1])
    db = tmp_path / "site.sqlite3"
    # a real video, large enough that its completion (SHA-256 and SM3 of the whole file) takes a while
    data = long_media(tmp_path, "long.mkv", at_least=40 * MiB).read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    tus = {**site["headers"], "Tus-Resumable": "1.0.0"}
    server = Server(env, tmp_path / "server.log")
    try:
        metadata = f"filename {b64('long.mkv')},filetype {b64('video/x-matroska')},sha256 {b64(sha)}"
        created = server.request(
            "POST",
            f"/av/{site['av_record']}/tus/",
            {**tus, "Upload-Length": str(len(data)), "Upload-Metadata": metadata},
        )
        assert created.status == 201
        location = created.headers["Location"].removeprefix(f"http://127.0.0.1:{server.port}")
        patch = {**tus, "Content-Type": "application/offset+octet-stream"}
        last = (len(data) - 1) // CHUNK * CHUNK
        for offset in range(0, last, CHUNK):
            sent = server.request(
                "PATCH", location, {**patch, "Upload-Offset": str(offset)}, data[offset : offset + CHUNK]
            )
            assert sent.status == 204
        # when the last chunk is stored and the server is killed while it completes the upload
        final = threading.Thread(
            target=lambda: _ignore_errors(
                server.request, "PATCH", location, {**patch, "Upload-Offset": str(last)}, data[last:]
            ),
            daemon=True,
        )
        final.start()
        deadline = time.monotonic() + 60
        while _rows(db, "select offset from evidence_upload")[0][0] != len(data):
            assert time.monotonic() < deadline, "the last chunk was never stored"
            time.sleep(0.002)
        server.kill()
        final.join(timeout=30)
        # then it is not evidence yet, and not lost: every byte is kept, the upload still open
        assert _rows(db, "select state, offset from evidence_upload") == [("open", len(data))]
        assert _rows(db, "select count(*) from evidence_avfile") == [(0,)]
        # when the server is back, the client's HEAD (tus-js-client asks after a lost response) completes it
        server = Server(env, tmp_path / "server.log")
        head = server.request("HEAD", location, tus)
        assert head.status == 200 and head.headers["Upload-Offset"] == str(len(data))
        assert head.headers["Upload-Sha256"] == sha
        assert _rows(db, "select state from evidence_upload") == [("complete",)]
        assert _rows(db, "select count(*) from evidence_avfile") == [(1,)]
        assert _rows(db, "select count(*) from ledger_entry where action = 'evidence.file_stored'") == [(1,)]
        stored = tmp_path / "var/media" / _rows(db, "select storage_name from evidence_storedobject")[0][0]
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == sha
        assert list((tmp_path / "var/media/uploads").iterdir()) == []
        # asked again, the answer is the same (idempotent), with nothing added
        assert server.request("HEAD", location, tus).headers["Upload-Sha256"] == sha
        assert _rows(db, "select count(*) from ledger_entry where action = 'evidence.file_stored'") == [(1,)]
    finally:
        server.stop()


def _ignore_errors(call, *args):  # type: ignore[no-untyped-def]
    try:
        call(*args)
    except (OSError, http.client.HTTPException):
        pass  # the server was killed under the request: the client sees a dropped connection
