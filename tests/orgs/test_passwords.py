"""Passwords (issue 16): at least 12 characters, none of the common ones — Django's list and the Chinese patterns
(common and pinyin words dressed with digits and symbols, keyboard walks, space padding) — refused in Chinese with
nothing written; and every signed-in person changes their own password, the current one required, ledgered, staying
signed in."""

from __future__ import annotations

import random
import re
import string

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from lawtrace.errors import Refused
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from lawtrace.orgs import services
from lawtrace.orgs.demo import DEMO_PASSWORD
from lawtrace.orgs.models import OrgKind, Role, User
from lawtrace.orgs.passwords import ZH_LIST, CommonPatternValidator
from lawtrace.orgs.views import OWN_PASSWORD_ATTEMPTS
from tests.factories import PASSWORD, make_org, make_person, root_user

NEW_PASSWORD = "Grassland-horse-57!"


def _messages(password: str) -> str:
    try:
        validate_password(password)
    except ValidationError as e:
        return "；".join(e.messages)
    return ""


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password123!", "密码太常见"),  # the issue's three
        ("1qaz@WSX3edc", "键盘上连续的按键"),
        (" " * 10 + "1a", "首尾不能是空格"),
        ("P@ssw0rd2026", "密码太常见"),
        ("Yibao@2026!!", "密码太常见"),
        ("Woaini1314!!", "密码太常见"),
        ("Zhang@19800315", "密码太常见"),
        ("qwer1234!@#$", "键盘上连续的按键"),
        ("aaaaaaaa1!Aa", "键盘上连续的按键"),
        ("Abcdefgh123!", "键盘上连续的按键"),
        ("Short-pw-1!", "至少需要 12 个字符"),
        ("abcdefghijkmnop", "字母、数字和符号"),
        ("word1 word2 word3", "字母、数字和符号（空格不算符号）"),
    ],
)
def test_weak_passwords_of_the_issue_are_refused_in_chinese(password: str, message: str) -> None:
    assert message in _messages(password)


@pytest.mark.django_db
def test_a_refused_password_creates_nothing() -> None:
    before = Entry.objects.count()
    with pytest.raises(Refused, match="键盘上连续的按键"):
        services.save_person(
            actor=root_user(), person=User(username="walker", full_name="走键盘"), password="1qaz@WSX3edc"
        )
    assert not User.objects.filter(username="walker").exists() and Entry.objects.count() == before


@pytest.mark.parametrize("password", [DEMO_PASSWORD, PASSWORD, NEW_PASSWORD, "Xq7#mP2v9LkR", "马兰花开-2026-春!"])
def test_the_demo_and_test_passwords_and_real_ones_pass(password: str) -> None:
    assert _messages(password) == ""


def _chinese_words() -> list[str]:
    lines = ZH_LIST.read_text(encoding="utf-8").splitlines()
    return [w for w in lines if w and not w.startswith("#") and w[0].isalpha() and w[-1].isalpha() and len(w) >= 4]


@given(
    word=st.sampled_from(_chinese_words()),
    capitalise=st.booleans(),
    tail=st.text(alphabet=string.digits + "!@#$%&*.", min_size=1, max_size=8),
)
def test_any_listed_chinese_word_with_digits_and_symbols_stuck_on_is_refused(
    word: str, capitalise: bool, tail: str
) -> None:
    password = (word.capitalize() if capitalise else word) + tail
    with pytest.raises(ValidationError):
        CommonPatternValidator().validate(password)


@given(seed=st.integers(min_value=0), length=st.integers(min_value=12, max_value=24))
def test_a_random_password_of_mixed_characters_passes(seed: int, length: int) -> None:
    """Not a wall everyone hits: a password drawn at random (a seeded generator, not Hypothesis's own choices, which
    shrink to ``aaaa…``) from letters, digits and symbols is accepted."""
    rnd = random.Random(seed)
    alphabet = string.ascii_letters + string.digits + "!#%&*+?~-_"
    chars = [rnd.choice(string.ascii_letters), rnd.choice(string.digits), rnd.choice("!#%&*+?~")]
    chars += [rnd.choice(alphabet) for _ in range(length - 3)]
    rnd.shuffle(chars)
    password = "".join(chars)
    assert _messages(password) == "", password


# --- self-service change ---------------------------------------------------------------------------------------


@pytest.fixture
def officer(db) -> User:
    return make_person(make_org(OrgKind.COUNTY), Role.OFFICER)


def _csrf(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match
    return match.group(1)


def _signed_in(person: User, password: str = PASSWORD) -> Client:
    client = Client(enforce_csrf_checks=True)
    token = _csrf(client.get("/accounts/login/").content.decode())
    response = client.post(
        "/accounts/login/", {"username": person.username, "password": password, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    return client


def _change(client: Client, old: str, new: str, again: str | None = None):
    token = _csrf(client.get("/accounts/password/").content.decode())
    return client.post(
        "/accounts/password/",
        {"old_password": old, "new_password1": new, "new_password2": again or new, "csrfmiddlewaretoken": token},
    )


def _own_entries(person: User) -> int:
    return Entry.objects.filter(action=LedgerAction.PASSWORD_SET, actor_id=str(person.pk)).count()


@pytest.mark.django_db
def test_every_signed_in_person_reaches_the_password_page_from_the_user_menu(officer: User) -> None:
    client = _signed_in(officer)
    assert 'href="/accounts/password/"' in client.get("/").content.decode()
    page = client.get("/accounts/password/").content.decode()
    assert "当前密码" in page and "再次输入新密码" in page
    assert Client().get("/accounts/password/").status_code == 302  # signed out: to the sign-in page


@pytest.mark.django_db
def test_own_password_change_needs_the_current_password_and_writes_nothing_without_it(officer: User) -> None:
    client = _signed_in(officer)
    stored, entries = User.objects.get(pk=officer.pk).password, Entry.objects.count()
    response = _change(client, "not-the-password-1!", NEW_PASSWORD)
    assert response.status_code == 200 and "当前密码不正确" in response.content.decode()
    weak = _change(client, PASSWORD, "password123!")
    assert weak.status_code == 200 and "密码太常见" in weak.content.decode()
    mismatch = _change(client, PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x")
    assert "两次输入的新密码不一致" in mismatch.content.decode()
    assert User.objects.get(pk=officer.pk).password == stored and Entry.objects.count() == entries


@pytest.mark.django_db
def test_own_password_change_is_ledgered_and_keeps_the_session(officer: User) -> None:
    client = _signed_in(officer)
    before = _own_entries(officer)
    response = _change(client, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert "密码已修改" in client.get(response["Location"]).content.decode()
    assert client.get("/").status_code == 200  # still signed in
    entry = Entry.objects.filter(action=LedgerAction.PASSWORD_SET, actor_id=str(officer.pk)).get()
    assert _own_entries(officer) == before + 1
    assert entry.log.organisation == officer.roles.get().organisation
    assert _signed_in(officer, NEW_PASSWORD)
    assert Client().post("/accounts/login/", {"username": officer.username, "password": PASSWORD}).status_code == 200


@pytest.mark.django_db
def test_guessing_the_current_password_ends_the_session(officer: User) -> None:
    client = _signed_in(officer)
    for _ in range(OWN_PASSWORD_ATTEMPTS - 1):
        assert _change(client, "guess-Wrong-2026!", NEW_PASSWORD).status_code == 200
    last = _change(client, "guess-Wrong-2026!", NEW_PASSWORD)
    assert last.status_code == 302 and last["Location"] == "/accounts/login/"
    assert client.get("/").status_code == 302
    assert User.objects.get(pk=officer.pk).check_password(PASSWORD)
