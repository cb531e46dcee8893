"""The document kinds a real case still lacked (issue 14), as record kinds of the national rulebook with the
elements the law gives them, inherited by both local rulebooks: each loads, sits in the case file's order
(NHSA-ONECASE), offers its form with its required fields, and is refused as a draft when a required element is
missing — nothing written. The 不予行政处罚决定书 is numbered from a series of its own (APL-59's 文号 rule)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from lawtrace import clock
from lawtrace.errors import Refused
from lawtrace.ledger.models import Entry
from lawtrace.records import numbering
from lawtrace.records import services as records
from lawtrace.records.models import Record
from lawtrace.rulebook.loader import load
from tests.cases.record_content import filled
from tests.cases.steps import MONDAY, _opened_case

RULEBOOKS = ("prc-apl-2021", "inner-mongolia-2025", "wenshang-2019")
LOCAL = ("inner-mongolia-2025", "wenshang-2019")

# kind → (its Chinese name, the required element a draft leaves out, the article its note cites)
KINDS: dict[str, tuple[str, str, str]] = {
    "investigation_final_report": ("调查终结报告", "proposal", "第五十七条"),
    "penalty_approval_form": ("行政处罚决定审批表", "head_opinion", "第五十七条"),
    "no_penalty_decision": ("不予行政处罚决定书", "ground", "第三十三条"),
    "correction_order": ("责令改正通知书", "requirement", "第二十八条"),
    "inquiry_notice": ("询问通知书", "inquiry_at", "第二十七条"),
    "evidence_extraction_form": ("证据提取单", "provider_signature", "第四十六条"),
    "sampling_record": ("抽样取证凭证", "samples", "第五十六条"),
    "testing_period_notice": ("检测鉴定期间告知书", "end_on", "《中华人民共和国行政强制法》第二十五条"),
    "hearing_refusal_notice": ("不予受理听证申请通知书", "ground", "第六十四条"),
    "surcharge_notice": ("加处罚款告知书", "standard", "《中华人民共和国行政强制法》第四十五条"),
    "recusal_decision": ("回避决定书", "decision", "第四十三条"),
    "assistance_letter": ("协助调查函", "matter", "第二十六条"),
}


# -- the kinds as the rulebooks give them --------------------------------------------------------------------------


@pytest.mark.parametrize("rulebook", RULEBOOKS)
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_document_kind_loads_with_its_chinese_name_phase_and_the_article_it_rests_on(
    rulebook: str, kind: str
) -> None:
    name, left_out, article = KINDS[kind]
    spec = load(rulebook).record_kind(kind)
    assert spec.name == name and spec.phase is not None
    assert left_out in spec.required_fields
    assert all(field.label for field in spec.fields.values())
    assert spec.note is not None and article in spec.note and "摘要" in spec.note


@pytest.mark.parametrize("rulebook", LOCAL)
def test_the_local_rulebooks_inherit_the_national_kinds_unchanged(rulebook: str) -> None:
    """Neither local rulebook defines or extends these kinds: they come from the national base as written."""
    base, local = load("prc-apl-2021"), load(rulebook)
    for kind in KINDS:
        assert local.record_kind(kind) == base.record_kind(kind)


def test_the_choices_are_the_ones_the_law_gives() -> None:
    base = load("prc-apl-2021")
    cel_25 = base.rule("CEL-25").pause
    assert cel_25 is not None
    testing = base.record_kind("testing_period_notice").required_fields["reason"]
    assert testing.choices == dict(cel_25.reasons)  # CEL-25: the reasons the period pauses for, no other
    outcomes = {"给予行政处罚", "不予行政处罚", "移送司法机关"}  # APL-57
    assert set(base.param("APL-57", "outcomes")) == outcomes
    for kind in ("investigation_final_report", "penalty_approval_form"):
        assert set((base.record_kind(kind).required_fields["proposal"].choices or {}).values()) == outcomes
    grounds = base.record_kind("no_penalty_decision").required_fields["ground"].choices or {}
    assert {"minor_corrected", "first_minor", "no_fault", "under_fourteen", "time_barred", "not_established"} <= set(
        grounds
    )
    assert set(base.record_kind("recusal_decision").required_fields["decision"].choices or {}) == {"granted", "refused"}


def test_NHSA_ONECASE_the_new_documents_sit_in_the_case_files_order() -> None:
    rule = load("prc-apl-2021").rule("NHSA-ONECASE")
    assert rule.archiving is not None
    order = rule.archiving.order
    assert set(KINDS) <= set(order) and len(order) == len(set(order))

    def before(first: str, then: str) -> bool:
        return order.index(first) < order.index(then)

    assert before("recusal", "recusal_decision") and before("inquiry_notice", "inquiry_transcript")
    assert before("coercive_measure_decision", "testing_period_notice")
    assert before("testing_period_notice", "coercive_measure_lifting")
    assert before("investigation_final_report", "rights_notice")
    assert before("hearing_application", "hearing_refusal_notice")
    assert before("legal_review_opinion", "penalty_approval_form")
    assert before("penalty_approval_form", "penalty_decision") and before("penalty_decision", "no_penalty_decision")
    assert before("surcharge_notice", "enforcement_reminder")


# -- the form and the draft ----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_form_of_each_kind_asks_for_its_required_elements(kind: str) -> None:
    s, case = _opened_case("inner-mongolia-2025", "penalty")
    client = Client()
    client.force_login(s["officer"])
    page = client.get(f"/cases/{case.pk}/records/new/{kind}/")  # type: ignore[attr-defined]
    assert page.status_code == 200
    html = page.content.decode()
    spec = load("inner-mongolia-2025").record_kind(kind)
    assert spec.name in html
    for name, field in spec.required_fields.items():
        assert str(field.label) in html and f'name="{name}"' in html, name


def _content(s: dict[str, Any], case: Any, kind: str, **given: Any) -> dict[str, Any]:
    content = filled(case, kind, s["officer"], MONDAY, **given)
    return content | {f: str(s["head"].pk) for f in records.SIGNER_FIELDS if f in content}


def _draft(s: dict[str, Any], case: Any, kind: str, content: dict[str, Any]) -> Record:
    with clock.frozen_at(MONDAY + timedelta(days=1)):
        return records.add_record(actor=s["officer"], case=case, kind=kind, occurred_at=MONDAY, content=content)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_draft_missing_a_required_element_is_refused_and_nothing_written(kind: str) -> None:
    _, left_out, _ = KINDS[kind]
    s, case = _opened_case("inner-mongolia-2025", "penalty")
    content = _content(s, case, kind)
    label = str(load("inner-mongolia-2025").record_kind(kind).required_fields[left_out].label)
    before = (Record.objects.count(), Entry.objects.count())
    with pytest.raises(Refused, match="缺少必填内容") as refusal:
        _draft(s, case, kind, {k: v for k, v in content.items() if k != left_out})
    assert label in refusal.value.message
    assert (Record.objects.count(), Entry.objects.count()) == before
    record = _draft(s, case, kind, content)  # the same draft with the element: made and ledgered
    assert record.status == Record.Status.DRAFT and record.kind_name == KINDS[kind][0]
    assert (Record.objects.count(), Entry.objects.count()) == (before[0] + 1, before[1] + 1)


# -- the 不予行政处罚决定书's own number series --------------------------------------------------------------------


@pytest.mark.django_db
def test_APL_59_a_no_penalty_decision_carries_no_typed_number_and_numbers_from_its_own_series() -> None:
    s, case = _opened_case("inner-mongolia-2025", "penalty")
    short = s["county"].short_name
    with pytest.raises(Refused, match="自动编排") as refusal:
        _draft(s, case, "no_penalty_decision", _content(s, case, "no_penalty_decision", document_number="手写1号"))
    assert refusal.value.rule == "APL-59"
    book = load("inner-mongolia-2025")
    penalty = _draft(s, case, "penalty_decision", _content(s, case, "penalty_decision"))
    no_penalty = _draft(s, case, "no_penalty_decision", _content(s, case, "no_penalty_decision"))
    with clock.frozen_at(MONDAY + timedelta(days=2)), transaction.atomic():  # as sign_record gives them
        assert numbering.assign(penalty, book.record_kind("penalty_decision")) == f"{short}罚〔2025〕1号"
        assert numbering.assign(no_penalty, book.record_kind("no_penalty_decision")) == f"{short}不罚〔2025〕1号"
        second = _draft(s, case, "no_penalty_decision", _content(s, case, "no_penalty_decision"))
        assert numbering.assign(second, book.record_kind("no_penalty_decision")) == f"{short}不罚〔2025〕2号"


@pytest.mark.django_db
def test_APL_59_the_head_signs_the_no_penalty_decision_and_it_gets_its_own_series_number() -> None:
    s, case = _opened_case("inner-mongolia-2025", "penalty")
    short = s["county"].short_name
    draft = _draft(s, case, "no_penalty_decision", _content(s, case, "no_penalty_decision"))
    with clock.frozen_at(MONDAY + timedelta(days=2)):
        signed = records.sign_record(actor=s["head"], record=draft)  # refused today: only a handler may sign it
    assert signed.signed_by == s["head"]
    assert signed.content["document_number"] == f"{short}不罚〔2025〕1号"
    with clock.frozen_at(MONDAY + timedelta(days=2)), pytest.raises(Refused):
        records.sign_record(
            actor=s["officer"], record=_draft(s, case, "no_penalty_decision", _content(s, case, "no_penalty_decision"))
        )
