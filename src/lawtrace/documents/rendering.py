"""A record as the paper an office prints: HTML from the rulebook's document template, then PDF/A-2b (WeasyPrint).

Templates are rulebook data (``rulebook/rulebooks/documents/<rulebook>/<kind>.html``): a jurisdiction replaces one
by adding a file under its own rulebook's folder, or a deployment under ``LAWTRACE_DOCUMENT_TEMPLATES`` (searched
first), without code. The lookup follows the rulebook's chain (the case's rulebook, then what it includes), then the
common layouts, then the generic one every document kind can use.

Rendering is deterministic: the PDF's dates are the record's own (its signature, or its making for a draft) and
nothing else varies, so one signed record always yields the same bytes.
"""

from __future__ import annotations

import functools
import gc
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.template import Context, Engine
from django.utils import timezone

from lawtrace.cases.models import Case
from lawtrace.documents import values
from lawtrace.records.forms import display
from lawtrace.records.models import Record
from lawtrace.rulebook.loader import RULEBOOK_DIR, Rulebook
from lawtrace.rulebook.loader import at as rulebook_at
from lawtrace.rulebook.schema import FieldSpec, FieldType

TEMPLATE_DIR = RULEBOOK_DIR / "documents"
GENERIC = "common/generic.html"
PDF_VARIANT = "pdf/a-2b"


@dataclass(frozen=True)
class PrintedField:
    key: str
    label: str
    value: str
    long: bool  # a paragraph of its own (facts, questions and answers), not a cell of the form
    signature: bool  # a place where a person signs on paper


@dataclass(frozen=True)
class Document:
    """What a template may use: the record's fields printed, and the document's frame."""

    record: Record
    title: str
    authority: str
    seal_name: str
    number: str
    case_number: str
    case_title: str
    draft: bool
    dated: str  # the date the document bears: its signature's (a draft leaves it to be filled in)
    fields: list[PrintedField]
    parties: list[dict[str, str]]
    note: str = ""
    by_key: dict[str, PrintedField] = field(default_factory=dict)
    code: str = ""  # the verification code of the final document (none on a draft)
    verify_url: str = ""
    qr: str = ""  # the QR code of verify_url, as an SVG data URI
    periods: dict[str, str] = field(default_factory=dict)  # the rulebook's periods a letter states (``PERIODS``)

    def value(self, key: str) -> str:
        printed = self.by_key.get(key)
        return printed.value if printed else ""


def _fields(record: Record) -> dict[str, FieldSpec]:
    spec = rulebook_at(record.case.rulebook, record.case.rulebook_version).record_kind(record.kind)
    fields = dict(spec.fields)
    if mode := record.content.get("mode"):  # a service mode's own fields (留置送达: 见证人…)
        modes = rulebook_at(record.case.rulebook, record.case.rulebook_version).service_modes
        if isinstance(mode, str) and mode in modes:
            fields = {**fields, **modes[mode].fields}
    return fields


PERIODS = {  # name in a layout → (rule, parameter): what the party is told comes from the rules that judge it
    "hearing_request_days": ("APL-64", "request_days"),
    "reminder_days": ("CEL-54", "reminder_days"),
}


def _periods(rulebook: Rulebook) -> dict[str, str]:
    found = {}
    for name, (rule_id, key) in PERIODS.items():
        if rule_id in rulebook:
            found[name] = values.counted(int(rulebook.param(rule_id, key)))
    return found


def verify_url(code: str) -> str:
    return f"{str(settings.LAWTRACE_PUBLIC_URL).rstrip('/')}/gongshi/verify/{code}/"


def _qr(url: str) -> str:
    import segno

    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=0))


