"""``lawtrace records verify``: every record against the content hash its making was ledgered with (WS-20)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "执法记录：逐条核对记录内容与台账承诺的哈希。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        verify = sub.add_parser("verify", help="重新计算每条记录的内容哈希并与台账核对")
        verify.add_argument("--case", help="只核对该案号的记录")

    def handle(self, *args: Any, **options: Any) -> None:
        from lawtrace.records.integrity import check_all

        found = check_all(options.get("case"))
        for mismatch in found:
            self.stdout.write(f"异常：{mismatch}")
        if found:
            raise CommandError(f"记录核对失败：{found[0]}", returncode=2)
        self.stdout.write(self.style.SUCCESS("记录核对通过：内容与台账一致"))
