"""A form built from a rulebook record kind: one field per required/optional field, typed by the rulebook."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from lawtrace.cases.models import Case
from lawtrace.forms import BoundedForm, bound_field, widget_class
from lawtrace.orgs.models import User
from lawtrace.rulebook.schema import FieldSpec, FieldType, RecordKind, ServiceMode

SIGNATURE_CHOICES = [("", "—"), ("signed", "已签名"), ("sealed", "已盖章"), ("refused", "拒绝签名（已注明）")]


# Who a person field may name: the investigating officers are the case's handlers; approvals and signatures are the
# heads'; the legal review is a reviewer's. Any other person field offers everyone in the organisation.
HANDLER_FIELDS = frozenset({"officers", "servers", "collector", "makers"})
HEAD_FIELDS = frozenset({"approved_by", "signed_by", "resume_approved_by", "decided_by"})


def people_for(name: str, case: Case) -> QuerySet[User]:
    from lawtrace.orgs.permissions import Action, roles_granting

    in_organisation = User.objects.filter(roles__organisation=case.organisation, roles__is_active=True)
    if name in HANDLER_FIELDS:
        return User.objects.filter(handled__case=case, handled__active=True).distinct()
    if name in HEAD_FIELDS:
        heads = roles_granting(Action.APPROVE) | roles_granting(Action.SIGN_DECISION)
        return in_organisation.filter(roles__role__in=heads).distinct()
    if name == "reviewer":
        return in_organisation.filter(roles__role__in=roles_granting(Action.LEGAL_REVIEW)).distinct()
    return in_organisation.distinct()


def _field(spec: FieldSpec, required: bool, case: Case, name: str = "") -> forms.Field:
    label, kind = str(spec.label), spec.type
    help_text = spec.help or ""
    if kind is FieldType.LONGTEXT:
        return forms.CharField(
            label=label, required=required, widget=forms.Textarea(attrs={"rows": 3}), help_text=help_text
        )
    if kind is FieldType.DATE:
        return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))
    if kind is FieldType.DATETIME:
        return forms.DateTimeField(
            label=label,
            required=required,
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        )
    if kind is FieldType.INTEGER:
        return forms.IntegerField(label=label, required=required)
    if kind is FieldType.MONEY:
        return forms.DecimalField(label=f"{label}（元）", required=required, min_value=Decimal(0), decimal_places=2)
    if kind is FieldType.BOOLEAN:  # "no" is an answer, not a gap: unticked records 否 and the rules judge it
        return forms.BooleanField(label=label, required=False, help_text="不勾选即记录为“否”" if required else "")
    if kind is FieldType.CHOICE:
        return forms.ChoiceField(label=label, required=required, choices=[("", "—"), *(spec.choices or {}).items()])
    if kind is FieldType.PERSON:
        people = people_for(name, case)
        cls = forms.ModelMultipleChoiceField if spec.many else forms.ModelChoiceField
        return cls(label=label, required=required, queryset=people.order_by("full_name"))
    if kind is FieldType.PARTY:
        cls = forms.ModelMultipleChoiceField if spec.many else forms.ModelChoiceField
        return cls(label=label, required=required, queryset=case.parties.all())
    if kind is FieldType.SIGNATURE:
        return forms.ChoiceField(
            label=label,
            required=required,
            choices=SIGNATURE_CHOICES,
        )
    if kind is FieldType.RECORD:
        records = case.records.filter(kind=spec.ref) if spec.ref else case.records.all()
        return forms.ModelChoiceField(label=label, required=required, queryset=records)
    # text, attachment and evidence references: a description or number for now
    return forms.CharField(label=label, required=required, max_length=500, help_text=help_text)


class RecordForm(BoundedForm):
    occurred_at = forms.DateTimeField(
        label="发生时间",
        initial=lambda: timezone.localtime().replace(second=0, microsecond=0),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(
        self,
        *args: Any,
        spec: RecordKind,
        case: Case,
        modes: Mapping[str, ServiceMode] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.spec = spec
        for name, field_spec in spec.required_fields.items():
            self.fields[name] = _field(field_spec, True, case, name)
        for name, field_spec in spec.optional_fields.items():
            self.fields[name] = _field(field_spec, False, case, name)
        if spec.numbering:  # 文号 given at signing (APL-59): nothing to type
            self.fields.pop("document_number", None)
        if modes and "mode" in spec.fields:
            self._add_mode_fields(modes, case)
        for field in self.fields.values():  # the rulebook's fields are added here, after BoundedForm bounded its own
            bound_field(field)
            field.widget.attrs.setdefault("class", widget_class(field.widget))
        self._bound_to_the_matter(case)

    def _bound_to_the_matter(self, case: Case) -> None:
        """The earliest time the record can have (what ``add_record`` refuses before it), offered by the picker."""
        from lawtrace.records.services import matter_began

        began, how = matter_began(case)
        earliest = timezone.localtime(began).date() - timedelta(days=1)
        occurred = self.fields["occurred_at"]
        occurred.widget.attrs["min"] = f"{earliest:%Y-%m-%d}T00:00"
        occurred.help_text = f"不早于本案来源的登记（{how}，{timezone.localtime(began):%Y年%m月%d日}）的前一日。"

    def _add_mode_fields(self, modes: Mapping[str, ServiceMode], case: Case) -> None:
        """A service mode's own fields (留置送达: 拒收事由, 见证人…), shown for that mode. Not required by the form:
        the record must say what really happened, and a missing witness is a finding citing the rule."""
        for mode_name, mode in modes.items():
            for name, field_spec in mode.fields.items():
                field = self.fields.get(name)
                if field is None:
                    field = self.fields[name] = _field(field_spec, False, case, name)
                    field.help_text = ""
                shown_for = field.widget.attrs.get("data-mode", "").split()
                field.widget.attrs["data-mode"] = " ".join([*shown_for, mode_name])
                if name in mode.required_fields:
                    needed = f"{mode.name}须填写"
                    field.help_text = f"{field.help_text}；{needed}" if field.help_text else needed

    def content(self) -> dict[str, Any]:
        """JSON-safe values: dates as ISO text, people and parties as id strings, money in fen."""
        out: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if name == "occurred_at":
                continue
            out[name] = _json(value)
        return out


def _json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value * 100)
    if hasattr(value, "pk"):
        return str(value.pk)
    if hasattr(value, "__iter__") and not isinstance(value, str | dict):
        return [_json(v) for v in value]
    return value


def display(spec: FieldSpec | None, value: Any, case: Case) -> str:
    """A stored value as a person reads it: names for people and parties, labels for choices, 元 for money."""
    if value is None or value == "" or value == []:
        return "—"
    if spec is None:
        return str(value)
    if isinstance(value, list):
        return "、".join(display(spec, v, case) for v in value)
    kind = spec.type
    if kind is FieldType.BOOLEAN:
        return "是" if value else "否"
    if kind is FieldType.PERSON:
        person = User.objects.filter(pk=value).first()
        return person.get_full_name() if person else str(value)
    if kind is FieldType.PARTY:
        party = case.parties.filter(pk=value).first()
        return party.name if party else str(value)
    if kind is FieldType.CHOICE:
        return str((spec.choices or {}).get(value, value))
    if kind is FieldType.SIGNATURE:
        return dict(SIGNATURE_CHOICES).get(value, str(value))
    if kind is FieldType.MONEY:
        return f"{Decimal(int(value)) / 100:,.2f} 元"
    if kind is FieldType.DATETIME:
        try:
            return f"{timezone.localtime(datetime.fromisoformat(value)):%Y-%m-%d %H:%M}"
        except (TypeError, ValueError, OverflowError):  # a stored 0001-01-01 shows as written, the page still opens
            return str(value)
    return str(value)