def document_of(record: Record, *, draft: bool | None = None, code: str = "") -> Document:
    case: Case = record.case
    rulebook = rulebook_at(case.rulebook, case.rulebook_version)
    spec = rulebook.record_kind(record.kind)
    specs = _fields(record)
    printed: list[PrintedField] = []
    for key, field_spec in specs.items():
        if key not in record.content:
            continue
        value = values.printed(field_spec, record.content[key], lambda s, v: display(s, v, case))
        printed.append(
            PrintedField(
                key=key,
                label=str(field_spec.label),
                value=value,
                long=field_spec.type is FieldType.LONGTEXT,
                signature=field_spec.type is FieldType.SIGNATURE,
            )
        )
    unsigned = record.status != Record.Status.SIGNED
    signed_at: datetime | None = None if unsigned else record.signed_at
    organisation = case.organisation
    return Document(
        record=record,
        title=str(spec.name or record.kind_name),
        authority=organisation.name,
        seal_name=organisation.seal_name or organisation.name,
        number=str(record.content.get("document_number") or ""),
        case_number=case.number,
        case_title=case.title,
        draft=unsigned if draft is None else draft,
        dated=values.chinese_date(timezone.localtime(signed_at).date()) if signed_at else "年　月　日",
        fields=printed,
        parties=[
            {"name": p.name, "kind": p.get_kind_display(), "address": p.address, "representative": p.representative}
            for p in case.parties.all()
        ],
        note=str(spec.note or ""),
        by_key={f.key: f for f in printed},
        code=code,
        verify_url=verify_url(code) if code else "",
        qr=_qr(verify_url(code)) if code else "",
        periods=_periods(rulebook),
    )


@functools.cache
def _engine(extra: str) -> Engine:
    dirs = [extra] if extra else []
    return Engine(
        dirs=[*dirs, str(TEMPLATE_DIR)],
        autoescape=True,
        debug=False,
        libraries={"documents": "lawtrace.documents.template_filters"},
    )


def engine() -> Engine:
    return _engine(str(getattr(settings, "LAWTRACE_DOCUMENT_TEMPLATES", "") or ""))


def template_names(record: Record, suffix: str = ".html") -> list[str]:
    """Nearest first: the case's rulebook, what it includes, the common layout of the kind, the generic one."""
    chain = rulebook_at(record.case.rulebook, record.case.rulebook_version).chain
    kind = record.kind
    return [*(f"{name}/{kind}{suffix}" for name in chain), f"common/{kind}{suffix}", f"common/generic{suffix}"]


def chosen_template(record: Record) -> str:
    return str(engine().select_template(template_names(record)).origin.template_name)


def render_html(record: Record, *, draft: bool | None = None, code: str = "") -> str:
    document = document_of(record, draft=draft, code=code)
    template = engine().select_template(template_names(record))
    at = record.signed_at if not document.draft and record.signed_at else record.created_at
    moment = timezone.localtime(at).isoformat(timespec="seconds")  # the same instant prints the same, however loaded
    return template.render(Context({"doc": document, "moment": moment}))


def render_pdf(record: Record, *, draft: bool | None = None, code: str = "") -> bytes:
    """The PDF/A-2b; ``code`` (a final document's) prints the verification code and its QR code on every page."""
    import weasyprint  # imported here: it loads Pango and fonts, which only rendering needs

    html = render_html(record, draft=draft, code=code)
    pdf = bytes(weasyprint.HTML(string=html, base_url=str(TEMPLATE_DIR)).write_pdf(pdf_variant=PDF_VARIANT))
    # A rendering leaves ~25 MB of layout and font objects in reference cycles, which the collector's counts-based
    # schedule reaches only after several: collected now, a batch of a hundred documents stays flat.
    gc.collect()
    return pdf


def docx_template(record: Record) -> Path:
    """The DOCX layout: like the HTML one, nearest rulebook first, then the common and the generic layout."""
    extra = str(getattr(settings, "LAWTRACE_DOCUMENT_TEMPLATES", "") or "")
    folders = [Path(extra)] if extra else []
    for name in template_names(record, ".docx"):
        for folder in [*folders, TEMPLATE_DIR]:
            if (folder / name).is_file():
                return folder / name
    raise FileNotFoundError("common/generic.docx")


def render_docx(record: Record) -> bytes:
    """A DOCX an officer may edit offline (docxtpl). Only a draft of the paper: the signed record in the system is
    what counts, and an edited DOCX is never read back."""
    import io

    from docxtpl import DocxTemplate

    template = DocxTemplate(str(docx_template(record)))
    template.render({"doc": document_of(record, draft=record.status != Record.Status.SIGNED)}, autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()
