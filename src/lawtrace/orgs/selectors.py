"""Reads and the one scoping rule.

A person sees what belongs to the organisations where they hold an active role; a supervisor also sees every
organisation below theirs. Every list and every object lookup in the system filters through
:func:`visible_organisations` (or :func:`organisations_where` for one action) — never a hand-written filter.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from lawtrace.orgs.models import Certificate, Organisation, Role, RoleAssignment, User
from lawtrace.orgs.permissions import PERMISSIONS, SUBTREE_ACTIONS, Action, roles_granting


def _active_roles(user: User) -> list[tuple[int, str, str]]:
    """(organisation id, path, role) of the user's active roles, cached on the user object for the request."""
    cached: list[tuple[int, str, str]] | None = getattr(user, "_lawtrace_roles", None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.filter(user=user, is_active=True, organisation__is_active=True).values_list(
                "organisation_id", "organisation__path", "role"
            )
        )
        user._lawtrace_roles = cached  # type: ignore[attr-defined]
    return cached


def _organisations(user: User, roles: frozenset[Role] | None, subtree_roles: frozenset[Role]) -> QuerySet[Organisation]:
    if not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    condition = Q(pk__in=[])
    for org_id, path, role in _active_roles(user):
        if roles is not None and role not in roles:
            continue
        condition |= Q(path__startswith=path) if role in subtree_roles else Q(pk=org_id)
    return Organisation.objects.filter(condition)


def visible_organisations(user: User) -> QuerySet[Organisation]:
    """Organisations whose cases, records and people the user may see."""
    return _organisations(user, None, roles_granting(Action.SUPERVISE))


def organisations_where(user: User, action: Action) -> QuerySet[Organisation]:
    """Organisations in which the user may take ``action`` (the permission table, with subtree reach)."""
    granting = roles_granting(action)
    return _organisations(user, granting, granting if action in SUBTREE_ACTIONS else frozenset())


def can(user: User, action: Action, organisation: Organisation) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    granting = roles_granting(action)
    for org_id, path, role in _active_roles(user):
        if role not in granting:
            continue
        if org_id == organisation.pk or (action in SUBTREE_ACTIONS and organisation.path.startswith(path)):
            return True
    return False


def actions_anywhere(user: User) -> set[Action]:
    """Every action the user may take in at least one organisation (for navigation)."""
    return {a for _, _, role in _active_roles(user) for a in PERMISSIONS[Role(role)]}


def roles_of(user: User) -> QuerySet[RoleAssignment]:
    return (
        RoleAssignment.objects.filter(user=user, is_active=True)
        .select_related("organisation")
        .order_by("organisation__path", "role")
    )


def valid_certificates(user: User, on: date) -> list[Certificate]:
    return [c for c in user.certificates.all() if c.is_valid_on(on)]


def people_of(organisation: Organisation) -> QuerySet[User]:
    """People holding an active role in the organisation."""
    return User.objects.filter(roles__organisation=organisation, roles__is_active=True).distinct().order_by("full_name")


def configurable_organisations(actor: User) -> QuerySet[Organisation]:
    """Organisations the actor administers (their own and every one below); all of them for a superuser."""
    if actor.is_superuser and actor.is_active:
        return Organisation.objects.all()
    return organisations_where(actor, Action.CONFIGURE)


def organisations_of_person(person: User) -> set[int]:
    """Ids of the organisations an account belongs to, as stored: every organisation where it holds or ever held a
    role (a revoked role counts — re-activating it must not hand the account to another subtree), and the one that
    registered it. In-memory edits of ``person`` are ignored on purpose: the check is about who the person *is*.
    """
    if person.pk is None:
        return {person.created_in_id} if person.created_in_id else set()
    ids = set(RoleAssignment.objects.filter(user_id=person.pk).values_list("organisation_id", flat=True))
    created_in = User.objects.filter(pk=person.pk).values_list("created_in_id", flat=True).first()
    return ids | ({created_in} if created_in else set())


def may_manage(actor: User, person: User) -> bool:
    """Whether the actor may change this account: its fields, password, activity, roles and certificates.

    The account-takeover rule (issue 16): a superuser may change anyone; nobody else may change a superuser; an
    administrator may change a person only when *every* organisation the person belongs to lies in the organisations
    they administer. A person who belongs to no organisation (no role, no registering organisation) is left to
    superusers. One shared organisation is not enough: otherwise a county administrator could reset the password of a
    city head who also holds a role in the county.
    """
    if not actor.is_authenticated or not actor.is_active:
        return False
    if actor.is_superuser:
        return True
    stored_superuser = User.objects.filter(pk=person.pk).values_list("is_superuser", flat=True).first()
    if person.is_superuser or stored_superuser:
        return False
    theirs = organisations_of_person(person)
    if not theirs:
        return False
    reach = organisations_where(actor, Action.CONFIGURE).filter(pk__in=theirs).values_list("pk", flat=True)
    return theirs <= set(reach)


def people_managed_by(actor: User) -> QuerySet[User]:
    """The accounts :func:`may_manage` lets the actor change, as one query (the admin's choices for a role's or a
    certificate's person)."""
    if not actor.is_authenticated or not actor.is_active:
        return User.objects.none()
    if actor.is_superuser:
        return User.objects.all()
    reach = organisations_where(actor, Action.CONFIGURE)
    return (
        User.objects.filter(is_superuser=False)
        .filter(
            Q(pk__in=RoleAssignment.objects.filter(organisation__in=reach).values("user_id")) | Q(created_in__in=reach)
        )
        .exclude(pk__in=RoleAssignment.objects.exclude(organisation__in=reach).values("user_id"))
        .filter(Q(created_in__isnull=True) | Q(created_in__in=reach))
    )


def people_seen_by_administrator(actor: User) -> QuerySet[User]:
    """Accounts an administrator sees in the configuration site: anyone belonging to an organisation they administer.
    Seeing is not changing: those who also belong elsewhere are read-only to them (:func:`may_manage`)."""
    if actor.is_superuser and actor.is_active:
        return User.objects.all()
    reach = organisations_where(actor, Action.CONFIGURE)
    return User.objects.filter(
        Q(pk__in=RoleAssignment.objects.filter(organisation__in=reach).values("user_id")) | Q(created_in__in=reach)
    )


def subtree(organisation: Organisation) -> QuerySet[Organisation]:
    return Organisation.objects.filter(path__startswith=organisation.path)


def require(user: User, action: Action, organisation: Organisation) -> None:
    """Refuse (with a Chinese message naming the role needed) unless the user may take ``action`` there."""
    from lawtrace.errors import PermissionRefused
    from lawtrace.orgs.permissions import ACTION_LABELS

    if not can(user, action, organisation):
        roles = "、".join(str(r.label) for r in roles_granting(action))
        raise PermissionRefused(f"您在{organisation}没有“{ACTION_LABELS[action]}”的权限（需要：{roles}）。")
