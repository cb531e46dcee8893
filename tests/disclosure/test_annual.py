"""IMD-7.2: the previous year's enforcement figures, generated from the cases, reviewed and published by
31 January, with charts and CSV/JSON downloads."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from lawtrace import clock
from lawtrace.disclosure import selectors, services
from lawtrace.errors import Refused
from tests.disclosure.helpers import at, company_case, decided, natural_case, setting

pytestmark = pytest.mark.django_db


@pytest.fixture
def s() -> dict[str, Any]:
    s = setting()
    with clock.frozen_at(at(date(2026, 3, 2), 9)):
        decided(s, natural_case(s))
        decided(s, company_case(s), fine_fen=250000)
    return s


def _publish(s: dict[str, Any], item: Any) -> Any:
    services.submit_for_review(actor=s["publisher"], item=item)
    return services.publish_item(actor=s["publisher"], item=item, redaction_confirmed=True)


def test_IMD_7_2_the_annual_report_is_generated_from_the_cases_and_published_by_31_january(s: dict[str, Any]) -> None:
    with clock.frozen_at(at(date(2027, 1, 10))):
        item = services.draft_annual_report(actor=s["publisher"], organisation=s["county"], year=2026)
        data = item.latest_version.data
        assert data["penalty_decisions"] == 2 and data["fines_fen"] == 720000 + 250000
        assert item.due_rule == "IMD-7.2" and "固定日期" in item.due_explanation
        item = _publish(s, item)
        assert item not in selectors.overdue_items(s["supervisor"])
        client = Client()
        page = client.get(f"/gongshi/org/{s['county'].pk}/annual/2026/").content.decode()
        assert "vendor/echarts/echarts.min.js" in page and "9,700.00元" in page
        csv = client.get(f"/gongshi/org/{s['county'].pk}/annual/2026.csv").content.decode("utf-8-sig")
        assert "行政处罚决定数,2" in csv
        assert client.get(f"/gongshi/org/{s['county'].pk}/annual/2026.json").json()["penalty_decisions"] == 2
        assert "2026年度行政执法总体情况" in client.get(f"/gongshi/org/{s['county'].pk}/").content.decode()


def test_IMD_7_2_not_met_an_unpublished_report_is_overdue_from_1_february(s: dict[str, Any]) -> None:
    with clock.frozen_at(at(date(2027, 1, 10))):
        item = services.draft_annual_report(actor=s["publisher"], organisation=s["county"], year=2026)
        with pytest.raises(Refused, match=r"IMD-7\.2"):
            services.draft_annual_report(actor=s["publisher"], organisation=s["county"], year=2026)
    with clock.frozen_at(at(date(2027, 2, 1), 9)):
        assert item in selectors.overdue_items(s["supervisor"])
    assert Client().get(f"/gongshi/org/{s['county'].pk}/annual/2026/").status_code == 404  # not yet published


def test_IMD_7_2_a_year_not_yet_ended_is_refused(s: dict[str, Any]) -> None:
    with clock.frozen_at(at(date(2026, 12, 30))), pytest.raises(Refused, match=r"IMD-7\.2"):
        services.draft_annual_report(actor=s["publisher"], organisation=s["county"], year=2026)
