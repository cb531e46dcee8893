"""``lawtrace periodic``: do whatever periodic work is due, idempotently. Production runs it every minute (cron or a
systemd timer); ``lawtrace run`` runs it in a loop beside the web server. Today: sign a checkpoint for every log that
grew since its last one, and refresh the compliance projection of open cases.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from lawtrace.ledger.services import make_checkpoints


class Command(BaseCommand):
    help = "执行到期的周期性工作（为有新条目的台账签署检查点）。可重复执行。"

    def handle(self, *args: Any, **options: Any) -> None:
        from django.db import transaction

        from lawtrace.cases.compliance import rebuild_all

        made = make_checkpoints()
        with transaction.atomic():
            refreshed = rebuild_all(open_only=True)  # time alone turns a due item overdue
        self.stdout.write(f"签署检查点 {len(made)} 个；刷新合规结论 {refreshed} 个案件")
