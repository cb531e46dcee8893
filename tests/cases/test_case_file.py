"""The case file (案卷): its table of contents in the rulebook's order with running page numbers, what a closed
case's file lacks (NHSA-ONECASE), confidential records marked and reviewed at archiving (IMR-5c), and an
organisation's own archiving period prevailing for new cases (WS-23b)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lawtrace import clock
from lawtrace.cases import services
from lawtrace.cases.case_file import file_rule, table_of_contents
from lawtrace.cases.compliance import evaluate
from lawtrace.cases.models import CaseStatus
from lawtrace.disclosure.services import record_signed
from lawtrace.errors import PermissionRefused, Refused
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from lawtrace.orgs.models import Organisation, Role
from lawtrace.records.attachments import attach
from lawtrace.records.confidentiality import confirm_confidentiality_review, mark_confidential
from lawtrace.records.models import ConfidentialCategory, ConfidentialityReview
from lawtrace.rulebook import loader
from lawtrace.rulebook.deadlines import Status
from lawtrace.rulebook.schema import Override, RulebookVersion
from tests.cases.steps import MONDAY, _opened_case, _signed
from tests.factories import make_person, open_case_setting, register

pytestmark = pytest.mark.django_db

IM = "inner-mongolia-2025"
THREE_PAGES = b"%PDF-1.4\n1 0 obj << /Type /Pages /Count 3 >>\n" + b"<< /Type /Page >>\n" * 3 + b"%%EOF\n"


def _finding(case, rule_id: str, now: datetime | None = None):  # type: ignore[no-untyped-def]
    case.refresh_from_db()
    return next((f for f in evaluate(case, now=now) if f.rule_id == rule_id), None)


def _as(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _terminated(s: dict, case, at: datetime):  # type: ignore[no-untyped-def]
    """Ended through the services: the head signs the termination (NHSA-SUSPEND), the case is 终止."""
    _signed(s, case, "termination_decision", at)
    case.refresh_from_db()
    assert case.status == CaseStatus.TERMINATED
    return case


# -- NHSA-ONECASE --------------------------------------------------------------------------------------------------


def test_NHSA_ONECASE_contents_follow_the_rulebook_order_with_numbers_dates_and_running_pages() -> None:
    # given an opened case whose records were signed out of the file's order, one with a three-page scan
    s, case = _opened_case(IM, "penalty")
    _signed(s, case, "onsite_inspection_record", MONDAY + timedelta(days=1))
    inquiry = _signed(s, case, "inquiry_transcript", MONDAY + timedelta(days=2))
    _signed(s, case, "rights_notice", MONDAY + timedelta(days=3), document_number="测医保告〔2025〕7号")
    attach(
        actor=s["officer"],
        record=inquiry,  # type: ignore[arg-type]
        upload=SimpleUploadedFile("scan.pdf", THREE_PAGES),
        description="询问笔录签名页",
    )
    # when
    toc = table_of_contents(case)  # type: ignore[arg-type]
    # then: the rulebook's order, not the order of signing; the opening approval chain is the 立案审批表
    assert [d.kind for d in toc.documents] == [
        "case_opening_approval",
        "inquiry_transcript",
        "onsite_inspection_record",
        "rights_notice",
    ]
    assert [(d.first_page, d.last_page) for d in toc.documents] == [(1, 1), (2, 4), (5, 5), (6, 6)]
    assert toc.pages == 6
    assert toc.documents[3].number == "测医保告〔2025〕7号"
    assert toc.documents[0].day == date(2025, 11, 10)  # the head approved opening on MONDAY
    assert toc.missing == [] and toc.outcome is None  # an open case is not judged yet
    assert _finding(case, "NHSA-ONECASE") is None


def test_NHSA_ONECASE_ended_case_holding_every_required_document_is_met() -> None:
    s, case = _opened_case(IM, "penalty")
    _signed(s, case, "inquiry_transcript", MONDAY + timedelta(days=1))
    case = _terminated(s, case, MONDAY + timedelta(days=2))
    finding = _finding(case, "NHSA-ONECASE")
    assert finding is not None and finding.status is Status.MET, finding
    assert table_of_contents(case).missing == []


def test_NHSA_ONECASE_ended_case_lacking_a_required_document_names_it_missing() -> None:
    s, case = _opened_case(IM, "penalty")
    case = _terminated(s, case, MONDAY + timedelta(days=1))  # no questioning or inspection on file
    finding = _finding(case, "NHSA-ONECASE")
    assert finding is not None and finding.status is Status.MISSING
    assert "询问（调查）笔录或现场检查（勘验）笔录" in finding.note
    page = _as(s["officer"]).get(f"/cases/{case.pk}/file/").content.decode()
    assert "卷内缺少" in page and "询问（调查）笔录或现场检查（勘验）笔录（缺）" in page


def test_NHSA_ONECASE_file_page_is_linked_from_the_case_page_and_printable() -> None:
    s = open_case_setting()
    case = register(s)
    assert f'href="/cases/{case.pk}/file/"' in _as(s["officer"]).get(f"/cases/{case.pk}/").content.decode()
    page = _as(s["officer"]).get(f"/cases/{case.pk}/file/").content.decode()
    assert "卷内文件目录" in page and "data-print" in page  # the print button (static/lawtrace/lawtrace.js)
    from django.contrib.staticfiles import finders

    css = finders.find("lawtrace/lawtrace.css")
    assert css and "@media print" in open(css, encoding="utf-8").read()  # the A4 table of contents


def test_NHSA_ONECASE_a_provinces_own_order_prevails_over_the_national_one(tmp_path) -> None:  # type: ignore[no-untyped-def]
    base = loader.RULEBOOK_DIR / "prc-apl-2021.yaml"
    (tmp_path / base.name).write_text(base.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "test-province.yaml").write_text(
        """rulebook: test-province
