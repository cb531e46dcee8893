"""Issue 16: junk in every GET parameter of every page, as an anonymous visitor, an officer, a supervisor and an
administrator — never an HTTP 500, and no ledger entry written by a refused request.

The pages are found by walking the URL configuration (an ``<int:…>`` part filled with the ids of a case, a record,
an organisation of the setting, so the pages open instead of giving 404); the parameters are collected from the
source, wherever a view reads ``request.GET`` (directly or through ``lawtrace.params``), so a new parameter is
fuzzed without anyone listing it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from lawtrace.orgs.models import Role
from tests.factories import make_person, open_case_setting, register

SOURCE = Path(__file__).resolve().parents[1] / "src" / "lawtrace"
# request.GET.get("x"), params.text(get, "x"), parse.first_id([request.GET, request.POST], "x") …
PARAMETER = re.compile(r"""(?:request\.GET|\bget|query)(?:, request\.POST\])?\s*(?:\.get\(|,\s*)["'](\w+)["']""")
# Helpers whose parameter has a default name.
DEFAULT_NAMES = {"page_number(": "page", "optional_year(": "year"}
SPECIAL = [
    *["²", "٣", "0", "-1", "1e30", "0001-01-01", "9999-12-31", "2025-02-30", "\x00", "last", "NaN", "", " "],
    *[str(2**63), str(2**64), str(2**53 + 1), "1" * 400, "2025-01-01T00:00", "../../etc/passwd", "<script>"],
]
JUNK = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(SPECIAL),
)


def get_parameters() -> list[str]:
    found: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if "migrations" not in path.parts:
            text = path.read_text()
            found.update(PARAMETER.findall(text))
            found.update(name for call, name in DEFAULT_NAMES.items() if call in text and path.name != "params.py")
    return sorted(found)


def _walk(patterns: list[object], prefix: str = "") -> list[str]:
    routes: list[str] = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern).startswith(("admin/", "i18n/")):
                continue  # Django's own admin and language switch
            routes += _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            routes.append(prefix + str(entry.pattern))
    return routes


def _fill(route: str, ids: dict[str, int]) -> str | None:
    """A route with its ``<int:name>`` parts filled; None for regex routes and tus/str parts."""
    if route.startswith("^") or "<str:" in route or "<path:" in route or ("<slug:" in route and "kind" not in route):
        return None
    route = route.replace("<slug:kind>", "inquiry_transcript")

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "year":
            return "2025"
        head = route.split("/")[0]
        return str(ids.get(f"{head}.{name}", ids.get(name, 1)))

    return "/" + re.sub(r"<int:(\w+)>", value, route)


@pytest.fixture
def world() -> dict:
    s = open_case_setting()
    s["case"] = register(s)
    s["admin"] = make_person(s["county"], Role.ADMINISTRATOR)
    ids = {
        "pk": s["case"].pk,
        "case_pk": s["case"].pk,
        "cases.pk": s["case"].pk,
        "orgs.pk": s["county"].pk,
        "gongshi.pk": s["county"].pk,
    }
    routes = [u for u in (_fill(r, ids) for r in _walk(get_resolver().url_patterns)) if u]
    s["urls"] = sorted(set(routes))
    return s


def test_the_parameters_collected_include_those_the_issue_names() -> None:
    assert {"year", "org", "complaint", "application", "corrects", "from", "to", "page", "q", "status"} <= set(
        get_parameters()
    )


def test_the_url_walk_finds_the_pages() -> None:
    routes = _walk(get_resolver().url_patterns)
    assert {"gongshi/decisions/", "cases/", "cases/new/", "records/<int:pk>/", "leads/"} <= set(routes)


@pytest.mark.django_db
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_junk_in_any_get_parameter_never_gives_a_500_nor_a_ledger_entry_when_refused(world: dict, data: object) -> None:
    who = data.draw(st.sampled_from(["anonymous", "officer", "supervisor", "admin"]), label="who")  # type: ignore[attr-defined]
    url = data.draw(st.sampled_from(world["urls"]), label="url")  # type: ignore[attr-defined]
    names = data.draw(st.lists(st.sampled_from(get_parameters()), min_size=1, max_size=4, unique=True))  # type: ignore[attr-defined]
    query = {name: data.draw(JUNK, label=name) for name in names}  # type: ignore[attr-defined]
    client = Client(raise_request_exception=False)
    if who != "anonymous":
        client.force_login(world[who])
    before = Entry.objects.count()
    response = client.get(url, query)
    assert response.status_code != 500 and response.status_code < 500, (who, url, query)
    if response.status_code >= 400:
        assert Entry.objects.count() == before, (who, url, query)


API_PARAMETERS = {
    "/api/disclosure/items": ["q", "kind", "year", "org", "tree", "limit", "offset"],
    "/api/disclosure/organisations": [],
}


@pytest.mark.django_db
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_junk_in_the_open_data_api_is_a_400_never_a_500(data: object) -> None:
    path = data.draw(
        st.sampled_from(
            [*API_PARAMETERS, "/api/disclosure/items/{junk}", "/api/disclosure/organisations/{junk}/officers"]
        )
    )  # type: ignore[attr-defined]
    if "{junk}" in path:
        path = path.replace("{junk}", data.draw(st.sampled_from(["abc", "²", str(2**63), "-1", "0", "1"])))  # type: ignore[attr-defined]
        query = {}
    else:
        query = {n: data.draw(JUNK, label=n) for n in API_PARAMETERS[path]}  # type: ignore[attr-defined]
    response = Client(raise_request_exception=False).get(path, query)
    assert response.status_code in (200, 400, 404), (path, query, response.content[:300])


