"""The throwaway environment every benchmark runs in: a new temporary folder for keys, media and a SQLite database,
with any variable that could point the run at real keys, storage, a cache or another database cleared first."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

FOREIGN_VARIABLES = (
    "DATABASE_URL",
    "LAWTRACE_KEY_DIR",
    "LAWTRACE_S3_BUCKET",
    "LAWTRACE_HOST_ORGANISATION",
    "LAWTRACE_TEST_SQLITE_NAME",
    "LAWTRACE_REDIS_URL",
    "REDIS_URL",
)


def configure_environment() -> Path:
    """Set the variables settings.py reads, start Django, migrate. Returns the temporary folder."""
    for name in FOREIGN_VARIABLES:
        os.environ.pop(name, None)
    workdir = Path(tempfile.mkdtemp(prefix="lawtrace-bench-"))
    os.environ["LAWTRACE_VAR_DIR"] = str(workdir / "var")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "lawtrace.settings"
    os.environ.setdefault("LAWTRACE_LOG_LEVEL", "WARNING")
    # The benchmarks sign people in with Client.force_login, which no second factor verifies: the pages they time are
    # the same with or without the factor, so it is not asked for here.
    os.environ["LAWTRACE_REQUIRE_OTP"] = "false"

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return workdir


def run_in_throwaway_environment(run: Callable[[], int], *, keep: bool) -> int:
    """``run()`` inside a new environment (``configure_environment``), which is deleted afterwards unless ``keep``."""
    import shutil

    workdir = configure_environment()
    try:
        return run()
    finally:
        from django.db import connections

        connections.close_all()
        if keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
