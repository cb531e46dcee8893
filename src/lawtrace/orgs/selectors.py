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


def subtree(organisation: Organisation) -> QuerySet[Organisation]:
    return Organisation.objects.filter(path__startswith=organisation.path)


def require(user: User, action: Action, organisation: Organisation) -> None:
    """Refuse (with a Chinese message naming the role needed) unless the user may take ``action`` there."""
    from lawtrace.errors import PermissionRefused
    from lawtrace.orgs.permissions import ACTION_LABELS

    if not can(user, action, organisation):
        roles = "、".join(str(r.label) for r in roles_granting(action))
        raise PermissionRefused(f"您在{organisation}没有“{ACTION_LABELS[action]}”的权限（需要：{roles}）。")
