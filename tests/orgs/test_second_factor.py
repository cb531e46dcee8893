"""The second factor (issue 16): heads, administrators, supervisors and publishers bind an authenticator and give its
code before any page; wrong codes are throttled and recorded like sign-in failures; an administrator resets a
device only inside their subtree. People sign in through the real sign-in page (CSRF enforced)."""

from __future__ import annotations

import json
import time
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lawtrace.errors import PermissionRefused
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from lawtrace.orgs import second_factor
from lawtrace.orgs.demo import load_people
from lawtrace.orgs.models import SignInOutcome, SignInRecord, User
from tests.orgs.signing_in import csrf_token, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> dict[str, User]:
    _root, _created = load_people(today=date.today())
    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def required(settings: pytest.FixtureRequest) -> None:
    settings.LAWTRACE_REQUIRE_OTP = True  # type: ignore[attr-defined]


def _post(client: Client, url: str, data: dict[str, object]):  # type: ignore[no-untyped-def]
    page = client.get(url)
    assert page.status_code == 200, page
    return client.post(url, {**data, "csrfmiddlewaretoken": csrf_token(page.content.decode())})


def _code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the person's app shows now (or ``steps_ahead`` periods later: a code is accepted only once)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def _wrong(device: TOTPDevice) -> str:
    right = _code(device)
    return next(c for c in ("000000", "111111", "222222") if c not in (right, _code(device, 1), _code(device, -1)))


def _bound(person: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=person, name="身份验证器", confirmed=True)


def _unthrottle(device: TOTPDevice) -> None:
    """Let the wait after the last failure pass (django-otp doubles it: 1 s, 2 s, 4 s …)."""
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=timezone.now() - timedelta(hours=1))


def _payloads(action: LedgerAction) -> list[dict]:
    return [json.loads(bytes(e.data))["payload"] for e in Entry.objects.filter(action=action).order_by("pk")]


def _outcomes(person: User) -> list[str]:
    return list(SignInRecord.objects.filter(user=person).order_by("at", "pk").values_list("outcome", flat=True))


# --- who must use it -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "must"),
    [
        ("xlht-head", True),
        ("xlht-unithead", True),
        ("ws-admin", True),
        ("xlgl-supervisor", True),
        ("xlht-publisher", True),
        ("sysadmin", True),
        ("xlht-officer1", False),
        ("xlht-reviewer", False),
        ("xlht-archivist", False),
    ],
)
def test_heads_administrators_supervisors_and_publishers_must_use_a_second_factor(
    demo: dict, required: None, username: str, must: bool
) -> None:
    assert second_factor.must_use(demo[username]) is must


