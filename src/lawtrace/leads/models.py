"""The leads register (线索登记, NHSA-LEAD): a lead found by inspection, complaint, referral, assignment or data
monitoring, checked and decided — a case opened from it, or not opened with the reason — within the rulebook's
working days, extended only with the bureau head's approval. Written only by ``services.py``; every write is ledgered.

The suspected party is recorded by name only (no ID numbers); the ledger commits to the lead's content through a
salted hash (``salt``), never the text itself.
"""

from __future__ import annotations

from django.db import models

from lawtrace.cases.models import Case, Complaint, new_salt
from lawtrace.orgs.models import Organisation, User


class LeadSource(models.TextChoices):
    """The sources NHSA-LEAD names; the values are the rulebook's ``lead.lead_source`` choices."""

    INSPECTION = "inspection", "监督检查"
    COMPLAINT = "complaint", "投诉举报"
    REFERRAL = "referral", "其他部门移送"
    ASSIGNED = "assigned", "上级交办"
    MONITORING = "monitoring", "数据监控"


class LeadStatus(models.TextChoices):
    PENDING = "pending", "待核查"
    EXTENDED = "extended", "已延长"
    OPENED = "opened", "已立案"
    NOT_OPENED = "not_opened", "不予立案"


# Statuses in which the lead still waits for its decision (NHSA-LEAD runs).
UNDECIDED = (LeadStatus.PENDING, LeadStatus.EXTENDED)


class Decision(models.TextChoices):
    OPEN = "open", "立案"
    NOT_OPEN = "not_open", "不予立案"


class Lead(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="leads", verbose_name="登记机关"
    )
    number = models.CharField("线索编号", max_length=40)
    source = models.CharField("线索来源", max_length=16, choices=LeadSource.choices)
    received_at = models.DateTimeField("发现或收到线索时间")
    summary = models.TextField("线索内容")
    suspect_name = models.CharField("涉嫌违法的单位或个人", max_length=100)
    complaint = models.ForeignKey(
        Complaint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name="来源投诉举报",
    )
    registered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="登记人")
    registered_at = models.DateTimeField("登记时间")
    status = models.CharField("状态", max_length=16, choices=LeadStatus.choices, default=LeadStatus.PENDING)
    rulebook = models.CharField("规则集", max_length=40)
    rulebook_version = models.CharField("规则集版本", max_length=20)
    decision = models.CharField("处理决定", max_length=10, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="决定人"
    )
    reason = models.TextField("核查情况及理由", blank=True)
    case = models.OneToOneField(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="lead", verbose_name="立案案件"
    )
    salt = models.CharField(max_length=32, default=new_salt, editable=False)

    class Meta:
        verbose_name = "线索"
        verbose_name_plural = "线索"
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["organisation", "number"], name="unique_lead_number")]
        indexes = [models.Index(fields=["organisation", "status"], name="lead_org_status")]

    def __str__(self) -> str:
        return f"{self.number} {self.suspect_name}"

    @property
    def undecided(self) -> bool:
        return self.status in UNDECIDED


class LeadExtension(models.Model):
    """An extension of the checking period, approved by the bureau head with a reason (NHSA-LEAD ``extension``)."""

    lead = models.ForeignKey(Lead, on_delete=models.PROTECT, related_name="extensions")
    days = models.PositiveSmallIntegerField("延长工作日数")
    reason = models.TextField("延长理由")
    approved_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="批准人")
    at = models.DateTimeField("批准时间")

    class Meta:
        verbose_name = "线索核查延期"
        verbose_name_plural = "线索核查延期"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.lead.number} +{self.days}"
