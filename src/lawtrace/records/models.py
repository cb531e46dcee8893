"""A written record of a case. Its kind and required fields come from the case's rulebook (``record_kinds``).

Append-only: a signed record is never edited; a correction is a new record pointing at the original (``corrects``),
and both stay visible. The ledger commits to the content through ``content_hash`` (salted SHA-256).
"""

from __future__ import annotations

from django.db import models

from lawtrace.cases.models import Case, Party, new_salt
from lawtrace.orgs.models import User


class ConfidentialCategory(models.TextChoices):
    """IMR-5c / WS-24: what kind of confidential information a record holds."""

    STATE_SECRET = "state_secret", "国家秘密"
    TRADE_SECRET = "trade_secret", "商业秘密"
    PRIVACY = "privacy", "个人隐私"
    OTHER = "other", "其他依法应当保密的信息"


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
    # IMR-5c: marked at archiving by the head or a legal reviewer (records.confidentiality); never shown to the
    # party reading the file, never drafted for publication. Not part of the content: marking does not edit it.
    confidential = models.BooleanField("涉密", default=False)
    confidential_category = models.CharField(
        "涉密类别", max_length=16, choices=ConfidentialCategory.choices, blank=True
    )
    confidential_reason = models.CharField("标记理由", max_length=200, blank=True)
    confidential_marked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="标记人"
    )
    confidential_marked_at = models.DateTimeField("标记时间", null=True, blank=True)

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
    pages = models.PositiveIntegerField("页数", null=True, blank=True)  # an image is one page; a PDF's, if read

    class Meta:
        verbose_name = "记录附件"
        verbose_name_plural = "记录附件"
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.record} {self.name}"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class AccessRequest(models.Model):
    """当事人申请查阅执法记录 (WS-24 / IMR-24): registered for the party, decided by the bureau head. Only after
    the head's approval may the party read, and each reading is recorded (:class:`Reading`)."""

    class Status(models.TextChoices):
        PENDING = "pending", "待负责人审批"
        APPROVED = "approved", "负责人同意"
        REFUSED = "refused", "负责人不同意"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="access_requests")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+", verbose_name="申请人（当事人）")
    requested_at = models.DateTimeField("申请时间")
    scope = models.TextField("申请查阅的记录")
    registered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="登记人")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="审批人"
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    opinion = models.TextField("负责人意见", blank=True)
    salt = models.CharField(max_length=32, default=new_salt, editable=False)

    class Meta:
        verbose_name = "查阅执法记录申请"
        verbose_name_plural = "查阅执法记录申请"
        ordering = ["requested_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_status_display()}"


class Reading(models.Model):
    """阅卷: what the party was shown under an approved request, when, and by whom (WS-24 / IMR-24)."""

    request = models.ForeignKey(AccessRequest, on_delete=models.PROTECT, related_name="readings")
    records = models.ManyToManyField(Record, related_name="readings", verbose_name="提供查阅的记录")
    read_at = models.DateTimeField("查阅时间")
    shown_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="经办人")

    class Meta:
        verbose_name = "当事人查阅记录"
        verbose_name_plural = "当事人查阅记录"
        ordering = ["read_at", "pk"]

    def __str__(self) -> str:
        return f"{self.request.case.number} {self.read_at:%Y-%m-%d %H:%M}"


class ConfidentialityReview(models.Model):
    """归档保密审查 (IMR-5c): the head or a legal reviewer confirms the closed case's records were reviewed for
    secrets and privacy, and the confidential ones marked."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="confidentiality_review")
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="审查人")
    at = models.DateTimeField("确认时间")
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "归档保密审查"
        verbose_name_plural = "归档保密审查"

    def __str__(self) -> str:
        return f"{self.case.number} {self.at:%Y-%m-%d}"
