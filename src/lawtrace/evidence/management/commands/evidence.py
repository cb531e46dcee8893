"""``lawtrace evidence cleanup|fixity``: the evidence app's periodic work, safe to run as often as wanted.

``cleanup`` completes uploads whose last byte is stored but whose completion was cut off, and removes uploads
untouched for ``LAWTRACE_UPLOAD_EXPIRY_HOURS`` (their partial data never becomes evidence); ``fixity`` re-reads
this run's share of the rolling schedule (the whole store every ``LAWTRACE_FIXITY_CYCLE_DAYS``), ``fixity --all``
every stored file now; a mismatch or a missing file is ledgered once. ``lawtrace periodic`` calls both (tasks.py).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lawtrace.evidence import tasks


class Command(BaseCommand):
    help = "音像证据的周期性工作：清理过期未完成的上传（cleanup），校验已存储文件的 SHA-256（fixity）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("work", choices=["cleanup", "fixity"])
        parser.add_argument("--all", action="store_true", help="fixity：立即校验全部已存储文件")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["work"] == "cleanup":
            resumed = tasks.resume_uploads()
            self.stdout.write(f"完成中断的上传 {resumed} 个；清理过期上传 {tasks.cleanup_uploads()} 个")
        else:
            checked, failed = tasks.check_fixity(everything=options["all"])
            self.stdout.write(f"校验文件 {checked} 个，不符 {failed} 个")
