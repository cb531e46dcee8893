"""``lawtrace periodic``: do whatever periodic work is due, idempotently. Production runs it every minute (cron or a
systemd timer); ``lawtrace run`` runs it in a loop beside the web server. Today: make the final documents of
signed records that have none yet (a few per pass), sign a checkpoint for every log that
grew since its last one, refresh the compliance projection of open cases, remove abandoned evidence uploads and
re-check the stored evidence files that are due for a fixity check, and scan again the public items published
under older redaction rules.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from lawtrace.ledger.services import make_checkpoints


class Command(BaseCommand):
    help = "执行到期的周期性工作（为有新条目的台账签署检查点）。可重复执行。"

    def handle(self, *args: Any, **options: Any) -> None:
        from lawtrace.cases.compliance import rebuild_all
        from lawtrace.disclosure.services import rescan_published
        from lawtrace.documents.services import make_pending
        from lawtrace.evidence import tasks as evidence

        documents = make_pending()  # before the checkpoints: their ledger entries are signed in this pass
        refused: list[str] = []
        made = make_checkpoints(refused)
        from lawtrace.ledger.witnessing import submit_all

        cosigned = submit_all(refused)  # the parents' witnesses, where configured
        refreshed = rebuild_all(open_only=True)  # time alone turns a due item overdue; one transaction per chunk
        removed = evidence.cleanup_uploads()
        checked, failed = evidence.check_fixity()
        taken_back = rescan_published(stale_only=True)  # public items scanned under older redaction rules
        self.stdout.write(
            f"生成文书定稿 {documents} 份；签署检查点 {len(made)} 个（见证联署 {len(cosigned)} 个）；"
            f"刷新合规结论 {refreshed} 个案件；"
            f"清理未完成上传 {removed} 个；校验音像文件 {checked} 个（不符 {failed} 个）；"
            f"重新检测后撤下公示信息 {len(taken_back)} 条"
        )
        for refusal in refused:
            self.stderr.write(refusal)
