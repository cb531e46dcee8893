"""Cases and the registers that lead to them. Written only by ``services.py``; every write is ledgered there.

Personal data of parties and complainants (ID numbers, phones, addresses) lives in these rows only. The ledger
commits to it through a salted SHA-256 of the row's content (``salt`` below), never the values themselves.
"""

from __future__ import annotations

import secrets

from django.db import models

from lawtrace.orgs.models import Certificate, Organisation, User


def new_salt() -> str:
    return secrets.token_hex(16)


class CaseType(models.TextChoices):
    """WS-2, WS-25, IMR-2."""

    INSPECTION = "inspection", "行政检查"
    PENALTY = "penalty", "行政处罚"
    COERCION = "coercion", "行政强制"
    BENEFIT = "benefit", "行政给付"
    AUDIT = "audit", "稽核检查"
    AGREEMENT = "agreement", "协议管理"


class CaseSource(models.TextChoices):
    COMPLAINT = "complaint", "投诉举报"
    APPLICATION = "application", "依申请"
    EX_OFFICIO = "ex_officio", "依职权（监督检查发现）"
    REFERRAL = "referral", "其他部门移送"
    ASSIGNED = "assigned", "上级交办"


class Phase(models.TextChoices):
    """WS-3 / IMR-2c: the four phases, then closing."""

    OPENING = "opening", "程序启动"
    INVESTIGATION = "investigation", "调查取证"
    DECISION = "decision", "审查决定"
    EXECUTION = "execution", "送达执行"
    CLOSED = "closed", "结案"


PHASE_ORDER = [Phase.OPENING, Phase.INVESTIGATION, Phase.DECISION, Phase.EXECUTION, Phase.CLOSED]


class CaseStatus(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", "待审批立案"
    ACTIVE = "active", "办理中"
    SUSPENDED = "suspended", "中止"
    TERMINATED = "terminated", "终止"
    WITHDRAWN = "withdrawn", "撤销立案"
    TRANSFERRED = "transferred", "已移送"
    NOT_OPENED = "not_opened", "不予立案"
    CLOSED = "closed", "已结案"


class Procedure(models.TextChoices):
    GENERAL = "general", "一般程序"
    SUMMARY = "summary", "简易程序"


class Complaint(models.Model):
    """投诉举报登记 (WS-8, IMR-7): who complained, what, who recorded it, how it was handled (WS-8b, IMR-7b)."""

    class Handling(models.TextChoices):
        PENDING = "pending", "待处理"
        TAKEN_UP = "taken_up", "已立案"
        NOT_TAKEN_UP = "not_taken_up", "不予受理"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="complaints")
    number = models.CharField("登记号", max_length=40)
    received_at = models.DateTimeField("收到时间")
    channel = models.CharField(
        "渠道",
        max_length=20,
        choices=[
            ("phone", "电话"),
            ("letter", "来信"),
            ("visit", "来访"),
            ("online", "网络"),
            ("referral", "转办"),
        ],
    )
    real_name = models.BooleanField("实名", default=False)
    complainant_name = models.CharField("投诉举报人", max_length=50, blank=True)
    complainant_contact = models.CharField("联系方式", max_length=50, blank=True)
    subject = models.CharField("被投诉举报对象", max_length=100)
    content = models.TextField("内容")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="登记人")
    handling = models.CharField("处理情况", max_length=16, choices=Handling.choices, default=Handling.PENDING)
    handling_note = models.TextField("处理说明", blank=True)
    notice_to_complainant = models.TextField("告知投诉举报人的内容", blank=True)
    notified_at = models.DateTimeField("告知时间", null=True, blank=True)
    salt = models.CharField(max_length=32, default=new_salt, editable=False)

    class Meta:
        verbose_name = "投诉举报"
        verbose_name_plural = "投诉举报"
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["organisation", "number"], name="unique_complaint_number")]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"


