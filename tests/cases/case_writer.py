"""A separate process registering cases in one organisation (used by test_concurrent_numbers.py).

Usage: ``python -m tests.cases.case_writer ORG_ID OFFICER1 OFFICER2 COUNT START_AT``.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date, timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lawtrace.settings")

import django

django.setup()

from lawtrace.cases import services  # noqa: E402
from lawtrace.cases.models import CaseSource, CaseType, PartyKind  # noqa: E402
from lawtrace.orgs.models import Organisation, User  # noqa: E402


def main() -> None:
    org_id, o1, o2, count = (int(a) for a in sys.argv[1:5])
    start_at = float(sys.argv[5])
    organisation = Organisation.objects.get(pk=org_id)
    officers = [User.objects.get(pk=o1), User.objects.get(pk=o2)]
    while time.time() < start_at:
        time.sleep(0.005)
    for i in range(count):
        services.register_case(
            actor=officers[0],
            organisation=organisation,
            case_type=CaseType.PENALTY,
            source=CaseSource.EX_OFFICIO,
            title=f"并发立案 {os.getpid()}-{i}",
            facts="并发测试",
            handlers=officers,
            handler_opinion="建议立案",
            parties=[services.PartyInput(kind=PartyKind.LEGAL, name="某公司")],
            violation_ended_on=date.today() - timedelta(days=10),
        )


if __name__ == "__main__":
    main()
