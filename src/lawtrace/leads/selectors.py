"""Reads of leads, always through the one scoping rule (orgs.selectors.visible_organisations)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from lawtrace import clock
from lawtrace.leads.models import UNDECIDED, Lead
from lawtrace.leads.rules import lead_findings
from lawtrace.orgs.models import User
from lawtrace.orgs.selectors import visible_organisations
from lawtrace.rulebook.calendar import WorkingCalendar
from lawtrace.rulebook.deadlines import Status
from lawtrace.rulebook.overrides import working_calendar

if TYPE_CHECKING:
    from lawtrace.cases.compliance import Finding


def visible_leads(user: User) -> QuerySet[Lead]:
    return (
        Lead.objects.filter(organisation__in=visible_organisations(user))
        .select_related("organisation", "registered_by", "decided_by", "case")
        .prefetch_related("extensions__approved_by")
    )


def search_leads(user: User, *, q: str = "", status: str = "") -> QuerySet[Lead]:
    """The leads register: search by number, suspected party or content; filter by status; newest first."""
    leads = visible_leads(user)
    if q:
        leads = leads.filter(Q(number__icontains=q) | Q(suspect_name__icontains=q) | Q(summary__icontains=q))
    if status:
        leads = leads.filter(status=status)
    return leads.order_by("-received_at", "-pk")


@dataclass(frozen=True)
class LeadDue:
    """A lead with its NHSA-LEAD finding (its explained due date), for lists and the workbench."""

    lead: Lead
    finding: Finding | None


def with_deadlines(
    leads: list[Lead], *, now: datetime | None = None, calendar: WorkingCalendar | None = None
) -> list[LeadDue]:
    moment, calendar = now or clock.now(), calendar or working_calendar()
    out = []
    for lead in leads:
        found = [f for f in lead_findings(lead, moment, calendar=calendar) if f.rule_id == "NHSA-LEAD"]
        out.append(LeadDue(lead, found[0] if found else None))
    return out


def my_due_leads(user: User, *, within_working_days: int = 3) -> list[LeadDue]:
    """The officer's undecided leads (those they registered) due in the next N working days, and overdue ones."""
    moment, calendar = clock.now(), working_calendar()
    horizon = calendar.add_working_days(moment, within_working_days).at
    pending = list(visible_leads(user).filter(registered_by=user, status__in=UNDECIDED).order_by("received_at"))
    return [
        item
        for item in with_deadlines(pending, now=moment, calendar=calendar)
        if item.finding is not None
        and item.finding.due is not None
        and (item.finding.status is Status.OVERDUE or item.finding.due.at <= horizon)
    ]
