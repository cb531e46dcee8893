"""Evidence upload benchmark: one large file streamed through the real tus upload path of a real server process.

Run from the repository root::

    .venv/bin/python bench/upload.py              # full: a 2 GiB file
    .venv/bin/python bench/upload.py --quick      # smoke check: 256 MiB
    .venv/bin/python bench/upload.py --size 1G    # any size (K, M, G = KiB, MiB, GiB)

Two figures, each against its goal (issue 6, bench/README.md):

- throughput of the upload path (tus creation, then PATCH requests of 8 MiB to a gunicorn server on loopback, the
  server writing and fsyncing each chunk to the staging area, then at completion hashing the whole file once —
  SHA-256 and SM3 —, checking the SHA-256 the client declared, moving the file into place and ledgering it), set
  against a baseline measured in the same run on the same file and disk: ``sha256sum`` of the file plus a plain
  copy of it (``shutil.copyfile`` + fsync). Goal: at least half the baseline's throughput;
- the server's peak memory during the upload (VmRSS of the server's process tree, sampled every 50 ms). Goal:
  under 200 MB.

The script makes its own environment before Django is imported: a temporary ``LAWTRACE_VAR_DIR`` (secret, keys,
media) and a SQLite file in it, every other ``LAWTRACE_*`` variable cleared; the test file, the server's storage
and the baseline's copy live in the same folder (same disk), which is deleted at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.client
import os
import platform
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from _report import Row, judged, report, seconds

if TYPE_CHECKING:
    from lawtrace.evidence.models import AVRecord
    from lawtrace.orgs.models import Organisation, User

KiB, MiB, GiB = 1024, 1024**2, 1024**3
DEFAULT_SIZE = 2 * GiB
QUICK_SIZE = 256 * MiB
DEFAULT_CHUNK_MIB = 8  # DESIGN § Decisions, Evidence upload: the clients' chunk size
WRITE_BLOCK = 8 * MiB  # blocks in which the test file is generated
SAMPLE_SECONDS = 0.05  # RSS sampling interval
SPACE_MARGIN = 512 * MiB
SERVER_START_SECONDS = 60
SERVER_TIMEOUT_SECONDS = 1800  # gunicorn's worker timeout: the completing request hashes the whole file
REPO = Path(__file__).resolve().parent.parent

# Goals (from the issue).
GOAL_RATIO = 0.5  # upload throughput / (sha256sum + copy) throughput
GOAL_RSS_BYTES = 200 * 1000**2  # 200 MB


class BenchError(RuntimeError):
    """A correctness check failed or the server misbehaved: the figures cannot be trusted."""


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def mib(n: float) -> str:
    return f"{n / MiB:,.0f} MiB"


def mb(n: float) -> str:
    return f"{n / 1000**2:,.0f} MB"


def rate(size: int, elapsed: float) -> float:
    """MiB/s."""
    return size / MiB / elapsed


# --- command line and environment (no Django import before configure_django) -----------------------------------


def parse_size(text: str) -> int:
    units = {"K": KiB, "M": MiB, "G": GiB}
    text = text.strip().upper().removesuffix("IB").removesuffix("B")
    factor = units.get(text[-1:], 1)
    number = text[:-1] if text[-1:] in units else text
    try:
        value = int(float(number) * factor)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 2G, 256M, 1048576)") from None
    if value < 1:
        raise argparse.ArgumentTypeError("the size must be at least 1 byte")
    return value


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark lawtrace's evidence upload path (tus) against a baseline.")
    parser.add_argument(
        "--size", type=parse_size, help="test file size, e.g. 2G, 512M (default 2 GiB; --quick 256 MiB)"
    )
    parser.add_argument("--quick", action="store_true", help="a 256 MiB file, for a smoke check")
    parser.add_argument(
        "--chunk-mib", type=int, default=DEFAULT_CHUNK_MIB, help="tus PATCH size in MiB (default 8, at least 5)"
    )
    parser.add_argument(
        "--server",
        choices=("gunicorn", "runserver"),
        default="gunicorn",
        help="gunicorn (default: the WSGI server the project pins) or `lawtrace runserver --noreload`",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (prints its path)")
    args = parser.parse_args(argv)
    if args.size is None:
        args.size = QUICK_SIZE if args.quick else DEFAULT_SIZE
    if args.chunk_mib < 5:
        parser.error("--chunk-mib must be at least 5 (DESIGN: clients send chunks of at least 5 MiB)")
    return args


def make_workdir() -> Path:
    """A new temporary folder; the environment points lawtrace at it and at nothing else."""
    for name in [n for n in os.environ if n.startswith("LAWTRACE_") or n == "DATABASE_URL"]:
        os.environ.pop(name)  # real keys, storage (S3), host organisation, upload limits …
    workdir = Path(tempfile.mkdtemp(prefix="lawtrace-bench-upload-"))
    os.environ["LAWTRACE_VAR_DIR"] = str(workdir / "var")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "lawtrace.settings"
    os.environ["LAWTRACE_LOG_LEVEL"] = "WARNING"
    return workdir


def space_problem(workdir: Path, size: int) -> str:
    """Room for the test file, the staging file, the stored object and the baseline's copy (and a margin)?"""
    needed = 4 * size + SPACE_MARGIN
    free = shutil.disk_usage(workdir).free
    if free >= needed:
        return ""
    return (
        f"not enough free space in {workdir.parent}: a {mib(size)} run needs {mib(needed)} (the file, its staging "
        f"copy, the stored object, the baseline's copy and {mib(SPACE_MARGIN)} spare), {mib(free)} are free. "
        f"Use a smaller --size, or point TMPDIR at a disk with more room."
    )


