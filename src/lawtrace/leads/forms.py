"""Forms for lead actions. They only validate input; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from lawtrace.cases.forms import RegisterCaseForm
from lawtrace.cases.models import Complaint
from lawtrace.forms import StyledForm
from lawtrace.leads.models import LeadSource
from lawtrace.orgs.models import Organisation


class LeadForm(StyledForm):
    source = forms.ChoiceField(label="线索来源", choices=LeadSource.choices)
    received_at = forms.DateTimeField(
        label="发现或收到线索时间",
        initial=lambda: timezone.localtime().replace(second=0, microsecond=0),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="核查并决定是否立案的期限（NHSA-LEAD）自此时起算。",
    )
    suspect_name = forms.CharField(label="涉嫌违法的单位或个人", max_length=100)
    summary = forms.CharField(label="线索内容", widget=forms.Textarea(attrs={"rows": 4}))
    complaint = forms.ModelChoiceField(label="来源投诉举报（可选）", queryset=Complaint.objects.none(), required=False)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["complaint"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Complaint.objects.filter(
            organisation=organisation, handling=Complaint.Handling.PENDING
        ).order_by("-received_at")


class ExtendLeadForm(StyledForm):
    reason = forms.CharField(label="延长理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=500)


class NotOpenForm(StyledForm):
    reason = forms.CharField(label="核查情况及不予立案的理由", widget=forms.Textarea(attrs={"rows": 3}))


class OpenCaseForm(RegisterCaseForm):
    """The case registration form without the source (it is the lead's)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["source"]
