"""Deployment checks of the orgs app (``lawtrace check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def second_factor_required(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """A production server that lets heads, administrators, supervisors and publishers in with a password alone
    says so (``LAWTRACE_REQUIRE_OTP=false`` is meant for the demo)."""
    if settings.LAWTRACE_REQUIRE_OTP:
        return []
    return [
        Warning(
            "LAWTRACE_REQUIRE_OTP 为 false：负责人、系统管理员、监督人员和公示管理员仅凭密码即可登录。",
            hint="生产环境请删除该变量（默认 true），仅演示环境使用 false。",
            id="lawtrace.W001",
        )
    ]
