"""Actions on organisations, people, roles, certificates, devices and rooms — the only writers of these tables.

Each action checks that the actor may configure the organisation concerned (the permission table: administrators
of it or of a superior organisation; a Django superuser bootstraps the first organisation), validates, and writes in
one transaction. The admin site calls these functions from ``save_model``; nothing is ever deleted, only deactivated.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lawtrace.errors import PermissionRefused, Refused
from lawtrace.orgs.models import (
    Certificate,
    CertificateStatus,
    Organisation,
    OrgKind,
    RecordingDevice,
    RecordingRoom,
    Role,
    RoleAssignment,
    SignInOutcome,
    SignInRecord,
    User,
)
from lawtrace.orgs.permissions import Action
from lawtrace.orgs.selectors import can, organisations_where

# Which kinds may sit under which: the 自治区 → 盟市 → 旗县 hierarchy (IMR-2), agencies (WS-25) and entrusted
# organisations (IMR-27) under any bureau.
ALLOWED_PARENT_KINDS: dict[str, set[str | None]] = {
    OrgKind.PROVINCE: {None},
    OrgKind.CITY: {OrgKind.PROVINCE, None},
    OrgKind.COUNTY: {OrgKind.CITY, None},
    OrgKind.AGENCY: {OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY},
    OrgKind.ENTRUSTED: {OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY},
}


def _require_configure(actor: User, organisation: Organisation | None) -> None:
    if actor.is_superuser:
        return
    if organisation is None or not can(actor, Action.CONFIGURE, organisation):
        raise PermissionRefused("您不是该组织或其上级组织的系统管理员，无权修改此项配置。")


def _require_configure_person(actor: User, person: User) -> None:
    """A person may be changed by an administrator of any organisation where they hold a role (or of a superior)."""
    if actor.is_superuser:
        return
    theirs = set(person.roles.values_list("organisation_id", flat=True))
    if not theirs:
        if organisations_where(actor, Action.CONFIGURE).exists():
            return
    elif organisations_where(actor, Action.CONFIGURE).filter(pk__in=theirs).exists():
        return
    raise PermissionRefused("您无权修改该人员：其所在组织不在您的管理范围内。")


def _full_clean(obj: object, exclude: Iterable[str] = ()) -> None:
    try:
        obj.full_clean(exclude=list(exclude))  # type: ignore[attr-defined]
    except ValidationError as e:
        raise Refused("；".join(m for msgs in e.message_dict.values() for m in msgs)) from e


@transaction.atomic
def save_organisation(*, actor: User, organisation: Organisation) -> Organisation:
    """Create or change an organisation; keeps the tree's materialised paths right when it moves."""
    _require_configure(actor, organisation.parent if organisation.pk is None else organisation)
    if organisation.pk is not None and organisation.parent_id != Organisation.objects.get(pk=organisation.pk).parent_id:
        _require_configure(actor, organisation.parent)
    parent_kind = organisation.parent.kind if organisation.parent else None
    if parent_kind not in ALLOWED_PARENT_KINDS[organisation.kind]:
        raise Refused(
            f"“{organisation.get_kind_display()}”不能设在“{organisation.parent or '（无上级）'}”之下。", rule="IMR-2"
        )
    if organisation.parent and organisation.pk and organisation.parent.path.startswith(organisation.path):
        raise Refused("不能把组织移到它自己的下级组织之下。")
    _full_clean(organisation, exclude=["path"])
    old_path = organisation.path
    organisation.save()
    new_path = f"{organisation.parent.path if organisation.parent else '/'}{organisation.pk}/"
    if new_path != old_path:
        Organisation.objects.filter(pk=organisation.pk).update(path=new_path)
        if old_path:
            for child in Organisation.objects.filter(path__startswith=old_path).exclude(pk=organisation.pk):
                Organisation.objects.filter(pk=child.pk).update(path=new_path + child.path[len(old_path) :])
        organisation.path = new_path
    return organisation


@transaction.atomic
def save_person(*, actor: User, person: User, password: str | None = None) -> User:
    """Create or change a person's account. A new password must pass the password rules."""
    if person.pk is not None:
        _require_configure_person(actor, person)
    elif not actor.is_superuser and not organisations_where(actor, Action.CONFIGURE).exists():
        raise PermissionRefused("只有系统管理员可以新建人员。")
    if password is not None:
        try:
            validate_password(password, person)
        except ValidationError as e:
            raise Refused("；".join(e.messages)) from e
        person.set_password(password)
    _full_clean(person, exclude=["password"])
    person.save()
    return person


@transaction.atomic
def grant_role(*, actor: User, user: User, organisation: Organisation, role: Role) -> RoleAssignment:
    """Give a person a role in an organisation (re-activates it if it was revoked)."""
    _require_configure(actor, organisation)
    assignment, _ = RoleAssignment.objects.get_or_create(user=user, organisation=organisation, role=role)
    if not assignment.is_active:
        assignment.is_active = True
        assignment.save(update_fields=["is_active"])
    return assignment


@transaction.atomic
def set_role_active(*, actor: User, assignment: RoleAssignment, active: bool) -> RoleAssignment:
    _require_configure(actor, assignment.organisation)
    if assignment.is_active != active:
        assignment.is_active = active
        assignment.save(update_fields=["is_active"])
    return assignment


@transaction.atomic
def save_certificate(*, actor: User, certificate: Certificate) -> Certificate:
    """Register or change an enforcement certificate (执法证)."""
    _require_configure_person(actor, certificate.holder)
    _full_clean(certificate)
    certificate.save()
    return certificate


@transaction.atomic
def save_device(*, actor: User, device: RecordingDevice) -> RecordingDevice:
    """Register or change a recording device (WS-6, IMR-4). It can only be assigned to someone of its organisation."""
    _require_configure(actor, device.organisation)
    if device.assigned_to and not device.assigned_to.roles.filter(organisation=device.organisation).exists():
        raise Refused(f"设备只能配发给“{device.organisation}”的人员。")
    _full_clean(device)
    device.save()
    return device


@transaction.atomic
def save_room(*, actor: User, room: RecordingRoom) -> RecordingRoom:
    """Register or change a questioning or hearing room (WS-6, IMR-4)."""
    _require_configure(actor, room.organisation)
    _full_clean(room)
    room.save()
    return room


def check_can_handle(person: User, *, on: date | None = None) -> Certificate:
    """Refuse a person as a case handler unless they hold a valid certificate on the day (APL-42).

    Returns the certificate that qualifies them (the case keeps its number).
    """
    day = on or timezone.localdate()
    for certificate in person.certificates.order_by("-valid_to"):
        if certificate.is_valid_on(day):
            return certificate
    held = list(person.certificates.all())
    if not held:
        raise Refused(f"{person}没有执法证，不能作为案件承办人。", rule="APL-42")
    statuses = "、".join(f"{c.number}（{CertificateStatus(c.effective_status(day)).label}）" for c in held)
    raise Refused(f"{person}的执法证无效：{statuses}，不能作为案件承办人。", rule="APL-42")


def record_sign_in(*, user: User, outcome: SignInOutcome, ip_address: str | None, user_agent: str) -> SignInRecord:
    """Write the sign-in record of a known account (success, failure, lockout or sign-out)."""
    return SignInRecord.objects.create(
        user=user, outcome=outcome, at=timezone.now(), ip_address=ip_address or None, user_agent=user_agent[:200]
    )
