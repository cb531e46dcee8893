"""``lawtrace run``: migrate, load the demo into an empty database, and serve on http://127.0.0.1:8000, with the
periodic work (``lawtrace periodic``) running every minute beside the web server.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from lawtrace.orgs.models import Organisation


class Command(BaseCommand):
    help = "迁移数据库，空库时载入演示数据，然后在本机启动服务。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-demo", action="store_true", help="空库时也不载入演示数据")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if not options["no_demo"] and not Organisation.objects.exists():
            call_command("demo")
        threading.Thread(target=_periodic_loop, name="lawtrace-periodic", daemon=True).start()
        self.stdout.write(self.style.SUCCESS(f"lawtrace 已启动：http://{options['host']}:{options['port']}/"))
        call_command("runserver", f"{options['host']}:{options['port']}", use_reloader=False)


def _periodic_loop(interval: float = 60.0) -> None:
    log = logging.getLogger("lawtrace.periodic")
    while True:
        try:
            call_command("periodic", verbosity=0)
        except Exception:  # keep serving; the failure is logged and retried next minute
            log.exception("periodic work failed")
        finally:
            connection.close()
        time.sleep(interval)
