"""The demo organisations and people: 内蒙古 (自治区 → 2 盟市 → 2 旗县 each, an agency, an entrusted organisation)
and 汶上县 on the wenshang-2019 rulebook. Built through the real services, so it is configured exactly as an
administrator would configure it. Later apps add their own demo steps on top of :func:`load_people`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from lawtrace.identifiers import credit_code_check_char
from lawtrace.orgs import services
from lawtrace.orgs.models import (
    Certificate,
    CertificateStatus,
    DeviceKind,
    Organisation,
    OrgKind,
    RecordingDevice,
    RecordingRoom,
    Role,
    RoomKind,
    User,
)

DEMO_PASSWORD = "Lawtrace@2026"  # noqa: S105 — demo only, printed and listed in the README


@dataclass(frozen=True)
class DemoOrg:
    slug: str
    name: str
    short: str
    kind: OrgKind
    region: str
    parent: str | None
    rulebook: str = "inner-mongolia-2025"


ORGS = [
    DemoOrg("nmg", "内蒙古自治区医疗保障局", "内蒙古医保", OrgKind.PROVINCE, "150000", None),
    DemoOrg("xlgl", "锡林郭勒盟医疗保障局", "锡盟医保", OrgKind.CITY, "152500", "nmg"),
    DemoOrg("xlht", "锡林浩特市医疗保障局", "锡市医保", OrgKind.COUNTY, "152502", "xlgl"),
    DemoOrg("zlq", "正蓝旗医疗保障局", "正蓝旗医保", OrgKind.COUNTY, "152530", "xlgl"),
    DemoOrg("ords", "鄂尔多斯市医疗保障局", "鄂市医保", OrgKind.CITY, "150600", "nmg"),
    DemoOrg("dlt", "达拉特旗医疗保障局", "达旗医保", OrgKind.COUNTY, "150621", "ords"),
    DemoOrg("zge", "准格尔旗医疗保障局", "准旗医保", OrgKind.COUNTY, "150622", "ords"),
    DemoOrg("ordsjb", "鄂尔多斯市医疗保障事务中心", "鄂市医保中心", OrgKind.AGENCY, "150600", "ords"),
    DemoOrg("dltwt", "达拉特旗医疗保障基金监管服务中心", "达旗基金监管中心", OrgKind.ENTRUSTED, "150621", "dlt"),
    DemoOrg("ws", "汶上县医疗保障局", "汶医保", OrgKind.COUNTY, "370830", None, "wenshang-2019"),
]

# (org slug, username suffix, full name, roles, certificate: None | "valid" | "expired" | "revoked")
PEOPLE: list[tuple[str, str, str, tuple[Role, ...], str | None]] = [
    ("nmg", "admin", "高志强", (Role.ADMINISTRATOR,), None),
    ("nmg", "supervisor", "乌云其木格", (Role.SUPERVISOR,), "valid"),
    ("nmg", "head", "王建国", (Role.BUREAU_HEAD,), None),
    ("xlgl", "supervisor", "巴特尔", (Role.SUPERVISOR,), "valid"),
    ("xlgl", "head", "刘海峰", (Role.BUREAU_HEAD,), None),
    ("xlgl", "reviewer", "陈静", (Role.LEGAL_REVIEWER,), None),
    ("xlgl", "publisher", "赵雪", (Role.PUBLISHER,), None),
    ("xlht", "officer1", "张伟", (Role.OFFICER,), "valid"),
    ("xlht", "officer2", "李娜", (Role.OFFICER,), "valid"),
    ("xlht", "officer3", "孙浩", (Role.OFFICER,), "expired"),
    ("xlht", "officer4", "陈刚", (Role.OFFICER,), "valid"),
    ("xlht", "unithead", "周敏", (Role.UNIT_HEAD,), "valid"),
    ("xlht", "reviewer", "吴磊", (Role.LEGAL_REVIEWER,), None),
    ("xlht", "head", "郑永刚", (Role.BUREAU_HEAD,), None),
    ("xlht", "archivist", "冯丽", (Role.ARCHIVIST,), None),
    ("xlht", "publisher", "高娜", (Role.PUBLISHER,), None),
    ("zlq", "officer1", "苏日娜", (Role.OFFICER,), "valid"),
    ("zlq", "officer2", "格日勒图", (Role.OFFICER,), "valid"),
    ("zlq", "unithead", "何军", (Role.UNIT_HEAD,), None),
    ("zlq", "reviewer", "宝音", (Role.LEGAL_REVIEWER,), None),
    ("zlq", "head", "韩建军", (Role.BUREAU_HEAD,), None),
    ("zlq", "archivist", "萨仁", (Role.ARCHIVIST,), None),
    ("ords", "supervisor", "杨帆", (Role.SUPERVISOR,), "valid"),
    ("ords", "head", "高文", (Role.BUREAU_HEAD,), None),
    ("dlt", "officer1", "王磊", (Role.OFFICER,), "valid"),
    ("dlt", "officer2", "刘洋", (Role.OFFICER,), "valid"),
    ("dlt", "officer3", "马超", (Role.OFFICER,), "revoked"),
    ("dlt", "unithead", "张丽", (Role.UNIT_HEAD,), None),
    ("dlt", "reviewer", "郭鹏", (Role.LEGAL_REVIEWER,), None),
    ("dlt", "head", "李国庆", (Role.BUREAU_HEAD,), None),
    ("dlt", "archivist", "任芳", (Role.ARCHIVIST,), None),
    ("zge", "officer1", "白云", (Role.OFFICER,), "valid"),
    ("zge", "officer2", "贺强", (Role.OFFICER,), "valid"),
    ("zge", "unithead", "武斌", (Role.UNIT_HEAD,), None),
    ("zge", "reviewer", "乔慧", (Role.LEGAL_REVIEWER,), None),
    ("zge", "head", "康明", (Role.BUREAU_HEAD,), None),
    ("zge", "archivist", "田甜", (Role.ARCHIVIST,), None),
    ("ordsjb", "officer1", "贾晓燕", (Role.OFFICER,), "valid"),
    ("ordsjb", "officer2", "曹勇", (Role.OFFICER,), "valid"),
    ("dltwt", "officer1", "邢亮", (Role.OFFICER,), "valid"),
    ("dltwt", "officer2", "崔敏", (Role.OFFICER,), "valid"),
    ("ws", "admin", "孔德明", (Role.ADMINISTRATOR,), None),
    ("ws", "officer1", "孟凡军", (Role.OFFICER,), "valid"),
    ("ws", "officer2", "颜秀英", (Role.OFFICER,), "valid"),
    ("ws", "unithead", "曾庆华", (Role.UNIT_HEAD,), "valid"),
    ("ws", "reviewer", "朱红梅", (Role.LEGAL_REVIEWER,), None),
    ("ws", "head", "仲伟东", (Role.BUREAU_HEAD,), None),
    ("ws", "archivist", "闵燕", (Role.ARCHIVIST,), None),
    ("ws", "publisher", "姜涛", (Role.PUBLISHER,), None),
]


def demo_credit_code(region: str, serial: int) -> str:
    """A well-formed 统一社会信用代码 for a demo organisation (登记管理部门 1 = 机构编制, 类别 1 = 机关)."""
    first17 = f"11{region}MB{serial:07d}"[:17]
    return first17 + credit_code_check_char(first17)


def username(org_slug: str, suffix: str) -> str:
    return f"{org_slug}-{suffix}"


@transaction.atomic
def load_people(*, today: date) -> tuple[User, bool]:
    """Create the demo organisations, people, roles, certificates, devices and rooms. Returns (root admin, created).

    Idempotent: when the demo's first organisation exists, nothing is written again.
    """
    root, created = User.objects.get_or_create(
        username="sysadmin", defaults={"full_name": "系统管理员", "is_staff": True, "is_superuser": True}
    )
    if created:
        root.set_password(DEMO_PASSWORD)
        root.save()
    if Organisation.objects.filter(name=ORGS[0].name).exists():
        return root, False
    orgs: dict[str, Organisation] = {}
    for n, d in enumerate(ORGS, start=1):
        org = Organisation(
            name=d.name,
            short_name=d.short,
            kind=d.kind,
            parent=orgs.get(d.parent) if d.parent else None,
            region_code=d.region,
            credit_code=demo_credit_code(d.region, n),
            seal_name=f"{d.name}（印）" if d.kind != OrgKind.ENTRUSTED else f"{d.name}受委托执法专用章",
            rulebook=d.rulebook,
        )
        orgs[d.slug] = services.save_organisation(actor=root, organisation=org)
    cert_serial = 0
    for slug, suffix, full_name, roles, certificate in PEOPLE:
        org = orgs[slug]
        person = services.save_person(
            actor=root, person=User(username=username(slug, suffix), full_name=full_name), password=DEMO_PASSWORD
        )
        for role in roles:
            services.grant_role(actor=root, user=person, organisation=org, role=role)
        if certificate:
            cert_serial += 1
            valid_from, valid_to = date(today.year - 2, 3, 1), date(today.year + 3, 2, 28)
            status = CertificateStatus.VALID
            if certificate == "expired":
                valid_from, valid_to = date(today.year - 5, 3, 1), date(today.year - 1, 12, 31)
            elif certificate == "revoked":
                status = CertificateStatus.REVOKED
            issuer = "汶上县人民政府" if org.rulebook == "wenshang-2019" else "内蒙古自治区人民政府"
            services.save_certificate(
                actor=root,
                certificate=Certificate(
                    holder=person,
                    number=f"{org.region_code[:2]}{org.region_code[2:6]}{cert_serial:05d}",
                    issuing_authority=issuer,
                    area=org.name.removesuffix("医疗保障局").removesuffix("医疗保障事务中心"),
                    valid_from=valid_from,
                    valid_to=valid_to,
                    status=status,
                ),
            )
            if "officer" in suffix:
                services.save_device(
                    actor=root,
                    device=RecordingDevice(
                        organisation=org,
                        kind=DeviceKind.BODY_CAMERA,
                        serial=f"DSJ-{org.region_code}-{cert_serial:03d}",
                        model_name="DSJ-V9 执法记录仪",
                        assigned_to=person,
                    ),
                )
    for slug in ("xlgl", "xlht", "zlq", "ords", "dlt", "zge", "ws"):
        org = orgs[slug]
        services.save_room(
            actor=root,
            room=RecordingRoom(organisation=org, kind=RoomKind.INTERVIEW, name="询问室一", location="办公楼一层"),
        )
        services.save_device(
            actor=root,
            device=RecordingDevice(
                organisation=org,
                kind=DeviceKind.ROOM_SYSTEM,
                serial=f"ROOM-{org.region_code}-01",
                model_name="同步录音录像系统",
            ),
        )
    for slug in ("xlgl", "ords", "ws"):
        services.save_room(
            actor=root,
            room=RecordingRoom(organisation=orgs[slug], kind=RoomKind.HEARING, name="听证室", location="办公楼三层"),
        )
    return root, True
