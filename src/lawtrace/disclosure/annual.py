"""IMD-7.2: the previous year's overall enforcement figures, computed from the organisation's own cases (IMD-9).

The figures are counts and sums only — no case numbers, no parties — so they can be published as they are, as a
table, as charts, and as CSV and JSON downloads.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from django.db.models import Count, Q

from lawtrace.cases.models import Case, CaseType
from lawtrace.orgs.models import Organisation
from lawtrace.records.models import Record
from lawtrace.rulebook.calendar import SHANGHAI

DECISION_KINDS = ("penalty_decision", "onsite_penalty_decision")


def figures(organisation: Organisation, year: int) -> dict[str, object]:
    """The year's figures: cases opened by type, cases closed, penalty decisions and fines, coercive measures,
    and penalty decisions per month (for the chart)."""
    start = datetime(year, 1, 1, tzinfo=SHANGHAI)
    end = datetime(year + 1, 1, 1, tzinfo=SHANGHAI)
    cases = Case.objects.filter(organisation=organisation)
    opened = cases.filter(opened_at__gte=start, opened_at__lt=end)
    by_type = dict(opened.values_list("case_type").annotate(n=Count("pk")).values_list("case_type", "n"))
    signed = Record.objects.filter(
        case__organisation=organisation, status=Record.Status.SIGNED, signed_at__gte=start, signed_at__lt=end
    )
    decisions = list(signed.filter(kind__in=DECISION_KINDS, corrects__isnull=True).values_list("signed_at", "content"))
    months = [0] * 12
    fines = 0
    for signed_at, content in decisions:
        assert signed_at is not None  # filtered on signed_at above
        months[signed_at.astimezone(SHANGHAI).month - 1] += 1
        fines += int(content.get("fine_fen") or 0)
    return {
        "year": year,
        "organisation": organisation.name,
        "cases_opened": opened.count(),
        "cases_by_type": {str(label): by_type.get(value, 0) for value, label in CaseType.choices},
        "cases_closed": cases.filter(closed_at__gte=start, closed_at__lt=end).count(),
        "inspections": by_type.get(CaseType.INSPECTION, 0),
        "penalty_decisions": len(decisions),
        "fines_fen": fines,
        "coercive_measures": signed.filter(kind="coercive_measure_decision").count(),
        "penalty_decisions_by_month": months,
        "complaints": organisation.complaints.filter(Q(received_at__gte=start) & Q(received_at__lt=end)).count(),
    }


def summary_text(data: dict[str, object]) -> str:
    fines = int(data["fines_fen"]) / 100  # type: ignore[call-overload]
    by_type = data["cases_by_type"]
    assert isinstance(by_type, dict)
    kinds = "，".join(f"{k}{v}件" for k, v in by_type.items() if v)
    return (
        f"{data['year']}年，{data['organisation']}共立案{data['cases_opened']}件（{kinds or '无'}），"
        f"结案{data['cases_closed']}件；作出行政处罚决定{data['penalty_decisions']}件，罚款{fines:,.2f}元；"
        f"采取行政强制措施{data['coercive_measures']}次；受理投诉举报{data['complaints']}件。"
    )


# A cell a spreadsheet would read as a formula (OWASP "CSV injection"): text starting with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _GuardedWriter:
    """A ``csv.writer`` whose every text cell goes through :func:`csv_cell`."""

    def __init__(self, out: io.StringIO) -> None:
        self._writer = csv.writer(out)

    def writerow(self, row: list[object]) -> None:
        self._writer.writerow([csv_cell(cell) for cell in row])


def as_csv(data: dict[str, object]) -> str:
    """One row per figure (项目, 数值), the months and case types spelled out; no cell can run as a formula."""
    out = io.StringIO()
    writer = _GuardedWriter(out)
    writer.writerow(["项目", "数值"])
    writer.writerow(["年度", data["year"]])
    writer.writerow(["机关", data["organisation"]])
    writer.writerow(["立案数", data["cases_opened"]])
    by_type = data["cases_by_type"]
    assert isinstance(by_type, dict)
    for label, n in by_type.items():
        writer.writerow([f"立案数：{label}", n])
    writer.writerow(["结案数", data["cases_closed"]])
    writer.writerow(["行政处罚决定数", data["penalty_decisions"]])
    writer.writerow(["罚款金额（元）", f"{int(data['fines_fen']) / 100:.2f}"])  # type: ignore[call-overload]
    writer.writerow(["行政强制措施数", data["coercive_measures"]])
    writer.writerow(["投诉举报数", data["complaints"]])
    months = data["penalty_decisions_by_month"]
    assert isinstance(months, list)
    for month, n in enumerate(months, start=1):
        writer.writerow([f"行政处罚决定数：{month}月", n])
    return out.getvalue()
