"""The error pages: Chinese, and leading back to where the person came from — the public portal (``/gongshi/``,
``/api/``) or the workbench.

``server_error`` renders ``500.html`` with no request context: a 500 may come from the database itself, so the page
reads no session, no user and no navigation (the context processors all touch the database).
"""

from __future__ import annotations

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.template import loader

PUBLIC_PREFIXES = ("/gongshi/", "/api/")


def is_public(request: HttpRequest) -> bool:
    """Whether the page belongs to the public portal (no sign-in), so the way back is the portal's front page."""
    return request.path.startswith(PUBLIC_PREFIXES)


def _render(request: HttpRequest, template: str, message: str) -> str:
    context = {"message": message, "public": is_public(request)}
    base = "disclosure/public/base.html" if is_public(request) else "base.html"
    return loader.render_to_string(template, {**context, "base": base}, request=request)


def _message(exception: Exception | None) -> str:
    """The exception's own text when it is one lawtrace wrote for people (Chinese), else nothing."""
    if exception is None or not exception.args:
        return ""
    text = str(exception.args[0]) if isinstance(exception.args[0], str) else ""
    return text if any("\u4e00" <= c <= "\u9fff" for c in text) else ""


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return HttpResponseBadRequest(_render(request, "400.html", _message(exception)))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return HttpResponseForbidden(_render(request, "403.html", _message(exception)))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return HttpResponseNotFound(_render(request, "404.html", _message(exception)))


def server_error(request: HttpRequest) -> HttpResponse:
    html = loader.get_template("500.html").render({"public": is_public(request)})
    return HttpResponseServerError(html)
