"""``lawtrace demo``: load the demo organisations, people and (later) cases. Safe to run twice."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from lawtrace.orgs.demo import DEMO_PASSWORD, PEOPLE, load_people, username


class Command(BaseCommand):
    help = "载入演示数据（组织、人员、执法证、设备）。重复执行不会重复创建。"

    def handle(self, *args: Any, **options: Any) -> None:
        from datetime import datetime, time, timedelta

        from lawtrace import clock
        from lawtrace.cases.compliance import rebuild_all
        from lawtrace.cases.demo import load_cases
        from lawtrace.documents.services import deferred
        from lawtrace.leads.demo import load_leads
        from lawtrace.rulebook.calendar import SHANGHAI

        today = timezone.localdate()
        # The demo's history happens in the past, in order, through the real services (ledger times stay monotonic).
        # Its final documents are left to `lawtrace periodic` and the first download (hundreds of signatures).
        with deferred(), transaction.atomic():
            with clock.frozen_at(datetime.combine(today - timedelta(days=60), time(9), tzinfo=SHANGHAI)):
                _, created = load_people(today=today)
            if created:
                load_cases(today=today)
                load_leads(today=today)
                rebuild_all()  # judged as of now, after the simulated history
        from lawtrace.ledger.services import make_checkpoints

        make_checkpoints()  # nothing of the demo's history stays unsigned
        if not created:
            self.stdout.write("演示数据已存在，未重复载入。")
        else:
            self.stdout.write(self.style.SUCCESS("演示数据已载入。"))
        self.stdout.write(f"演示账号密码均为：{DEMO_PASSWORD}")
        self.stdout.write("  sysadmin（系统超级管理员）")
        for slug, suffix, full_name, roles, _cert in PEOPLE:
            labels = "、".join(str(r.label) for r in roles)
            self.stdout.write(f"  {username(slug, suffix)}（{full_name}，{labels}）")
