"""Who may change an account (issue 16): an administrator acts only on people wholly inside their subtree; superusers
only by superusers; a person of no organisation only by superusers. The services check it whatever the caller (the
admin's forms limit the choices too — tests/orgs/test_takeover.py); a refusal writes no row and no ledger entry, and
an allowed change is ledgered in every organisation the person belongs to."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from lawtrace.errors import PermissionRefused, Refused
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from lawtrace.orgs import selectors, services
from lawtrace.orgs.models import Certificate, Organisation, OrgKind, Role, RoleAssignment, User
from lawtrace.orgs.permissions import Action
from tests.factories import give_certificate, make_org, make_person, root_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Another-pass-2026!"


@pytest.fixture
def tree() -> dict:
    province = make_org(OrgKind.PROVINCE)
    city = make_org(OrgKind.CITY, province)
    a, b = make_org(OrgKind.COUNTY, city), make_org(OrgKind.COUNTY, city)
    return {
        "province": province,
        "city": city,
        "a": a,
        "b": b,
        "admin_a": make_person(a, Role.ADMINISTRATOR),
        "admin_city": make_person(city, Role.ADMINISTRATOR),
        "officer_a": make_person(a, Role.OFFICER),
        "officer_b": make_person(b, Role.OFFICER),
        "city_head": make_person(city, Role.BUREAU_HEAD),
    }


def _unchanged(before: tuple[int, int]) -> bool:
    return (Entry.objects.count(), RoleAssignment.objects.count()) == before


def _counts() -> tuple[int, int]:
    return Entry.objects.count(), RoleAssignment.objects.count()


def test_county_administrator_cannot_grant_a_role_to_a_superuser(tree: dict) -> None:
    before = _counts()
    with pytest.raises(PermissionRefused, match="只有超级管理员"):
        services.grant_role(actor=tree["admin_a"], user=root_user(), organisation=tree["a"], role=Role.ADMINISTRATOR)
    assert _unchanged(before)


def test_county_administrator_cannot_grant_a_role_to_a_person_of_another_county(tree: dict) -> None:
    before = _counts()
    with pytest.raises(PermissionRefused, match="不全在您的管理范围内"):
        services.grant_role(actor=tree["admin_a"], user=tree["officer_b"], organisation=tree["a"], role=Role.OFFICER)
    assert _unchanged(before)


def test_county_administrator_cannot_reach_up_to_the_city_head_who_shares_the_county(tree: dict) -> None:
    """One shared organisation is not enough: the city head also holds a role in county A."""
    head = tree["city_head"]
    services.grant_role(actor=root_user(), user=head, organisation=tree["a"], role=Role.SUPERVISOR)
    before, password = _counts(), User.objects.get(pk=head.pk).password
    with pytest.raises(PermissionRefused):
        services.save_person(actor=tree["admin_a"], person=head, password=NEW_PASSWORD)
    head.is_active = False
    with pytest.raises(PermissionRefused):
        services.save_person(actor=tree["admin_a"], person=head)
    with pytest.raises(PermissionRefused):
        services.grant_role(actor=tree["admin_a"], user=head, organisation=tree["a"], role=Role.ADMINISTRATOR)
    stored = User.objects.get(pk=head.pk)
    assert stored.is_active and stored.password == password
    assert _unchanged(before)


def test_a_person_with_no_organisation_is_left_to_superusers(tree: dict) -> None:
    loner = make_person()  # created by a superuser, no role, no registering organisation
    before = _counts()
    for admin in (tree["admin_a"], tree["admin_city"]):
        with pytest.raises(PermissionRefused, match="不属于任何组织"):
            services.grant_role(actor=admin, user=loner, organisation=tree["a"], role=Role.OFFICER)
        with pytest.raises(PermissionRefused, match="不属于任何组织"):
            services.save_person(actor=admin, person=loner, password=NEW_PASSWORD)
    assert _unchanged(before)
    services.grant_role(actor=root_user(), user=loner, organisation=tree["a"], role=Role.OFFICER)
    services.save_person(actor=tree["admin_a"], person=loner, password=NEW_PASSWORD)  # now a person of county A


def test_a_person_registered_in_a_county_belongs_to_its_administrators_only(tree: dict) -> None:
    newcomer = User(username="new-a", full_name="新人", created_in=tree["a"])
    person = services.save_person(actor=tree["admin_a"], person=newcomer, password=NEW_PASSWORD)
    admin_b = make_person(tree["b"], Role.ADMINISTRATOR)
    with pytest.raises(PermissionRefused):
        services.grant_role(actor=admin_b, user=person, organisation=tree["b"], role=Role.OFFICER)
    services.grant_role(actor=tree["admin_a"], user=person, organisation=tree["a"], role=Role.OFFICER)
    services.grant_role(actor=tree["admin_city"], user=person, organisation=tree["city"], role=Role.SUPERVISOR)
    with pytest.raises(PermissionRefused):  # now also a person of the city: beyond county A's administrator
        services.save_person(actor=tree["admin_a"], person=person, password=NEW_PASSWORD)


def test_a_new_person_must_be_registered_in_an_organisation_the_administrator_runs(tree: dict) -> None:
    before = _counts()
    with pytest.raises(Refused, match="须选择建档组织"):
        services.save_person(actor=tree["admin_a"], person=User(username="x1", full_name="甲"), password=NEW_PASSWORD)
    with pytest.raises(PermissionRefused):
        elsewhere = User(username="x2", full_name="乙", created_in=tree["b"])
        services.save_person(actor=tree["admin_a"], person=elsewhere, password=NEW_PASSWORD)
    assert not User.objects.filter(username__in=["x1", "x2"]).exists() and _unchanged(before)


def test_an_administrator_cannot_move_a_person_to_another_registering_organisation(tree: dict) -> None:
    person = services.save_person(
        actor=tree["admin_a"], person=User(username="mover", full_name="调动", created_in=tree["a"])
    )
    person.created_in = tree["b"]
    with pytest.raises(PermissionRefused):
        services.save_person(actor=tree["admin_a"], person=person)
    assert User.objects.get(pk=person.pk).created_in == tree["a"]


def test_an_administrator_cannot_make_a_superuser(tree: dict) -> None:
    officer = tree["officer_a"]
    officer.is_superuser = True
    with pytest.raises(PermissionRefused, match="只有超级管理员"):
        services.save_person(actor=tree["admin_a"], person=officer)
    assert not User.objects.get(pk=officer.pk).is_superuser


def test_restoring_a_revoked_role_follows_the_grant_rule_but_revoking_needs_only_the_organisation(tree: dict) -> None:
    head = tree["city_head"]
    assignment = services.grant_role(actor=root_user(), user=head, organisation=tree["a"], role=Role.SUPERVISOR)
    services.set_role_active(actor=tree["admin_a"], assignment=assignment, active=False)
    assert not RoleAssignment.objects.get(pk=assignment.pk).is_active
    before = _counts()
    with pytest.raises(PermissionRefused):
        services.set_role_active(actor=tree["admin_a"], assignment=assignment, active=True)
    assert not RoleAssignment.objects.get(pk=assignment.pk).is_active and _unchanged(before)


def test_the_stored_assignment_decides_not_the_submitted_one(tree: dict) -> None:
    """An assignment object pointing elsewhere in memory cannot move the check to the actor's organisation."""
    assignment = RoleAssignment.objects.get(user=tree["officer_b"])
    assignment.organisation = tree["a"]
    with pytest.raises(PermissionRefused):
        services.set_role_active(actor=tree["admin_a"], assignment=assignment, active=False)
    assert RoleAssignment.objects.get(pk=assignment.pk).is_active


