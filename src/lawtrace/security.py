"""Three middlewares of the deployment's security (issue 16):

- :class:`ClientAddressMiddleware` — behind the README's load balancer every request comes from the balancer. When
  the direct peer is one of ``LAWTRACE_TRUSTED_PROXIES``, the client's address is read from ``X-Forwarded-For``
  (the right-most address that is not itself a trusted proxy) and put in ``REMOTE_ADDR``, which the public form's
  rate limit (django-ratelimit), the sign-in records and django-axes all read. A header from anyone else is ignored,
  so a client cannot choose its own address.
- :class:`NoStoreMiddleware` — a signed-in page, a scan or an evidence file must not stay in a shared or browser
  cache: ``Cache-Control: no-store`` on every response to a signed-in person and on every evidence, attachment,
  station-API and admin response. The public portal keeps its own short public caching for anonymous visitors.
- :class:`SecondFactorMiddleware` — a session that passed the password but not yet the second factor
  (``lawtrace/orgs/second_factor.py``) reaches only the code page (a person with an authenticator), the enrolment
  page (a person who must have one and has none), sign-out and static files; every other page redirects there,
  every API call is refused (403), so no page, admin view or session-authenticated API answers before the code.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import urlencode

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Responses that never go into a cache, signed in or not (the station API authenticates with a token, not a session).
NO_STORE_PREFIXES = ("/av/", "/records/attachments/", "/api/evidence/", "/admin/")


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def _parse(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address: Address | None, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The client's address as the trusted proxies report it (``REMOTE_ADDR`` itself when there are none)."""
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _networks(tuple(settings.LAWTRACE_TRUSTED_PROXIES))
    if not networks or not _trusted(_parse(remote), networks):
        return str(remote)
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for hop in reversed(forwarded):
        address = _parse(hop)
        if address is None:
            return str(remote)  # a garbled header: keep the proxy's own address rather than guess
        if not _trusted(address, networks):
            return str(address)
    return str(remote)


class ClientAddressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.LAWTRACE_TRUSTED_PROXIES:
            request.META["REMOTE_ADDR"] = client_address(request)
        return self.get_response(request)


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith(NO_STORE_PREFIXES):
            response["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        return response


class SecondFactorMiddleware:
    """After ``django_otp.middleware.OTPMiddleware``: holds an unverified session at the second-factor step."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        step = self._pending_step(request)
        if step is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": "请先完成两步验证（输入身份验证器的验证码）。"}, status=403)
        target = reverse(step)
        if request.method == "GET" and request.path != "/":
            target += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(target)

    @staticmethod
    def _pending_step(request: HttpRequest) -> str | None:
        """The URL name of the step the session must pass first, or ``None`` when it may go on."""
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return None
        exempt = (reverse("otp_verify"), reverse("otp_enrol"), reverse("logout"), settings.STATIC_URL)
        if request.path.startswith(exempt):
            return None
        from lawtrace.orgs import second_factor

        if second_factor.confirmed_device(user) is not None:
            return "otp_verify"
        if second_factor.must_use(user):
            return "otp_enrol"
        return None
