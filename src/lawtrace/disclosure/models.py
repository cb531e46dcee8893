"""Publication items and their versions, correction requests, withdrawals and IMD-12 checks.

Written only by ``services.py`` (each write ledgered there). An item's text is never edited: every change is a new
:class:`ItemVersion`, and the public sees the last *published* version while the history stays. The original text
(``ItemVersion.text``) is internal; only ``redacted_text`` ever reaches a public page or the open-data API.
"""

from __future__ import annotations

from django.db import models

from lawtrace.cases.models import Case, new_salt
from lawtrace.orgs.models import Organisation, User
from lawtrace.records.models import Record


class ItemKind(models.TextChoices):
    BEFORE = "before", "事前公开"
    INSPECTION = "inspection", "行政检查结果"
    PENALTY = "penalty", "行政处罚决定"
    COERCION = "coercion", "行政强制决定"
    EXECUTION = "execution", "执行情况"
    ANNUAL = "annual", "年度执法数据"
    WITHDRAWAL = "withdrawal", "撤回说明"


# What the public site groups under 事后公示 (IMD-7).
AFTER_KINDS = (ItemKind.INSPECTION, ItemKind.PENALTY, ItemKind.COERCION, ItemKind.EXECUTION, ItemKind.WITHDRAWAL)


class BeforeCategory(models.TextChoices):
    """IMD-4 / IMD-5 items of 事前公开 (the body and its officers are shown live from the registers)."""

    POWERS = "powers", "权责清单"
    MATTERS = "matters", "执法事项清单"
    BASES = "bases", "执法依据"
    PROCEDURES = "procedures", "执法程序"
    SUPERVISION = "supervision", "监督方式与救济渠道"
    OTHER = "other", "其他应主动公开的内容"


class ItemStatus(models.TextChoices):
    DRAFT = "draft", "待处理"
    IN_REVIEW = "in_review", "待审核"
    PUBLISHED = "published", "已公开"
    WITHHELD = "withheld", "不予公示"
    WITHDRAWN = "withdrawn", "已撤回"