def configure_django() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# --- the people, case and AV record, through the services -------------------------------------------------------


@dataclass
class Setting:
    officer: User
    av_record: AVRecord


def with_check(first17: str) -> str:
    from lawtrace.identifiers import credit_code_check_char

    return first17 + credit_code_check_char(first17)


def build_setting() -> Setting:
    """Province → city → county, two certified officers, a registered case and an AV record with a body camera."""
    from datetime import date

    from lawtrace import clock
    from lawtrace.cases import services as case_services
    from lawtrace.cases.models import CaseSource, CaseType, PartyKind
    from lawtrace.evidence import services as evidence_services
    from lawtrace.evidence.models import MediaType
    from lawtrace.orgs import services
    from lawtrace.orgs.models import (
        Certificate,
        DeviceKind,
        Organisation,
        OrgKind,
        RecordingDevice,
        Role,
        User,
    )

    root = User.objects.create(username="bench-root", is_superuser=True, full_name="基准测试管理员")

    def org(name: str, kind: OrgKind, region: str, parent: Organisation | None) -> Organisation:
        return services.save_organisation(
            actor=root,
            organisation=Organisation(
                name=name,
                short_name=name[:6],
                kind=kind,
                parent=parent,
                region_code=region,
                credit_code=with_check(f"11{region}MB{region[-3:]}0001"),
                seal_name=f"{name}（印）",
                rulebook="inner-mongolia-2025",
            ),
        )

    province = org("基准内蒙古自治区医疗保障局", OrgKind.PROVINCE, "150000", None)
    city = org("基准锡林郭勒盟医疗保障局", OrgKind.CITY, "152500", province)
    county = org("基准锡林浩特市医疗保障局", OrgKind.COUNTY, "152502", city)
    officers = []
    for n in (1, 2):
        officer = services.save_person(
            actor=root, person=User(username=f"bench-officer{n}", full_name=f"执法员{n}"), password=None
        )
        services.grant_role(actor=root, user=officer, organisation=county, role=Role.OFFICER)
        services.save_certificate(
            actor=root,
            certificate=Certificate(
                holder=officer,
                number=f"15{n:09d}",
                issuing_authority="内蒙古自治区人民政府",
                area=county.name,
                valid_from=date(2023, 1, 1),
                valid_to=date.today() + timedelta(days=365),
            ),
        )
        officers.append(officer)
    case = case_services.register_case(
        actor=officers[0],
        organisation=county,
        case_type=CaseType.PENALTY,
        source=CaseSource.EX_OFFICIO,
        title="某药店涉嫌串换药品骗取医保基金",
        facts="日常检查发现该药店将保健品串换为药品刷卡结算。",
        parties=[
            case_services.PartyInput(
                kind=PartyKind.LEGAL,
                name="锡林浩特市康宁大药房有限公司",
                credit_code="91350100M000100Y43",
                representative="赵某",
                address="锡林浩特市某路1号",
                phone="04798888888",
            )
        ],
        handlers=officers,
        handler_opinion="建议立案调查。",
        violation_ended_on=date.today() - timedelta(days=30),
    )
    camera = services.save_device(
        actor=root,
        device=RecordingDevice(organisation=county, kind=DeviceKind.BODY_CAMERA, serial="BENCH-001", model_name="V9"),
    )
    now = clock.now()
    av_record = evidence_services.add_av_record(
        actor=officers[0],
        case=case,
        data=evidence_services.AVRecordInput(
            media_type=MediaType.VIDEO,
            act="onsite_inspection",
            started_at=now - timedelta(minutes=40),
            ended_at=now - timedelta(minutes=10),
            makers=officers,
            place="锡林浩特市某大药房营业场所",
            proves="药店将保健品串换为药品刷卡结算的现场情况",
            device=camera,
        ),
    )
    return Setting(officers[0], av_record)