def test_certificates_follow_the_holder_rule_including_a_change_of_holder(tree: dict) -> None:
    certificate = give_certificate(tree["officer_b"])
    before = _counts()
    certificate.status = "revoked"
    with pytest.raises(PermissionRefused):
        services.save_certificate(actor=tree["admin_a"], certificate=certificate)
    moved = Certificate.objects.get(pk=certificate.pk)
    moved.holder = tree["officer_a"]  # steal another county's certificate for one's own officer
    with pytest.raises(PermissionRefused):
        services.save_certificate(actor=tree["admin_a"], certificate=moved)
    stored = Certificate.objects.get(pk=certificate.pk)
    assert stored.status == "valid" and stored.holder == tree["officer_b"] and _unchanged(before)
    fresh = Certificate(
        holder=tree["officer_b"],
        number="15999999999",
        issuing_authority="内蒙古自治区人民政府",
        area="测试",
        valid_from=date(2025, 1, 1),
        valid_to=date(2030, 1, 1),
    )
    with pytest.raises(PermissionRefused):
        services.save_certificate(actor=tree["admin_a"], certificate=fresh)
    assert not Certificate.objects.filter(number="15999999999").exists()


def test_a_change_to_a_person_is_ledgered_in_every_organisation_they_belong_to(tree: dict) -> None:
    person = tree["officer_a"]
    services.grant_role(actor=tree["admin_city"], user=person, organisation=tree["b"], role=Role.OFFICER)
    logs_before = {key: Entry.objects.filter(log__organisation=tree[key]).count() for key in ("a", "b", "city")}
    services.save_person(actor=tree["admin_city"], person=person, password=NEW_PASSWORD)
    for key in ("a", "b"):
        actions = list(
            Entry.objects.filter(log__organisation=tree[key]).order_by("seq").values_list("action", flat=True)
        )[logs_before[key] :]
        assert actions == [LedgerAction.PERSON_SAVED, LedgerAction.PASSWORD_SET]
    assert Entry.objects.filter(log__organisation=tree["city"]).count() == logs_before["city"]


