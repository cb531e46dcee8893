"""Sign-in and sign-out in Chinese, lockout after repeated failures, and a record of every attempt on an account."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from lawtrace.orgs.models import OrgKind, Role, SignInOutcome, SignInRecord
from tests.factories import PASSWORD, make_org, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return make_person(make_org(OrgKind.COUNTY), Role.OFFICER, certificate="valid")


def _sign_in(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_sign_in_page_is_in_chinese() -> None:
    page = Client().get("/accounts/login/").content.decode()
    assert "登录您的账号" in page and "账号" in page and "密码" in page


def test_anonymous_visitor_is_sent_to_sign_in() -> None:
    response = Client().get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_successful_sign_in_reaches_workbench_and_is_recorded(officer) -> None:
    client = Client()
    response = _sign_in(client, officer.username, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert officer.full_name in client.get("/").content.decode()
    assert SignInRecord.objects.get(user=officer).outcome == SignInOutcome.SUCCESS


def test_wrong_password_is_refused_in_chinese_and_recorded(officer) -> None:
    response = _sign_in(Client(), officer.username, "wrong-password-1!")
    assert response.status_code == 200
    assert "账号或密码不正确" in response.content.decode()
    assert SignInRecord.objects.get(user=officer).outcome == SignInOutcome.FAILURE


def test_failure_for_an_unknown_name_is_not_recorded() -> None:
    """A typed name matching no account may be a phone number; it must not be written anywhere."""
    _sign_in(Client(), "13812345678", "whatever-1!")
    assert not SignInRecord.objects.exists()


def test_lockout_after_repeated_failures_even_with_the_right_password(officer) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, officer.username, "wrong-password-1!")
    response = _sign_in(client, officer.username, PASSWORD)
    assert response.status_code == 429
    assert "账号已被临时锁定" in response.content.decode()
    assert client.get("/").status_code == 302  # still not signed in
    outcomes = list(SignInRecord.objects.filter(user=officer).order_by("at", "pk").values_list("outcome", flat=True))
    assert outcomes.count(SignInOutcome.LOCKED) >= 1
    assert SignInOutcome.SUCCESS not in outcomes


def test_lockout_does_not_affect_another_account(officer) -> None:
    other = make_person(officer.roles.get().organisation, Role.OFFICER)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, officer.username, "wrong-password-1!")
    assert _sign_in(Client(), other.username, PASSWORD).status_code == 302


def test_sign_out_requires_post_and_is_recorded(officer) -> None:
    client = Client()
    _sign_in(client, officer.username, PASSWORD)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302
    assert SignInRecord.objects.filter(user=officer, outcome=SignInOutcome.SIGN_OUT).count() == 1


def test_sign_out_without_csrf_token_is_refused(officer) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    assert client.post("/accounts/logout/").status_code == 403


def test_session_expires_when_idle() -> None:
    assert settings.SESSION_COOKIE_AGE <= 2 * 3600
    assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1!", "太短"),
        ("abcdefghijk", "字母、数字和符号"),
        ("1234567890123", "只包含数字"),
        ("qwertyuiop", "太常见"),
    ],
)
def test_weak_passwords_are_refused_in_chinese(password: str, message: str) -> None:
    from lawtrace.errors import Refused
    from lawtrace.orgs import services
    from lawtrace.orgs.models import User
    from tests.factories import root_user

    with pytest.raises(Refused, match=message):
        services.save_person(actor=root_user(), person=User(username="weak", full_name="弱密码"), password=password)
    assert not User.objects.filter(username="weak").exists()
