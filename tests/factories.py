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
    valid_from, valid_to, status = today - timedelta(days=3 * 365), today + timedelta(days=365), CertificateStatus.VALID
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


def open_case_setting() -> dict:
    """A province → city → county tree with two officers, a unit head, a bureau head and a supervisor."""
    from lawtrace.orgs.models import OrgKind

    province = make_org(OrgKind.PROVINCE)
    city = make_org(OrgKind.CITY, province)
    county = make_org(OrgKind.COUNTY, city)
    return {
        "province": province,
        "city": city,
        "county": county,
        "other": make_org(OrgKind.COUNTY, city),
        "officer": make_person(county, Role.OFFICER, certificate="valid"),
        "officer2": make_person(county, Role.OFFICER, certificate="valid"),
        "unit_head": make_person(county, Role.UNIT_HEAD),
        "head": make_person(county, Role.BUREAU_HEAD),
        "supervisor": make_person(city, Role.SUPERVISOR),
    }


def register(setting: dict, **overrides: object):  # type: ignore[no-untyped-def]
    """Register an ordinary penalty case through the service."""
    from datetime import date, timedelta

    from lawtrace.cases import services
    from lawtrace.cases.models import CaseSource, CaseType, PartyKind

    arguments: dict = {
        "actor": setting["officer"],
        "organisation": setting["county"],
        "case_type": CaseType.PENALTY,
        "source": CaseSource.EX_OFFICIO,
        "title": "某药店涉嫌串换药品骗取医保基金",
        "facts": "日常检查发现该药店将保健品串换为药品刷卡结算。",
        "parties": [
            services.PartyInput(
                kind=PartyKind.LEGAL,
                name="锡林浩特市康宁大药房有限公司",
                credit_code="91350100M000100Y43",
                representative="赵某",
                address="锡林浩特市某路1号",
                phone="04798888888",
            )
        ],
        "handlers": [setting["officer"], setting["officer2"]],
        "handler_opinion": "建议立案调查。",
        "violation_ended_on": date.today() - timedelta(days=30),
    }
    arguments.update(overrides)
    return services.register_case(**arguments)