class Item(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="disclosure_items", verbose_name="公示机关"
    )
    kind = models.CharField("类别", max_length=16, choices=ItemKind.choices, db_index=True)
    category = models.CharField("事前公开事项", max_length=16, choices=BeforeCategory.choices, blank=True)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="disclosure_items", verbose_name="案件"
    )
    source_record = models.ForeignKey(
        Record,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disclosure_items",
        verbose_name="来源记录",
    )
    withdraws = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="withdrawal_notices"
    )
    year = models.PositiveIntegerField("统计年度", null=True, blank=True)
    status = models.CharField("状态", max_length=12, choices=ItemStatus.choices, default=ItemStatus.DRAFT)
    withheld_reason = models.CharField("不予公示的理由", max_length=200, blank=True)
    secret = models.BooleanField("涉密（不予公示）", default=False)
    minor_penalty = models.BooleanField("警告、通报批评等轻微处罚", default=False)
    source_created_at = models.DateTimeField("信息生成或变更时间")
    # The open publishing obligation (IMD-10): set when drafted or changed, met when a version is published.
    due_at = models.DateTimeField("公开期限", null=True, blank=True, db_index=True)
    due_rule = models.CharField("期限依据", max_length=20, blank=True)
    due_explanation = models.TextField("期限计算说明", blank=True)
    due_met_at = models.DateTimeField("按期限公开的时间", null=True, blank=True)
    published_version = models.ForeignKey(
        "ItemVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    first_published_at = models.DateTimeField("首次公开时间", null=True, blank=True, db_index=True)
    online_until = models.DateTimeField("公示期满时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    created_at = models.DateTimeField("起草时间")
    # The last scan of the public text (services.rescan_published): with which redaction rules and which of the
    # case's names (a salted digest); a finding sends the item back to review, with the reason shown here.
    scan_rules_version = models.PositiveIntegerField("检测规则版本", default=0)
    scan_facts = models.CharField("检测时的案件人员摘要", max_length=64, blank=True)
    review_reason = models.CharField("退回审核的原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "公示信息"
        verbose_name_plural = "公示信息"
        ordering = ["-first_published_at", "-created_at"]
        indexes = [
            # The public list (selectors.public_items + after_items): its COUNT reads this index alone (covering),
            # and a filter by kind and organisation walks it in publication order (bench/disclosure.py).
            models.Index(
                fields=["status", "kind", "organisation", "first_published_at", "online_until", "published_version"],
                name="disclosure_public_list_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def latest_version(self) -> ItemVersion | None:
        return self.versions.order_by("-number").first()


class ItemVersion(models.Model):
    """One version of an item: the original text (internal), its redaction, and what the reviewer did with it."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("版本")
    title = models.CharField("标题", max_length=200)
    party_display = models.CharField("当事人（公开显示）", max_length=200, blank=True)
    text = models.TextField("原文（内部）")
    redacted_text = models.TextField("公开文本")
    spans = models.JSONField("遮蔽位置", default=list)
    manual_terms = models.JSONField("人工遮蔽词", default=list)
    # What the publisher explicitly decided to publish although the detector flagged it (a hotline, a 单号).
    kept = models.JSONField("确认可公开的内容", default=list, blank=True)
    data = models.JSONField("数据", default=dict, blank=True)  # annual report figures (public)
    change_note = models.CharField("变更说明", max_length=200, blank=True)
    basis_changed = models.BooleanField("因执法依据变更或职能调整而变化", default=False)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="制作人"
    )
    created_at = models.DateTimeField("制作时间")
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField("提交审核时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="审核人"
    )
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    salt = models.CharField(max_length=32, default=new_salt, editable=False)
    content_hash = models.CharField("内容哈希", max_length=64)

    class Meta:
        verbose_name = "公示信息版本"
        verbose_name_plural = "公示信息版本"
        ordering = ["item", "number"]
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="unique_disclosure_version")]

    def __str__(self) -> str:
        return f"{self.item} v{self.number}"


class CorrectionResult(models.TextChoices):
    CORRECTED = "corrected", "已更正"
    UNCHANGED = "unchanged", "经核实无误"
    OTHER = "other", "其他"


class CorrectionRequest(models.Model):
    """A written request from the public to correct published decision information (IMD-11: 5 working days).

    ``requester`` and ``contact`` are personal data: shown to the publisher only, never on a public page or in the
    ledger (which holds a salted commitment instead).
    """

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="corrections", verbose_name="公示信息")
    number = models.CharField("受理号", max_length=30, unique=True)
    requester = models.CharField("申请人", max_length=100)
    contact = models.CharField("联系方式", max_length=100)
    content = models.TextField("更正要求")
    received_at = models.DateTimeField("收到时间")
    due_at = models.DateTimeField("处理期限", null=True, blank=True)  # None: the rulebook sets no period
    due_explanation = models.TextField("期限计算说明")
    verification = models.TextField("核实情况", blank=True)
    result = models.CharField("处理结果", max_length=12, choices=CorrectionResult.choices, blank=True)
    handled_at = models.DateTimeField("作出处理时间", null=True, blank=True)
    handled_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    salt = models.CharField(max_length=32, default=new_salt, editable=False)

    class Meta:
        verbose_name = "更正申请"
        verbose_name_plural = "更正申请"
        ordering = ["due_at"]

    def __str__(self) -> str:
        return self.number


class WithdrawalCause(models.TextChoices):
    CHANGED = "changed", "依法变更"
    REVOKED = "revoked", "依法撤销"
    ILLEGAL = "illegal", "确认违法"
    VOID = "void", "确认无效"
    REMADE = "remade", "要求重新作出"


class Withdrawal(models.Model):
    """A published decision that must be withdrawn (IMD-11: 3 days; APL-48: 3 working days for penalty decisions),
    from the day its cause occurred until the withdrawal with its public explanation."""

    item = models.OneToOneField(Item, on_delete=models.PROTECT, related_name="withdrawal", verbose_name="公示信息")
    cause = models.CharField("撤回原因", max_length=10, choices=WithdrawalCause.choices)
    cause_occurred_at = models.DateTimeField("前述情况出现时间")
    due_at = models.DateTimeField("撤回期限")
    due_rule = models.CharField("期限依据", max_length=20)
    due_explanation = models.TextField("期限计算说明")
    registered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField("登记时间")
    explanation = models.TextField("公开说明的理由", blank=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "撤回"
        verbose_name_plural = "撤回"

    def __str__(self) -> str:
        return f"{self.item} {self.get_cause_display()}"


class ReactionCheck(models.Model):
    """IMD-12 (a checklist rule no code can judge): the publisher confirms public reaction was followed."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="reaction_checks")
    note = models.TextField("情况说明")
    confirmed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField("确认时间")

    class Meta:
        verbose_name = "舆情跟踪确认"
        verbose_name_plural = "舆情跟踪确认"
        ordering = ["-confirmed_at"]

    def __str__(self) -> str:
        return f"{self.item} {self.confirmed_at:%Y-%m-%d}"
