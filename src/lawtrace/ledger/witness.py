"""The witness: a higher bureau cosigns its children's checkpoints, so the DBA of a log cannot rewrite history unseen.

It runs as its own process (``lawtrace witness serve``, its own port or host) with its own folder, and never touches
the log's database: the log's database and the witness's key are never in one hand. It speaks C2SP ``tlog-witness``::

    POST /add-checkpoint
    old <size the log believes the witness last saw>
    <base64 consistency proof hash>…           (RFC 6962, from that size to the new one)
                                               blank line
    <the log's signed checkpoint, verbatim>

and answers 200 with its ``tlog-cosignature`` (a signed-note line, type 0x04: "as of this time, this is the largest
tree of this log I have seen"); 409 with ``text/x.tlog.size`` when ``old`` is not the size it saw; 422 when the proof
does not prove the new tree an extension of the one it saw (it refuses an inconsistent checkpoint for ever after);
403 when the checkpoint is not signed by a key of the log (or outside its validity period); 404 for a log it does not
witness; 400 for anything malformed.

Folder::

    witness.key           PRIVATE+KEY+<witness name>+… cosignature/v1 key (0600)
    witness.vkey          its verifier key (what logs and monitors trust)
    logs/<name>.txt       the published key file of each log witnessed (``lawtrace ledger keys``)
    state/<hash>.txt      the last checkpoint cosigned for each origin (the witness's memory)

Pure Python but for the HTTP server: no Django import.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from lawtrace.ledger import merkle, note, trust

SIZE_CONTENT_TYPE = "text/x.tlog.size"


@dataclass(frozen=True)
class Answer:
    status: int
    body: str
    content_type: str = "text/plain; charset=utf-8"


class Witness:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.signer = note.parse_signer_key((folder / "witness.key").read_text().strip())
        self._lock = threading.Lock()

    @staticmethod
    def create(folder: Path, name: str) -> str:
        """Make the witness's key (once); returns its verifier key."""
        (folder / "logs").mkdir(parents=True, exist_ok=True)
        (folder / "state").mkdir(exist_ok=True)
        if not (folder / "witness.key").exists():
            signer_key, verifier_key = note.generate_key(name, note.COSIGNATURE_V1)
            fd = os.open(folder / "witness.key", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(signer_key + "\n")
            (folder / "witness.vkey").write_text(verifier_key + "\n")
        return (folder / "witness.vkey").read_text().strip()

    @staticmethod
    def add_log(folder: Path, key_file_text: str) -> str:
        """Witness one more log, given its published key file; returns its origin."""
        keys = trust.parse_key_file(key_file_text)
        origin = keys[0].verifier.name
        (folder / "logs").mkdir(parents=True, exist_ok=True)
        (folder / "logs" / f"{_slug(origin)}.txt").write_text(key_file_text)
        return origin

    def _log_keys(self, origin: str) -> list[trust.TrustedKey] | None:
        path = self.folder / "logs" / f"{_slug(origin)}.txt"
        if not path.exists():
            return None
        return [k for k in trust.parse_key_file(path.read_text()) if k.verifier.name == origin]

    def _state_path(self, origin: str) -> Path:
        return self.folder / "state" / f"{_slug(origin)}.txt"

    def latest(self, origin: str) -> note.Checkpoint | None:
        path = self._state_path(origin)
        return note.Checkpoint.parse(note.parse_note(path.read_text()).text) if path.exists() else None

    def add_checkpoint(self, body: bytes) -> Answer:
        try:
            old_size, proof, signed = parse_request(body)
            checkpoint = note.Checkpoint.parse(note.parse_note(signed).text)
        except note.NoteError as e:
            return Answer(400, f"请求格式错误：{e}\n")
        keys = self._log_keys(checkpoint.origin)
        if keys is None:
            return Answer(404, f"本见证方不见证日志 {checkpoint.origin}\n")
        try:
            trust.open_trusted_checkpoint(signed, keys)
        except note.NoteError as e:
            return Answer(403, f"检查点签名不被信任：{e}\n")
        if old_size > checkpoint.size:
            return Answer(400, f"old {old_size} 大于检查点的大小 {checkpoint.size}\n")
        with self._lock:
            seen = self.latest(checkpoint.origin)
            seen_size = seen.size if seen else 0
            if old_size != seen_size:
                return Answer(409, f"{seen_size}\n", SIZE_CONTENT_TYPE)
            if seen is not None and seen.size == checkpoint.size:
                if seen.root_hash != checkpoint.root_hash:
                    return Answer(409, f"{seen_size}\n", SIZE_CONTENT_TYPE)
            elif seen is not None:
                try:
                    merkle.verify_consistency(seen.size, checkpoint.size, proof, seen.root_hash, checkpoint.root_hash)
                except merkle.ProofError as e:
                    return Answer(422, f"拒绝：{checkpoint.size} 条的树与本见证方见过的 {seen.size} 条不一致（{e}）\n")
            cosigned = note.sign_note(checkpoint.to_text(), [self.signer])
            signature_line = cosigned.split("\n\n", 1)[1]
            tmp = self._state_path(checkpoint.origin).with_suffix(".tmp")
            tmp.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(signed)
            tmp.replace(self._state_path(checkpoint.origin))
        return Answer(200, signature_line)


def _slug(origin: str) -> str:
    return hashlib.sha256(origin.encode()).hexdigest()[:32]


def parse_request(body: bytes) -> tuple[int, list[bytes], str]:
    """An add-checkpoint body: (old size, consistency proof, signed checkpoint)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise note.FormatError("请求不是 UTF-8") from None
    head, blank, signed = text.partition("\n\n")
    lines = head.split("\n")
    if not blank or not lines[0].startswith("old "):
        raise note.FormatError("请求须以 old <大小> 开头，证明之后空一行再接检查点")
    old = note._parse_decimal(lines[0].removeprefix("old "), "old")
    proof = [note._unb64(line, "proof hash") for line in lines[1:]]
    return old, proof, signed


def format_request(old_size: int, proof: list[bytes], signed_checkpoint: str) -> bytes:
    lines = [f"old {old_size}", *(note._b64(h) for h in proof)]
    return ("\n".join(lines) + "\n\n" + signed_checkpoint).encode()


def make_server(witness: Witness, host: str, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            if self.path != "/add-checkpoint":
                self._send(Answer(404, "只有 POST /add-checkpoint\n"))
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length > 1 << 20:
                self._send(Answer(400, "请求过大\n"))
                return
            self._send(witness.add_checkpoint(self.rfile.read(length)))

        def _send(self, answer: Answer) -> None:
            body = answer.body.encode()
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # no request log: the witness keeps only its state

    return ThreadingHTTPServer((host, port), Handler)
