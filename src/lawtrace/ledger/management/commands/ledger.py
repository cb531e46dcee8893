"""``lawtrace ledger verify|proof|verify-proof|keys|checkpoint|rotate-key|witness|monitor``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lawtrace.ledger.bundle import BundleError, verify_bundle
from lawtrace.ledger.note import NoteError, parse_tlog_proof, parse_verifier_key
from lawtrace.ledger.trust import TrustedKey, parse_key_file


class Command(BaseCommand):
    help = "台账（防篡改日志）：核验、导出证明、离线核验证明、签署检查点、更换密钥。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        verify = sub.add_parser("verify", help="重新计算全部哈希、默克尔树和检查点签名")
        verify.add_argument("--since", type=int, default=0, help="从该序号起完整核验（之前的只重建树）")
        verify.add_argument("--deep", action="store_true", help="同时检查每条的字节是否为规范 JSON")
        verify.add_argument("--log", help="只核验该组织代码的日志")
        proof = sub.add_parser("proof", help="导出一条条目的自包含证明（JSON）")
        proof.add_argument("seq", type=int)
        proof.add_argument("--log", help="组织代码（默认：托管组织）")
        proof.add_argument("-o", "--output", help="输出文件（默认：标准输出）")
        offline = sub.add_parser("verify-proof", help="离线核验证明文件，不访问数据库")
        offline.add_argument("file")
        offline.add_argument(
            "--key",
            action="append",
            default=[],
            help="受信任的公钥文件（组织公布的，见 ledger keys）；可重复。不给时用本机密钥目录中该日志的公钥",
        )
        offline.add_argument(
            "--witness-key",
            action="append",
            default=[],
            help="要求该见证方（上级机关）的联署：其验证公钥（C2SP 格式），或含它的文件；可重复，任一有效即可",
        )
        export = sub.add_parser("keys", help="导出日志的公钥文件（供公布、供 verify-proof --key 使用）")
        export.add_argument("--log", help="组织代码（默认：托管组织）")
        export.add_argument("-o", "--output", help="输出文件（默认：标准输出）")
        sub.add_parser("checkpoint", help="为有新条目的日志签署检查点")
        witness = sub.add_parser("witness", help="把日志的最新检查点连同一致性证明交见证方联署")
        witness.add_argument("url", help="见证方地址，如 http://127.0.0.1:8091")
        witness.add_argument("--witness-key", required=True, help="见证方公钥（C2SP 验证公钥，或含它的文件）")
        witness.add_argument("--log", help="组织代码（默认：托管组织）")
        monitor = sub.add_parser("monitor", help="从外部读取公布的检查点，记住所见，发现不一致即报告")
        monitor.add_argument("url", help="公布的检查点地址，如 https://…/gongshi/ledger/<组织代码>/checkpoint.txt")
        monitor.add_argument("--key", required=True, help="该组织公布的公钥文件（路径或地址）")
        monitor.add_argument("--state", help="记录所见的文件（默认：数据目录下 monitor/）")
        rotate = sub.add_parser("rotate-key", help="更换日志签名密钥（保留旧公钥）")
        rotate.add_argument("--log", required=True, help="组织代码")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["sub"].replace("-", "_"))(options)

    def _log(self, code: str | None) -> Any:
        from lawtrace.ledger.models import Log
        from lawtrace.ledger.services import host_organisation, log_for

        if not code:
            return log_for(host_organisation())
        log = next((g for g in Log.objects.select_related("organisation") if g.organisation.code == code), None)
        if log is None:
            raise CommandError(f"没有组织代码为 {code} 的日志")
        return log

    def _verify(self, options: dict[str, Any]) -> None:
        from lawtrace.ledger.verify import verify_all

        log = self._log(options["log"]) if options["log"] else None
        reports = verify_all(since=options["since"], deep=options["deep"], log=log)
        bad = [r for r in reports if not r.ok]
        for r in reports:
            state = "正常" if r.ok else f"异常：首个异常序号 {r.first_bad_seq}：{r.problem}"
            self.stdout.write(f"{r.origin}：{r.entries} 条，{r.checkpoints} 个检查点 — {state}")
            for line in r.notes:
                self.stdout.write(f"  注意：{line}")
        if bad:
            first = bad[0]
            raise CommandError(
                f"台账核验失败：{first.origin} 序号 {first.first_bad_seq}：{first.problem}", returncode=2
            )
        self.stdout.write(self.style.SUCCESS(f"台账核验通过：{len(reports)} 个日志"))

    def _proof(self, options: dict[str, Any]) -> None:
        from lawtrace.ledger.services import proof_bundle

        bundle = proof_bundle(self._log(options["log"]), options["seq"])
        text = json.dumps(bundle, ensure_ascii=False, indent=2) + "\n"
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)

    def _verify_proof(self, options: dict[str, Any]) -> None:
        try:
            bundle = json.loads(Path(options["file"]).read_text(encoding="utf-8"))
            trusted = self._trusted_keys(options["key"], bundle)
            witnesses = [parse_verifier_key(_key_text(k)) for k in options["witness_key"]]
            result = verify_bundle(bundle, trusted, witnesses)
        except (OSError, ValueError, BundleError, NoteError) as e:
            raise CommandError(f"证明无效：{e}", returncode=2) from e
        cp = result.checkpoint.checkpoint
        when = result.checkpoint.time
        self.stdout.write(
            self.style.SUCCESS(
                f"证明有效：{cp.origin} 序号 {result.entry['seq']}（{result.entry['action']}），"
                f"包含于 {cp.size} 条的签名检查点"
                + (f"，签署于 {when:%Y-%m-%d %H:%M:%S} UTC" if when else "")
                + "".join(
                    f"；见证方 {w.name} 联署于 {result.checkpoint.cosigned_at[w.name]:%Y-%m-%d %H:%M:%S} UTC"
                    for w in witnesses
                    if w.name in result.checkpoint.cosigned_at
                )
            )
        )

    def _trusted_keys(self, key_files: list[str], bundle: dict[str, Any]) -> list[TrustedKey]:
        """Keys from the given files, or else from this machine's key folder for the bundle's log — never from the
        bundle itself."""
        if key_files:
            return [k for path in key_files for k in parse_key_file(Path(path).read_text(encoding="utf-8"))]
        from lawtrace.ledger import keys

        try:
            origin = parse_tlog_proof(str(bundle["tlog_proof"])).checkpoint_note.split("\n", 1)[0]
            return keys.trusted_keys(origin)
        except (KeyError, NoteError):
            return []

    def _keys(self, options: dict[str, Any]) -> None:
        from lawtrace.ledger import keys

        text = keys.published_key_file(self._log(options["log"]).origin)
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")

    def _checkpoint(self, options: dict[str, Any]) -> None:
        from lawtrace.ledger.services import make_checkpoints

        refused: list[str] = []
        made = make_checkpoints(refused)
        for cp in made:
            self.stdout.write(f"{cp.log.origin}：检查点 {cp.size} 条")
        if refused:
            raise CommandError("；".join(refused), returncode=2)
        self.stdout.write(self.style.SUCCESS(f"签署了 {len(made)} 个检查点"))

    def _witness(self, options: dict[str, Any]) -> None:
        from lawtrace.ledger.services import make_checkpoint
        from lawtrace.ledger.witnessing import WitnessRefused, submit

        log = self._log(options["log"])
        key = options["witness_key"]
        key = Path(key).read_text(encoding="utf-8").strip() if Path(key).is_file() else key.strip()
        make_checkpoint(log)
        checkpoint = log.checkpoints.order_by("-size").first()
        if checkpoint is None:
            raise CommandError("日志尚无检查点")
        try:
            cosignature = submit(checkpoint, options["url"], key)
        except (WitnessRefused, NoteError) as e:
            raise CommandError(str(e), returncode=2) from e
        self.stdout.write(
            self.style.SUCCESS(f"{log.origin}：{checkpoint.size} 条的检查点已由 {cosignature.witness} 联署")
        )

    def _monitor(self, options: dict[str, Any]) -> None:
        from lawtrace.ledger.monitor import MonitorError, watch

        try:
            message = watch(options["url"], options["key"], options["state"])
        except MonitorError as e:
            raise CommandError(f"发现不一致：{e}", returncode=2) from e
        self.stdout.write(self.style.SUCCESS(message))

    def _rotate_key(self, options: dict[str, Any]) -> None:
        from lawtrace.ledger.services import rotate_key
        from lawtrace.orgs.models import User

        log = self._log(options["log"])
        actor = User.objects.filter(is_superuser=True).order_by("pk").first()
        if actor is None:
            raise CommandError("需要一个超级管理员账号作为操作人")
        key_id = rotate_key(actor=actor, organisation=log.organisation)
        self.stdout.write(self.style.SUCCESS(f"{log.origin}：新密钥 {key_id}；旧公钥已保留"))


def _key_text(source: str) -> str:
    """A verifier key given as itself, or the first key line of a file holding it."""
    path = Path(source)
    if "+" in source and not path.exists():
        return source.strip()
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return next((line for line in lines if line and not line.startswith("#")), "")
