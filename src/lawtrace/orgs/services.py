"""Actions on organisations, people, roles, certificates, devices and rooms — the only writers of these tables.

Each action writes its ledger entry in the same transaction (payloads hold ids and public fields only: never a
phone number, e-mail or password). Each action checks that the actor may configure the organisation concerned
(the permission table: administrators of it or of a superior organisation; a Django superuser bootstraps the first
organisation), validates, and writes in one transaction. Actions on a person's account (fields, password, activity,
roles, certificates) also check that the whole person lies inside the actor's subtree (``selectors.may_manage``) and
are ledgered in the log of every organisation the person belongs to. The admin site calls these functions from
``save_model``; nothing is ever deleted, only deactivated.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lawtrace import clock
from lawtrace.errors import PermissionRefused, Refused
from lawtrace.identifiers import certificate_number
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.services import append, host_organisation
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
from lawtrace.orgs.selectors import can, may_manage, organisations_of_person

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


def _require_manage_person(actor: User, person: User) -> None:
    """Refuse unless the actor may change this account (:func:`selectors.may_manage`: the whole person inside the
    actor's subtree; superusers only by superusers; a person with no organisation only by superusers)."""
    if may_manage(actor, person):
        return
    if person.is_superuser or User.objects.filter(pk=person.pk, is_superuser=True).exists():
        raise PermissionRefused("只有超级管理员可以修改超级管理员的账号、密码和角色。")
    if not organisations_of_person(person):
        raise PermissionRefused("该人员不属于任何组织（没有角色，也没有建档组织），只有超级管理员可以修改。")
    raise PermissionRefused("您无权修改该人员：其所在的组织（角色所在组织和建档组织）不全在您的管理范围内。")


def _person_logs(*people: User, also: Organisation | None = None) -> list[Organisation]:
    """The logs an event about these people goes to: each organisation they belong to (roles, revoked ones too, and
    the registering organisation), so that every organisation sees what was done to its people — not only the log of
    the organisation where the administrator acted. A person of no organisation: the hosting organisation's log."""
    ids: set[int] = set()
    for person in people:
        ids |= organisations_of_person(person)
    if also is not None:
        ids.add(also.pk)
    logs = list(Organisation.objects.filter(pk__in=ids).order_by("pk"))
    return logs or [host_organisation()]


def _append_to_logs(
    *, action: LedgerAction, actor: User, logs: Iterable[Organisation], payload: dict[str, Any]
) -> None:
    for organisation in logs:
        append(action=action, actor=actor, organisation=organisation, payload=payload)


def _home(person: User) -> Organisation:
    """The organisation whose log records a person's sign-ins: their first role's, else the registering one, else the
    hosting one."""
    first = person.roles.order_by("pk").select_related("organisation").first() if person.pk else None
    if first:
        return first.organisation
    return person.created_in if person.created_in is not None else host_organisation()


def _changed(obj: Any, fields: Iterable[str]) -> list[str]:
    """Names of the fields whose value differs from the stored row (all of them for a new object)."""
    if obj.pk is None:
        return sorted(fields)
    stored = type(obj).objects.filter(pk=obj.pk).values(*fields).first() or {}
    return sorted(f for f in fields if stored.get(f) != getattr(obj, f))


def _public(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """JSON-safe values of public fields (dates as ISO strings, foreign keys as id strings)."""
    out: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        if isinstance(value, date):
            value = value.isoformat()
        elif hasattr(value, "pk"):
            value = str(value.pk)
        elif value is not None and not isinstance(value, bool | str):
            value = str(value)
        out[name] = value
    return out


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
    fields = [
        "name",
        "short_name",
        "kind",
        "parent",
        "region_code",
        "credit_code",
        "seal_name",
        "rulebook",
        "is_active",
    ]
    created = organisation.pk is None
    changed = _changed(organisation, [f if f != "parent" else "parent_id" for f in fields])
    old_path = organisation.path
    organisation.save()
    new_path = f"{organisation.parent.path if organisation.parent else '/'}{organisation.pk}/"
    if new_path != old_path:
        Organisation.objects.filter(pk=organisation.pk).update(path=new_path)
        if old_path:
            for child in Organisation.objects.filter(path__startswith=old_path).exclude(pk=organisation.pk):
                Organisation.objects.filter(pk=child.pk).update(path=new_path + child.path[len(old_path) :])
        organisation.path = new_path
    append(
        action=LedgerAction.ORG_SAVED,
        actor=actor,
        organisation=organisation,
        payload={
            "organisation": str(organisation.pk),
            "created": created,
            "changed": changed,
            "fields": _public(organisation, fields),
        },
    )
    return organisation


@transaction.atomic
def save_person(*, actor: User, person: User, password: str | None = None) -> User:
    """Create or change a person's account (fields, activity, password). A new password must pass the password rules.

    A new person is registered in an organisation the actor administers (``created_in``; superusers may leave it
    empty); an existing one may be changed only under the account-takeover rule (:func:`_require_manage_person`).
    Only a superuser makes or unmakes a superuser. Ledgered in the log of each organisation the person belongs to.
    """
    if person.pk is None:
        if not actor.is_superuser:
            if person.created_in_id is None:
                raise Refused("新建人员须选择建档组织（您管理的组织之一）。")
            _require_configure(actor, person.created_in)
    else:
        _require_manage_person(actor, person)
    stored = User.objects.filter(pk=person.pk).values("is_superuser", "is_staff", "created_in_id").first() or {
        "is_superuser": False,
        "is_staff": False,
        "created_in_id": None,
    }
    if not actor.is_superuser:
        if person.is_superuser != stored["is_superuser"] or person.is_staff != stored["is_staff"]:
            raise PermissionRefused("只有超级管理员可以授予或取消超级管理员、后台登录身份。")
        if person.pk is not None and person.created_in_id != stored["created_in_id"]:
            _require_configure(actor, person.created_in)
    if password is not None:
        _validate_password(password, person)
        person.set_password(password)
    _full_clean(person, exclude=["password"])
    created = person.pk is None
    changed = _changed(person, ["username", "full_name", "phone", "email", "is_active", "created_in_id"])
    person.save()
    logs = _person_logs(person)
    _append_to_logs(
        action=LedgerAction.PERSON_SAVED,
        actor=actor,
        logs=logs,
        # Names of changed fields only for phone and e-mail: their values are personal data.
        payload={"person": str(person.pk), "created": created, "changed": changed}
        | _public(person, ["username", "full_name", "is_active"]),
    )
    if password is not None:
        _append_to_logs(action=LedgerAction.PASSWORD_SET, actor=actor, logs=logs, payload={"person": str(person.pk)})
    return person


@transaction.atomic
def grant_role(*, actor: User, user: User, organisation: Organisation, role: Role) -> RoleAssignment:
    """Give a person a role in an organisation (re-activates it if it was revoked).

    The actor must administer the organisation *and* be allowed to change the person (issue 16: a role handed to an
    account of another subtree — or to a superuser — followed by a password reset was an account takeover).
    """
    _require_configure(actor, organisation)
    _require_manage_person(actor, user)
    assignment, created = RoleAssignment.objects.get_or_create(user=user, organisation=organisation, role=role)
    if not created and assignment.is_active:
        return assignment
    if not assignment.is_active:
        assignment.is_active = True
        assignment.save(update_fields=["is_active"])
    _sync_staff(user)
    _append_to_logs(
        action=LedgerAction.ROLE_GRANTED,
        actor=actor,
        logs=_person_logs(user, also=organisation),
        payload={"assignment": str(assignment.pk), "person": str(user.pk), "role": str(role)},
    )
    return assignment


class WrongCurrentPassword(Refused):
    """The current password given to change it was wrong (the page counts these)."""


def _validate_password(password: str, person: User) -> None:
    try:
        validate_password(password, person)
    except ValidationError as e:
        raise Refused("；".join(e.messages)) from e


@transaction.atomic
def change_own_password(*, person: User, old_password: str, new_password: str) -> User:
    """A signed-in person changes their own password: the current one must be given (a session left open is not
    enough), the new one must pass the password rules and differ from the old. Ledgered in each of their
    organisations' logs, with the person as the actor."""
    if not person.check_password(old_password):
        raise WrongCurrentPassword("当前密码不正确。")
    if old_password == new_password:
        raise Refused("新密码不能与当前密码相同。")
    _validate_password(new_password, person)
    person.set_password(new_password)
    person.save(update_fields=["password"])
    if not Organisation.objects.exists():  # the bootstrap superuser before the first organisation: no log yet
        return person
    _append_to_logs(
        action=LedgerAction.PASSWORD_SET,
        actor=person,
        logs=_person_logs(person),
        payload={"person": str(person.pk), "own": True},
    )
    return person


def _sync_staff(user: User) -> None:
    """Administrators reach the configuration site (Django admin needs ``is_staff``); nobody else does."""
    is_admin = user.roles.filter(role=Role.ADMINISTRATOR, is_active=True).exists() or user.is_superuser
    if user.is_staff != is_admin:
        user.is_staff = is_admin
        user.save(update_fields=["is_staff"])


@transaction.atomic
def set_role_active(*, actor: User, assignment: RoleAssignment, active: bool) -> RoleAssignment:
    """Revoke or restore a role. Revoking needs only the organisation's administrator (an organisation can always
    take back its own roles); restoring is a grant and follows the same rule as :func:`grant_role`. A superuser's
    roles are changed only by superusers. The stored assignment decides, not the submitted one."""
    stored = RoleAssignment.objects.select_related("organisation", "user").get(pk=assignment.pk)
    _require_configure(actor, stored.organisation)
    if active:
        _require_manage_person(actor, stored.user)
    elif stored.user.is_superuser and not actor.is_superuser:
        raise PermissionRefused("只有超级管理员可以修改超级管理员的账号、密码和角色。")
    if stored.is_active == active:
        return stored
    stored.is_active = active
    stored.save(update_fields=["is_active"])
    _sync_staff(stored.user)
    _append_to_logs(
        action=LedgerAction.ROLE_ACTIVE_SET,
        actor=actor,
        logs=_person_logs(stored.user, also=stored.organisation),
        payload={
            "assignment": str(stored.pk),
            "person": str(stored.user_id),
            "role": stored.role,
            "active": active,
        },
    )
    assignment.is_active = active
    return stored


@transaction.atomic
def save_certificate(*, actor: User, certificate: Certificate) -> Certificate:
    """Register or change an enforcement certificate (执法证): only for a person the actor may change (and, when the
    certificate changes hands, for its previous holder too). Ledgered in the holders' organisations' logs."""
    holders = [certificate.holder]
    if certificate.pk is not None:
        previous = Certificate.objects.select_related("holder").get(pk=certificate.pk).holder
        if previous.pk != certificate.holder_id:
            holders.append(previous)
    for holder in holders:
        _require_manage_person(actor, holder)
    certificate.number = certificate_number(certificate.number)  # APL-42: one number, however it was typed
    if len(holders) > 1:
        _require_unused_in_cases(certificate)
    _full_clean(certificate)
    fields = ["holder", "number", "issuing_authority", "area", "valid_from", "valid_to", "status"]
    _save_and_append(actor, certificate, fields, LedgerAction.CERTIFICATE_SAVED, _person_logs(*holders))
    return certificate


def _require_unused_in_cases(certificate: Certificate) -> None:
    """APL-42 / APL-55: a case keeps the certificate each handler showed; a certificate that qualified a handler in
    a case stays that holder's — moving it to another person would rewrite who carried out those acts."""
    from lawtrace.cases.models import Handler

    used = list(
        Handler.objects.filter(certificate_id=certificate.pk)
        .select_related("case")
        .order_by("case__number")
        .values_list("case__number", flat=True)
        .distinct()[:3]
    )
    if used:
        raise Refused(
            f"执法证{certificate.number}已在案件{'、'.join(used)}中作为承办人的执法证使用，不能改为他人持有；"
            "如登记有误，请为实际持证人另行登记执法证。",
            rule="APL-42",
        )


@transaction.atomic
def save_device(*, actor: User, device: RecordingDevice) -> RecordingDevice:
    """Register or change a recording device (WS-6, IMR-4). It can only be assigned to someone of its organisation."""
    _require_configure(actor, device.organisation)
    _require_configure_stored(actor, device)
    if device.assigned_to and not device.assigned_to.roles.filter(organisation=device.organisation).exists():
        raise Refused(f"设备只能配发给“{device.organisation}”的人员。")
    _full_clean(device)
    fields = ["organisation", "kind", "serial", "model_name", "assigned_to", "in_service"]
    _save_and_append(actor, device, fields, LedgerAction.DEVICE_SAVED, [device.organisation])
    return device


@transaction.atomic
def save_room(*, actor: User, room: RecordingRoom) -> RecordingRoom:
    """Register or change a questioning or hearing room (WS-6, IMR-4)."""
    _require_configure(actor, room.organisation)
    _require_configure_stored(actor, room)
    _full_clean(room)
    fields = ["organisation", "kind", "name", "location", "has_recording"]
    _save_and_append(actor, room, fields, LedgerAction.ROOM_SAVED, [room.organisation])
    return room


def _require_configure_stored(actor: User, obj: RecordingDevice | RecordingRoom) -> None:
    """A device or room moved between organisations: the actor must administer the one it leaves too."""
    if obj.pk is not None:
        _require_configure(actor, type(obj).objects.select_related("organisation").get(pk=obj.pk).organisation)


def _save_and_append(
    actor: User, obj: Any, fields: list[str], action: LedgerAction, logs: Iterable[Organisation]
) -> None:
    created = obj.pk is None
    columns = [f + "_id" if f in ("holder", "organisation", "assigned_to") else f for f in fields]
    changed = _changed(obj, columns)
    obj.save()
    payload = {"id": str(obj.pk), "created": created, "changed": changed, "fields": _public(obj, fields)}
    _append_to_logs(action=action, actor=actor, logs=logs, payload=payload)


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


SIGN_IN_ACTIONS = {
    SignInOutcome.SUCCESS: LedgerAction.SIGNED_IN,
    SignInOutcome.FAILURE: LedgerAction.SIGN_IN_FAILED,
    SignInOutcome.LOCKED: LedgerAction.LOCKED_OUT,
    SignInOutcome.SIGN_OUT: LedgerAction.SIGNED_OUT,
    # The second factor's checks are sign-in events too, told apart by ``"factor": "totp"`` in the payload.
    SignInOutcome.OTP_SUCCESS: LedgerAction.SIGNED_IN,
    SignInOutcome.OTP_FAILURE: LedgerAction.SIGN_IN_FAILED,
    SignInOutcome.OTP_THROTTLED: LedgerAction.LOCKED_OUT,
}
SECOND_FACTOR_OUTCOMES = frozenset({SignInOutcome.OTP_SUCCESS, SignInOutcome.OTP_FAILURE, SignInOutcome.OTP_THROTTLED})


@transaction.atomic
def record_sign_in(*, user: User, outcome: SignInOutcome, ip_address: str | None, user_agent: str) -> SignInRecord:
    """Record a sign-in, failure, lockout or sign-out of a known account, or a second-factor check, in the ledger
    too (IMR-6).

    The address and browser stay in the row; the ledger entry holds the account and the outcome. Before any
    organisation exists (the very first sign-in of the bootstrap superuser) there is no log to write to.
    """
    record = SignInRecord.objects.create(
        user=user, outcome=outcome, at=clock.now(), ip_address=ip_address or None, user_agent=user_agent[:200]
    )
    if Organisation.objects.exists():
        payload = {"record": str(record.pk), "person": str(user.pk)}
        if outcome in SECOND_FACTOR_OUTCOMES:
            payload["factor"] = "totp"
        append(action=SIGN_IN_ACTIONS[outcome], actor=user, organisation=_home(user), payload=payload)
    return record
