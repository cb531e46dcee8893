"""Browser tests: a real lawtrace server process on a throwaway database, driven by Playwright in Debian's Chromium.

The server runs ``lawtrace migrate`` and ``lawtrace demo`` on its own database — a fresh SQLite file, or a
PostgreSQL database created for the run and dropped afterwards — so committed data never meets the rollback-based
tests, and no flush is needed.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.throwaway import CLI, throwaway_environment

CHROMIUM = os.environ.get("LAWTRACE_CHROMIUM", "/usr/bin/chromium")
OUTPUT_ROOT = Path(os.environ.get("LAWTRACE_TEST_OUTPUT", Path.cwd() / "var" / "test-output"))

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# The environment of each running server (its database, its var folder), for steps a test takes through the services
# rather than the browser (``run_in_server``).
SERVER_ENVIRONMENTS: dict[str, dict[str, str]] = {}


def run_in_server(server: str, code: str) -> None:
    """Run Python code with Django set up against the server's own database (``lawtrace shell -c``)."""
    subprocess.run([*CLI, "shell", "-c", code], env=SERVER_ENVIRONMENTS[server], check=True)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    var_dir = tmp_path_factory.mktemp("e2e-var")
    with throwaway_environment(var_dir) as env:
        env["LAWTRACE_REQUIRE_OTP"] = "false"  # as `make run`: the demo's heads sign in with their password alone
        subprocess.run([*CLI, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
        port = _free_port()
        with open(var_dir / "server.log", "w") as log:
            process = subprocess.Popen(
                [*CLI, "runserver", f"127.0.0.1:{port}", "--noreload"], env=env, stdout=log, stderr=log
            )
            try:
                _wait_for(port, var_dir)
                SERVER_ENVIRONMENTS[f"http://127.0.0.1:{port}"] = env
                yield f"http://127.0.0.1:{port}"
            finally:
                process.terminate()
                process.wait(timeout=10)


def _wait_for(port: int, var_dir: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"lawtrace server did not start; see {var_dir / 'server.log'}")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-gpu",
                "--disable-component-update",
                "--lang=zh-CN",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def output_dir(request: pytest.FixtureRequest) -> Path:
    """Where a test's screenshots go: var/test-output/<test name>/ (or $LAWTRACE_TEST_OUTPUT)."""
    folder = OUTPUT_ROOT / request.node.name.replace("[", "-").replace("]", "")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
