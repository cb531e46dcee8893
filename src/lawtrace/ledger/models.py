"""The append-only ledger: one hash-chained, Merkle-tree log per organisation (DESIGN.md § Ledger format v1).

``Entry.data`` holds the exact canonical bytes that were hashed; every other column of an entry is an index for
queries, derived from those bytes at append time. ``Entry`` and ``Checkpoint`` rows refuse UPDATE and DELETE in the
database itself (triggers, migration 0002). ``Log`` is the mutable head pointer that appends lock and advance; it is
never trusted by ``verify``, which recomputes everything from the entries.
"""

from __future__ import annotations

from django.db import models

from lawtrace.orgs.models import Organisation, User


class Log(models.Model):
    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="log")
    origin = models.CharField("日志标识", max_length=200, unique=True)
    size = models.BigIntegerField("条目数", default=0)
    head = models.BinaryField("末条叶哈希", max_length=32, default=b"")
    last_time = models.DateTimeField("末条时间", null=True, blank=True)

    class Meta:
        verbose_name = "台账日志"
        verbose_name_plural = "台账日志"

    def __str__(self) -> str:
        return self.origin


class Entry(models.Model):
    log = models.ForeignKey(Log, on_delete=models.PROTECT, related_name="entries")
    seq = models.BigIntegerField("序号")
    data = models.BinaryField("规范字节")
    leaf_hash = models.BinaryField("叶哈希", max_length=32)
    # Entry MAC v1 (keys.entry_mac): key id ‖ HMAC-SHA256 by a key in the key folder, so the unsigned tail cannot be
    # forged with database access alone. Empty only for entries made before v1, which migration 0004 checkpointed.
    mac = models.BinaryField("认证码", max_length=36, null=True, blank=True)
    # Indexes for queries, copied from ``data`` at append time.
    time = models.DateTimeField("记账时间")
    # Not a database-level choice list: new actions join the vocabulary (LedgerAction) without a migration.
    action = models.CharField("动作", max_length=40, db_index=True)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    case_number = models.CharField("案号", max_length=60, blank=True, db_index=True)

    class Meta:
        verbose_name = "台账条目"
        verbose_name_plural = "台账条目"
        constraints = [models.UniqueConstraint(fields=["log", "seq"], name="ledger_entry_unique_seq")]
        ordering = ["log", "seq"]

    def __str__(self) -> str:
        return f"{self.log.origin}#{self.seq} {self.action}"

    def get_action_display(self) -> str:
        from lawtrace.ledger.actions import LedgerAction

        return str(LedgerAction(self.action).label) if self.action in LedgerAction.values else self.action


class Checkpoint(models.Model):
    """A signed statement of the log's size and root (C2SP signed note of a tlog-checkpoint)."""

    log = models.ForeignKey(Log, on_delete=models.PROTECT, related_name="checkpoints")
    size = models.BigIntegerField("树大小")
    root_hash = models.BinaryField("根哈希", max_length=32)
    time = models.DateTimeField("签署时间")
    key_id = models.CharField("密钥标识", max_length=8)
    note = models.TextField("签名文本")

    class Meta:
        verbose_name = "签名检查点"
        verbose_name_plural = "签名检查点"
        constraints = [models.UniqueConstraint(fields=["log", "size"], name="ledger_checkpoint_unique_size")]
        ordering = ["log", "-size"]

    def __str__(self) -> str:
        return f"{self.log.origin} @{self.size}"


class Cosignature(models.Model):
    """A witness's C2SP tlog-cosignature of one checkpoint (the parent organisation's, ``witness.py``)."""

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="cosignatures")
    witness = models.CharField("见证方", max_length=200)
    key_id = models.CharField("密钥标识", max_length=8)
    time = models.DateTimeField("见证时间")
    line = models.TextField("签名行")

    class Meta:
        verbose_name = "见证签名"
        verbose_name_plural = "见证签名"
        constraints = [
            models.UniqueConstraint(fields=["checkpoint", "witness", "key_id"], name="ledger_cosignature_unique")
        ]
        ordering = ["-time"]

    def __str__(self) -> str:
        return f"{self.witness} @{self.checkpoint.size}"


class Verification(models.Model):
    """The outcome of one run of ``lawtrace ledger verify`` (shown on the supervisor's ledger page)."""

    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间")
    log = models.ForeignKey(Log, on_delete=models.PROTECT, null=True, blank=True, related_name="verifications")
    since = models.BigIntegerField("起始序号", default=0)
    entries = models.BigIntegerField("核验条目数", default=0)
    ok = models.BooleanField("结果正常")
    first_bad_seq = models.BigIntegerField("首个异常序号", null=True, blank=True)
    message = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "核验记录"
        verbose_name_plural = "核验记录"
        ordering = ["-finished_at"]

    def __str__(self) -> str:
        return f"{self.finished_at:%Y-%m-%d %H:%M} {'正常' if self.ok else '异常'}"
