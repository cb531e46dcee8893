"""一案一卷 (NHSA-ONECASE): the case file's table of contents, and the findings judged from it.

The documents stand in the rulebook's order (the ``order`` of the first archiving rule that has one — a province's
own rule comes before the national base's, so a province's order prevails), each with its 文号, date, page count
and running page numbers. A record's pages are its attachments' pages where known (a scan or photo is one page, a
PDF as many as it says), else one. Records of kinds the order does not name follow at the end, in time order, so
nothing signed is left out of the file; drafts are not documents yet and are left out.

What a closed case's file must hold depends on its procedure and outcome (the rule's ``required`` list): what is
absent is named as missing. The findings: NHSA-ONECASE missing while a required document is absent once the case
has ended, met when complete; IMR-5c due at that point until the head or a legal reviewer confirms the
confidentiality review (``records.confidentiality``). An open case is not judged yet: its file is formed at closing.

This belongs to ``cases`` until the archive issue packages the file (DESIGN § Where the case file's contents live).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from lawtrace.cases.models import Approval, Case, CaseStatus
from lawtrace.rulebook.deadlines import Status
from lawtrace.rulebook.loader import Rulebook
from lawtrace.rulebook.loader import at as rulebook_at
from lawtrace.rulebook.schema import Outcome, Rule

if TYPE_CHECKING:
    from lawtrace.cases.compliance import Finding, _Context
    from lawtrace.records.models import Attachment, Record

ENDED = (CaseStatus.CLOSED, CaseStatus.TERMINATED)
DECISIONS = ("penalty_decision", "onsite_penalty_decision")
OUTCOME_ZH = {Outcome.PENALTY: "作出行政处罚决定", Outcome.NO_PENALTY: "未作出处罚决定", Outcome.TERMINATED: "终止调查"}


@dataclass(frozen=True)
class Document:
    kind: str
    name: str
    number: str  # 文号 (or the register's number)
    day: date | None
    pages: int
    first_page: int
    record: Record | None = None  # None for the opening approval chain and the complaint register
    confidential_label: str = ""  # IMR-5c: the category of a record marked confidential

    @property
    def last_page(self) -> int:
        return self.first_page + self.pages - 1

    @property
    def page_range(self) -> str:
        return str(self.first_page) if self.pages == 1 else f"{self.first_page}–{self.last_page}"


@dataclass(frozen=True)
class Missing:
    kinds: tuple[str, ...]
    name: str  # 询问（调查）笔录或现场检查（勘验）笔录


@dataclass(frozen=True)
class TableOfContents:
    case: Case
    documents: list[Document]
    missing: list[Missing]
    outcome: Outcome | None  # None while the case has not ended

    @property
    def pages(self) -> int:
        return self.documents[-1].last_page if self.documents else 0

    @property
    def outcome_label(self) -> str:
        return OUTCOME_ZH[self.outcome] if self.outcome else ""


def file_rule(rulebook: Rulebook) -> Rule | None:
    """The archiving rule that orders the case file (own rules first: a province's order prevails)."""
    return next((r for r in rulebook if r.archiving is not None and r.archiving.order), None)


def outcome(case: Case, records: list[Record]) -> Outcome | None:
    if case.status not in ENDED:
        return None
    if case.status == CaseStatus.TERMINATED:
        return Outcome.TERMINATED
    return Outcome.PENALTY if any(r.kind in DECISIONS for r in records) else Outcome.NO_PENALTY


def _signed(case: Case) -> list[Record]:
    """Every signed record — a corrected original too: the file keeps both (records are never edited)."""
    return sorted((r for r in case.records.all() if r.status == "signed"), key=lambda r: (r.occurred_at, r.pk))  # type: ignore[attr-defined]


def _head_approval(case: Case) -> Approval | None:
    return next(
        (
            a
            for a in case.approvals.all()
            if a.subject == Approval.Subject.OPENING and a.step == Approval.Step.BUREAU_HEAD and a.approve
        ),
        None,
    )


def _present(case: Case, records: list[Record]) -> set[str]:
    kinds = {r.kind for r in records}
    if _head_approval(case) is not None:
        kinds.add("case_opening_approval")  # the approval chain (WS-10, IMR-8) is the 立案审批表
    if case.complaint_id is not None:
        kinds.add("complaint")
    return kinds


def missing_documents(case: Case, rulebook: Rulebook, records: list[Record], ended_as: Outcome | None) -> list[Missing]:
    """The required documents (for the case's procedure and outcome) the file does not hold."""
    rule = file_rule(rulebook)
    if rule is None or rule.archiving is None:
        return []
    present = _present(case, records)
    missing = []
    for document in rule.archiving.required:
        if document.procedures and case.procedure not in document.procedures:
            continue
        if document.outcomes and (ended_as is None or ended_as not in document.outcomes):
            continue
        if not present.intersection(document.kinds):
            names = "或".join(_kind_name(rulebook, k) for k in document.kinds)
            missing.append(Missing(tuple(document.kinds), names))
    return missing


def _kind_name(rulebook: Rulebook, kind: str) -> str:
    spec = rulebook.record_kinds.get(kind)
    return (spec.name if spec else None) or kind


def _local_day(moment: datetime | None) -> date | None:
    return timezone.localtime(moment).date() if moment else None


def _pages(attachments: list[Attachment]) -> int:
    known = [(a.pages or 1) if a.is_image else a.pages for a in attachments]
    counted = [n for n in known if n]
    return sum(counted) if counted else 1


def table_of_contents(case: Case) -> TableOfContents:
    """The case file's table of contents: documents in order with running page numbers, and what is missing."""
    from lawtrace.records.models import Attachment

    rulebook = rulebook_at(case.rulebook, case.rulebook_version)
    records = _signed(case)
    attachments: dict[int, list[Attachment]] = defaultdict(list)
    for attachment in Attachment.objects.filter(record__case=case, record__status="signed"):
        attachments[attachment.record_id].append(attachment)
    rule = file_rule(rulebook)
    order = list(rule.archiving.order) if rule is not None and rule.archiving is not None else []
    by_kind: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        by_kind[record.kind].append(record)
    entries: list[tuple[str, str, str, date | None, int, Record | None]] = []
    for kind in order:
        if kind == "case_opening_approval" and (approval := _head_approval(case)) is not None:
            entries.append((kind, _kind_name(rulebook, kind), case.number, _local_day(approval.at), 1, None))
        if kind == "complaint" and case.complaint is not None:
            received = _local_day(case.complaint.received_at)
            entries.append((kind, _kind_name(rulebook, kind), case.complaint.number, received, 1, None))
        entries += [_entry(r, attachments[r.pk]) for r in by_kind.pop(kind, [])]
    rest = sorted((r for kind_records in by_kind.values() for r in kind_records), key=lambda r: (r.occurred_at, r.pk))
    entries += [_entry(r, attachments[r.pk]) for r in rest]
    documents, page = [], 1
    for kind, name, number, day, pages, source in entries:
        label = source.get_confidential_category_display() if source is not None and source.confidential else ""
        documents.append(Document(kind, name, number, day, pages, page, source, label))
        page += pages
    ended_as = outcome(case, records)
    missing = missing_documents(case, rulebook, records, ended_as) if ended_as is not None else []
    return TableOfContents(case, documents, missing, ended_as)


def _entry(record: Record, attachments: list[Attachment]) -> tuple[str, str, str, date | None, int, Record]:
    number = str(record.content.get("document_number") or record.content.get("form_number") or "")
    name = record.kind_name + ("（更正）" if record.corrects_id else "")
    return record.kind, name, number, _local_day(record.occurred_at), _pages(attachments), record


# -- findings (joined to compliance.evaluate) ----------------------------------------------------------------------


def findings(ctx: _Context) -> list[Finding]:
    """NHSA-ONECASE and IMR-5c, once the case has ended (an open case's file is not formed yet)."""
    case = ctx.case
    if case.status not in ENDED:
        return []
    found = []
    if "NHSA-ONECASE" in ctx.rulebook:
        records = _signed(case)
        missing = missing_documents(case, ctx.rulebook, records, outcome(case, records))
        looked = [f"卷内文书 {len(records)} 份（{OUTCOME_ZH[outcome(case, records) or Outcome.NO_PENALTY]}）"]
        if missing:
            note = "卷内缺少：" + "、".join(m.name for m in missing)
            found.append(ctx.finding("NHSA-ONECASE", Status.MISSING, looked_at=looked, note=note))
        else:
            found.append(ctx.finding("NHSA-ONECASE", Status.MET, met_at=case.closed_at, looked_at=looked))
    if "IMR-5c" in ctx.rulebook:
        from lawtrace.records.models import ConfidentialityReview

        try:
            review = case.confidentiality_review  # prefetched where many cases are evaluated (EVALUATE_PREFETCH)
        except ConfidentialityReview.DoesNotExist:
            review = None
        marked = sum(1 for r in case.records.all() if r.confidential)  # type: ignore[attr-defined]
        if review is None:
            note = "立卷归档时须由行政机关负责人或法制审核人员确认保密审查（涉密记录已标记）"
            found.append(ctx.finding("IMR-5c", Status.DUE, looked_at=[f"已标记涉密记录 {marked} 份"], note=note))
        else:
            when = f"{timezone.localtime(review.at):%Y-%m-%d %H:%M}"
            looked = [f"保密审查：{review.by}（{when}）", f"已标记涉密记录 {marked} 份"]
            found.append(ctx.finding("IMR-5c", Status.MET, met_at=review.at, looked_at=looked))
    return found
