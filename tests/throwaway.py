"""A throwaway database for tests that need committed data (browser tests, concurrent writers).

The ledger's tables refuse DELETE and TRUNCATE, so such tests cannot be cleaned by a flush: each gets a fresh
database — a new SQLite file, or a PostgreSQL database created for it and dropped afterwards — migrated by a real
``lawtrace migrate`` in a subprocess.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CLI = [sys.executable, "-m", "lawtrace.cli"]


@contextmanager
def throwaway_environment(var_dir: Path) -> Iterator[dict[str, str]]:
    """Environment variables for subprocesses that use a new, migrated database and ``var_dir``."""
    env = {**os.environ, "LAWTRACE_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "lawtrace.settings"}
    env.pop("LAWTRACE_TEST_SQLITE_NAME", None)
    database_url = os.environ.get("DATABASE_URL", "")
    name = None
    if database_url.startswith("postgres"):
        import psycopg

        base = database_url.rpartition("/")[0]
        admin_url, name = f"{base}/postgres", f"lawtrace_tmp_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"{base}/{name}"
    else:
        env.pop("DATABASE_URL", None)
    try:
        subprocess.run([*CLI, "migrate", "-v0"], env=env, check=True)
        yield env
    finally:
        if name:
            import psycopg

            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
