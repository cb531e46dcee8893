"""Case numbers (案号) stay unique and gap-free when several app servers register cases at once."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from tests.throwaway import CLI, throwaway_environment

WRITERS, EACH = 6, 8
REPO = Path(__file__).resolve().parents[2]

SETUP = """
import json
from datetime import date, timedelta
from lawtrace.orgs.models import Certificate, Organisation, OrgKind, Role, User
from lawtrace.orgs import services
root = User.objects.create(username="root", full_name="根", is_superuser=True)
org = services.save_organisation(actor=root, organisation=Organisation(
    name="并发立案局", short_name="并发", kind=OrgKind.PROVINCE, region_code="150000", seal_name="并发立案局",
    rulebook="inner-mongolia-2025"))
ids = []
for n in (1, 2):
    person = User(username=f"o{n}", full_name=f"执法{n}")
    person = services.save_person(actor=root, person=person, password="Pass-word-2026!")
    services.grant_role(actor=root, user=person, organisation=org, role=Role.OFFICER)
    services.save_certificate(actor=root, certificate=Certificate(
        holder=person, number=f"15000000{n}", issuing_authority="内蒙古自治区人民政府", area="全区",
        valid_from=date.today() - timedelta(days=30), valid_to=date.today() + timedelta(days=300)))
    ids.append(person.pk)
print(json.dumps([org.pk, *ids]))
"""

NUMBERS = """
import json
from lawtrace.cases.models import Case
print(json.dumps(sorted(Case.objects.values_list("serial", flat=True))))
"""


def _shell(code: str, env: dict[str, str]) -> str:
    return subprocess.run(
        [*CLI, "shell", "--no-imports", "-c", code], env=env, check=True, capture_output=True, text=True
    ).stdout


def test_concurrent_registration_gives_distinct_gap_free_numbers(tmp_path: Path) -> None:
    with throwaway_environment(tmp_path) as env:
        org_id, o1, o2 = json.loads(_shell(SETUP, env))
        start_at = time.time() + 3
        writers = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.cases.case_writer",
                    str(org_id),
                    str(o1),
                    str(o2),
                    str(EACH),
                    str(start_at),
                ],
                env=env,
                cwd=REPO,
            )
            for _ in range(WRITERS)
        ]
        assert [w.wait(timeout=300) for w in writers] == [0] * WRITERS
        assert json.loads(_shell(NUMBERS, env)) == list(range(1, WRITERS * EACH + 1))
        verify = subprocess.run([*CLI, "ledger", "verify"], env=env, capture_output=True, text=True)
        assert verify.returncode == 0, verify.stdout + verify.stderr