title: 测试省规则集
jurisdiction: 测试省
includes: [prc-apl-2021]
sources: {TP: {title: 测试省案卷规定, short: 《测试规定》, text_type: 原文}}
versions: [{version: "2025.1", effective_from: 2025-01-01, source: 测试}]
rules:
  - id: TP-1
    kind: archiving
    title: 卷内文书顺序
    article: 《测试规定》第一条
    text_type: 原文
    text: 结案报告置于卷首。
    archiving: {retention: permanent, order: [closing_report, inquiry_transcript]}
""",
        encoding="utf-8",
    )
    province = loader.load("test-province", directory=tmp_path)
    national = loader.load("prc-apl-2021", directory=tmp_path)
    assert file_rule(province).id == "TP-1"  # type: ignore[union-attr]
    assert file_rule(national).id == "NHSA-ONECASE"  # type: ignore[union-attr]


# -- IMR-5c --------------------------------------------------------------------------------------------------------


def test_IMR_5c_head_marks_a_record_confidential_with_category_and_reason_and_it_is_ledgered() -> None:
    s, case = _opened_case(IM, "penalty")
    inquiry = _signed(s, case, "inquiry_transcript", MONDAY + timedelta(days=1))
    marked = mark_confidential(
        actor=s["head"], record=inquiry, category=ConfidentialCategory.TRADE_SECRET, reason="含进销存商业数据"
    )
    assert marked.confidential and marked.confidential_marked_by == s["head"]
    entry = Entry.objects.filter(action=LedgerAction.RECORD_MARKED_CONFIDENTIAL).get()
    assert entry.case_number == case.number and "进销存" not in bytes(entry.data).decode()  # reason committed, hidden
    # shown with a 密 badge on the case page and in the table of contents
    assert "密</span>" in _as(s["officer"]).get(f"/cases/{case.pk}/").content.decode()
    assert table_of_contents(case).documents[1].confidential_label == "商业秘密"


def test_IMR_5c_an_officer_cannot_mark_and_nothing_is_written() -> None:
    s, case = _opened_case(IM, "penalty")
    inquiry = _signed(s, case, "inquiry_transcript", MONDAY + timedelta(days=1))
    before = Entry.objects.count()
    with pytest.raises(PermissionRefused, match="IMR-5c"):
        mark_confidential(actor=s["officer"], record=inquiry, category="privacy", reason="隐私")
    with pytest.raises(Refused, match="理由"):
        mark_confidential(actor=s["head"], record=inquiry, category="privacy", reason=" ")
    inquiry.refresh_from_db()  # type: ignore[attr-defined]
    assert not inquiry.confidential and Entry.objects.count() == before  # type: ignore[attr-defined]


def test_IMR_5c_a_confidential_decision_is_never_drafted_for_publication() -> None:
    s, case = _opened_case(IM, "penalty")
    decision = _signed(s, case, "penalty_decision", MONDAY + timedelta(days=1))
    reviewer = make_person(s["county"], Role.LEGAL_REVIEWER)
    marked = mark_confidential(actor=reviewer, record=decision, category="state_secret", reason="涉及国家秘密")
    assert record_signed(record=marked, actor=s["head"]) is None


def test_IMR_5c_confidentiality_review_is_due_at_closing_until_confirmed() -> None:
    s, case = _opened_case(IM, "penalty")
    _signed(s, case, "inquiry_transcript", MONDAY + timedelta(days=1))
    assert _finding(case, "IMR-5c") is None  # not archived yet
    with pytest.raises(Refused, match="结案"):
        confirm_confidentiality_review(actor=s["head"], case=case)
    case = _terminated(s, case, MONDAY + timedelta(days=2))
    due = _finding(case, "IMR-5c")
    assert due is not None and due.status is Status.DUE
    with pytest.raises(PermissionRefused, match="IMR-5c"):
        confirm_confidentiality_review(actor=s["officer"], case=case)
    assert not ConfidentialityReview.objects.exists()
    confirm_confidentiality_review(actor=s["head"], case=case, note="已审查，无涉密记录")
    met = _finding(case, "IMR-5c")
    assert met is not None and met.status is Status.MET
    assert Entry.objects.filter(action=LedgerAction.CONFIDENTIALITY_REVIEWED, case_number=case.number).count() == 1
    assert case.compliance_rows.get(rule_id="IMR-5c").status == "met"  # the dashboards follow at once


# -- WS-23b --------------------------------------------------------------------------------------------------------

OVERRIDE_FROM = date(2025, 11, 1)


@pytest.fixture
def sixty_day_archiving(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The organisation's overlay (``Rulebook.with_version``): from 1 November 2025 a special rule gives 60 days to
    archive instead of WS-23's 30 (WS-23b). Served where the shipped rulebook is, for as long as the test runs."""
    shipped = loader._load_shipped
    overlay = RulebookVersion(
        version="2025.11",
        effective_from=OVERRIDE_FROM,
        source="本机关规章对归档期限的特殊规定（WS-23b）",
        overrides={"WS-23": Override(params={"filing_days": 60})},
    )
    with_overlay = shipped("wenshang-2019").with_version(overlay)
    monkeypatch.setattr(
        loader, "_load_shipped", lambda name: with_overlay if name == "wenshang-2019" else shipped(name)
    )
    loader.at.cache_clear()
    yield
    loader.at.cache_clear()


