"""``lawtrace compliance rebuild``: rebuild the dashboards' projection from ``evaluate`` for every case."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from lawtrace.cases.compliance import rebuild_all


class Command(BaseCommand):
    help = "根据规则重新计算全部案件的合规结论（仪表盘投影）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        sub.add_parser("rebuild", help="重建全部案件的合规结论")

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            count = rebuild_all()
        self.stdout.write(self.style.SUCCESS(f"已重建 {count} 个案件的合规结论"))
