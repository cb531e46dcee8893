"""Browser tests: a real lawtrace server process on a throwaway database, driven by Playwright in Debian's Chromium.

The server runs ``lawtrace migrate`` and ``lawtrace demo`` on its own database — a fresh SQLite file, or a
PostgreSQL database created for the run and dropped afterwards — so committed data never meets the rollback-based
tests, and no flush is needed.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("LAWTRACE_CHROMIUM", "/usr/bin/chromium")
OUTPUT_ROOT = Path(os.environ.get("LAWTRACE_TEST_OUTPUT", Path.cwd() / "var" / "test-output"))

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _postgres_admin_url(url: str) -> tuple[str, str]:
    """(URL of the server's maintenance database, URL of a new throwaway database)."""
    base, _, _name = url.rpartition("/")
    return f"{base}/postgres", f"{base}/lawtrace_e2e_{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    var_dir = tmp_path_factory.mktemp("e2e-var")
    env = {**os.environ, "LAWTRACE_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "lawtrace.settings"}
    env.pop("LAWTRACE_TEST_SQLITE_NAME", None)
    database_url = os.environ.get("DATABASE_URL", "")
    throwaway = None
    if database_url.startswith("postgres"):
        import psycopg

        admin_url, throwaway = _postgres_admin_url(database_url)
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{throwaway.rpartition("/")[2]}"')
        env["DATABASE_URL"] = throwaway
    else:
        env.pop("DATABASE_URL", None)
    cli = [sys.executable, "-m", "lawtrace.cli"]
    subprocess.run([*cli, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*cli, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    port = _free_port()
    log = open(var_dir / "server.log", "w")
    process = subprocess.Popen([*cli, "runserver", f"127.0.0.1:{port}", "--noreload"], env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"lawtrace server did not start; see {var_dir / 'server.log'}")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
        if throwaway:
            import psycopg

            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{throwaway.rpartition("/")[2]}" WITH (FORCE)')


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update"],
        )
        yield browser
        browser.close()


@pytest.fixture
def output_dir(request: pytest.FixtureRequest) -> Path:
    """Where a test's screenshots go: var/test-output/<test name>/ (or $LAWTRACE_TEST_OUTPUT)."""
    folder = OUTPUT_ROOT / request.node.name.replace("[", "-").replace("]", "")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
