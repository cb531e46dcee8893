"""The closed vocabulary of ledger actions. A ledger entry's ``action`` is always one of these."""

from __future__ import annotations

from django.db import models


class LedgerAction(models.TextChoices):
    # configuration (orgs)
    ORG_SAVED = "org.saved", "保存组织"
    PERSON_SAVED = "person.saved", "保存人员"
    PASSWORD_SET = "person.password_set", "设置密码"
    ROLE_GRANTED = "role.granted", "授予角色"
    ROLE_ACTIVE_SET = "role.active_set", "启用/停用角色"
    CERTIFICATE_SAVED = "certificate.saved", "保存执法证"
    DEVICE_SAVED = "device.saved", "保存记录设备"
    ROOM_SAVED = "room.saved", "保存询问室/听证室"
    # access (IMR-6)
    SIGNED_IN = "auth.signed_in", "登录"
    SIGN_IN_FAILED = "auth.sign_in_failed", "登录失败"
    LOCKED_OUT = "auth.locked_out", "账户锁定"
    SIGNED_OUT = "auth.signed_out", "退出登录"
    # the ledger itself
    KEY_ROTATED = "ledger.key_rotated", "更换签名密钥"