@dataclass(frozen=True)
class Credentials:
    """What a signed-in browser sends: the session and CSRF cookies and the CSRF header (tus-js-client sends it)."""

    headers: dict[str, str]


def sign_in(user: User) -> Credentials:
    from django.conf import settings
    from django.test import Client
    from django.utils.crypto import get_random_string

    client = Client()
    client.force_login(user)  # a real session row in the throwaway database
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    csrf = get_random_string(32)  # a CSRF secret, sent unmasked in the header as a browser may
    cookie = f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}"
    return Credentials({"Cookie": cookie, "X-CSRFToken": csrf})


# --- the test file and the baseline -------------------------------------------------------------------------------


def playable_head(folder: Path) -> bytes:
    """A real one-second video made by ffmpeg (``moov`` first): the server refuses a file that does not play."""
    clip = folder / "head.mp4"
    subprocess.run(  # noqa: S603 - fixed program and arguments
        [  # noqa: S607
            "ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=duration=1:size=320x240:rate=15",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(clip),
        ],
        check=True,
    )  # fmt: skip
    data = clip.read_bytes()
    clip.unlink()
    return data


def generate_file(path: Path, size: int) -> str:
    """A real short video followed by random bytes up to ``size``, fsynced; returns their SHA-256 (computed while
    writing, independently of the server). ffprobe reads the video at the front, as the server's check does."""
    sha = hashlib.sha256()
    head = playable_head(path.parent)[:size]
    with open(path, "wb") as f:
        f.write(head)
        sha.update(head)
        left = size - len(head)
        while left:
            block = os.urandom(min(WRITE_BLOCK, left))
            f.write(block)
            sha.update(block)
            left -= len(block)
        f.flush()
        os.fsync(f.fileno())
    return sha.hexdigest()


