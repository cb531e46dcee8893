"""The organisation's rulebook parameters (IMR-26 / IMD-13): their values in force (shipped or changed, unverified
flags), the form an administrator enters a government's provision with, and the history of changes. Glue only:
the service decides; a refusal becomes a form error."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from lawtrace import clock
from lawtrace.cases.rules import version_for
from lawtrace.errors import Refused
from lawtrace.orgs.models import User
from lawtrace.orgs.permissions import Action
from lawtrace.orgs.selectors import can, visible_organisations
from lawtrace.rulebook import overlays, services
from lawtrace.rulebook.forms import ParameterOverrideForm


def _value(text: str) -> Any:
    """What the administrator typed: a number, true/false or a JSON list; any other text as written."""
    try:
        return json.loads(text)
    except ValueError:
        return text


@login_required
def organisation_parameters(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    organisation = get_object_or_404(visible_organisations(user), pk=pk)
    today = timezone.localdate(clock.now())
    states = overlays.parameter_states(organisation, today)
    choices = [(f"{s.rule_id}|{s.key}", f"{s.rule_id} {s.rule_title} · {s.label}") for s in states]
    may_change = user.is_superuser or can(user, Action.CONFIGURE, organisation)
    form = ParameterOverrideForm(request.POST or None, parameters=choices, initial={"effective_from": today})
    if request.method == "POST" and form.is_valid():
        rule_id, _, key = form.cleaned_data["parameter"].partition("|")
        try:
            services.override_parameter(
                actor=user,
                organisation=organisation,
                rule_id=rule_id,
                key=key,
                value=_value(form.cleaned_data["value"].strip()) if key else None,
                effective_from=form.cleaned_data["effective_from"],
                reason=form.cleaned_data["reason"],
                unverified=form.cleaned_data["unverified"],
            )
        except Refused as refusal:
            form.add_error(None, str(refusal))
            if not may_change:  # no form on the page to show it on
                messages.error(request, str(refusal))
        else:
            messages.success(request, f"{rule_id} 的参数调整已保存，并记入台账。")
            return redirect("organisation_parameters", pk=organisation.pk)
    context = {
        "org": organisation,
        "states": states,
        "form": form if may_change else None,
        "history": overlays.history(organisation),
        "version": version_for(organisation, today),
    }
    return render(request, "rulebook/parameters.html", context)
