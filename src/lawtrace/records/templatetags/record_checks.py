"""What would refuse a draft's signature today, shown on the draft's page while it is being prepared."""

from __future__ import annotations

from django import template

from lawtrace import clock
from lawtrace.cases import act_checks
from lawtrace.cases.judges import Verdict
from lawtrace.records.models import Record

register = template.Library()


@register.simple_tag
def act_warnings(record: Record) -> list[Verdict]:
    """The verdicts of the act's rules on the facts as they stand now (empty for a signed record)."""
    return act_checks.warnings(record, now=clock.now())
