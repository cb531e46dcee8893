"""``lawtrace witness init|add-log|serve``: the parent organisation's witness, a process of its own (``witness.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lawtrace.ledger.note import NoteError
from lawtrace.ledger.witness import Witness, make_server


class Command(BaseCommand):
    help = "见证方：为下级组织的台账检查点联署（C2SP tlog-witness），独立进程、独立密钥目录，不访问数据库。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        init = sub.add_parser("init", help="生成见证方密钥，输出其公钥")
        init.add_argument("--dir", required=True, type=Path, help="见证方目录（只由见证方掌握）")
        init.add_argument(
            "--name", required=True, help="见证方名称，如 lawtrace.example.gov.cn/lawtrace/witness/<组织代码>"
        )
        add = sub.add_parser("add-log", help="见证一个日志：给出其公布的公钥文件")
        add.add_argument("--dir", required=True, type=Path)
        add.add_argument("key_file", type=Path)
        serve = sub.add_parser("serve", help="运行见证服务（POST /add-checkpoint）")
        serve.add_argument("--dir", required=True, type=Path)
        serve.add_argument("--host", default="127.0.0.1")
        serve.add_argument("--port", type=int, default=8091)

    def handle(self, *args: Any, **options: Any) -> None:
        folder: Path = options["dir"]
        try:
            if options["sub"] == "init":
                self.stdout.write(Witness.create(folder, options["name"]))
            elif options["sub"] == "add-log":
                origin = Witness.add_log(folder, options["key_file"].read_text(encoding="utf-8"))
                self.stdout.write(self.style.SUCCESS(f"已开始见证 {origin}"))
            else:
                witness = Witness(folder)
                server = make_server(witness, options["host"], options["port"])
                address = f"http://{options['host']}:{server.server_port}/"
                self.stdout.write(f"见证方 {witness.signer.name} 在 {address} 服务")
                self.stdout.flush()
                server.serve_forever()
        except (OSError, NoteError) as e:
            raise CommandError(f"见证方：{e}") from e
