"""文号 given by the system (APL-59): the decision's number follows the organisation's pattern from the rulebook
(``{简称}罚〔{年}〕{n}号``), is given when the head signs — so a draft never signed and a refused signature leave no
hole — counts per organisation and year, and stays with the document through its corrections."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from lawtrace import clock
from lawtrace.errors import PermissionRefused, Refused
from lawtrace.ledger.models import Entry
from lawtrace.records import services as records
from lawtrace.records.integrity import check_all
from lawtrace.records.models import Record
from tests.cases.record_content import filled
from tests.cases.steps import MONDAY, _decision_chain, _opened_case

pytestmark = pytest.mark.django_db


def _draft(s: dict, case: object, **given: object) -> Record:
    _decision_chain(s, case, MONDAY)  # notified, heard and reviewed first (APL-62, APL-45, APL-58)
    content = filled(case, "penalty_decision", s["officer"], MONDAY, **given)  # type: ignore[arg-type]
    content |= {"signed_by": str(s["head"].pk)}
    with clock.frozen_at(MONDAY + timedelta(days=2)):
        return records.add_record(
            actor=s["officer"],
            case=case,
            kind="penalty_decision",
            occurred_at=MONDAY,
            content=content,  # type: ignore[arg-type]
        )


def _sign(s: dict, record: Record) -> Record:
    with clock.frozen_at(MONDAY + timedelta(days=2, hours=1)):
        return records.sign_record(actor=s["head"], record=record)


def test_APL_59_decisions_are_numbered_at_signing_without_gaps_per_organisation_and_year() -> None:
    s, case = _opened_case("inner-mongolia-2025", "penalty")
    short = s["county"].short_name
    first = _draft(s, case)
    assert "document_number" not in first.content  # nothing typed, nothing given yet
    abandoned = _draft(s, case)  # drafted, never signed: takes no number
    refused = _draft(s, case)
    with clock.frozen_at(MONDAY + timedelta(days=2)), pytest.raises(PermissionRefused):
        records.sign_record(actor=s["officer"], record=refused)  # not the head: refused, no number spent
    assert _sign(s, first).content["document_number"] == f"{short}罚〔2025〕1号"
    assert _sign(s, refused).content["document_number"] == f"{short}罚〔2025〕2号"
    abandoned.refresh_from_db()
    assert "document_number" not in abandoned.content

    other_s, other_case = _opened_case("inner-mongolia-2025", "penalty")  # another county: its own series
    assert _sign(other_s, _draft(other_s, other_case)).content["document_number"].endswith("罚〔2025〕1号")

    signed = Entry.objects.filter(action="record.signed").order_by("pk").last()
    assert signed is not None and json.loads(bytes(signed.data))["payload"]["document_number"].endswith("〔2025〕1号")
    assert check_all() == []  # the ledger committed to the content with its number: the records still match


def test_APL_59_a_correction_keeps_the_number_and_cannot_change_it() -> None:
    s, case = _opened_case("inner-mongolia-2025", "penalty")
    original = _sign(s, _draft(s, case))
    number = original.content["document_number"]
    with clock.frozen_at(MONDAY + timedelta(days=3)):
        correction = records.correct_record(
            actor=s["officer"],
            original=original,
            content={k: v for k, v in original.content.items() if k != "document_number"},
            occurred_at=original.occurred_at,
            reason="更正笔误",
        )
        assert correction.content["document_number"] == number
        before = (Record.objects.count(), Entry.objects.count())
        with pytest.raises(Refused, match="更正不改变文号") as refusal:
            records.correct_record(
                actor=s["officer"],
                original=original,
                content={**original.content, "document_number": "另一个文号"},
                occurred_at=original.occurred_at,
                reason="更正笔误",
            )
        assert refusal.value.rule == "APL-59" and (Record.objects.count(), Entry.objects.count()) == before
    assert _sign(s, correction).content["document_number"] == number


def test_the_decision_form_offers_no_number_to_type_and_says_why() -> None:
    from django.test import Client

    s, case = _opened_case("inner-mongolia-2025", "penalty")
    client = Client()
    client.force_login(s["officer"])
    page = client.get(f"/cases/{case.pk}/records/new/penalty_decision/").content.decode()  # type: ignore[attr-defined]
    assert "签发时由系统按本机关编号规则自动编排" in page and 'name="document_number"' not in page
