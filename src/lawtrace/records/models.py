"""A written record of a case. Its kind and required fields come from the case's rulebook (``record_kinds``).

Append-only: a signed record is never edited; a correction is a new record pointing at the original (``corrects``),
and both stay visible. The ledger commits to the content through ``content_hash`` (salted SHA-256).
"""

from __future__ import annotations

from django.db import models

from lawtrace.cases.models import Case, new_salt
from lawtrace.orgs.models import User


class Record(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SIGNED = "signed", "已签署"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="records")
    kind = models.CharField("记录种类", max_length=60, db_index=True)
    kind_name = models.CharField("名称", max_length=100)
    occurred_at = models.DateTimeField("发生时间")
    content = models.JSONField("内容", default=dict)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="制作人")
    created_at = models.DateTimeField("制作时间")
    signed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="签署人"
    )
    signed_at = models.DateTimeField("签署时间", null=True, blank=True)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections", verbose_name="更正的记录"
    )
    correction_reason = models.CharField("更正理由", max_length=200, blank=True)
    salt = models.CharField(max_length=32, default=new_salt, editable=False)
    content_hash = models.CharField("内容哈希", max_length=64)

    class Meta:
        verbose_name = "执法记录"
        verbose_name_plural = "执法记录"
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case.number} {self.kind_name}"


class Attachment(models.Model):
    """A scan or photo attached to a record: above all the signed page of a signature made outside the system (the
    party's, a witness's). Stored once by its SHA-256 in the evidence store; never removed."""

    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="attachments")
    stored = models.ForeignKey("evidence.StoredObject", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=50)
    description = models.CharField("说明", max_length=200)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="上传人")
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "记录附件"
        verbose_name_plural = "记录附件"
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.record} {self.name}"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
