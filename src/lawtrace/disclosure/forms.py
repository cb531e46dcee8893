"""Forms: the public correction request (with a honeypot instead of a captcha service) and the publisher's forms."""

from __future__ import annotations

from django import forms

from lawtrace.disclosure.models import BeforeCategory, CorrectionResult, WithdrawalCause
from lawtrace.forms import BoundedForm


class CorrectionForm(BoundedForm):
    requester = forms.CharField(label="姓名或名称", max_length=100)
    contact = forms.CharField(label="联系方式（电话或电子邮箱，仅用于答复，不公开）", max_length=100)
    content = forms.CharField(label="更正要求及理由", widget=forms.Textarea(attrs={"rows": 5}), max_length=2000)
    # Left empty by people; filled by most form-spamming robots (the field is hidden from view and from screen readers).
    website = forms.CharField(label="网站", required=False)

    def is_robot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class BeforeItemForm(BoundedForm):
    category = forms.ChoiceField(label="事项", choices=BeforeCategory.choices)
    title = forms.CharField(label="标题", max_length=200)
    text = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 10}))


class ReviseForm(BoundedForm):
    text = forms.CharField(label="内容（原文）", widget=forms.Textarea(attrs={"rows": 10}))
    manual_terms = forms.CharField(
        label="人工遮蔽（每行一个词语，出现处一律遮蔽）", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    kept = forms.CharField(
        label="确认可公开的内容（每行一项；仅限本机关电话、邮箱，或经核实不是个人信息的号码、词语）",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    change_note = forms.CharField(label="变更说明", max_length=200, required=False)
    basis_changed = forms.BooleanField(label="因执法依据变更或职能调整而变化（IMD-10：7日内更新）", required=False)


class PublishForm(BoundedForm):
    redaction_confirmed = forms.BooleanField(
        label="已核对遮蔽预览：身份证号、联系方式、银行账号、详细地址、健康信息和当事人以外的自然人姓名均已去除（IMD-8）",
        required=False,
    )


class WithholdForm(BoundedForm):
    reason = forms.CharField(label="不予公示的理由（涉及国家秘密、商业秘密、国家安全等）", max_length=200)


class WithdrawalCauseForm(BoundedForm):
    cause = forms.ChoiceField(label="撤回原因", choices=WithdrawalCause.choices)
    cause_occurred_at = forms.DateTimeField(
        label="前述情况出现时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class WithdrawForm(BoundedForm):
    explanation = forms.CharField(label="公开说明的理由", widget=forms.Textarea(attrs={"rows": 4}))


class AnswerForm(BoundedForm):
    verification = forms.CharField(label="核实情况", widget=forms.Textarea(attrs={"rows": 4}))
    result = forms.ChoiceField(label="处理结果", choices=CorrectionResult.choices)


class ReactionForm(BoundedForm):
    note = forms.CharField(label="舆情跟踪与回应情况（IMD-12）", widget=forms.Textarea(attrs={"rows": 3}))
