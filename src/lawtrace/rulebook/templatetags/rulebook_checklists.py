"""``{% case_checklist case %}`` (the case page's 核对事项 panel) and ``{% organisation_checklist org %}`` (the
organisation page's checklist items, with the history of confirmations, and the rulebook's AV options)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from lawtrace import clock
from lawtrace.errors import Refused

register = template.Library()


def _may_confirm(user: Any, rule_id: str, organisation: Any, case: Any = None) -> bool:
    from lawtrace.rulebook.services import check_confirm

    try:
        check_confirm(actor=user, rule_id=rule_id, organisation=organisation, case=case)
    except Refused:
        return False
    return True


@register.inclusion_tag("rulebook/_case_checklist_panel.html", takes_context=True)
def case_checklist(context: dict[str, Any], case: Any) -> dict[str, Any]:
    from lawtrace.cases.selectors import is_handler
    from lawtrace.rulebook import checklists
    from lawtrace.rulebook.forms import AVOmissionForm, ConfirmForm
    from lawtrace.rulebook.loader import at

    user = getattr(context.get("request"), "user", None)
    rulebook = at(case.rulebook, case.rulebook_version)
    states = [(s, _may_confirm(user, s.rule.id, case.organisation, case)) for s in checklists.case_checklist(case)]
    acts = [
        (rule, a)
        for rule in checklists.omission_rules(rulebook)
        for a in checklists.acts_in_writing(case, rulebook, rule)
        if a.av is None
    ]
    return {
        "case": case,
        "states": states,
        "acts": acts,
        "act_labels": dict(rulebook.acts),
        "may_state": user is not None and user.is_authenticated and is_handler(user, case),
        "confirm_form": ConfirmForm(),
        "omission_form": AVOmissionForm(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("rulebook/_organisation_checklist_panel.html", takes_context=True)
def organisation_checklist(context: dict[str, Any], organisation: Any) -> dict[str, Any]:
    from lawtrace.evidence.models import AVRecord
    from lawtrace.rulebook import checklists
    from lawtrace.rulebook.forms import ConfirmForm

    user = getattr(context.get("request"), "user", None)
    now = clock.now()
    states = [
        (s, _may_confirm(user, s.rule.id, organisation)) for s in checklists.organisation_checklist(organisation, now)
    ]
    rulebook = checklists.organisation_rulebook(organisation, timezone.localtime(now).date())
    options = []
    for rule in checklists.option_rules(rulebook) if rulebook is not None else []:
        assert rule.av is not None
        used = AVRecord.objects.filter(case__organisation=organisation, act__in=rule.av.acts)
        devices = sorted({av.device_label for av in used.select_related("device")[:50]})
        options.append((rule, used.count(), devices))
    return {
        "org": organisation,
        "states": states,
        "options": options,
        "confirm_form": ConfirmForm(),
        "csrf_token": context.get("csrf_token"),
    }
