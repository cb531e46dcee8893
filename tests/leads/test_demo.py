"""`lawtrace demo` adds three leads to 正蓝旗: one pending within its period, one extended by the head, one decided
with a case opened from it — and running it again adds none."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from lawtrace import clock
from lawtrace.cases.models import ComplianceRow
from lawtrace.leads.models import Lead
from lawtrace.leads.rules import lead_findings
from lawtrace.rulebook.deadlines import Status

pytestmark = pytest.mark.django_db


def test_demo_has_a_pending_an_extended_and_an_opened_lead() -> None:
    call_command("demo", stdout=StringIO())
    leads = {lead.status: lead for lead in Lead.objects.filter(organisation__name="正蓝旗医疗保障局")}
    assert set(leads) == {"pending", "extended", "opened"}
    assert leads["extended"].extensions.count() == 1
    opened = leads["opened"]
    assert opened.case is not None and opened.case.opened_at is not None
    assert ComplianceRow.objects.get(case=opened.case, rule_id="NHSA-LEAD").status == "met"
    pending = {f.rule_id: f.status for f in lead_findings(leads["pending"], clock.now())}
    assert pending == {"NHSA-LEAD": Status.DUE, "APL-54": Status.DUE}
    call_command("demo", stdout=StringIO())
    assert Lead.objects.count() == 3
