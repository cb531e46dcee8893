"""Organisations (a tree), people, the roles they hold, their enforcement certificates, devices and rooms.

Rows here are written only by ``services.py``; ``on_delete=PROTECT`` everywhere so that nothing an old case or
ledger entry refers to can disappear by cascade.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lawtrace.identifiers import is_valid_credit_code


def validate_credit_code(value: str) -> None:
    if value and not is_valid_credit_code(value):
        raise ValidationError("统一社会信用代码格式或校验位不正确。")


RULEBOOK_CHOICES = [
    ("inner-mongolia-2025", "内蒙古自治区（2025）"),
    ("wenshang-2019", "汶上县（2019）"),
]


class OrgKind(models.TextChoices):
    """Kinds of enforcing organisation (WS-2, WS-25, IMR-2, IMR-27)."""

    PROVINCE = "province", _("自治区/省级医疗保障局")
    CITY = "city", _("盟市级医疗保障局")
    COUNTY = "county", _("旗县级医疗保障局")
    AGENCY = "agency", _("医疗保障经办机构")
    ENTRUSTED = "entrusted", _("受委托组织")


class Organisation(models.Model):
    """An enforcing organisation. ``path`` is the materialised path of ids (``/1/4/9/``) for subtree queries."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=20, help_text=_("用于文号，如“锡盟医保”。"))
    kind = models.CharField(_("类型"), max_length=16, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上级组织")
    )
    region_code = models.CharField(
        _("行政区划代码"), max_length=6, validators=[RegexValidator(r"^\d{6}$", "行政区划代码应为6位数字。")]
    )
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, validators=[validate_credit_code])
    seal_name = models.CharField(_("印章名称"), max_length=100)
    rulebook = models.CharField(_("适用规则集"), max_length=40, choices=RULEBOOK_CHOICES)
    is_active = models.BooleanField(_("启用"), default=True)
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def code(self) -> str:
        """The organisation's stable code: its 统一社会信用代码, or its region code and id when it has none."""
        return self.credit_code or f"{self.region_code}-{self.pk}"

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2


class User(AbstractUser):
    """A person who signs in: officer, head, reviewer, archivist, supervisor or administrator (roles are separate)."""

    full_name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    # Who may change an account is decided by the organisations it belongs to: every organisation where it holds (or
    # held) a role, and this one — so a person with no role yet is not fair game for every administrator.
    created_in = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registered_people",
        verbose_name=_("建档组织"),
        help_text=_("新建该人员的组织：该组织及其上级组织的系统管理员可以管理此账号（另须其全部角色都在管理范围内）。"),
    )

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    OFFICER = "officer", _("执法人员")
    UNIT_HEAD = "unit_head", _("承办机构负责人")
    LEGAL_REVIEWER = "legal_reviewer", _("法制审核人员")
    BUREAU_HEAD = "bureau_head", _("机关负责人")
    ARCHIVIST = "archivist", _("档案管理员")
    SUPERVISOR = "supervisor", _("监督人员")
    PUBLISHER = "publisher", _("公示管理员")
    ADMINISTRATOR = "administrator", _("系统管理员")