def test_granting_a_role_is_ledgered_where_the_person_already_belongs_too(tree: dict) -> None:
    person = tree["officer_a"]
    in_a = Entry.objects.filter(log__organisation=tree["a"], action=LedgerAction.ROLE_GRANTED).count()
    services.grant_role(actor=tree["admin_city"], user=person, organisation=tree["b"], role=Role.OFFICER)
    assert Entry.objects.filter(log__organisation=tree["a"], action=LedgerAction.ROLE_GRANTED).count() == in_a + 1
    assert Entry.objects.filter(log__organisation=tree["b"], action=LedgerAction.ROLE_GRANTED).exists()


def test_the_admin_choices_and_the_service_check_agree_for_every_placement(tree: dict) -> None:
    """Every combination of roles in {province, city, A, B} and of registering organisation, for each administrator:
    the one-query list (the admin's choices) equals the per-person check, and both equal the rule."""
    places: list[Organisation] = [tree["province"], tree["city"], tree["a"], tree["b"]]
    people: list[User] = []
    for n, (roles, created_in) in enumerate(
        itertools.product(
            [c for k in range(3) for c in itertools.combinations(places, k)], [None, tree["a"], tree["city"]]
        )
    ):
        person = services.save_person(
            actor=root_user(), person=User(username=f"placed{n}", full_name=f"人{n}", created_in=created_in)
        )
        for org in roles:
            services.grant_role(actor=root_user(), user=person, organisation=org, role=Role.OFFICER)
        people.append(person)
    people.append(root_user())
    for admin in (tree["admin_a"], tree["admin_city"], make_person(tree["province"], Role.ADMINISTRATOR)):
        reach = {o.pk for o in selectors.organisations_where(admin, Action.CONFIGURE)}
        listed = set(selectors.people_managed_by(admin).filter(pk__in=[p.pk for p in people]))
        for person in people:
            theirs = selectors.organisations_of_person(person)
            expected = not person.is_superuser and bool(theirs) and theirs <= reach
            assert selectors.may_manage(admin, person) == expected, (admin, person, theirs)
            assert (person in listed) == expected, (admin, person, theirs)
