"""The one django-ninja API under ``/api/``; each app adds its router here so OpenAPI is a single document.

Apps register with ``api.add_router("<prefix>/", router)`` in their own ``api.py`` and are listed in ``ROUTERS``
below, so the import order (and with it the OpenAPI document) does not depend on app loading order.
"""

from __future__ import annotations

from importlib import import_module

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError

from lawtrace.params import BadParameter

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


@api.exception_handler(BadParameter)
def bad_parameter(request: HttpRequest, exc: BadParameter) -> HttpResponse:
    """A parameter lawtrace.params could not read: 400 with the Chinese message, as the pages do."""
    return api.create_response(request, {"detail": exc.message}, status=400)


@api.exception_handler(ValidationError)
def invalid_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A parameter of the wrong type or out of its declared range: 400, the same as the pages, with the details."""
    return api.create_response(request, {"detail": "请求参数不正确。", "errors": exc.errors}, status=400)