class RoleAssignment(models.Model):
    """A role a person holds in one organisation. One person may hold several roles in several organisations."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="roles", verbose_name=_("人员"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="role_assignments", verbose_name=_("组织")
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("有效"), default=True)
    granted_at = models.DateTimeField(_("授予时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        constraints = [models.UniqueConstraint(fields=["user", "organisation", "role"], name="unique_role_per_org")]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("有效")
    SUSPENDED = "suspended", _("暂扣")
    REVOKED = "revoked", _("注销/吊销")
    EXPIRED = "expired", _("过期")


class Certificate(models.Model):
    """An enforcement certificate (执法证). Only a holder of a valid one may handle a case (APL-42)."""

    holder = models.ForeignKey(User, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("持证人"))
    number = models.CharField(_("证件编号"), max_length=40, unique=True)
    issuing_authority = models.CharField(_("发证机关"), max_length=100)
    area = models.CharField(_("执法区域"), max_length=100)
    valid_from = models.DateField(_("有效期自"))
    valid_to = models.DateField(_("有效期至"))
    status = models.CharField(_("状态"), max_length=12, choices=CertificateStatus.choices, default="valid")

    class Meta:
        verbose_name = _("执法证")
        verbose_name_plural = _("执法证")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=models.Q(valid_to__gte=models.F("valid_from")), name="cert_period_order")
        ]

    def __str__(self) -> str:
        return f"{self.number}（{self.holder}）"

    def effective_status(self, on: date) -> CertificateStatus:
        """The status on a day: a certificate past its end date is expired whatever its stored status says."""
        if self.status != CertificateStatus.VALID:
            return CertificateStatus(self.status)
        if on > self.valid_to:
            return CertificateStatus.EXPIRED
        if on < self.valid_from:
            return CertificateStatus.SUSPENDED
        return CertificateStatus.VALID

    def is_valid_on(self, on: date) -> bool:
        return self.effective_status(on) == CertificateStatus.VALID


class DeviceKind(models.TextChoices):
    BODY_CAMERA = "body_camera", _("执法记录仪")
    CAMERA = "camera", _("照相机/摄像机")
    AUDIO_RECORDER = "audio_recorder", _("录音笔")
    ROOM_SYSTEM = "room_system", _("询问室/听证室录音录像系统")
    OTHER = "other", _("其他")


class RecordingDevice(models.Model):
    """A recording device in the register (WS-6, IMR-4); every audio/video record names its device."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="devices", verbose_name=_("所属组织")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=DeviceKind.choices)
    serial = models.CharField(_("序列号"), max_length=60, unique=True)
    model_name = models.CharField(_("型号"), max_length=60)
    assigned_to = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="devices", verbose_name=_("配发给")
    )
    in_service = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("记录设备")
        verbose_name_plural = _("记录设备")
        ordering = ["organisation", "serial"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.model_name}（{self.serial}）"


class RoomKind(models.TextChoices):
    INTERVIEW = "interview", _("询问室")
    HEARING = "hearing", _("听证室")
    OTHER = "other", _("其他")


class RecordingRoom(models.Model):
    """A room equipped for recorded questioning or hearings (WS-6, IMR-4)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="rooms", verbose_name=_("所属组织")
    )
    kind = models.CharField(_("类型"), max_length=12, choices=RoomKind.choices)
    name = models.CharField(_("名称"), max_length=60)
    location = models.CharField(_("位置"), max_length=100, blank=True)
    has_recording = models.BooleanField(_("配备录音录像"), default=True)

    class Meta:
        verbose_name = _("询问室/听证室")
        verbose_name_plural = _("询问室/听证室")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="unique_room_name_per_org")]

    def __str__(self) -> str:
        return f"{self.organisation.short_name} {self.name}"


class SignInOutcome(models.TextChoices):
    SUCCESS = "success", _("登录成功")
    FAILURE = "failure", _("密码错误")
    LOCKED = "locked", _("账户锁定")
    SIGN_OUT = "sign_out", _("退出登录")
    # The second factor (两步验证, lawtrace/orgs/second_factor.py), after the password.
    OTP_SUCCESS = "otp_ok", _("两步验证通过")
    OTP_FAILURE = "otp_fail", _("验证码错误")
    OTP_THROTTLED = "otp_wait", _("验证码错误次数过多")


class SignInRecord(models.Model):
    """Every sign-in, failure, lockout and sign-out of a known account, and every second-factor check.

    A failure whose typed name matches no account is counted (for lockout) but not stored here: officers sometimes
    type a phone number or an ID number into the name field, which must not end up in a log.
    """

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="sign_ins", verbose_name=_("人员"))
    outcome = models.CharField(_("结果"), max_length=10, choices=SignInOutcome.choices)
    at = models.DateTimeField(_("时间"), db_index=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("登录记录")
        verbose_name_plural = _("登录记录")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user} {self.get_outcome_display()} {self.at:%Y-%m-%d %H:%M}"
