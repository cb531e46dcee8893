"""The second factor at sign-in (两步验证, issue 16): a TOTP authenticator app (django-otp's ``TOTPDevice``).

Who must use it: a person holding an active role that signs, approves, configures, supervises or publishes — a head
(承办机构负责人, 机关负责人), an administrator, a supervisor or a publisher — and every superuser, unless
``LAWTRACE_REQUIRE_OTP`` is false. Anyone else may enrol; once a person has a confirmed device, every session of
theirs asks for a code, required or not.

The flow (enforced by :class:`lawtrace.security.SecondFactorMiddleware`): after the password, a session that is not
yet verified reaches only the code page (a person with a device) or the enrolment page (a person who must have one
and has none), and sign-out. Wrong codes are throttled by django-otp (each failure doubles the wait: 1 s, 2 s, 4 s …)
and recorded as sign-in records and ledger entries, like password failures. An administrator resets a person's
device only under the account-takeover rule (the whole person inside their subtree, :func:`selectors.may_manage`).

A device's secret is a credential, not a record: a reset deletes it (an unconfirmed device kept around would keep a
secret someone else may have seen); the ledger entry is the record of the reset.
"""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from lawtrace.errors import Refused
from lawtrace.ledger.actions import LedgerAction
from lawtrace.orgs.models import Organisation, Role, SignInOutcome, User
from lawtrace.orgs.services import _append_to_logs, _person_logs, _require_manage_person, record_sign_in

# Roles whose holders must verify a second factor (when LAWTRACE_REQUIRE_OTP is true).
ROLES_REQUIRING_OTP: frozenset[Role] = frozenset(
    {Role.UNIT_HEAD, Role.BUREAU_HEAD, Role.ADMINISTRATOR, Role.SUPERVISOR, Role.PUBLISHER}
)
DEVICE_NAME = "身份验证器"


class CodeRefused(Refused):
    """A wrong, malformed or throttled code (nothing is verified; the failure is recorded)."""


def must_use(person: User) -> bool:
    """Whether the person must verify a second factor before any page: a superuser or a holder of one of
    :data:`ROLES_REQUIRING_OTP`, while the deployment requires it."""
    if not settings.LAWTRACE_REQUIRE_OTP:
        return False
    return person.is_superuser or person.roles.filter(is_active=True, role__in=ROLES_REQUIRING_OTP).exists()


def confirmed_device(person: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=person, confirmed=True).order_by("pk").first()


def pending_device(person: User) -> TOTPDevice:
    """The device being enrolled: an unconfirmed one with a fresh random secret, created on first use and kept until
    it is confirmed (reloading the page shows the same secret)."""
    device = TOTPDevice.objects.filter(user=person, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=person, name=DEVICE_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32 in groups of four, for typing into an authenticator app by hand."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The ``otpauth://`` address as a QR code, an SVG data URI made here (no third-party service, no script)."""
    return str(segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2))


def _clean(code: str) -> str:
    digits = "".join(code.split())
    if not (digits.isascii() and digits.isdigit() and len(digits) == 6):
        raise CodeRefused("请输入身份验证器显示的 6 位数字验证码。")
    return digits


def _throttled(device: TOTPDevice) -> str | None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    until = (data or {}).get("locked_until")
    wait = f"，请于 {timezone.localtime(until):%H:%M:%S} 后再试" if until else "，请稍后再试"
    return f"验证码错误次数过多{wait}。"


def check_code(*, person: User, device: TOTPDevice, code: str, ip_address: str | None, user_agent: str) -> TOTPDevice:
    """Check a code against the person's device. Throttled (django-otp's exponential wait after each failure);
    every failure and every refusal while throttled is recorded and ledgered like a sign-in failure or lockout,
    a success like a sign-in. Raises :class:`CodeRefused` (the session stays unverified)."""
    if device.user_id != person.pk:
        raise CodeRefused("该验证设备不属于您。")
    if message := _throttled(device):
        record_sign_in(user=person, outcome=SignInOutcome.OTP_THROTTLED, ip_address=ip_address, user_agent=user_agent)
        raise CodeRefused(message)
    try:
        digits = _clean(code)
    except CodeRefused:
        with transaction.atomic():
            device.throttle_increment(commit=True)  # a malformed code is a failed guess too
            record_sign_in(user=person, outcome=SignInOutcome.OTP_FAILURE, ip_address=ip_address, user_agent=user_agent)
        raise
    verified = verify_token(person, device.persistent_id, digits)
    if verified is None:
        record_sign_in(user=person, outcome=SignInOutcome.OTP_FAILURE, ip_address=ip_address, user_agent=user_agent)
        raise CodeRefused("验证码不正确或已使用过。连续错误后须等待更长时间才能再试。")
    record_sign_in(user=person, outcome=SignInOutcome.OTP_SUCCESS, ip_address=ip_address, user_agent=user_agent)
    return verified


def confirm_enrolment(*, person: User, code: str, ip_address: str | None, user_agent: str) -> TOTPDevice:
    """The person confirms their new device with a code it shows: the device becomes the one asked for at every
    sign-in. Refused (throttled and recorded like a wrong code) when the code does not match. Ledgered in each of the
    person's organisations' logs, the person as the actor.

    The code is checked outside the confirming transaction: a failure's throttle count and record must be kept
    when the refusal is raised."""
    if confirmed_device(person) is not None:
        raise Refused("您已绑定身份验证器；如需更换，请联系系统管理员重置。")
    device = pending_device(person)
    verified = check_code(person=person, device=device, code=code, ip_address=ip_address, user_agent=user_agent)
    with transaction.atomic():
        verified.confirmed = True
        verified.save(update_fields=["confirmed"])
        if Organisation.objects.exists():
            _append_to_logs(
                action=LedgerAction.PERSON_SAVED,
                actor=person,
                logs=_person_logs(person),
                payload={"person": str(person.pk), "created": False, "changed": ["otp_device"], "otp": "enrolled"},
            )
    return verified


@transaction.atomic
def reset_devices(*, actor: User, person: User) -> int:
    """An administrator removes a person's authenticator (lost phone): the person enrols a new one at their next
    sign-in, and their sessions verified with the old one ask again. Only under the account-takeover rule (the whole
    person inside the actor's subtree; superusers only by superusers) — a reset followed by a password reset would
    otherwise hand over an account. Ledgered in each of the person's organisations' logs."""
    _require_manage_person(actor, person)
    removed, _ = TOTPDevice.objects.filter(user=person).delete()
    if removed:
        _append_to_logs(
            action=LedgerAction.PERSON_SAVED,
            actor=actor,
            logs=_person_logs(person),
            payload={"person": str(person.pk), "created": False, "changed": ["otp_device"], "otp": "reset"},
        )
    return int(removed)