@dataclass(frozen=True)
class Baseline:
    sha256sum_s: float
    copy_s: float
    digest: str
    hashlib_s: float  # SHA-256 through Python's hashlib (OpenSSL): not part of the baseline, shown beside it

    @property
    def total_s(self) -> float:
        return self.sha256sum_s + self.copy_s


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def baseline(path: Path, copy: Path) -> Baseline:
    """``sha256sum`` of the file, then a plain copy of it made durable; the copy is removed afterwards."""
    started = time.perf_counter()
    out = subprocess.run(  # noqa: S603 - fixed program, our own file
        ["sha256sum", str(path)],  # noqa: S607 - coreutils from PATH, as a person would run it
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    hashed = time.perf_counter()
    shutil.copyfile(path, copy)
    fsync_path(copy)
    fsync_path(copy.parent)
    copied = time.perf_counter()
    copy.unlink()
    fsync_path(copy.parent)
    with open(path, "rb") as f:
        openssl_started = time.perf_counter()
        openssl = hashlib.file_digest(f, "sha256").hexdigest()
        openssl_s = time.perf_counter() - openssl_started
    digest = out.split()[0]
    return Baseline(hashed - started, copied - hashed, digest if digest == openssl else "different", openssl_s)


# --- the server and its memory --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(kind: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    """A real server process on loopback with the throwaway environment (this process's, set in make_workdir)."""
    bindir = Path(sys.executable).parent
    if kind == "gunicorn":
        command = [
            str(bindir / "gunicorn"),
            "lawtrace.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            "--workers=1",  # one sync worker: the default, and one request at a time as one client sends
            f"--timeout={SERVER_TIMEOUT_SECONDS}",
            "--no-control-socket",  # no control socket under ~/.gunicorn
        ]
    else:
        command = [str(bindir / "lawtrace"), "runserver", "--noreload", f"127.0.0.1:{port}"]
    with open(log, "wb") as out:
        return subprocess.Popen(command, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603


def log_tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def wait_until_ready(server: subprocess.Popen[bytes], port: int, path: str, log: Path) -> None:
    """Until an OPTIONS on the tus collection answers 204 (also warms the worker: URLconf, views imported)."""
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"the server exited with status {server.returncode}:\n{log_tail(log)}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("OPTIONS", path, headers={"Tus-Resumable": "1.0.0"})
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status == 204:
                return
            raise BenchError(f"OPTIONS {path}: status {response.status}\n{log_tail(log)}")
        except OSError:
            time.sleep(0.1)
    raise BenchError(f"the server did not answer within {SERVER_START_SECONDS} s:\n{log_tail(log)}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (gunicorn: the master and its worker; the worker's ffprobe while it runs)."""
    found, i = [pid], 0
    while i < len(found):
        parent = found[i]
        i += 1
        try:
            tasks = list(Path(f"/proc/{parent}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                found += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
    return found


def memory_kib(pid: int) -> tuple[int, int] | None:
    """(VmRSS, VmHWM) of a process in KiB, or None if it is gone (or a zombie without memory)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    values = {}
    for line in status.splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    if "VmRSS" not in values:
        return None
    return values["VmRSS"], values.get("VmHWM", values["VmRSS"])


@dataclass
class MemorySample:
    rss: int  # bytes, summed over the tree
    processes: int


@dataclass
class RssSampler:
    """Samples the server tree's summed VmRSS every ``interval`` seconds in a thread; keeps the peak, and each
    process's VmHWM (the kernel's own high-water mark, which also catches a spike between two samples)."""

    pid: int
    interval: float = SAMPLE_SECONDS
    peak: MemorySample = field(default_factory=lambda: MemorySample(0, 0))
    samples: int = 0
    hwm_kib: dict[int, int] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def sample(self) -> MemorySample:
        total, count = 0, 0
        for pid in process_tree(self.pid):
            memory = memory_kib(pid)
            if memory is None:
                continue
            rss, hwm = memory
            total += rss * KiB
            count += 1
            self.hwm_kib[pid] = max(self.hwm_kib.get(pid, 0), hwm)
            if pid not in self.names:
                try:
                    self.names[pid] = Path(f"/proc/{pid}/comm").read_text().strip()
                except OSError:
                    self.names[pid] = "?"
        return MemorySample(total, count)

    def _run(self) -> None:
        while not self._stop.is_set():
            current = self.sample()
            self.samples += 1
            if current.rss > self.peak.rss:
                self.peak = current
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        assert self._thread is not None
        self._thread.join()

    @property
    def hwm_sum(self) -> int:
        return sum(self.hwm_kib.values()) * KiB

    def hwm_by_process(self) -> str:
        """Each process's VmHWM, in the order they were first seen (gunicorn: master, worker, then ffprobe)."""
        return ", ".join(f"{self.names.get(pid, '?')} {mb(kib * KiB)}" for pid, kib in self.hwm_kib.items())


# --- the client: tus over http.client, as the browser and station clients speak it ----------------------------------


@dataclass(frozen=True)
class UploadResult:
    elapsed_s: float  # creation → the completing response
    final_s: float  # the last PATCH: its bytes, then the server's hash pass, move, ledger
    requests: int
    stored_sha256: str


def b64(value: str) -> str:
    return base64.b64encode(value.encode()).decode()


def tus_upload(
    port: int, collection: str, path: Path, size: int, sha256: str, chunk: int, auth: Credentials
) -> UploadResult:
    base = {"Tus-Resumable": "1.0.0", **auth.headers}
    metadata = {"filename": "20261123_0900_bench.mp4", "filetype": "video/mp4", "sha256": sha256}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=SERVER_TIMEOUT_SECONDS)
    started = time.perf_counter()
    conn.request(
        "POST",
        collection,
        headers={
            **base,
            "Upload-Length": str(size),
            "Upload-Metadata": ",".join(f"{k} {b64(v)}" for k, v in metadata.items()),
        },
    )
    response = conn.getresponse()
    body = response.read()
    if response.status != 201:
        raise BenchError(f"tus creation: status {response.status}: {body[:300]!r}")
    location = urlsplit(response.getheader("Location", "")).path
    offset, requests, final_s, stored = 0, 1, 0.0, ""
    with open(path, "rb") as f:
        while offset < size:
            data = f.read(chunk)
            sent = time.perf_counter()
            # http.client reopens the connection when the server closed it (gunicorn's sync worker does, per request)
            conn.request(
                "PATCH",
                location,
                body=data,
                headers={**base, "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"},
            )
            response = conn.getresponse()
            body = response.read()
            requests += 1
            if response.status != 204:
                raise BenchError(f"tus PATCH at {offset}: status {response.status}: {body[:300]!r}")
            new_offset = int(response.getheader("Upload-Offset", "-1"))
            if new_offset != offset + len(data):
                raise BenchError(f"tus PATCH at {offset}: Upload-Offset {new_offset}, expected {offset + len(data)}")
            offset = new_offset
            final_s = time.perf_counter() - sent
            stored = response.getheader("Upload-Sha256", "")
    elapsed = time.perf_counter() - started
    conn.close()
    return UploadResult(elapsed, final_s, requests, stored)


# --- checks ---------------------------------------------------------------------------------------------------------


def check(measure: str, result: str, ok: bool, goal: str = "") -> Row:
    return Row(measure, result, goal=goal, status="PASS" if ok else "FAIL")


def correctness_rows(setting: Setting, expected: str, size: int, upload: UploadResult) -> list[Row]:
    from django.core.files.storage import default_storage

    from lawtrace.evidence import store
    from lawtrace.evidence.models import AVFile, StoredObject, Upload

    media = Path(default_storage.path(""))
    objects = list(StoredObject.objects.all())
    on_disk = [p for p in (media / "evidence").rglob("*") if p.is_file()] if (media / "evidence").exists() else []
    staging = media / "uploads"
    left = sorted(p.name for p in staging.iterdir()) if staging.exists() else []
    rehashed = ""
    if len(objects) == 1:
        progress("re-reading the stored object to check its SHA-256")
        with open(default_storage.path(objects[0].storage_name), "rb") as f:
            rehashed = hashlib.file_digest(f, "sha256").hexdigest()
    states = sorted(Upload.objects.values_list("state", flat=True))
    attached = AVFile.objects.filter(av_record=setting.av_record, stored__sha256=expected).count()
    return [
        check("check: completing response's Upload-Sha256 = the file's", "same" if upload.stored_sha256 == expected
              else f"{upload.stored_sha256[:16] or 'none'}…", upload.stored_sha256 == expected),
        check("check: stored objects (rows / files under evidence/)", f"{len(objects)} / {len(on_disk)}",
              len(objects) == 1 and len(on_disk) == 1, "1 / 1"),
        check("check: stored object's SHA-256 = the file's (row and re-read)",
              "same" if objects and objects[0].sha256 == expected == rehashed else "different",
              bool(objects) and objects[0].sha256 == expected == rehashed and objects[0].size == size),
        check("check: staging area empty afterwards", f"{len(left)} entries", not left, "0"),
        check("check: upload complete, file attached to the AV record", f"{states}, {attached} attached",
              states == [Upload.State.COMPLETE] and attached == 1),
        Row("  stored at", store.object_name(expected)[:23] + "…"),
    ]  # fmt: skip


# --- the run --------------------------------------------------------------------------------------------------------


def run(args: argparse.Namespace, workdir: Path) -> int:
    from django.db import connections
    from django.urls import reverse

    started, load_before = time.perf_counter(), os.getloadavg()
    size, chunk = args.size, args.chunk_mib * MiB
    progress("organisation, officers, case and AV record through the services")
    setting = build_setting()
    auth = sign_in(setting.officer)
    collection = reverse("evidence_tus_collection", args=[setting.av_record.pk])
    connections.close_all()  # the server writes to the same SQLite file; this process only reads it afterwards

    path, copy = workdir / "bench.bin", workdir / "baseline-copy.bin"
    progress(f"writing {mib(size)} of random bytes to {path}")
    generate_started = time.perf_counter()
    expected = generate_file(path, size)
    generate_s = time.perf_counter() - generate_started

    progress("baseline before the upload: sha256sum + copy + fsync")
    before = baseline(path, copy)

    port = free_port()
    log = workdir / "server.log"
    progress(f"starting {args.server} on 127.0.0.1:{port}")
    server = start_server(args.server, port, log)
    try:
        wait_until_ready(server, port, collection, log)
        sampler = RssSampler(server.pid)
        idle = sampler.sample()
        progress(f"uploading {mib(size)} in {args.chunk_mib} MiB PATCHes (server RSS {mb(idle.rss)} now)")
        with sampler:
            upload = tus_upload(port, collection, path, size, expected, chunk, auth)
        after_idle = sampler.sample()
    finally:
        stop_server(server)
        if server.returncode not in (0, -15):
            progress(f"server exited with {server.returncode}; its log ends:\n{log_tail(log)}")

    progress("baseline after the upload")
    after = baseline(path, copy)
    best = min(before, after, key=lambda b: b.total_s)
    base_rate, up_rate = rate(size, best.total_s), rate(size, upload.elapsed_s)
    ratio = up_rate / base_rate
    worse = max(before, after, key=lambda b: b.total_s)
    last_chunk = size - (size - 1) // chunk * chunk
    chunks_s = max(upload.elapsed_s - upload.final_s, 1e-9)
    strict_rate = rate(size, best.hashlib_s + best.copy_s)
    rows = [
        Row(f"setup: write the {mib(size)} test file (os.urandom, fsync)", seconds(generate_s)),
        Row(
            f"baseline: sha256sum + copy + fsync, {'before' if best is before else 'after'} the upload (faster run)",
            f"{base_rate:,.0f} MiB/s ({seconds(best.total_s)})",
        ),
        Row("  sha256sum alone / copy + fsync alone", f"{rate(size, best.sha256sum_s):,.0f} / "
            f"{rate(size, best.copy_s):,.0f} MiB/s"),
        Row(f"  the other baseline run ({'after' if best is before else 'before'})",
            f"{rate(size, worse.total_s):,.0f} MiB/s ({seconds(worse.total_s)})"),
        Row(
            f"upload: tus, {args.chunk_mib} MiB PATCHes to {args.server} → verified, stored, ledgered",
            f"{up_rate:,.0f} MiB/s ({seconds(upload.elapsed_s)})",
            f"{base_rate:,.0f} MiB/s",
            f"{ratio:.2f}x",
            f">= {GOAL_RATIO}x",
            judged(ratio >= GOAL_RATIO),
        ),
        Row(
            "  vs a stricter baseline: hashlib SHA-256 (OpenSSL) + the same copy",
            "",
            f"{strict_rate:,.0f} MiB/s",
            f"{up_rate / strict_rate:.2f}x",
        ),
        Row("  requests (1 creation + PATCHes)", f"{upload.requests:,}"),
        Row("  chunks before the last (send, write, fsync)", f"{rate(size - last_chunk, chunks_s):,.0f} MiB/s "
            f"({seconds(chunks_s)})"),
        Row("  last PATCH: its bytes + SHA-256/SM3 pass + move + ledger", seconds(upload.final_s)),
        Row("server RSS before the upload (after a warm-up request)", f"{mb(idle.rss)} ({idle.processes} processes)"),
        Row(
            f"server peak RSS during the upload (every {SAMPLE_SECONDS * 1000:.0f} ms, {sampler.samples:,} samples)",
            f"{mb(sampler.peak.rss)} ({sampler.peak.processes} processes)",
            goal="< 200 MB",
            status=judged(sampler.peak.rss < GOAL_RSS_BYTES),
        ),
        Row(
            "  sum of the server processes' VmHWM (kernel peak, upper bound)",
            mb(sampler.hwm_sum),
            goal="< 200 MB",
            status=judged(sampler.hwm_sum < GOAL_RSS_BYTES),
        ),
        Row("    by process (order started)", sampler.hwm_by_process()),
        Row("  server RSS after the upload", mb(after_idle.rss)),
        check("check: sha256sum = the SHA-256 computed while writing the file",
              "same" if before.digest == expected == after.digest else "different",
              before.digest == expected == after.digest),
        *correctness_rows(setting, expected, size, upload),
    ]  # fmt: skip
    load_after = os.getloadavg()
    print(
        f"\nlawtrace upload benchmark, {datetime.now(UTC).date().isoformat()} — {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {args.server} on loopback, "
        f"{mib(size)} file in {args.chunk_mib} MiB chunks, temp folder on {_filesystem(workdir)}, "
        f"{time.perf_counter() - started:.0f} s in all, load average {load_before[0]:.1f} before and "
        f"{load_after[0]:.1f} after (other work slows every figure)\n"
    )
    return report(rows)


def _filesystem(path: Path) -> str:
    """The device and file system type of ``path``'s mount, from /proc/mounts (the longest matching mount point)."""
    best = ("?", "", "?")
    try:
        for line in Path("/proc/mounts").read_text().splitlines():
            device, mount, kind = line.split()[:3]
            if str(path).startswith(mount.rstrip("/") + "/") and len(mount) > len(best[1]):
                best = (device, mount, kind)
    except OSError:
        pass
    return f"{best[0]} ({best[2]})"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = make_workdir()
    try:
        if problem := space_problem(workdir, args.size):
            print(f"refused: {problem}", file=sys.stderr)
            return 2
        configure_django()
        return run(args, workdir)
    except BenchError as error:
        print(f"\nFAILED: {error}")
        return 1
    finally:
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
