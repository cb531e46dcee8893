"""What every form of the system shares: the Tabler/Bootstrap class on each widget, so templates render fields
with one include (``components/form_fields.html``) whatever app the form belongs to."""

from __future__ import annotations

from typing import Any

from django import forms


def widget_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


class StyledForm(forms.Form):
    """A form whose widgets carry the UI kit's classes (a class set by the field itself is kept)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", widget_class(field.widget))
