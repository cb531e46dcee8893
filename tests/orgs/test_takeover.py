"""Issue 16, the account takeover, replayed against the demo through the real configuration site (signed in through
the sign-in page, CSRF enforced): an administrator grants a role to an account outside their subtree, then resets its
password. Each step is refused and writes nothing — no role row, no password change, no ledger entry."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.hashers import check_password
from django.test import Client

from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from lawtrace.orgs import services
from lawtrace.orgs.demo import load_people
from lawtrace.orgs.models import Certificate, Organisation, Role, RoleAssignment, User
from tests.orgs.signing_in import csrf_token, signed_in

pytestmark = pytest.mark.django_db

ATTACKER_PASSWORD = "Taken-over-by-ws-2026!"


@pytest.fixture
def demo() -> dict[str, User]:
    root, _created = load_people(today=date.today())
    return {"root": root, **{u.username: u for u in User.objects.exclude(pk=root.pk)}}


def _org(short: str) -> Organisation:
    return Organisation.objects.get(short_name=short)


def _post_form(client: Client, url: str, data: dict[str, object]):
    """Open the form (for its CSRF token), then submit it as a browser would."""
    page = client.get(url)
    token = csrf_token(page.content.decode()) if page.status_code == 200 else client.cookies["csrftoken"].value
    return client.post(url, {**data, "csrfmiddlewaretoken": token})


def _grant(client: Client, person: User, organisation: Organisation, role: Role = Role.ADMINISTRATOR):
    return _post_form(
        client,
        "/admin/orgs/roleassignment/add/",
        {"user": person.pk, "organisation": organisation.pk, "role": role.value, "is_active": "on"},
    )


def _reset_password(client: Client, person: User):
    return _post_form(
        client,
        f"/admin/orgs/user/{person.pk}/password/",
        {"password1": ATTACKER_PASSWORD, "password2": ATTACKER_PASSWORD, "usable_password": "true"},
    )


def _password_of(person: User) -> str:
    return User.objects.get(pk=person.pk).password


@pytest.mark.parametrize("target", ["sysadmin", "xlht-head"])
def test_county_administrator_cannot_take_over_an_account_outside_their_county(demo: dict, target: str) -> None:
    """Both variants of the issue: ws-admin (汶上) against sysadmin (superuser) and against xlht-head (锡林浩特)."""
    victim = demo["root"] if target == "sysadmin" else demo[target]
    client = signed_in("ws-admin")
    entries, stored_password = Entry.objects.count(), _password_of(victim)

    # when: the POSTed id is one the autocomplete never offers
    granted = _grant(client, victim, _org("汶医保"))
    # then: the form refuses it and nothing is written
    assert granted.status_code == 200 and "选择一个有效的选项" in granted.content.decode()
    assert not RoleAssignment.objects.filter(user=victim, organisation__short_name="汶医保").exists()

    reset = _reset_password(client, victim)
    assert reset.status_code in (403, 404)
    assert _password_of(victim) == stored_password
    assert Entry.objects.count() == entries
    assert not check_password(ATTACKER_PASSWORD, _password_of(victim))
    bad = Client().post("/accounts/login/", {"username": victim.username, "password": ATTACKER_PASSWORD})
    assert bad.status_code == 200  # the attacker's password does not open the account


def test_autocomplete_never_offers_an_account_outside_the_subtree(demo: dict) -> None:
    client = signed_in("ws-admin")
    for term in ("sysadmin", "xlht"):
        response = client.get(
            "/admin/autocomplete/",
            {"term": term, "app_label": "orgs", "model_name": "roleassignment", "field_name": "user"},
        )
        assert response.status_code == 200 and response.json()["results"] == []
    query = {"term": "ws-", "app_label": "orgs", "model_name": "roleassignment", "field_name": "user"}
    offered = client.get("/admin/autocomplete/", query).json()["results"]
    assert {o["text"] for o in offered} >= {"孟凡军", "仲伟东"}


def test_one_shared_organisation_does_not_hand_over_the_person(demo: dict) -> None:
    """xlht-head also holds a role in 汶上 (granted by a superuser): ws-admin sees the account, read-only."""
    head = demo["xlht-head"]
    services.grant_role(actor=demo["root"], user=head, organisation=_org("汶医保"), role=Role.SUPERVISOR)
    certificate = services.save_certificate(
        actor=demo["root"],
        certificate=Certificate(
            holder=head,
            number="1525029999",
            issuing_authority="内蒙古自治区人民政府",
            area="锡林浩特市",
            valid_from=date(2025, 1, 1),
            valid_to=date(2030, 1, 1),
        ),
    )
    client = signed_in("ws-admin")
    entries, stored_password = Entry.objects.count(), _password_of(head)

    assert client.get(f"/admin/orgs/user/{head.pk}/change/").status_code == 200  # visible
    assert _reset_password(client, head).status_code == 403
    deactivate = _post_form(
        client, f"/admin/orgs/user/{head.pk}/change/", {"username": head.username, "full_name": "篡改"}
    )
    assert deactivate.status_code == 403
    certificate_change = _post_form(
        client,
        f"/admin/orgs/certificate/{certificate.pk}/change/",
        {
            "holder": head.pk,
            "number": certificate.number,
            "issuing_authority": "汶上县人民政府",
            "area": "汶上县",
            "valid_from": "2025-01-01",
            "valid_to": "2030-01-01",
            "status": "revoked",
        },
    )
    assert certificate_change.status_code == 403
    head.refresh_from_db()
    assert head.is_active and head.full_name == "郑永刚" and _password_of(head) == stored_password
    assert Certificate.objects.get(pk=certificate.pk).status == "valid"
    assert Entry.objects.count() == entries


def test_administrator_may_still_revoke_a_role_in_their_own_organisation(demo: dict) -> None:
    head = demo["xlht-head"]
    assignment = services.grant_role(actor=demo["root"], user=head, organisation=_org("汶医保"), role=Role.SUPERVISOR)
    client = signed_in("ws-admin")
    response = _post_form(client, f"/admin/orgs/roleassignment/{assignment.pk}/change/", {})  # is_active unticked
    assert response.status_code == 302
    assert not RoleAssignment.objects.get(pk=assignment.pk).is_active
    # …but restoring it would hand 汶上 a person of 锡林浩特 again: refused, nothing written
    entries = Entry.objects.count()
    restored = _post_form(client, f"/admin/orgs/roleassignment/{assignment.pk}/change/", {"is_active": "on"})
    assert restored.status_code == 302
    assert not RoleAssignment.objects.get(pk=assignment.pk).is_active
    assert Entry.objects.count() == entries
    assert "未保存" in client.get("/admin/orgs/roleassignment/").content.decode()


def test_a_person_registered_in_the_county_can_be_given_a_role_there(demo: dict) -> None:
    client = signed_in("ws-admin")
    ws = _org("汶医保")
    created = _post_form(
        client,
        "/admin/orgs/user/add/",
        {
            "username": "ws-officer9",
            "full_name": "新人员",
            "created_in": ws.pk,
            "password1": "Wenshang-new-2026!",
            "password2": "Wenshang-new-2026!",
            "usable_password": "true",
        },
    )
    assert created.status_code == 302
    person = User.objects.get(username="ws-officer9")
    assert person.created_in == ws
    assert _grant(client, person, ws, Role.OFFICER).status_code == 302
    assert RoleAssignment.objects.filter(user=person, organisation=ws, role=Role.OFFICER, is_active=True).exists()
    assert _reset_password(client, person).status_code == 302
    assert check_password(ATTACKER_PASSWORD, _password_of(person))


def test_new_person_cannot_be_registered_in_another_organisation(demo: dict) -> None:
    client = signed_in("ws-admin")
    entries = Entry.objects.count()
    response = _post_form(
        client,
        "/admin/orgs/user/add/",
        {
            "username": "xlht-planted",
            "full_name": "安插",
            "created_in": _org("锡市医保").pk,
            "password1": "Wenshang-new-2026!",
            "password2": "Wenshang-new-2026!",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    assert not User.objects.filter(username="xlht-planted").exists()
    assert Entry.objects.count() == entries


def test_a_superior_administrator_changes_a_county_person_and_the_county_log_records_it(demo: dict) -> None:
    head, xlht = demo["xlht-head"], _org("锡市医保")
    client = signed_in("nmg-admin")
    before = Entry.objects.filter(log__organisation=xlht, action=LedgerAction.PASSWORD_SET).count()
    assert _reset_password(client, head).status_code == 302
    assert check_password(ATTACKER_PASSWORD, _password_of(head))
    assert Entry.objects.filter(log__organisation=xlht, action=LedgerAction.PASSWORD_SET).count() == before + 1


def test_only_a_superuser_changes_a_superuser_even_from_the_top_organisation(demo: dict) -> None:
    client = signed_in("nmg-admin")
    stored_password = _password_of(demo["root"])
    assert _grant(client, demo["root"], _org("内蒙古医保")).status_code == 200
    assert _reset_password(client, demo["root"]).status_code in (403, 404)
    assert _password_of(demo["root"]) == stored_password
    assert not RoleAssignment.objects.filter(user=demo["root"]).exists()
