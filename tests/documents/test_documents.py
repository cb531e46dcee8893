"""执法文书 (issue 17): every document kind prints from its record, the decision with every APL-59 element, as
PDF/A-2b with its fonts embedded; a draft is watermarked; the signed record's final document is made once, stored
by its hash and ledgered; a changed byte in storage is never served."""

from __future__ import annotations

import io
import os
import re
import subprocess
from datetime import date, timedelta
from pathlib import Path

import docx
import pikepdf
import pytest
from django.test import Client

from lawtrace import clock
from lawtrace.cases.models import Case
from lawtrace.documents import kinds, rendering, services, values
from lawtrace.documents.models import FinalDocument
from lawtrace.evidence import store
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from lawtrace.orgs.models import Role
from lawtrace.records.models import Record
from lawtrace.rulebook.loader import load as load_rulebook
from tests.cases import walk
from tests.cases.steps import _drafted, _signed
from tests.factories import make_org, make_person, open_case_setting, register

pytestmark = pytest.mark.django_db
OUTPUT = Path(os.environ.get("LAWTRACE_TEST_OUTPUT", Path.cwd() / "var" / "test-output")) / "documents"


def text_of(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


def blocks_text(pdf: bytes, tmp_path: Path) -> str:
    """The text block by block (a table cell is one block), so a label that wraps inside its cell reads whole."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    xml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    blocks = re.findall(r"<block\b.*?</block>", xml, flags=re.S)
    return "\n".join("".join(re.findall(r"<word[^>]*>([^<]*)</word>", block)) for block in blocks)


def squeezed(text: str) -> str:
    """Text without the spaces and line breaks that layout puts inside a long value."""
    return re.sub(r"\s+", "", text)


def page_images(pdf: bytes, name: str) -> list[Path]:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    source = OUTPUT / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(source), str(OUTPUT / name)], check=True)
    return sorted(OUTPUT.glob(f"{name}-*.png"))


def not_opened_notice() -> tuple[Case, Record]:
    """A case the head decided not to open, and the draft of its 不予立案告知书."""
    from lawtrace.cases import services as cases
    from lawtrace.records import services as records
    from tests.cases.record_content import filled

    s = open_case_setting()
    with clock.frozen_at(walk.MONDAY - timedelta(days=3)):
        case = register(s, violation_ended_on=date(2025, 10, 1))
        cases.give_unit_opinion(actor=s["unit_head"], case=case, approve=False, opinion="证据不足")
    with clock.frozen_at(walk.MONDAY):
        case = cases.decide_opening(actor=s["head"], case=case, approve=False, opinion="不予立案")
    told = walk.MONDAY + timedelta(days=1)
    content = filled(case, "not_opening_notice", s["officer"], told, decided_by=str(s["head"].pk))
    with clock.frozen_at(told + timedelta(hours=1)):
        draft = records.add_record(
            actor=s["officer"], case=case, kind="not_opening_notice", occurred_at=told, content=content
        )
    return case, draft


def decided_case() -> tuple[dict, object, Record]:
    s, case = walk.opened("inner-mongolia-2025", "penalty")
    case = walk.to_execution(s, case)
    decision = Record.objects.get(case=case, kind="penalty_decision")
    return s, case, decision


def assert_pdfa_with_embedded_fonts(pdf: bytes) -> None:
    """PDF/A-2b in its XMP metadata, and every font on every page embedded (no reader substitutes a face)."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert document.open_metadata().pdfa_status == "2B"
        for page in document.pages:
            for font in page.Resources.Font.values():
                descriptor = (font.DescendantFonts[0] if "/DescendantFonts" in font else font).FontDescriptor
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font.BaseFont


def test_the_decision_prints_every_APL_59_element_as_pdfa_with_embedded_fonts(tmp_path: Path) -> None:
    decision = decided_case()[2]
    final = services.final_document(decision)
    pdf = b"".join(store.read_range(final.stored.storage_name))
    text = squeezed(text_of(pdf, tmp_path))
    content = decision.content
    for element in (
        content["party_name_address"],  # the party's name and address
        content["facts_and_evidence"],  # the facts and evidence
        content["penalty_type_and_basis"],  # the type and basis of the penalty
        content["performance"],  # how and by when to comply
        content["remedies"],  # the route and time limit for 复议/诉讼
        content["authority_name"],  # the authority's name
        "（印章）",  # its seal
        content["document_number"],  # 文号, given at signing
    ):
        assert squeezed(str(element)) in text, element
    decided = values.chinese_date(date.fromisoformat(content["decided_on"]))
    assert decided in text  # the date, as paper writes it
    assert "行政处罚决定书" in text and "草稿" not in text and "第1页共1页" in text
    assert_pdfa_with_embedded_fonts(pdf)
    assert page_images(pdf, "penalty_decision")


def test_a_draft_is_watermarked_and_the_signed_record_is_not(tmp_path: Path) -> None:
    s, case = walk.opened("inner-mongolia-2025", "penalty")
    draft = _drafted(s, case, "inquiry_transcript", walk.INVESTIGATED)
    assert isinstance(draft, Record)
    text = text_of(rendering.render_pdf(draft), tmp_path)
    assert "草稿" in text and "不得送达或归档" in text


@pytest.mark.parametrize(
    "kind",
    sorted(k for k in load_rulebook("inner-mongolia-2025").record_kinds if kinds.is_document(k)),
)
def test_every_document_kind_prints_its_fields(kind: str, tmp_path: Path) -> None:
    """Each document kind renders from a record of it; what the paper must say is on it — the generic layout
    prints every field, a kind's own layout at least its title and the case."""
    if kind == "not_opening_notice":  # made only on a case the head decided not to open (WS-10b)
        case, draft = not_opened_notice()
    else:
        s, case = walk.opened("inner-mongolia-2025", "penalty")
        if kind == "legal_review_opinion":  # made by a legal reviewer who does not handle the case (APL-58)
            s["officer"] = make_person(s["county"], Role.LEGAL_REVIEWER)
        draft = _drafted(s, case, kind, walk.INVESTIGATED)
    assert isinstance(draft, Record)
    pdf = rendering.render_pdf(draft, draft=False)  # the final layout: no watermark's 草稿 among the words
    assert_pdfa_with_embedded_fonts(pdf)
    text = squeezed(blocks_text(pdf, tmp_path))
    assert squeezed(draft.kind_name) in text and case.organisation.name in text and case.number in text
    word = docx.Document(io.BytesIO(rendering.render_docx(draft)))  # the DOCX holds the same fields
    cells = {c.text for t in word.tables for row in t.rows for c in row.cells}
    assert all(f.label in cells for f in rendering.document_of(draft).fields), kind
    if rendering.chosen_template(draft) == rendering.GENERIC:
        html = squeezed(re.sub(r"<[^>]+>", "", rendering.render_html(draft, draft=False)))
        for printed in rendering.document_of(draft).fields:
            # whole in the document's text; on the page, the start of each (a cell wraps a long label or value)
            assert squeezed(printed.label) in html and squeezed(printed.label)[:6] in text, printed.label
            if printed.value and not printed.signature:
                assert squeezed(printed.value) in html and squeezed(printed.value)[:6] in text, printed.value


def test_signing_makes_the_final_document_once_and_ledgers_its_hash(
    django_capture_on_commit_callbacks,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    s, case = walk.opened("inner-mongolia-2025", "penalty")
    with django_capture_on_commit_callbacks(execute=True):
        transcript = _signed(s, case, "inquiry_transcript", walk.INVESTIGATED)
    assert isinstance(transcript, Record)
    final = FinalDocument.objects.get(record=transcript)
    entry = Entry.objects.get(action=LedgerAction.DOCUMENT_FINALISED)
    assert entry.case_number == case.number
    assert final.stored.sha256 in bytes(entry.data).decode()  # the ledger commits to the document's hash
    stored = b"".join(store.read_range(final.stored.storage_name))
    assert rendering.render_pdf(transcript, draft=False, code=final.code) == stored  # the same record, same bytes
    assert services.final_document(transcript).pk == final.pk  # asked again: the stored one, nothing new ledgered
    assert Entry.objects.filter(action=LedgerAction.DOCUMENT_FINALISED).count() == 1
    assert "询问（调查）笔录" in text_of(stored, tmp_path)
    assert page_images(stored, "inquiry_transcript")


def test_the_printed_document_is_served_to_the_case_only_and_never_when_a_byte_changed() -> None:
    s, _, decision = decided_case()
    officer = Client()
    officer.force_login(s["officer"])
    response = officer.get(f"/records/{decision.pk}/document.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    final = FinalDocument.objects.get(record=decision)
    assert response["X-Content-SHA256"] == final.stored.sha256

    stranger = Client()
    stranger.force_login(make_person(make_org(), Role.OFFICER))
    assert stranger.get(f"/records/{decision.pk}/document.pdf").status_code == 404

    path = Path(store.default_storage.path(final.stored.storage_name))
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    failures = Entry.objects.filter(action=LedgerAction.AV_FIXITY_FAILED).count()
    response = officer.get(f"/records/{decision.pk}/document.pdf")
    assert response.status_code == 409 and "完整性校验失败" in response.content.decode()
    assert officer.get(f"/records/{decision.pk}/document.pdf").status_code == 409
    assert Entry.objects.filter(action=LedgerAction.AV_FIXITY_FAILED).count() == failures + 1  # ledgered once


def test_the_service_receipt_and_the_property_list_print_as_forms(tmp_path: Path) -> None:
    s, case, _ = decided_case()
    with clock.frozen_at(walk.SERVED + timedelta(minutes=5)):
        receipt = _signed(s, case, "service_receipt", walk.SERVED, mode="direct")
    assert isinstance(receipt, Record)
    pdf = services.final_document(receipt)
    data = b"".join(store.read_range(pdf.stored.storage_name))
    text = squeezed(text_of(data, tmp_path))
    assert "送达回证" in text and squeezed(str(receipt.content["document_number"])) in text and "直接送达" in text
    assert page_images(data, "service_receipt")

    s2, coercion = walk.opened("inner-mongolia-2025", "coercion")
    items = _drafted(
        s2, coercion, "property_list", walk.INVESTIGATED, items="门诊登记簿 3 本，完好\n处方笺 120 张，完好"
    )
    assert isinstance(items, Record)
    listing = rendering.render_pdf(items)
    text = text_of(listing, tmp_path)
    assert "门诊登记簿 3 本，完好" in text and "处方笺 120 张，完好" in text
    assert page_images(listing, "property_list")


def test_the_docx_opens_and_holds_the_same_text() -> None:
    s, case = walk.opened("inner-mongolia-2025", "penalty")
    draft = _drafted(s, case, "investigation_final_report", walk.INVESTIGATED)
    assert isinstance(draft, Record)
    officer = Client()
    officer.force_login(s["officer"])
    response = officer.get(f"/records/{draft.pk}/document.docx")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    opened = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in opened.paragraphs)
    cells = [c.text for t in opened.tables for row in t.rows for c in row.cells]
    assert draft.kind_name in text and case.organisation.name in text and "草稿" in text
    for printed in rendering.document_of(draft).fields:
        assert printed.label in cells and (not printed.value or printed.value in cells), printed.label


def test_the_case_prints_its_documents_as_one_pdf_in_table_of_contents_order(tmp_path: Path) -> None:
    from lawtrace.cases.case_file import table_of_contents

    s, case, _ = decided_case()
    officer = Client()
    officer.force_login(s["officer"])
    response = officer.get(f"/cases/{case.pk}/file/documents.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    expected = [
        d.record.kind_name for d in table_of_contents(case).documents if d.record and kinds.is_document(d.record.kind)
    ]
    finals = FinalDocument.objects.filter(record__case=case)
    assert finals.count() == len(expected) >= 4
    with pikepdf.open(io.BytesIO(response.content)) as joined:
        assert len(joined.pages) == sum(f.pages for f in finals)
    text = squeezed(text_of(response.content, tmp_path))
    positions = [text.find(squeezed(name)) for name in expected]
    found = list(zip(expected, positions, strict=True))
    assert all(p >= 0 for p in positions) and positions == sorted(positions), found


def test_the_rights_notice_is_a_letter_with_every_APL_44_element_and_the_hearing_days_of_the_rulebook(
    tmp_path: Path,
) -> None:
    """行政处罚事先告知书: addressed to the party; the facts, evidence, reasons, basis and the intended penalty; the
    right to state and defend (APL-45) and, told, the right to a hearing within APL-64's working days — the number
    read from the rulebook, not written into the layout."""
    s, case = walk.opened("inner-mongolia-2025", "penalty")
    draft = _drafted(s, case, "rights_notice", walk.INVESTIGATED, hearing_right=True)
    assert isinstance(draft, Record) and rendering.chosen_template(draft) != rendering.GENERIC
    pdf = rendering.render_pdf(draft, draft=False)
    text = squeezed(text_of(pdf, tmp_path))
    party = case.parties.get().name
    assert text.count(squeezed(party)) >= 1 and f"{party}：" in text  # the addressee
    for key in ("facts", "evidence", "reasons", "basis", "intended_penalty", "rights"):
        assert squeezed(str(draft.content[key]))[:30] in text, key
    assert "第四十四条" in text and "陈述、申辩的权利" in text
    assert "收到本告知书之日起五个工作日内" in text  # APL-64 request_days = 5, as a letter writes it
    assert "签收" in text and case.number in text
    assert_pdfa_with_embedded_fonts(pdf)
    assert page_images(pdf, "rights_notice")
