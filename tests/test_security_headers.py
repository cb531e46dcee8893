"""Issue 16, deployment: the Content-Security-Policy with no inline script or style, HSTS and the HTTPS redirect in
production, the trusted-proxy settings, ``Cache-Control: no-store`` when signed in, Swagger UI without a CDN, the
Atom feed's escaping, the CSV formula guard, the Chinese error pages and ``check --deploy`` clean."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, RequestFactory

from lawtrace.disclosure.annual import as_csv
from lawtrace.disclosure.feeds import PublicFeed
from lawtrace.orgs.models import SignInRecord
from lawtrace.security import client_address
from tests.factories import PASSWORD, open_case_setting

TEMPLATES = Path(__file__).resolve().parents[1] / "src" / "lawtrace"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)

# The production variables of the README's "Running it for real" recipe.
PRODUCTION = {
    "DATABASE_URL": "postgres://lawtrace@db.internal:5432/lawtrace",
    "LAWTRACE_SECRET_KEY": "k7Qe2vXr9TnB4mZpL8sW1yHc6JdF3gUa0oRiEtNbVwKxMzPqYlCs5AhGjDu",
    "LAWTRACE_ALLOWED_HOSTS": "lawtrace.example.gov.cn",
    "LAWTRACE_HOST": "lawtrace.example.gov.cn",
    "LAWTRACE_SECURE_COOKIES": "true",
    "LAWTRACE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "LAWTRACE_TRUSTED_PROXIES": "10.0.0.0/24",
}


def _inline_code(html: str) -> list[str]:
    return INLINE_SCRIPT.findall(html) + EVENT_HANDLER.findall(html) + STYLE.findall(html)


@pytest.mark.parametrize(
    "template", sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("templates/**/*.html"))
)
def test_no_template_has_an_inline_script_handler_or_style(template: str) -> None:
    """The CSP allows no inline code: every behaviour and style is a static file."""
    assert _inline_code((TEMPLATES / template).read_text()) == []


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/gongshi/", "/gongshi/decisions/", "/accounts/login/", "/api/docs"])
def test_public_pages_carry_the_content_security_policy_and_no_inline_code(url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert _inline_code(response.content.decode()) == []


@pytest.mark.django_db
def test_signed_in_pages_carry_the_policy_and_are_never_cached() -> None:
    s = open_case_setting()
    client = Client()
    client.force_login(s["officer"])
    for url in ("/", "/cases/", "/leads/", "/complaints/", "/applications/", "/cases/new/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "no-store", url
        assert "Content-Security-Policy" in response, url
        assert _inline_code(response.content.decode()) == [], url


@pytest.mark.django_db
def test_the_portal_stays_publicly_cacheable_for_anonymous_visitors() -> None:
    response = Client().get("/gongshi/")
    assert "public" in response["Cache-Control"] and "no-store" not in response["Cache-Control"]


def test_evidence_and_scans_are_never_cached_even_when_refused() -> None:
    response = Client().get("/records/attachments/1/")  # anonymous: sent to sign in, still not cacheable
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_api_docs_load_swagger_ui_from_this_site_only() -> None:
    page = Client().get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert not re.search(r"(src|href)=\"https?://", page)
    assert Client().get("/static/ninja/swagger-ui-bundle.js").status_code == 200


def test_behind_a_trusted_proxy_the_client_address_comes_from_x_forwarded_for(settings: object) -> None:
    settings.LAWTRACE_TRUSTED_PROXIES = ["10.0.0.0/24"]  # type: ignore[attr-defined]
    factory = RequestFactory()
    through = factory.get("/", REMOTE_ADDR="10.0.0.7", HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.5, 10.0.0.3")
    assert client_address(through) == "203.0.113.5"  # the right-most address the proxies did not add
    forged = factory.get("/", REMOTE_ADDR="192.0.2.44", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert client_address(forged) == "192.0.2.44"  # not from a trusted proxy: the header is ignored
    garbled = factory.get("/", REMOTE_ADDR="10.0.0.7", HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_address(garbled) == "10.0.0.7"


def test_without_trusted_proxies_the_header_is_ignored(settings: object) -> None:
    settings.LAWTRACE_TRUSTED_PROXIES = []  # type: ignore[attr-defined]
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.7", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert client_address(request) == "10.0.0.7"


@pytest.mark.django_db
def test_a_sign_in_behind_the_balancer_records_the_clients_address(settings: object) -> None:
    settings.LAWTRACE_TRUSTED_PROXIES = ["10.0.0.0/24"]  # type: ignore[attr-defined]
    person = open_case_setting()["officer"]
    response = Client(REMOTE_ADDR="10.0.0.7", HTTP_X_FORWARDED_FOR="203.0.113.5").post(
        "/accounts/login/", {"username": person.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert SignInRecord.objects.filter(user=person).latest("pk").ip_address == "203.0.113.5"


class _Version:
    redacted_text = '处罚决定<img src=x onerror="alert(1)">\n第二行 & <b>粗</b>'


class _Item:
    published_version = _Version()


def test_the_feed_summary_shows_html_typed_in_a_decision_as_text() -> None:
    summary = PublicFeed().item_description(_Item())  # type: ignore[arg-type]
    assert "<img" not in summary and "&lt;img src=x" in summary and "&amp; &lt;b&gt;" in summary
    assert summary.count("<br>") == 1


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(start: str) -> None:
    data = {
        "year": 2025,
        "organisation": f'{start}HYPERLINK("http://example.com","点此")',
        "cases_opened": 1,
        "cases_by_type": {"行政处罚": 1},
        "cases_closed": 0,
        "penalty_decisions": 0,
        "fines_fen": 0,
        "coercive_measures": 0,
        "complaints": 0,
        "penalty_decisions_by_month": [0] * 12,
    }
    text = as_csv(data)
    assert f"'{start}HYPERLINK" in text
    assert not any(line.split(",", 1)[-1].startswith(start) for line in text.splitlines()[1:])


@pytest.mark.django_db
def test_the_404_page_is_chinese_and_leads_back_to_the_portal_or_the_workbench() -> None:
    public = Client().get("/gongshi/items/999999/")
    assert public.status_code == 404 and "返回公示首页" in public.content.decode()
    s = open_case_setting()
    client = Client()
    client.force_login(s["officer"])
    inside = client.get("/cases/999999/")
    assert inside.status_code == 404 and "返回工作台" in inside.content.decode()


def test_the_500_page_is_chinese_and_needs_no_database() -> None:
    """Rendered with no request context: the database may be what failed."""
    from lawtrace.error_views import server_error

    response = server_error(RequestFactory().get("/gongshi/items/1/"))
    body = response.content.decode()
    assert response.status_code == 500 and "系统出错" in body and 'href="/gongshi/"' in body
    assert 'href="/"' in server_error(RequestFactory().get("/cases/1/")).content.decode()


def _deploy_check(extra: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("LAWTRACE_", "DATABASE_URL", "REDIS_URL"))}
    env |= {"LAWTRACE_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "lawtrace.settings", **extra}
    return subprocess.run(
        [sys.executable, "-m", "lawtrace.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_with_the_readmes_production_variables(tmp_path: Path) -> None:
    result = _deploy_check(PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_check_deploy_warns_without_secure_cookies(tmp_path: Path) -> None:
    """The test above can fail: without HTTPS settings Django's deployment checks complain."""
    result = _deploy_check({**PRODUCTION, "LAWTRACE_SECURE_COOKIES": "false"}, tmp_path)
    assert result.returncode != 0 and "security.W004" in result.stderr + result.stdout


def test_production_settings_redirect_to_https_send_hsts_and_trust_the_proxy_header(tmp_path: Path) -> None:
    import os

    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER, s.LAWTRACE_TRUSTED_PROXIES)"
    )
    env = {**os.environ, **PRODUCTION, "LAWTRACE_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "lawtrace.settings"}
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == "True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https') ['10.0.0.0/24']"
