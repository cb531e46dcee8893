"""The final document of a signed record: rendered once, stored by its hash, never rendered again."""

from __future__ import annotations

from django.db import models

from lawtrace.records.models import Record


class FinalDocument(models.Model):
    """The PDF/A-2b that a signed record became (its 定稿). The bytes live in the evidence store, content-addressed
    (SHA-256 + SM3, re-checked by the evidence fixity); the ledger commits to the hash."""

    record = models.OneToOneField(Record, on_delete=models.PROTECT, related_name="final_document")
    stored = models.ForeignKey("evidence.StoredObject", on_delete=models.PROTECT, related_name="+")
    template = models.CharField("文书模板", max_length=200)
    rendered_at = models.DateTimeField("生成时间")
    pages = models.PositiveIntegerField("页数")
    # Printed on the document (with its QR code): the public verification page's key. Random, not derived from
    # anything on the paper, so the codes of other documents cannot be guessed from one.
    code = models.CharField("核验码", max_length=16, unique=True)
    ledger_seq = models.BigIntegerField("台账序号")

    class Meta:
        verbose_name = "文书定稿"
        verbose_name_plural = "文书定稿"

    def __str__(self) -> str:
        return f"{self.record} {self.stored.sha256[:12]}"
