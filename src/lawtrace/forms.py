"""What every form of the system shares: bounded fields, and the Tabler/Bootstrap class on each widget, so templates
render fields with one include (``components/form_fields.html``) whatever app the form belongs to.

Bounds (issue 16): a value outside them is a form error in Chinese, never an overflow further down —

- dates and moments from 1949-10-01 to the clock's date + 1 year (a field may set ``earliest`` / ``latest``
  attributes to say otherwise);
- integers within ±(2^53 − 1), the ledger's exact JSON integers; the ids a choice of a row (``ModelChoiceField``,
  ``ModelMultipleChoiceField``) submits too, before they reach a query (an id past the database's integers is a
  driver error, not "no such row");
- amounts of money at most 100 亿元 (``lawtrace.params.MAX_AMOUNT_FEN``);
- text at most 500 characters on one line and 20,000 in a text area unless the field sets ``max_length``, and no
  control characters (tab and line breaks only in text areas).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models

from lawtrace import params

LINE_MAX_LENGTH = 500
TEXTAREA_MAX_LENGTH = 20_000


def widget_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


class PlausibleDate:
    """A date (or a moment's date, as typed) from ``earliest`` to ``latest`` (default: the clock + 1 year)."""

    def __init__(self, earliest: date | None = None, latest: date | None = None) -> None:
        self.earliest = earliest or params.EARLIEST_DATE
        self.latest = latest

    def __call__(self, value: date | datetime) -> None:
        day = value.date() if isinstance(value, datetime) else value  # the wall date: no time-zone arithmetic
        latest = self.latest or params.latest_date()
        if not self.earliest <= day <= latest:
            raise ValidationError(
                f"日期应在{self.earliest:%Y年%m月%d日}至{latest:%Y年%m月%d日}之间。", code="implausible_date"
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlausibleDate) and (self.earliest, self.latest) == (other.earliest, other.latest)


def no_control_characters(value: str) -> None:
    if params.has_control_characters(value, allow_newlines=False):
        raise ValidationError("不能含有控制字符。", code="control_characters")


def no_control_characters_but_lines(value: str) -> None:
    if params.has_control_characters(value, allow_newlines=True):
        raise ValidationError("不能含有控制字符。", code="control_characters")


def bound_field(field: forms.Field) -> None:
    """Add the bounds above to one field (once)."""
    if getattr(field, "_lawtrace_bounded", False):
        return
    field._lawtrace_bounded = True  # type: ignore[attr-defined]
    if isinstance(field, forms.DateField | forms.DateTimeField):
        check = PlausibleDate(getattr(field, "earliest", None), getattr(field, "latest", None))
        field.validators.append(check)
        if isinstance(field, forms.DateTimeField):
            field.widget.attrs.setdefault("min", f"{check.earliest:%Y-%m-%d}T00:00")
        else:
            field.widget.attrs.setdefault("min", f"{check.earliest:%Y-%m-%d}")
    elif isinstance(field, forms.DecimalField):
        if field.max_value is None:
            most = Decimal(params.MAX_AMOUNT_FEN) / 100
            field.max_value = most  # type: ignore[assignment]
            field.validators.append(MaxValueValidator(most))
            field.widget.attrs.setdefault("max", str(most))
    elif isinstance(field, forms.IntegerField):
        if field.max_value is None:
            field.max_value = params.MAX_INTEGER
            field.validators.append(MaxValueValidator(params.MAX_INTEGER))
        if field.min_value is None:
            field.min_value = -params.MAX_INTEGER
            field.validators.append(MinValueValidator(-params.MAX_INTEGER))
    elif isinstance(field, forms.ModelChoiceField):
        _bound_ids(field)
    elif isinstance(field, forms.CharField):
        textarea = isinstance(field.widget, forms.Textarea)
        if field.max_length is None and not isinstance(field.widget, forms.PasswordInput):
            field.max_length = TEXTAREA_MAX_LENGTH if textarea else LINE_MAX_LENGTH
            field.validators.append(MaxLengthValidator(field.max_length))
            field.widget.attrs.setdefault("maxlength", str(field.max_length))
        field.validators.append(no_control_characters_but_lines if textarea else no_control_characters)


def _bound_ids(field: forms.ModelChoiceField) -> None:  # type: ignore[type-arg]
    """Refuse a submitted id that is not a plausible integer id (as an invalid choice) before the field queries."""
    queryset = field.queryset
    if field.to_field_name is not None or queryset is None:
        return
    if not isinstance(queryset.model._meta.pk, models.IntegerField):
        return
    clean = field.clean

    def bounded_clean(value: Any) -> Any:
        values = value if isinstance(value, list | tuple) else [value]
        for one in values:
            if one in field.empty_values or isinstance(one, models.Model):
                continue
            try:
                params.integer(str(one), label=str(field.label or ""), minimum=1)
            except params.BadParameter as e:
                code = "invalid_pk_value" if isinstance(field, forms.ModelMultipleChoiceField) else "invalid_choice"
                message = field.error_messages.get(code, field.error_messages["invalid_choice"])
                raise ValidationError(message, code=code, params={"pk": one, "value": one}) from e
        return clean(value)

    field.clean = bounded_clean  # type: ignore[method-assign]


class BoundedForm(forms.Form):
    """A form whose fields all carry the bounds above."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            bound_field(field)


class StyledForm(BoundedForm):
    """A bounded form whose widgets carry the UI kit's classes (a class set by the field itself is kept)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", widget_class(field.widget))
