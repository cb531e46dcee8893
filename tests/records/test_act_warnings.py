"""A draft shows, while it is prepared, what would refuse its signature — the same verdicts the signature gives."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from lawtrace import clock
from lawtrace.records.models import Record
from tests.cases import steps, walk

pytestmark = pytest.mark.django_db


def test_APL_62_a_decision_drafted_before_the_notice_warns_on_its_page_and_the_warning_clears_once_heard() -> None:
    s, case = walk.opened("inner-mongolia-2025", "penalty")
    case = walk.investigate(s, case)
    walk.legal_review(s, case)
    s["by_hand"] = True
    draft = steps._drafted(s, case, "penalty_decision", walk.DECIDED)
    assert isinstance(draft, Record)
    officer = Client()
    officer.force_login(s["officer"])
    with clock.frozen_at(walk.DECIDED + timedelta(minutes=5)):
        page = officer.get(f"/records/{draft.pk}/").content.decode()
    assert "现在签署将被拒绝" in page and "APL-62" in page and "尚无已签署的行政处罚事先告知书" in page
    walk.notify(s, case)
    walk.hear(s, case)
    with clock.frozen_at(walk.DECIDED + timedelta(minutes=5)):
        page = officer.get(f"/records/{draft.pk}/").content.decode()
    assert "现在签署将被拒绝" not in page
