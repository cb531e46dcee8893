"""Many app servers append to one log at once without forking the chain or leaving gaps.

Eight writer processes, each with its own database connection, append to the same organisation's log in a
throwaway database (PostgreSQL when the suite runs on it, else a SQLite file); then ``lawtrace ledger verify``
recomputes everything.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from tests.throwaway import CLI, throwaway_environment

WRITERS, EACH = 8, 25
REPO = Path(__file__).resolve().parents[2]

SETUP = """
from lawtrace.orgs.models import Organisation, OrgKind, User
from lawtrace.orgs import services
root = User.objects.create(username="root", full_name="根", is_superuser=True)
org = services.save_organisation(actor=root, organisation=Organisation(
    name="并发测试局", short_name="并发", kind=OrgKind.PROVINCE, region_code="150000", seal_name="并发测试局",
    rulebook="inner-mongolia-2025"))
print(org.pk)
"""

COUNT = """
import json
from lawtrace.ledger.models import Entry, Log
log = Log.objects.get()
seqs = list(Entry.objects.filter(log=log).order_by("seq").values_list("seq", flat=True))
print(json.dumps({"size": log.size, "seqs": seqs}))
"""


def _shell(code: str, env: dict[str, str]) -> str:
    return subprocess.run(
        [*CLI, "shell", "--no-imports", "-c", code], env=env, check=True, capture_output=True, text=True
    ).stdout


def test_eight_concurrent_writers_leave_one_gap_free_chain(tmp_path: Path) -> None:
    with throwaway_environment(tmp_path) as env:
        org_id = _shell(SETUP, env).strip()
        start_at = time.time() + 3
        writers = [
            subprocess.Popen(
                [sys.executable, "-m", "tests.ledger.writer", org_id, str(EACH), str(start_at)], env=env, cwd=REPO
            )
            for _ in range(WRITERS)
        ]
        assert [w.wait(timeout=300) for w in writers] == [0] * WRITERS
        state = json.loads(
            subprocess.run(
                [*CLI, "shell", "--no-imports", "-c", COUNT], env=env, check=True, capture_output=True, text=True
            ).stdout
        )
        total = 1 + WRITERS * EACH  # the organisation's creation, then every writer's entries
        assert state["size"] == total
        assert state["seqs"] == list(range(total))
        verify = subprocess.run([*CLI, "ledger", "verify"], env=env, capture_output=True, text=True)
        assert verify.returncode == 0, verify.stdout + verify.stderr
        assert "台账核验通过" in verify.stdout
