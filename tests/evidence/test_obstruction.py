"""IMR-25: a recording obstructed by people at the scene is referred to the police (or the judicial organs where a
crime is suspected), and the referral is on the case — missing until a signed referral exists, met after it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from lawtrace import clock
from lawtrace.cases.compliance import evaluate
from lawtrace.evidence import services
from lawtrace.evidence.models import GapReason
from lawtrace.records import services as records
from lawtrace.rulebook.deadlines import Status
from tests.evidence.conftest import MONDAY, add_av

pytestmark = pytest.mark.django_db


def _imr_25(s: dict, now: datetime):  # type: ignore[no-untyped-def]
    return next((f for f in evaluate(s["case"], now=now) if f.rule_id == "IMR-25"), None)


def _interrupted(s: dict, reason: str) -> None:
    av = add_av(s, act="sealing")
    with clock.frozen_at(MONDAY + timedelta(hours=1)):
        services.explain_gap(
            actor=s["officer"],
            av_record=av,
            starts_at=MONDAY + timedelta(minutes=10),
            ends_at=MONDAY + timedelta(minutes=14),
            reason=reason,
            explanation="当事人员工推搡执法人员、抢夺执法记录仪，录制中断。",
            explained_aloud=True,
        )


def _referral(s: dict, moment: datetime, means: str = "threat") -> None:
    content = {
        "incident": "当事人员工以推搡、威胁的方法阻碍执法人员录像。",
        "means": means,
        "referred_to": "police",
        "referred_at": moment.isoformat(),
        "document_number": "测医保移〔2025〕1号",
    }
    with clock.frozen_at(moment + timedelta(minutes=1)):
        draft = records.add_record(
            actor=s["officer"], case=s["case"], kind="obstruction_referral", occurred_at=moment, content=content
        )
        records.sign_record(actor=s["officer"], record=draft)


def test_IMR_25_an_obstructed_recording_without_a_referral_is_missing_and_met_once_referred(s: dict) -> None:
    _interrupted(s, GapReason.OBSTRUCTION)
    missing = _imr_25(s, MONDAY + timedelta(hours=2))
    assert missing is not None and missing.status is Status.MISSING and "移送公安机关" in missing.note, missing
    _referral(s, MONDAY + timedelta(hours=3))
    met = _imr_25(s, MONDAY + timedelta(hours=4))
    assert met is not None and met.status is Status.MET, met
    assert any("阻挠" in seen for seen in met.looked_at) and any("移送" in seen for seen in met.looked_at)


def test_IMR_25_an_interruption_for_another_reason_needs_no_referral(s: dict) -> None:
    _interrupted(s, GapReason.BATTERY)
    assert _imr_25(s, MONDAY + timedelta(hours=2)) is None


def test_IMR_25_an_interruption_report_giving_obstruction_needs_the_referral_too(s: dict) -> None:
    from tests.cases.record_content import filled

    moment = MONDAY + timedelta(hours=1)
    content = filled(s["case"], "av_interruption_report", s["officer"], moment, reason=GapReason.OBSTRUCTION.value)
    with clock.frozen_at(moment + timedelta(minutes=1)):
        draft = records.add_record(
            actor=s["officer"], case=s["case"], kind="av_interruption_report", occurred_at=moment, content=content
        )
        records.sign_record(actor=s["officer"], record=draft)
    missing = _imr_25(s, MONDAY + timedelta(hours=2))
    assert missing is not None and missing.status is Status.MISSING, missing
    _referral(s, MONDAY + timedelta(hours=3))
    assert _imr_25(s, MONDAY + timedelta(hours=4)).status is Status.MET  # type: ignore[union-attr]


def test_IMR_25_not_met_a_referral_on_other_means_than_violence_or_threats_is_refused_met_on_violence(
    s: dict,
) -> None:
    from lawtrace.errors import Refused
    from lawtrace.ledger.models import Entry
    from lawtrace.records.models import Record

    _interrupted(s, GapReason.OBSTRUCTION)
    before = (Record.objects.filter(status="signed").count(), Entry.objects.count())
    with pytest.raises(Refused) as refusal:
        _referral(s, MONDAY + timedelta(hours=3), means="other")
    assert refusal.value.rule == "IMR-25" and "暴力、威胁" in refusal.value.message
    # the draft stays a draft (made before the signature was refused), nothing signed, no signature entry
    assert Record.objects.filter(status="signed").count() == before[0]
    assert Entry.objects.count() == before[1] + 1  # only the draft's own entry
    _referral(s, MONDAY + timedelta(hours=4), means="violence")
    assert _imr_25(s, MONDAY + timedelta(hours=5)).status is Status.MET  # type: ignore[union-attr]
