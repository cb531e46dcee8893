"""The administrator's working-day table: a year's holidays and make-up working days entered from the State
Council notice before any library knows them, and local holidays. Read by :class:`DatabaseOverrides`. And the
confirmations of checklist items a person confirms (:class:`Confirmation`, IMR-5, WS-6 / IMR-4, IMR-5b)."""

from __future__ import annotations

from django.db import models

from lawtrace.cases.models import new_salt
from lawtrace.orgs.models import User


class CalendarDay(models.Model):
    day = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField("是否上班")
    name = models.CharField("名称/事由", max_length=60, help_text="如“春节”“调休上班”“本地节日”。")
    entered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="录入人")
    entered_at = models.DateTimeField("录入时间")

    class Meta:
        verbose_name = "工作日调整"
        verbose_name_plural = "工作日调整"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {'上班' if self.is_working_day else '放假'}（{self.name}）"


class DeclaredYear(models.Model):
    """A year whose whole official schedule has been entered: its remaining days are ordinary (Mon–Fri)."""

    year = models.PositiveIntegerField("年度", unique=True)
    source = models.CharField("依据", max_length=120, help_text="如“国务院办公厅关于2027年部分节假日安排的通知”。")
    entered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="录入人")
    entered_at = models.DateTimeField("录入时间")

    class Meta:
        verbose_name = "已录入放假安排的年度"
        verbose_name_plural = "已录入放假安排的年度"
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}年（{self.source}）"


class Confirmation(models.Model):
    """人工核对确认: a person confirms a rulebook item no code can judge (rules of kind ``checklist``: IMR-5 document
    wording per case, WS-6 / IMR-4 equipment and rooms per organisation), or an officer states why an act was not
    recorded on audio/video (IMR-5b: only where the written record fully records it; ``note`` is the reason).

    Immutable: every confirmation is a new row, so the history of who confirmed what and when stays. ``item`` keeps
    the rulebook's wording as it was confirmed. Written only by ``services``, with its ledger entry; the note may
    hold personal data, so the ledger commits to it through ``salt`` (never the text).
    """

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="组织"
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="checklist_confirmations",
        verbose_name="案件",
    )
    record = models.ForeignKey(
        "records.Record", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="记录"
    )
    rule_id = models.CharField("规则", max_length=20, db_index=True)
    item = models.TextField("核对事项")
    confirmed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="确认人")
    confirmed_at = models.DateTimeField("确认时间")
    note = models.TextField("说明", blank=True)
    salt = models.CharField(max_length=32, default=new_salt, editable=False)

    class Meta:
        verbose_name = "核对确认"
        verbose_name_plural = "核对确认"
        ordering = ["-confirmed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.confirmed_at:%Y-%m-%d %H:%M}"


class ParameterOverride(models.Model):
    """An organisation's change to a rulebook parameter (IMR-26 / IMD-13: where a people's government at banner/county
    level or above provides otherwise, its provision prevails) — a number, a threshold, or the unverified flag.

    Immutable: a change is a new row, dated (``effective_from``, never before the day it is entered) and with its
    ground (``reason``: the government's document). It binds the organisation and every organisation below it on the
    same rulebook, the nearest one's winning; a case is judged by the rows in force when it was opened
    (``lawtrace.rulebook.overlays``). Written only by ``services.override_parameter``, with its ledger entry.
    """

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="parameter_overrides", verbose_name="组织"
    )
    rulebook = models.CharField("规则集", max_length=40)
    rule_id = models.CharField("规则", max_length=20)
    key = models.CharField("参数", max_length=60, blank=True, help_text="为空：只改变“未核实”标记。")
    value = models.JSONField("参数值", null=True, blank=True)
    unverified = models.BooleanField("未核实", null=True, blank=True, help_text="为空：不改变。")
    effective_from = models.DateField("施行日期")
    reason = models.CharField("依据", max_length=200, help_text="如某旗县人民政府文件〔2026〕N号。")
    entered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="录入人")
    entered_at = models.DateTimeField("录入时间")

    class Meta:
        verbose_name = "规则集参数调整"
        verbose_name_plural = "规则集参数调整"
        ordering = ["-entered_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "rulebook", "effective_from"], name="rulebook_override_in_force")
        ]

    def __str__(self) -> str:
        what = f"{self.key}={self.value!r}" if self.key else f"未核实={self.unverified}"
        return f"{self.rule_id} {what}（{self.effective_from:%Y-%m-%d}起）"