# --- form fields ------------------------------------------------------------------------------------------------


class _Forms(HTMLParser):
    """The POST forms of a page: their action and their fields (with the choices a select or a radio offers)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, list[str]]]] = []
        self.links: set[str] = set()
        self._fields: dict[str, list[str]] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for key in ("href", "value"):
            if a.get(key, "").startswith("/cases/") and "/records/new/" in a[key]:
                self.links.add(a[key].split("?")[0])
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._fields = {}
            self.forms.append((a.get("action", ""), self._fields))
        elif self._fields is not None and tag in ("input", "textarea", "select") and a.get("name"):
            name = a["name"]
            if name == "csrfmiddlewaretoken" or a.get("type") == "file":
                return
            self._fields.setdefault(name, [])
            if a.get("type") in ("checkbox", "radio", "hidden") and a.get("value"):
                self._fields[name].append(a["value"])
            if tag == "select":
                self._select = name
        elif tag == "option" and self._select is not None and self._fields is not None and a.get("value"):
            self._fields[self._select].append(a["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None


def _page_forms(client: Client, url: str) -> tuple[list[tuple[str, dict[str, list[str]]]], set[str]]:
    response = client.get(url)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return [], set()
    parser = _Forms()
    parser.feed(response.content.decode(errors="replace"))
    return [(action or url, fields) for action, fields in parser.forms], parser.links


# Plausible values next to junk, so that a draw gets past the first field's check and reaches the later ones.
PLAUSIBLE = st.sampled_from(
    ["2025-06-01", "2025-06-01T09:30", "100", "0.5", "1", "张三", "锡林浩特市某路1号", "91350100M000100Y43", "on"]
)


@pytest.fixture
def form_world(world: dict) -> dict:
    """Every POST form each persona reaches from the walked pages (and the case page's record-drafting links)."""
    targets: dict[str, list[tuple[str, dict[str, list[str]]]]] = {}
    for who in ("officer", "admin", "head"):
        client = Client(raise_request_exception=False)
        client.force_login(world[who])
        urls, seen, found = list(world["urls"]), set(), []
        while urls:
            url = urls.pop()
            if url in seen or url.endswith((".csv", ".json", ".atom")) or url.startswith("/api/"):
                continue
            seen.add(url)
            forms, links = _page_forms(client, url)
            found += forms
            urls += sorted(links - seen)
        targets[who] = found
    world["targets"] = targets
    # Anonymous visitors post to every one of them (and to the public forms they can open themselves).
    anonymous = [t for found in targets.values() for t in found]
    anonymous += [f for url in world["urls"] if url.startswith("/gongshi/") for f in _page_forms(Client(), url)[0]]
    world["targets"]["anonymous"] = anonymous
    return world


@pytest.mark.django_db
def test_the_form_walk_reaches_the_main_forms(form_world: dict) -> None:
    actions = {action for action, _ in form_world["targets"]["officer"]}
    case = form_world["case"].pk
    assert {"/cases/new/", "/leads/new/", "/applications/new/", "/accounts/password/"} <= actions
    assert any(a.startswith(f"/cases/{case}/records/new/") for a in actions)
    fields = {name for _, f in form_world["targets"]["officer"] for name in f}
    assert {"title", "facts"} <= fields


@pytest.mark.django_db
@settings(
    max_examples=200,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # the assertion names the form and the values: no shrinking
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_junk_in_any_form_field_never_gives_a_500_nor_a_ledger_entry_when_refused(
    form_world: dict, data: object
) -> None:
    who = data.draw(st.sampled_from(["anonymous", "officer", "admin", "head"]), label="who")  # type: ignore[attr-defined]
    targets = form_world["targets"][who]
    action, fields = data.draw(st.sampled_from(targets), label="form")  # type: ignore[attr-defined]
    post: dict[str, str] = {}
    for name, choices in fields.items():
        options = [JUNK, PLAUSIBLE, *([st.sampled_from(choices)] if choices else [])]
        if data.draw(st.booleans(), label=f"send {name}"):  # type: ignore[attr-defined]
            post[name] = data.draw(st.one_of(*options), label=name)  # type: ignore[attr-defined]
    client = Client(raise_request_exception=False)
    if who != "anonymous":
        client.force_login(form_world[who])
    last = Entry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.post(action, post)
    assert response.status_code < 500, (who, action, post)
    body = response.content.decode(errors="replace") if response.status_code == 200 else ""
    if response.status_code >= 400 or "invalid-feedback" in body or "alert-danger" in body:
        written = set(Entry.objects.filter(pk__gt=last).values_list("action", flat=True))
        assert written <= FAILED_ACCESS, (who, action, post, written)


# A refused sign-in or second-factor code is itself the event to record (IMR-6): the only entries a refusal writes.
FAILED_ACCESS = {LedgerAction.SIGN_IN_FAILED.value, LedgerAction.LOCKED_OUT.value}


@pytest.mark.django_db
@pytest.mark.parametrize("value", [str(2**70), str(2**63), "-1", "0", "²", "1e3", "abc"])
def test_an_implausible_id_in_a_choice_of_rows_is_a_form_error(world: dict, value: str) -> None:
    """Found by the form fuzz: a ModelMultipleChoiceField (the AV record's makers) or a ModelChoiceField (its device)
    given an id past the database's integers was an OverflowError, a 500."""
    client = Client(raise_request_exception=False)
    client.force_login(world["officer"])
    before = Entry.objects.count()
    for field in ("makers", "device"):
        response = client.post(f"/cases/{world['case'].pk}/av/new/", {field: value, "place": "某药店"})
        assert response.status_code == 200 and "invalid-feedback" in response.content.decode(), field
    assert Entry.objects.count() == before
