"""``lawtrace periodic``: do whatever periodic work is due, idempotently. Production runs it every minute (cron or a
systemd timer); ``lawtrace run`` runs it in a loop beside the web server. Today: sign a checkpoint for every log that
grew since its last one.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from lawtrace.ledger.services import make_checkpoints


class Command(BaseCommand):
    help = "执行到期的周期性工作（为有新条目的台账签署检查点）。可重复执行。"

    def handle(self, *args: Any, **options: Any) -> None:
        made = make_checkpoints()
        self.stdout.write(f"签署检查点 {len(made)} 个")
