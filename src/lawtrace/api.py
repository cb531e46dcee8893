"""The one django-ninja API under ``/api/``; each app adds its router here so OpenAPI is a single document.

Apps register with ``api.add_router("<prefix>/", router)`` in their own ``api.py`` and are listed in ``ROUTERS``
below, so the import order (and with it the OpenAPI document) does not depend on app loading order.
"""

from __future__ import annotations

from importlib import import_module

from ninja import NinjaAPI

api = NinjaAPI(
    title="lawtrace API",
    version="1",
    description="执法全过程记录与公示系统 — 采集工作站接口与公开数据接口",
    urls_namespace="api",
)

# (prefix, "module:attribute") — added once, in this order.
ROUTERS: list[tuple[str, str]] = [
    ("disclosure/", "lawtrace.disclosure.api:router"),
    ("evidence/", "lawtrace.evidence.api:router"),
]

for prefix, target in ROUTERS:
    module_name, attribute = target.split(":")
    api.add_router(prefix, getattr(import_module(module_name), attribute))
