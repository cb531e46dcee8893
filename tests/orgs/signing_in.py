"""Signing in through the real form, CSRF enforced — for tests of what a signed-in person can and cannot do."""

from __future__ import annotations

import re

from django.test import Client

from lawtrace.orgs.demo import DEMO_PASSWORD


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, "the page carries a CSRF token"
    return match.group(1)


def signed_in(username: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    token = csrf_token(client.get("/accounts/login/").content.decode())
    response = client.post(
        "/accounts/login/", {"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302, f"{username} signs in"
    return client
