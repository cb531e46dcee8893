"""Confidential records (IMR-5c; WS-24's second paragraph): marked at archiving by the bureau head or a legal
reviewer, with a category and a reason, ledgered. A marked record is never offered to the party reading the file
(``records.access``), never drafted for publication (``disclosure.drafting``) and carries a 密 badge wherever listed.

The marking review of a closed case is confirmed once, by the same people (``confirm_confidentiality_review``): until
then IMR-5c shows as due on the case (``cases.case_file``).
"""

from __future__ import annotations

from django.db import transaction

from lawtrace import clock
from lawtrace.cases.models import Case, CaseStatus
from lawtrace.errors import PermissionRefused, Refused
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.entry import commitment
from lawtrace.ledger.services import append
from lawtrace.orgs.models import User
from lawtrace.orgs.permissions import Action
from lawtrace.orgs.selectors import can
from lawtrace.records.models import ConfidentialCategory, ConfidentialityReview, Record
from lawtrace.rulebook.loader import at as rulebook_at

# The case file is formed once the case has ended: that is when its records are reviewed for secrets.
ENDED = (CaseStatus.CLOSED, CaseStatus.TERMINATED)


def confidentiality_rule(case: Case) -> str:
    """The rule the case's rulebook protects confidential records by (IMR-5c; Wenshang: WS-24)."""
    return "IMR-5c" if "IMR-5c" in rulebook_at(case.rulebook, case.rulebook_version) else "WS-24"


def may_mark(actor: User, case: Case) -> bool:
    """The bureau head or a legal reviewer of the case's organisation (for buttons and the services)."""
    return can(actor, Action.APPROVE, case.organisation) or can(actor, Action.LEGAL_REVIEW, case.organisation)


def _require_marker(actor: User, case: Case) -> None:
    if not may_mark(actor, case):
        raise PermissionRefused(
            "涉密记录的标记和保密审查须由行政机关负责人或法制审核人员进行。", rule=confidentiality_rule(case)
        )


@transaction.atomic
def mark_confidential(*, actor: User, record: Record, category: str, reason: str) -> Record:
    """标记涉密记录: a signed record holding state or trade secrets, privacy or other confidential information is
    marked, with its category and the reason (IMR-5c). The mark is final; the content is not touched."""
    record = Record.objects.select_for_update().select_related("case__organisation").get(pk=record.pk)
    case = record.case
    rule = confidentiality_rule(case)
    _require_marker(actor, case)
    if record.status != Record.Status.SIGNED:
        raise Refused("只有已签署的记录才能标记为涉密。", rule=rule)
    if record.confidential:
        raise Refused(f"该记录已标记为涉密（{record.get_confidential_category_display()}）。", rule=rule)
    if category not in ConfidentialCategory.values:
        raise Refused("请选择涉密类别：国家秘密、商业秘密、个人隐私或其他。", rule=rule)
    if not reason.strip():
        raise Refused("请填写标记为涉密的理由。", rule=rule)
    record.confidential, record.confidential_category = True, category
    record.confidential_reason = reason.strip()[:200]
    record.confidential_marked_by, record.confidential_marked_at = actor, clock.now()
    record.save(
        update_fields=[
            "confidential",
            "confidential_category",
            "confidential_reason",
            "confidential_marked_by",
            "confidential_marked_at",
        ]
    )
    append(
        action=LedgerAction.RECORD_MARKED_CONFIDENTIAL,
        actor=actor,
        organisation=case.organisation,
        case_number=case.number,
        payload={
            "record": str(record.pk),
            "category": category,
            "reason": commitment(record.salt, {"reason": record.confidential_reason}),
        },
    )
    return record


@transaction.atomic
def confirm_confidentiality_review(*, actor: User, case: Case, note: str = "") -> ConfidentialityReview:
    """确认归档保密审查: once the case has ended, the head or a legal reviewer confirms its records were reviewed
    and every confidential one marked (IMR-5c). Once per case."""
    case = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
    rule = confidentiality_rule(case)
    _require_marker(actor, case)
    if case.status not in ENDED:
        raise Refused("案件结案（或终止）后立卷时才进行保密审查。", rule=rule)
    if ConfidentialityReview.objects.filter(case=case).exists():
        raise Refused("本案的保密审查已确认。", rule=rule)
    review = ConfidentialityReview.objects.create(case=case, by=actor, at=clock.now(), note=note.strip()[:200])
    marked = case.records.filter(confidential=True).count()  # type: ignore[attr-defined]
    append(
        action=LedgerAction.CONFIDENTIALITY_REVIEWED,
        actor=actor,
        organisation=case.organisation,
        case_number=case.number,
        payload={"case": str(case.pk), "review": str(review.pk), "marked": marked},
    )
    from lawtrace.cases import compliance

    compliance.refresh(case)  # IMR-5c turns met at once on the dashboards
    return review