class Application(models.Model):
    """依申请 (WS-9): an application — submitted, reviewed, asked once for everything missing (补正更正, 一次告知),
    then accepted (a case opens, linked to it) or rejected with the reason told to the applicant."""

    class Status(models.TextChoices):
        RECEIVED = "received", "待审查"
        CORRECTION_REQUESTED = "correction_requested", "待补正"
        ACCEPTED = "accepted", "已受理立案"
        REJECTED = "rejected", "不予受理（驳回）"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="applications")
    number = models.CharField("申请登记号", max_length=40)
    received_at = models.DateTimeField("提交申请时间")
    applicant = models.CharField("申请人", max_length=100)
    applicant_contact = models.CharField("联系方式", max_length=50, blank=True)
    matter = models.TextField("申请事项")
    materials = models.TextField("提交的材料", blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="登记人")
    status = models.CharField("状态", max_length=24, choices=Status.choices, default=Status.RECEIVED)
    correction_items = models.JSONField("需补正的全部内容", default=list)
    correction_notice = models.TextField("补正告知", blank=True)
    correction_requested_at = models.DateTimeField("告知补正时间", null=True, blank=True)
    corrected_at = models.DateTimeField("补正材料提交时间", null=True, blank=True)
    decision_reason = models.TextField("驳回理由及告知内容", blank=True)
    decided_at = models.DateTimeField("受理或驳回时间", null=True, blank=True)
    salt = models.CharField(max_length=32, default=new_salt, editable=False)

    class Meta:
        verbose_name = "申请"
        verbose_name_plural = "申请"
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["organisation", "number"], name="unique_application_number")]

    def __str__(self) -> str:
        return f"{self.number} {self.applicant}"