def _wenshang_case_opened(day: datetime):  # type: ignore[no-untyped-def]
    s = open_case_setting()
    Organisation.objects.filter(pk=s["county"].pk).update(rulebook="wenshang-2019")
    s["county"].refresh_from_db()
    with clock.frozen_at(day):
        case = register(s, violation_ended_on=(day - timedelta(days=40)).date())
        services.give_unit_opinion(actor=s["unit_head"], case=case, approve=True, opinion="同意")
        case = services.decide_opening(actor=s["head"], case=case, approve=True, opinion="同意立案")
    return s, case


@pytest.mark.parametrize(
    ("opened", "version", "status"),
    [
        (datetime(2025, 11, 3, 9, 0, tzinfo=MONDAY.tzinfo), "2025.11", Status.MET),
        (datetime(2025, 10, 27, 9, 0, tzinfo=MONDAY.tzinfo), "2019.1", Status.OVERDUE),
    ],
    ids=["met-new-case-gets-the-special-period", "not-met-earlier-case-keeps-30-days"],
)
def test_WS_23b_an_organisations_special_archiving_period_prevails_for_new_cases(
    sixty_day_archiving: None, opened: datetime, version: str, status: Status
) -> None:
    # given a case opened before or after the overlay took effect, whose execution ended on MONDAY
    s, case = _wenshang_case_opened(opened)
    assert case.rulebook_version == version
    _signed(s, case, "execution_record", MONDAY, completed_at=MONDAY.isoformat())
    due = _finding(case, "WS-23", now=MONDAY + timedelta(hours=1))
    assert due is not None and due.due is not None
    assert due.due.last_day == (MONDAY + timedelta(days=60 if version == "2025.11" else 30)).date()
    # when the file is formed 45 days after execution ended
    formed = MONDAY + timedelta(days=45)
    _signed(s, case, "case_file", formed, formed_at=formed.isoformat())
    # then it is in time only under the special period
    judged = _finding(case, "WS-23", now=formed + timedelta(days=30))
    assert judged is not None and judged.status is status
