"""Forms for case actions. They only validate input; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from lawtrace.cases.models import CaseSource, CaseType, PartyKind, Procedure
from lawtrace.forms import StyledForm
from lawtrace.orgs.models import Organisation, User


class ComplaintForm(StyledForm):
    received_at = forms.DateTimeField(
        label="收到时间",
        initial=lambda: timezone.localtime().replace(second=0, microsecond=0),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    channel = forms.ChoiceField(
        label="渠道",
        choices=[("phone", "电话"), ("letter", "来信"), ("visit", "来访"), ("online", "网络"), ("referral", "转办")],
    )
    real_name = forms.BooleanField(label="实名投诉举报", required=False)
    complainant_name = forms.CharField(label="投诉举报人", required=False, max_length=50)
    complainant_contact = forms.CharField(label="联系方式", required=False, max_length=50)
    subject = forms.CharField(label="被投诉举报对象", max_length=100)
    content = forms.CharField(label="投诉举报内容", widget=forms.Textarea(attrs={"rows": 4}))


class DeclineComplaintForm(StyledForm):
    reason = forms.CharField(label="不予受理理由", widget=forms.Textarea(attrs={"rows": 3}))
    notice = forms.CharField(
        label="告知投诉举报人的内容（实名投诉举报必填）", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RegisterCaseForm(StyledForm):
    case_type = forms.ChoiceField(label="案件类型", choices=CaseType.choices, initial=CaseType.PENALTY)
    source = forms.ChoiceField(label="案件来源", choices=CaseSource.choices)
    title = forms.CharField(label="案由", max_length=200)
    facts = forms.CharField(label="基本案情", widget=forms.Textarea(attrs={"rows": 4}))
    violation_ended_on = forms.DateField(
        label="违法行为发生（终了）日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    harms_life_or_finance = forms.BooleanField(label="涉及生命健康安全、金融安全且有危害后果", required=False)
    co_handlers = forms.ModelMultipleChoiceField(
        label="其他承办人（连同本人不少于2名持证执法人员）", queryset=User.objects.none(), required=False
    )
    handler_opinion = forms.CharField(label="承办人意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    urgent = forms.BooleanField(label="紧急情况，先行启动（24小时内补报审批）", required=False)
    procedure = forms.TypedChoiceField(
        label="程序",
        choices=Procedure.choices,
        initial=Procedure.GENERAL,
        required=False,
        empty_value=Procedure.GENERAL,
        help_text="简易程序：违法事实确凿、有法定依据，当场作出警告或公民200元、单位3000元以下罚款（APL-51）。",
    )
    party_kind = forms.ChoiceField(label="当事人类型", choices=PartyKind.choices)
    party_name = forms.CharField(label="姓名/名称", max_length=100)
    party_id_number = forms.CharField(label="身份证号", required=False, max_length=18)
    party_credit_code = forms.CharField(label="统一社会信用代码", required=False, max_length=18)
    party_representative = forms.CharField(label="法定代表人/负责人", required=False, max_length=50)
    party_address = forms.CharField(label="住所/地址", required=False, max_length=200)
    party_phone = forms.CharField(label="联系电话", required=False, max_length=30)

    def __init__(self, *args: Any, organisation: Organisation, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        officers = (
            User.objects.filter(roles__organisation=organisation, roles__role="officer", roles__is_active=True)
            .exclude(pk=actor.pk)
            .order_by("full_name")
        )
        field = self.fields["co_handlers"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = officers
        field.widget.attrs["size"] = min(6, max(2, officers.count()))
        self.actor = actor

    def registration(self) -> dict[str, Any]:
        """What ``services.register_case`` takes from this form (once valid): the case, its party, its handlers —
        the registering officer first."""
        from lawtrace.cases.services import PartyInput

        d = self.cleaned_data
        party = PartyInput(
            kind=PartyKind(d["party_kind"]),
            name=d["party_name"],
            id_number=d["party_id_number"].upper(),
            credit_code=d["party_credit_code"].upper(),
            representative=d["party_representative"],
            address=d["party_address"],
            phone=d["party_phone"],
        )
        return {
            "case_type": CaseType(d["case_type"]),
            "title": d["title"],
            "facts": d["facts"],
            "parties": [party],
            "handlers": [self.actor, *d["co_handlers"]],
            "handler_opinion": d["handler_opinion"],
            "violation_ended_on": d["violation_ended_on"],
            "harms_life_or_finance": d["harms_life_or_finance"],
            "urgent": d["urgent"],
            "procedure": Procedure(d["procedure"]),
        }


class OpinionForm(StyledForm):
    approve = forms.TypedChoiceField(
        label="结论", choices=[("1", "同意"), ("0", "不同意")], coerce=lambda v: v == "1", initial="1"
    )
    opinion = forms.CharField(label="意见", widget=forms.Textarea(attrs={"rows": 2}))


class OpeningRequestForm(StyledForm):
    opinion = forms.CharField(label="承办人意见（补报立案审批）", widget=forms.Textarea(attrs={"rows": 2}))


class RecusalForm(StyledForm):
    """回避 (APL-43 / NHSA-5): the head decides, on the party's application or the officer's own."""

    person = forms.ModelChoiceField(label="被申请回避的承办人", queryset=User.objects.none())
    applied_by_party = forms.TypedChoiceField(
        label="提出方式",
        choices=[("1", "当事人申请"), ("0", "执法人员自行回避")],
        coerce=lambda v: v == "1",
        initial="1",
    )
    # NHSA-5: the head may refuse — "不予回避" is a decision recorded like the other (left out: 回避).
    granted = forms.TypedChoiceField(
        label="决定",
        choices=[("1", "回避"), ("0", "不予回避")],
        coerce=lambda v: v == "1",
        initial="1",
        required=False,
        empty_value=True,  # type: ignore[arg-type]  # left out: granted (the stubs allow only str)
    )
    reason = forms.CharField(label="回避理由及决定", widget=forms.Textarea(attrs={"rows": 2}), max_length=500)

    def __init__(self, *args: Any, case: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(handled__case=case, handled__active=True).order_by("full_name")


class AddHandlerForm(StyledForm):
    """A handler added (APL-42: a valid certificate of their own), e.g. before a recusal leaves fewer than two."""

    person = forms.ModelChoiceField(label="增加的承办人", queryset=User.objects.none())

    def __init__(self, *args: Any, case: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            User.objects.filter(roles__organisation=case.organisation, roles__role="officer", roles__is_active=True)
            .exclude(handled__case=case)
            .distinct()
            .order_by("full_name")
        )


class WithdrawForm(StyledForm):
    reason = forms.CharField(label="撤销立案的理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=500)


def _moment_field(label: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        initial=lambda: timezone.localtime().replace(second=0, microsecond=0),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class ApplicationForm(StyledForm):
    received_at = _moment_field("提交申请时间")
    applicant = forms.CharField(label="申请人（姓名或名称）", max_length=100)
    applicant_contact = forms.CharField(label="联系方式", required=False, max_length=50)
    matter = forms.CharField(label="申请事项", widget=forms.Textarea(attrs={"rows": 3}))
    materials = forms.CharField(label="提交的材料", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CorrectionRequestForm(StyledForm):
    items = forms.CharField(
        label="需补正的全部材料或内容（每行一项）",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="一次告知：应当一次列明全部需补正的内容，之后不能再次要求补正（WS-9）。",
    )
    notice = forms.CharField(label="告知申请人的方式和内容", widget=forms.Textarea(attrs={"rows": 2}))


class CorrectionReceivedForm(StyledForm):
    corrected_at = _moment_field("补正材料提交时间")
    materials = forms.CharField(label="补正的材料", widget=forms.Textarea(attrs={"rows": 2}))


class RejectApplicationForm(StyledForm):
    reason = forms.CharField(label="驳回理由及告知申请人的内容", widget=forms.Textarea(attrs={"rows": 3}))
