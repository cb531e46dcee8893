"""Forms of the AV pages. They validate input only; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms

from lawtrace.cases.models import Case
from lawtrace.evidence.models import AwayReason, GapReason, MediaType
from lawtrace.forms import StyledForm
from lawtrace.orgs.models import RecordingDevice, User

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M")


def _dt(label: str, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, required=required, widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
    )


class AVRecordForm(StyledForm):
    media_type = forms.ChoiceField(label="类型", choices=MediaType.choices)
    act = forms.ChoiceField(label="所记录的执法行为")
    device = forms.ModelChoiceField(
        label="记录设备（登记在册）", queryset=RecordingDevice.objects.none(), required=False
    )
    other_device = forms.CharField(label="其他设备（未登记的，注明型号）", max_length=100, required=False)
    started_at = _dt("开始时间")
    ended_at = _dt("结束时间")
    makers = forms.ModelMultipleChoiceField(label="制作人", queryset=User.objects.none())
    place = forms.CharField(label="地点", max_length=200)
    proves = forms.CharField(label="证明对象", widget=forms.Textarea(attrs={"rows": 2}))
    has_speech = forms.BooleanField(label="录像含有语音", required=False, initial=True)
    away_reason = forms.ChoiceField(
        label="未能及时存储的情形（IMR-22）", choices=[("", "—"), *AwayReason.choices], required=False
    )
    returned_at = _dt("返回单位时间", required=False)

    def __init__(self, *args: Any, case: Case, acts: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["act"].choices = list(acts.items())  # type: ignore[attr-defined]
        self.fields["device"].queryset = RecordingDevice.objects.filter(  # type: ignore[attr-defined]
            organisation=case.organisation, in_service=True
        )
        self.fields["makers"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            handled__case=case, handled__active=True
        ).distinct()


class TranscriptForm(StyledForm):
    text = forms.CharField(label="声音内容的文字记录", widget=forms.Textarea(attrs={"rows": 6}))


class ReturnForm(StyledForm):
    away_reason = forms.ChoiceField(label="情形", choices=AwayReason.choices)
    returned_at = _dt("返回单位时间")


class GapForm(StyledForm):
    starts_at = _dt("中止时间")
    ends_at = _dt("恢复时间", required=False)
    reason = forms.ChoiceField(label="中止原因", choices=GapReason.choices)
    explanation = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 2}))
    explained_aloud = forms.BooleanField(label="恢复录制时已语音说明中止原因", required=False)
    could_not_resume = forms.BooleanField(label="确实无法继续记录", required=False)
    reported_to = forms.ModelChoiceField(label="已报告的本单位负责人", queryset=User.objects.all(), required=False)
    reported_at = _dt("报告时间", required=False)
    written_report = forms.CharField(label="事后书面说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ConfirmForm(StyledForm):
    rule_id = forms.CharField(max_length=20)
    item = forms.IntegerField(min_value=0)
    minutes = forms.IntegerField(label="分", min_value=0, initial=0)
    seconds = forms.IntegerField(label="秒", min_value=0, max_value=59, initial=0)
    file = forms.IntegerField(required=False)
