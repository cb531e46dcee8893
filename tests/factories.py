"""Small builders for test data. They go through the services, as the application does."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from lawtrace.identifiers import credit_code_check_char
from lawtrace.orgs import services
from lawtrace.orgs.models import (
    Certificate,
    CertificateStatus,
    Organisation,
    OrgKind,
    Role,
    User,
)

_seq = itertools.count(1)
PASSWORD = "Test-pass-2026!"


def root_user() -> User:
    user, _created = User.objects.get_or_create(
        username="test-root", defaults={"full_name": "测试根管理员", "is_superuser": True, "is_staff": True}
    )
    return user


def make_org(
    kind: OrgKind = OrgKind.COUNTY, parent: Organisation | None = None, name: str | None = None
) -> Organisation:
    n = next(_seq)
    region = f"{150000 + n:06d}"
    first17 = f"11{region}MB{n:07d}"[:17]
    return services.save_organisation(
        actor=root_user(),
        organisation=Organisation(
            name=name or f"测试{n}号医疗保障局",
            short_name=f"测{n}医保",
            kind=kind,
            parent=parent,
            region_code=region,
            credit_code=first17 + credit_code_check_char(first17),
            seal_name=f"测试{n}号医疗保障局（印）",
            rulebook="inner-mongolia-2025",
        ),
    )


def make_person(org: Organisation | None = None, *roles: Role, certificate: str | None = None) -> User:
    n = next(_seq)
    person = services.save_person(
        actor=root_user(), person=User(username=f"person{n}", full_name=f"测试人员{n}"), password=PASSWORD
    )
    for role in roles:
        assert org is not None
        services.grant_role(actor=root_user(), user=person, organisation=org, role=role)
    if certificate:
        give_certificate(person, certificate)
    return person


def give_certificate(person: User, kind: str = "valid", today: date | None = None) -> Certificate:
    today = today or date.today()
    valid_from, valid_to, status = today - timedelta(days=365), today + timedelta(days=365), CertificateStatus.VALID
    if kind == "expired":
        valid_from, valid_to = today - timedelta(days=800), today - timedelta(days=1)
    elif kind in ("revoked", "suspended"):
        status = CertificateStatus(kind)
    return services.save_certificate(
        actor=root_user(),
        certificate=Certificate(
            holder=person,
            number=f"15{next(_seq):09d}",
            issuing_authority="内蒙古自治区人民政府",
            area="测试",
            valid_from=valid_from,
            valid_to=valid_to,
            status=status,
        ),
    )