class Counter(models.Model):
    """The last number given per organisation, year and series (案号, 投诉登记号); locked while one is allocated,
    so numbers are gap-free and never given twice, whatever number of app servers allocate at once."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    series = models.CharField(max_length=20)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "series", "year"], name="unique_counter")]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.series}/{self.year}: {self.last}"


class Case(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cases", verbose_name="办案机关"
    )
    number = models.CharField("案号", max_length=60)
    year = models.PositiveIntegerField("年度")
    serial = models.PositiveIntegerField("序号")
    case_type = models.CharField("案件类型", max_length=16, choices=CaseType.choices)
    source = models.CharField("案件来源", max_length=16, choices=CaseSource.choices)
    procedure = models.CharField("程序", max_length=10, choices=Procedure.choices, default=Procedure.GENERAL)
    title = models.CharField("案由", max_length=200)
    facts = models.TextField("基本案情")
    violation_ended_on = models.DateField("违法行为发生（终了）日期", null=True, blank=True)
    harms_life_or_finance = models.BooleanField("涉及生命健康安全、金融安全且有危害后果", default=False)
    urgent = models.BooleanField("紧急情况先行启动", default=False)
    phase = models.CharField("阶段", max_length=16, choices=Phase.choices, default=Phase.OPENING)
    status = models.CharField("状态", max_length=20, choices=CaseStatus.choices, default=CaseStatus.PENDING_APPROVAL)
    rulebook = models.CharField("规则集", max_length=40)
    rulebook_version = models.CharField("规则集版本", max_length=20)
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, null=True, blank=True, related_name="cases")
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="cases", verbose_name="申请"
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="登记人")
    created_at = models.DateTimeField("登记时间")
    opened_at = models.DateTimeField("立案时间", null=True, blank=True)
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)
    salt = models.CharField(max_length=32, default=new_salt, editable=False)

    class Meta:
        verbose_name = "案件"
        verbose_name_plural = "案件"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["-created_at"], name="case_newest_first")]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="unique_case_number"),
            models.UniqueConstraint(fields=["organisation", "year", "serial"], name="unique_case_serial"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class PartyKind(models.TextChoices):
    NATURAL = "natural", "自然人"
    LEGAL = "legal", "法人"
    OTHER = "other", "其他组织"


class Party(models.Model):
    """当事人. A natural person's 身份证号 is checked against GB 11643; an organisation's credit code, GB 32100."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="parties")
    kind = models.CharField("类型", max_length=10, choices=PartyKind.choices)
    name = models.CharField("姓名/名称", max_length=100)
    id_number = models.CharField("身份证号", max_length=18, blank=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    representative = models.CharField("法定代表人/负责人", max_length=50, blank=True)
    address = models.CharField("住所/地址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    is_minor = models.BooleanField("未成年人", default=False)
    salt = models.CharField(max_length=32, default=new_salt, editable=False)

    class Meta:
        verbose_name = "当事人"
        verbose_name_plural = "当事人"

    def __str__(self) -> str:
        return self.name


class Handler(models.Model):
    """承办人: a person with a valid enforcement certificate (APL-42), with the certificate that qualified them."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="handlers")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="handled", verbose_name="承办人")
    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="+", verbose_name="执法证")
    is_lead = models.BooleanField("主办", default=False)
    active = models.BooleanField("在办", default=True)
    assigned_at = models.DateTimeField("指派时间")
    removed_reason = models.CharField("退出原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "承办人"
        verbose_name_plural = "承办人"
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="unique_handler_per_case")]

    def __str__(self) -> str:
        return f"{self.case.number} {self.user}"


class Approval(models.Model):
    """One opinion in an approval chain (立案审批: handler → unit head → bureau head; WS-10, IMR-8)."""

    class Step(models.TextChoices):
        HANDLER = "handler", "承办人意见"
        UNIT_HEAD = "unit_head", "承办机构意见"
        BUREAU_HEAD = "bureau_head", "机关负责人意见"

    class Subject(models.TextChoices):
        OPENING = "opening", "立案"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="approvals")
    subject = models.CharField("事项", max_length=20, choices=Subject.choices)
    step = models.CharField("环节", max_length=16, choices=Step.choices)
    approve = models.BooleanField("同意")
    opinion = models.TextField("意见")
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="签署人")
    at = models.DateTimeField("签署时间")

    class Meta:
        verbose_name = "审批意见"
        verbose_name_plural = "审批意见"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_step_display()}"


class ComplianceRow(models.Model):
    """Projection of ``compliance.evaluate``: one row per case × rule, for dashboards. Derived, never edited;
    rebuilt after each action on the case, by ``lawtrace periodic`` (time moves a due item to overdue) and fully
    by ``lawtrace compliance rebuild``."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="compliance_rows")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    rule_id = models.CharField(max_length=20, db_index=True)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=16, db_index=True)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    met_at = models.DateTimeField(null=True, blank=True)
    late = models.CharField(max_length=40, blank=True)
    explanation = models.TextField(blank=True)  # how the due date was reached (shown wherever the date appears)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "rule_id"], name="unique_compliance_row")]
        indexes = [models.Index(fields=["organisation", "status"]), models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.rule_id} {self.status}"


class CaseScore(models.Model):
    """案卷评查 score of one case, derived from its projection rows and written with them by ``compliance.refresh``.

    Kept as its own row so the supervision dashboard pages through scores with an index instead of grouping every
    projection row of the subtree on each request."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="score")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(max_length=60)  # the case's 案号, copied for ordering
    score = models.PositiveSmallIntegerField()
    overdue = models.PositiveIntegerField()
    missing = models.PositiveIntegerField()
    met = models.PositiveIntegerField()
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["score", "number"]), models.Index(fields=["number"])]

    def __str__(self) -> str:
        return f"{self.number} {self.score}"


class ComplianceCount(models.Model):
    """How many projection rows an organisation has per rule and status — the dashboard's counts, kept by
    ``compliance.refresh`` (by difference) and recomputed from the rows by every ``rebuild_all``."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    rule_id = models.CharField(max_length=20)
    status = models.CharField(max_length=16)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "rule_id", "status"], name="unique_compliance_count")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.rule_id} {self.status} {self.count}"
