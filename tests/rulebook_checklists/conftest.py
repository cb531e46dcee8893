"""Shared set-up: a case opened under each rulebook (the people of ``open_case_setting`` plus a legal reviewer and
an administrator of the county), and a CSRF-checking client that posts the forms the page itself rendered."""

from __future__ import annotations

import re
from datetime import timedelta

from django.test import Client

from lawtrace import clock
from lawtrace.orgs.models import Role
from tests.cases.steps import MONDAY, _opened_case
from tests.factories import make_person


def opened(rulebook: str = "inner-mongolia-2025", case_type: str = "penalty") -> dict:
    """An opened case (registered, approved) under the rulebook, with a legal reviewer and an administrator."""
    s, case = _opened_case(rulebook, case_type)
    s["case"] = case
    s["reviewer"] = make_person(s["county"], Role.LEGAL_REVIEWER)
    s["admin"] = make_person(s["county"], Role.ADMINISTRATOR)
    return s


def later(hours: int = 1):  # type: ignore[no-untyped-def]
    return clock.frozen_at(MONDAY + timedelta(hours=hours))


def csrf_client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def post_form(client: Client, page: str, action: str, data: dict) -> object:
    """Open the page, take the CSRF token of the form posting to ``action``, post it (as a browser would)."""
    html = client.get(page).content.decode()
    form = re.search(r'<form[^>]*action="' + re.escape(action) + r'"[^>]*>.*?</form>', html, re.S)
    assert form is not None, f"no form posting to {action} on {page}"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(0))
    assert token is not None
    return client.post(action, {**data, "csrfmiddlewaretoken": token.group(1)})
