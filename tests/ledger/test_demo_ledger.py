"""The demo's history ends signed (issue 15: nothing unsigned for long): every log has a checkpoint at its size, and
both `ledger verify --deep` and `records verify` pass on what the demo made."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from lawtrace.ledger.models import Log

pytestmark = pytest.mark.django_db


def test_demo_checkpoints_every_log_and_verifies() -> None:
    call_command("demo", stdout=StringIO())
    logs = list(Log.objects.all())
    assert logs and all(log.checkpoints.filter(size=log.size).exists() for log in logs)
    out = StringIO()
    call_command("ledger", "verify", "--deep", stdout=out)
    assert "台账核验通过" in out.getvalue()
    out = StringIO()
    call_command("records", "verify", stdout=out)
    assert "记录核对通过" in out.getvalue()
