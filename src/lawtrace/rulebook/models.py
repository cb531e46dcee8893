"""The administrator's working-day table: a year's holidays and make-up working days entered from the State
Council notice before any library knows them, and local holidays. Read by :class:`DatabaseOverrides`."""

from __future__ import annotations

from django.db import models

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
