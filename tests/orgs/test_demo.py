"""`lawtrace demo` loads the demo hierarchy, people and certificates, and a second run duplicates nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from lawtrace.orgs.models import Certificate, Organisation, RecordingDevice, RoleAssignment, User

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Organisation, User, RoleAssignment, Certificate, RecordingDevice))


def test_demo_loads_twice_without_duplicating() -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    assert "演示数据已载入" in out.getvalue()
    first = _counts()
    out = StringIO()
    call_command("demo", stdout=out)
    assert "未重复载入" in out.getvalue()
    assert _counts() == first


def test_demo_has_the_inner_mongolia_tree_and_wenshang() -> None:
    call_command("demo", stdout=StringIO())
    region = Organisation.objects.get(name="内蒙古自治区医疗保障局")
    cities = list(region.children.filter(kind="city"))
    assert len(cities) == 2
    for city in cities:
        assert city.children.filter(kind="county").count() == 2
    wenshang = Organisation.objects.get(name="汶上县医疗保障局")
    assert wenshang.rulebook == "wenshang-2019" and region.rulebook == "inner-mongolia-2025"
    assert Organisation.objects.filter(kind="agency").exists()
    assert Organisation.objects.filter(kind="entrusted").exists()


def test_demo_has_an_expired_certificate_and_every_role() -> None:
    from datetime import date

    call_command("demo", stdout=StringIO())
    today = date.today()
    assert any(not c.is_valid_on(today) and c.status == "valid" for c in Certificate.objects.all())
    roles = set(RoleAssignment.objects.values_list("role", flat=True))
    assert {
        "officer",
        "unit_head",
        "legal_reviewer",
        "bureau_head",
        "archivist",
        "supervisor",
        "administrator",
    } <= roles


def test_demo_cases_span_the_phases_and_show_findings() -> None:
    """Cases in every phase of both rulebooks, one closed clean, and findings a supervisor would find: an urgent
    start whose approval came late (IMR-8b) and a retained service with no witness (IMR-17.3)."""
    from lawtrace.cases.models import Case, ComplianceRow

    call_command("demo", stdout=StringIO())
    phases = set(Case.objects.values_list("phase", flat=True))
    assert {"opening", "investigation", "execution", "closed"} <= phases
    assert set(Case.objects.values_list("rulebook", flat=True)) == {"inner-mongolia-2025", "wenshang-2019"}
    findings = set(ComplianceRow.objects.exclude(status="met").values_list("rule_id", "status"))
    assert {("IMR-8b", "overdue"), ("IMR-17.3", "missing")} <= findings
    closed = Case.objects.get(status="closed")
    assert not ComplianceRow.objects.filter(case=closed).exclude(status="met").exists()
    # The unpaid fine: the court applied to, signed by the head, inside the CEL-53 window and lawful under CEL-54.
    unpaid = Case.objects.get(title__contains="虚记诊疗费用")
    application = unpaid.records.get(kind="court_enforcement_application", status="signed")
    assert application.signed_by.username.endswith("head")
    rows = dict(ComplianceRow.objects.filter(case=unpaid).values_list("rule_id", "status"))
    assert rows["CEL-53"] == "met" and rows["CEL-54"] != "missing", rows


def test_demo_shows_the_national_procedure_in_cases() -> None:
    """A recused officer, an appraisal excluded from the case period, an extension, a hearing with its report and a
    collective discussion before a decision waiting for the head, and a sealing on video extended once."""
    from lawtrace.cases.models import Case, Handler
    from lawtrace.evidence.models import AVFile
    from lawtrace.records.models import Record

    call_command("demo", stdout=StringIO())
    heard = Case.objects.get(title__contains="中医医院")
    assert Handler.objects.filter(case=heard, active=False).exclude(removed_reason="").exists()  # APL-43
    signed = set(heard.records.filter(status="signed").values_list("kind", flat=True))
    assert {"excluded_period", "extension_approval", "hearing_notice", "hearing_transcript", "hearing_report"} <= signed
    assert {"collective_discussion", "legal_review_opinion"} <= signed
    assert heard.records.get(kind="penalty_decision").status == Record.Status.DRAFT  # 待我签署 for the head
    sealed = Case.objects.get(title__contains="封存")
    assert {"coercive_measure_decision", "property_list", "coercive_measure_extension"} <= set(
        sealed.records.filter(status="signed").values_list("kind", flat=True)
    )
    assert AVFile.objects.filter(av_record__case=sealed, name__endswith=".mp4").exists()
