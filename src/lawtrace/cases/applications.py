"""The applications register (依申请启动, WS-9): what was applied for and when, the review, the one request to
supplement or correct that names *everything* missing at once (一次告知), the applicant's corrected submission, and
the outcome — accepted with a case opened from it (``services.register_case(application=…)``), or rejected with the
reason told. Each step is an action with its ledger entry; personal details enter the ledger only as commitments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from lawtrace import clock
from lawtrace.cases.models import Application
from lawtrace.errors import Refused
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.entry import commitment
from lawtrace.ledger.services import append
from lawtrace.orgs.models import Organisation, User
from lawtrace.orgs.permissions import Action
from lawtrace.orgs.selectors import require


def _ledger(action: LedgerAction, actor: User, application: Application, **facts: object) -> None:
    append(
        action=action,
        actor=actor,
        organisation=application.organisation,
        payload={"application": str(application.pk), "number": application.number, **facts},
    )


@transaction.atomic
def register_application(
    *,
    actor: User,
    organisation: Organisation,
    received_at: datetime,
    applicant: str,
    applicant_contact: str,
    matter: str,
    materials: str,
) -> Application:
    """提交申请 (WS-9): who applied, for what, with which materials, when."""
    from lawtrace.cases.services import allocate_number

    require(actor, Action.HANDLE_CASE, organisation)
    if not applicant.strip() or not matter.strip():
        raise Refused("请填写申请人和申请事项。", rule="WS-9")
    if received_at > clock.now():
        raise Refused("提交申请时间不能晚于现在。")
    year = timezone.localtime(received_at).year
    serial = allocate_number(organisation, "application", year)
    application = Application.objects.create(
        organisation=organisation,
        number=f"{organisation.short_name}申〔{year}〕{serial}号",
        received_at=received_at,
        applicant=applicant.strip(),
        applicant_contact=applicant_contact.strip(),
        matter=matter.strip(),
        materials=materials.strip(),
        recorded_by=actor,
    )
    content = {"applicant": applicant, "contact": applicant_contact, "matter": matter, "materials": materials}
    _ledger(
        LedgerAction.APPLICATION_REGISTERED,
        actor,
        application,
        received_at=received_at.isoformat(),
        content=commitment(application.salt, content),
    )
    return application


@transaction.atomic
def request_correction(*, actor: User, application: Application, items: Sequence[str], notice: str) -> Application:
    """补正更正 with 一次告知: every missing or defective item named in one notice. A second request is refused —
    what the first did not name cannot be asked for later (WS-9)."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    require(actor, Action.HANDLE_CASE, application.organisation)
    if application.status != Application.Status.RECEIVED:
        raise Refused(f"申请{application.get_status_display()}，不能告知补正。")
    if application.correction_requested_at is not None:
        raise Refused("需补正的全部内容应当一次告知；本申请已告知过补正，不能再次要求补正。", rule="WS-9")
    wanted = [i.strip() for i in items if i.strip()]
    if not wanted:
        raise Refused("请逐项列明需要补正的全部材料或内容。", rule="WS-9")
    application.status = Application.Status.CORRECTION_REQUESTED
    application.correction_items, application.correction_notice = wanted, notice.strip()
    application.correction_requested_at = clock.now()
    application.save()
    _ledger(
        LedgerAction.APPLICATION_CORRECTION_REQUESTED,
        actor,
        application,
        items=len(wanted),
        content=commitment(application.salt, {"items": wanted, "notice": notice}),
    )
    return application


@transaction.atomic
def record_correction(*, actor: User, application: Application, corrected_at: datetime, materials: str) -> Application:
    """The applicant's corrected submission; the application is reviewed again."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    require(actor, Action.HANDLE_CASE, application.organisation)
    if application.status != Application.Status.CORRECTION_REQUESTED:
        raise Refused("本申请未处于待补正状态。")
    if corrected_at > clock.now() or (
        application.correction_requested_at and corrected_at < application.correction_requested_at
    ):
        raise Refused("补正时间应在告知补正之后、且不晚于现在。")
    application.status, application.corrected_at = Application.Status.RECEIVED, corrected_at
    application.materials = f"{application.materials}\n补正：{materials.strip()}".strip()
    application.save()
    _ledger(
        LedgerAction.APPLICATION_CORRECTED,
        actor,
        application,
        corrected_at=corrected_at.isoformat(),
        content=commitment(application.salt, {"materials": materials}),
    )
    return application


@transaction.atomic
def reject_application(*, actor: User, application: Application, reason: str) -> Application:
    """驳回 (不予受理) with the reason told to the applicant."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    require(actor, Action.HANDLE_CASE, application.organisation)
    if application.status in (Application.Status.ACCEPTED, Application.Status.REJECTED):
        raise Refused(f"申请{application.get_status_display()}，不能再驳回。")
    if not reason.strip():
        raise Refused("请填写驳回理由及告知申请人的内容。", rule="WS-9")
    application.status, application.decision_reason, application.decided_at = (
        Application.Status.REJECTED,
        reason.strip(),
        clock.now(),
    )
    application.save()
    _ledger(
        LedgerAction.APPLICATION_REJECTED, actor, application, content=commitment(application.salt, {"reason": reason})
    )
    return application
