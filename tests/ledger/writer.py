"""A separate process that appends to one organisation's log (used by test_concurrency.py).

Usage: ``python -m tests.ledger.writer ORG_ID COUNT START_AT`` with ``DATABASE_URL`` etc. in the environment; waits
until the monotonic-clock-independent wall time START_AT so that all writers start together.
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lawtrace.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402

from lawtrace.ledger.actions import LedgerAction  # noqa: E402
from lawtrace.ledger.services import append  # noqa: E402
from lawtrace.orgs.models import Organisation  # noqa: E402


def main() -> None:
    org_id, count, start_at = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    organisation = Organisation.objects.get(pk=org_id)
    while time.time() < start_at:
        time.sleep(0.005)
    for i in range(count):
        with transaction.atomic():
            append(
                action=LedgerAction.ROOM_SAVED,
                actor=None,
                organisation=organisation,
                payload={"writer": os.getpid(), "n": i},
            )


if __name__ == "__main__":
    main()
