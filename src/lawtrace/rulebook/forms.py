"""The confirm form of a checklist item and the IMR-5b statement form (glue: the services check everything)."""

from __future__ import annotations

from django import forms

from lawtrace.forms import StyledForm


class ConfirmForm(StyledForm):
    note = forms.CharField(
        label="说明（选填）", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AVOmissionForm(StyledForm):
    reason = forms.CharField(
        label="文字记录能够全面有效记录该执法行为的理由（IMR-5b）",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ParameterOverrideForm(StyledForm):
    """调整规则集参数 (IMR-26 / IMD-13). ``parameter`` is ``RULE-ID|key`` (``RULE-ID|`` for the flag only)."""

    parameter = forms.ChoiceField(label="参数")
    value = forms.CharField(label="新值", required=False, max_length=500, help_text="金额以分计；列表写作 JSON。")
    unverified = forms.TypedChoiceField(
        label="未核实标记",
        choices=[("", "不改变"), ("false", "已核实"), ("true", "未核实")],
        coerce=lambda v: v == "true",
        empty_value=None,
        required=False,
    )
    effective_from = forms.DateField(label="施行日期", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="依据（人民政府的规定及其文号）", max_length=200)

    def __init__(self, *args: object, parameters: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["parameter"].choices = parameters  # type: ignore[attr-defined]