def test_nobody_must_when_the_deployment_does_not_require_it(demo: dict, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LAWTRACE_REQUIRE_OTP = False
    assert not second_factor.must_use(demo["xlht-head"])
    client = signed_in("xlht-head")
    assert client.get("/").status_code == 200


# --- enrolment -------------------------------------------------------------------------------------------------


def test_a_head_without_a_device_is_sent_to_enrol_before_any_page(demo: dict, required: None) -> None:
    client = signed_in("xlht-head")
    for url in ("/", "/cases/", "/admin/", "/accounts/password/", "/supervision/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/otp/enrol/"), url
    assert client.get("/api/disclosure/items").status_code == 403
    # A POST elsewhere is not let through either.
    assert client.post("/accounts/password/", {}).status_code in (302, 403)


def test_enrolment_shows_the_secret_and_a_qr_code_and_confirms_with_a_code(demo: dict, required: None) -> None:
    head = demo["xlht-head"]
    client = signed_in("xlht-head")
    page = client.get("/accounts/otp/enrol/?next=/cases/")
    assert page.status_code == 200
    text = page.content.decode()
    device = TOTPDevice.objects.get(user=head, confirmed=False)
    assert second_factor.secret_text(device) in text
    assert 'src="data:image/svg+xml' in text  # the QR code is made by the server: no script, no other origin
    assert client.get("/accounts/otp/enrol/").content.decode().count(second_factor.secret_text(device)) == 1
    assert TOTPDevice.objects.filter(user=head).count() == 1  # reloading shows the same secret

    enrolled_before = len(_payloads(LedgerAction.PERSON_SAVED))
    refused = _post(client, "/accounts/otp/enrol/", {"code": _wrong(device), "next": "/cases/"})
    assert refused.status_code == 200
    assert "验证码不正确" in refused.content.decode()
    assert not TOTPDevice.objects.filter(user=head, confirmed=True).exists()
    assert len(_payloads(LedgerAction.PERSON_SAVED)) == enrolled_before
    assert client.get("/").status_code == 302

    _unthrottle(device)
    accepted = _post(client, "/accounts/otp/enrol/", {"code": _code(device), "next": "/cases/"})
    assert accepted.status_code == 302 and accepted["Location"] == "/cases/"
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/").status_code == 200  # the session is verified
    enrolled = [p for p in _payloads(LedgerAction.PERSON_SAVED) if p.get("otp") == "enrolled"]
    assert enrolled and all(p["person"] == str(head.pk) for p in enrolled)
    assert _outcomes(head)[-2:] == [SignInOutcome.OTP_FAILURE, SignInOutcome.OTP_SUCCESS]


def test_an_officer_may_enrol_but_is_not_asked_to(demo: dict, required: None) -> None:
    client = signed_in("xlht-officer1")
    assert client.get("/").status_code == 200
    page = client.get("/accounts/otp/enrol/")
    assert page.status_code == 200 and "须使用两步验证" not in page.content.decode()


# --- the code at sign-in ---------------------------------------------------------------------------------------


def test_a_person_with_a_device_gives_the_code_before_any_page(demo: dict) -> None:
    """Optional for an officer, but once bound it is asked at every sign-in (even with LAWTRACE_REQUIRE_OTP off)."""
    officer = demo["xlht-officer1"]
    device = _bound(officer)
    client = signed_in("xlht-officer1")
    response = client.get("/cases/")
    assert response.status_code == 302 and response["Location"] == "/accounts/otp/?next=%2Fcases%2F"
    assert client.get("/accounts/otp/enrol/").status_code == 302  # no second device while one is bound

    failures = len(_payloads(LedgerAction.SIGN_IN_FAILED))
    refused = _post(client, "/accounts/otp/", {"code": _wrong(device), "next": "/cases/"})
    assert "验证码不正确" in refused.content.decode()
    assert client.get("/cases/").status_code == 302
    failed = _payloads(LedgerAction.SIGN_IN_FAILED)
    assert len(failed) == failures + 1 and failed[-1]["factor"] == "totp" and failed[-1]["person"] == str(officer.pk)

    _unthrottle(device)
    accepted = _post(client, "/accounts/otp/", {"code": _code(device), "next": "/cases/"})
    assert accepted.status_code == 302 and accepted["Location"] == "/cases/"
    assert client.get("/cases/").status_code == 200
    assert _payloads(LedgerAction.SIGNED_IN)[-1]["factor"] == "totp"
    assert _outcomes(officer)[-3:] == [SignInOutcome.SUCCESS, SignInOutcome.OTP_FAILURE, SignInOutcome.OTP_SUCCESS]


def test_a_code_is_accepted_once(demo: dict) -> None:
    device = _bound(demo["xlht-officer1"])
    code = _code(device)
    first = signed_in("xlht-officer1")
    assert _post(first, "/accounts/otp/", {"code": code}).status_code == 302
    second = signed_in("xlht-officer1")
    assert "验证码不正确" in _post(second, "/accounts/otp/", {"code": code}).content.decode()
    assert second.get("/").status_code == 302


def test_a_foreign_next_address_is_not_followed(demo: dict) -> None:
    device = _bound(demo["xlht-officer1"])
    client = signed_in("xlht-officer1")
    response = _post(client, "/accounts/otp/", {"code": _code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


@pytest.mark.parametrize("garbage", ["12345", "1234567", "abcdef", "１２３４５６", "", "12 34 5"])
def test_a_malformed_code_is_refused_and_counted_as_a_failure(demo: dict, garbage: str) -> None:
    officer = demo["xlht-officer1"]
    device = _bound(officer)
    client = signed_in("xlht-officer1")
    response = _post(client, "/accounts/otp/", {"code": garbage})
    assert response.status_code == 200
    assert client.get("/").status_code == 302
    if garbage:  # an empty field is the form's own refusal: no guess was made
        assert TOTPDevice.objects.get(pk=device.pk).throttling_failure_count == 1
        assert _outcomes(officer)[-1] == SignInOutcome.OTP_FAILURE


def test_wrong_codes_are_throttled_even_the_right_one_waits(demo: dict) -> None:
    officer = demo["xlht-officer1"]
    device = _bound(officer)
    client = signed_in("xlht-officer1")
    _post(client, "/accounts/otp/", {"code": _wrong(device)})
    locked_before = len(_payloads(LedgerAction.LOCKED_OUT))

    response = _post(client, "/accounts/otp/", {"code": _code(device)})
    assert "验证码错误次数过多" in response.content.decode()
    assert client.get("/").status_code == 302  # the right code, but too soon: not verified
    assert _outcomes(officer)[-1] == SignInOutcome.OTP_THROTTLED
    locked = _payloads(LedgerAction.LOCKED_OUT)
    assert len(locked) == locked_before + 1 and locked[-1]["factor"] == "totp"
    assert TOTPDevice.objects.get(pk=device.pk).throttling_failure_count == 1  # a throttled try is not a guess

    _unthrottle(device)
    assert _post(client, "/accounts/otp/", {"code": _code(device)}).status_code == 302
    assert client.get("/").status_code == 200
    assert TOTPDevice.objects.get(pk=device.pk).throttling_failure_count == 0


def test_each_failure_doubles_the_wait(demo: dict) -> None:
    device = _bound(demo["xlht-officer1"])
    for failures in range(1, 5):
        _unthrottle(device)
        device.refresh_from_db()
        assert not device.verify_token(int(_wrong(device)))
        device.refresh_from_db()
        allowed, data = device.verify_is_allowed()
        assert not allowed and data["failure_count"] == failures
        wait = (data["locked_until"] - device.throttling_failure_timestamp).total_seconds()
        assert wait == 2 ** (failures - 1)


# --- reset by an administrator ---------------------------------------------------------------------------------


def test_an_administrator_outside_the_subtree_cannot_reset_a_device(demo: dict) -> None:
    """ws-admin (汶上县) against xlht-head (锡林浩特): refused by the service and by the configuration site; the
    device stays and nothing is ledgered."""
    head = demo["xlht-head"]
    device = _bound(head)
    entries = Entry.objects.count()
    with pytest.raises(PermissionRefused, match="管理范围"):
        second_factor.reset_devices(actor=demo["ws-admin"], person=head)
    assert Entry.objects.count() == entries

    client = signed_in("ws-admin")
    entries = Entry.objects.count()
    assert client.get(f"/admin/orgs/user/{head.pk}/otp-reset/").status_code == 404  # not among those ws-admin sees
    token = client.cookies["csrftoken"].value
    assert client.post(f"/admin/orgs/user/{head.pk}/otp-reset/", {"csrfmiddlewaretoken": token}).status_code == 404
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert Entry.objects.count() == entries


def test_the_superuser_device_is_reset_only_by_a_superuser(demo: dict) -> None:
    root = demo["sysadmin"]
    device = _bound(root)
    entries = Entry.objects.count()
    with pytest.raises(PermissionRefused, match="超级管理员"):
        second_factor.reset_devices(actor=demo["nmg-admin"], person=root)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert Entry.objects.count() - entries == 0


def test_the_regions_administrator_resets_a_head_who_then_enrols_again(demo: dict, required: None) -> None:
    head = demo["xlht-head"]
    device = _bound(head)
    head_client = signed_in("xlht-head")
    assert _post(head_client, "/accounts/otp/", {"code": _code(device)}).status_code == 302
    assert head_client.get("/").status_code == 200

    admin = demo["nmg-admin"]
    TOTPDevice.objects.create(user=admin, name="身份验证器", confirmed=True)
    admin_client = signed_in("nmg-admin")
    admin_device = TOTPDevice.objects.get(user=admin)
    assert _post(admin_client, "/accounts/otp/", {"code": _code(admin_device)}).status_code == 302
    change = admin_client.get(f"/admin/orgs/user/{head.pk}/change/").content.decode()
    assert f"/admin/orgs/user/{head.pk}/otp-reset/" in change
    response = _post(admin_client, f"/admin/orgs/user/{head.pk}/otp-reset/", {})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=head).exists()
    resets = [p for p in _payloads(LedgerAction.PERSON_SAVED) if p.get("otp") == "reset"]
    assert resets and all(p["person"] == str(head.pk) for p in resets)
    reset_entries = Entry.objects.filter(action=LedgerAction.PERSON_SAVED, actor=admin).select_related("log")
    assert "锡市医保" in {e.log.organisation.short_name for e in reset_entries}  # the head's own organisation's log

    # The head's session verified with the old device asks again: a new device must be bound.
    response = head_client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/enrol/")


def test_check_deploy_warns_when_the_second_factor_is_not_required(settings) -> None:  # type: ignore[no-untyped-def]
    from lawtrace.orgs.checks import second_factor_required

    settings.LAWTRACE_REQUIRE_OTP = True
    assert second_factor_required() == []
    settings.LAWTRACE_REQUIRE_OTP = False
    assert [w.id for w in second_factor_required()] == ["lawtrace.W001"]
