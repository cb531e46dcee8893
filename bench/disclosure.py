"""Disclosure benchmark: the public decision list (事后公示) with 100,000 published items behind it.

Run from the repository root::

    .venv/bin/python bench/disclosure.py              # full: 100,000 published items
    .venv/bin/python bench/disclosure.py --quick      # smoke check: 5,000
    .venv/bin/python bench/disclosure.py --profile    # also cProfile one request of each list page (stderr)

Every figure is set against baselines measured in the same run on the same database (see bench/README.md). The
script makes its own environment before Django is imported: a temporary ``LAWTRACE_VAR_DIR`` (keys, media, secret)
and a SQLite file in it, deleted at the end (``--keep`` keeps it).

The data: a province → city → 2 counties tree with officers (certificates), bureau heads and publishers made
through the services; ``SERVICE_CASES`` cases registered by ``register_case`` (legal and natural persons with ID
numbers and phones), each with a penalty decision made by a handler and signed by the bureau head it names
(``records.services``), which drafts its publication item (``disclosure.services.record_signed``); the publisher
submits the redaction preview and publishes it; two are then withdrawn (``register_withdrawal`` +
``withdraw_item``), which publishes their withdrawal notices. The rest are bulk copies of the published decision
items: every column of the item and of each of its versions (so fields added later are carried along), moved to
another day of the last ~2.5 years (all still within PUB-MASK's 3 years online) and to one of the counties, with a
fresh document number in the title and a fresh salt; ``published_version`` points at the copy's own version.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import platform
import pstats
import random
import re
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from typing import TYPE_CHECKING, Any

from _environment import run_in_throwaway_environment
from _report import Row, judged, report, seconds

if TYPE_CHECKING:
    from django.test import Client

    from lawtrace.cases.models import Case
    from lawtrace.disclosure.models import Item
    from lawtrace.orgs.models import Organisation, User

SERVICE_CASES = 40  # decisions signed and published through the services; the rest are bulk copies
WITHDRAWN = 2  # of those, withdrawn through the services (their notices are published)
BATCH = 5_000  # items per bulk_create
RUNS = 20  # GETs per page after one warm-up
SPREAD_DAYS = 900  # copies are published over the last ~2.5 years (PUB-MASK keeps a decision online 3 years)
SEED = 20261124
PASSWORD_FREE = None  # people are made without a password (hashing costs 0.3 s each; nobody signs in)
GOAL_MS = 200.0  # median of the public decision list with 100,000 published items (issue 7)

LEGAL_PARTIES = (
    "锡林浩特市康宁大药房有限公司",
    "锡林浩特市仁和医院有限公司",
    "正蓝旗福康药店",
    "锡林浩特市安康骨科医院有限公司",
    "锡林浩特市同济中医医院有限公司",
    "正蓝旗惠民诊所",
)
NATURAL_PARTIES = ("包金花", "王建民", "李秀兰", "刘志强")
SEARCH_TERM = "康宁"  # one of six legal parties: about 1 in 8 items match
ABSENT_TERM = "无此单位"  # matches nothing: every published text is read


class BenchError(RuntimeError):
    """A correctness check failed: the figures cannot be trusted."""


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --- command line and environment (no Django import before configure_environment) --------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark lawtrace's public decision list (事后公示).")
    parser.add_argument("--items", type=int, help="published items behind the list (default 100,000; --quick 5,000)")
    parser.add_argument("--quick", action="store_true", help="small size for a smoke check")
    parser.add_argument("--runs", type=int, default=RUNS, help=f"GETs per page after one warm-up (default {RUNS})")
    parser.add_argument("--profile", action="store_true", help="cProfile one request of each list page (stderr)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (prints its path)")
    args = parser.parse_args(argv)
    if args.items is None:
        args.items = 5_000 if args.quick else 100_000
    if args.items < SERVICE_CASES or args.runs < 1:
        parser.error(f"need --items >= {SERVICE_CASES} and --runs >= 1")
    return args


# --- organisations and people, through the services ----------------------------------------------------------------


@dataclass
class County:
    organisation: Organisation
    officers: list[User]
    head: User
    publisher: User


def at(day: date, hour: int, minute: int = 0) -> datetime:
    from lawtrace.rulebook.calendar import SHANGHAI

    return datetime.combine(day, clock_time(hour, minute), tzinfo=SHANGHAI)


def with_check(first17: str) -> str:
    from lawtrace.identifiers import credit_code_check_char

    return first17 + credit_code_check_char(first17)


def build_counties(start: date) -> list[County]:
    """Province → city → 2 counties; per county 2 officers with certificates, a bureau head and a publisher."""
    from lawtrace import clock
    from lawtrace.orgs import services
    from lawtrace.orgs.models import Certificate, Organisation, OrgKind, Role, User

    root = User.objects.create(username="bench-root", is_superuser=True, full_name="基准测试管理员")
    serial = iter(range(1, 10_000))

    def org(name: str, short: str, kind: OrgKind, region: str, parent: Organisation | None) -> Organisation:
        return services.save_organisation(
            actor=root,
            organisation=Organisation(
                name=name,
                short_name=short,
                kind=kind,
                parent=parent,
                region_code=region,
                credit_code=with_check(f"11{region}MB{next(serial):07d}"),
                seal_name=f"{name}（印）",
                rulebook="inner-mongolia-2025",
            ),
        )

    def person(label: str, organisation: Organisation, role: Role) -> User:
        n = next(serial)
        user = services.save_person(
            actor=root, person=User(username=f"bench{n}", full_name=f"{label}{n}"), password=PASSWORD_FREE
        )
        services.grant_role(actor=root, user=user, organisation=organisation, role=role)
        return user

    counties = []
    with clock.frozen_at(at(start, 9)):
        province = org("基准内蒙古自治区医疗保障局", "基准区医保", OrgKind.PROVINCE, "150000", None)
        city = org("基准锡林郭勒盟医疗保障局", "基准锡盟医保", OrgKind.CITY, "152500", province)
        for name, short, region in (
            ("基准锡林浩特市医疗保障局", "基准锡市医保", "152502"),
            ("基准正蓝旗医疗保障局", "基准蓝旗医保", "152530"),
        ):
            county = org(name, short, OrgKind.COUNTY, region, city)
            officers = [person("执法员", county, Role.OFFICER) for _ in range(2)]
            for officer in officers:
                services.save_certificate(
                    actor=root,
                    certificate=Certificate(
                        holder=officer,
                        number=f"15{next(serial):09d}",
                        issuing_authority="内蒙古自治区人民政府",
                        area=county.name,
                        valid_from=date(2023, 1, 1),
                        valid_to=date(2029, 12, 31),
                    ),
                )
            counties.append(
                County(
                    county, officers, person("局长", county, Role.BUREAU_HEAD), person("公示员", county, Role.PUBLISHER)
                )
            )
    return counties


# --- decisions signed and published through the services -----------------------------------------------------------


def party_input(n: int) -> Any:
    from lawtrace.cases.models import PartyKind
    from lawtrace.cases.services import PartyInput
    from lawtrace.identifiers import id_number_check_digit

    if n % 4 == 3:  # a natural person, with the ID number, phone and home address redaction must remove
        first17 = f"152502{1960 + n % 40}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
        return PartyInput(
            kind=PartyKind.NATURAL,
            name=NATURAL_PARTIES[n % len(NATURAL_PARTIES)],
            id_number=first17 + id_number_check_digit(first17),
            address="锡林浩特市希望小区3号楼2单元501室",
            phone=f"1384790{n % 10000:04d}",
        )
    k = n % len(LEGAL_PARTIES)
    return PartyInput(
        kind=PartyKind.LEGAL,
        name=LEGAL_PARTIES[k],
        credit_code=with_check(f"91152502MA0N{k:04d}A"),
        representative="赵建华",
        address="锡林浩特市锡林大街12号",
        phone="04798888888",
    )


def decision_content(case: Case, head: User, n: int, day: date) -> dict[str, Any]:
    party = case.parties.get()
    contact = f"，身份证号{party.id_number}，电话{party.phone}" if party.id_number else ""
    return {
        "party_name_address": f"{party.name}，{party.address}{contact}",
        "facts_and_evidence": f"{party.name}于{day.year}年将非医保目录商品串换为目录内药品结算，骗取医保基金"
        f"{1_000 + n * 37:,}元，有现场检查笔录、询问笔录、结算明细为证。",
        "penalty_type_and_basis": "依据《医疗保障基金使用监督管理条例》第四十条，责令退回并处罚款",
        "performance": "自收到本决定书之日起十五日内缴纳",
        "remedies": "六十日内申请行政复议或六个月内提起行政诉讼",
        "authority_name": case.organisation.name,
        "decided_on": day.isoformat(),
        "authority_seal": "sealed",
        "document_number": f"基准医保罚〔{day.year}〕{n + 1}号",
        "head_opinion": "同意",
        "signed_by": str(head.pk),
        "signed_at": at(day, 15).isoformat(),
        "fine_fen": 200_000 + n * 7_400,
    }


def publish_through_services(counties: list[County], first_day: date) -> list[int]:
    """``SERVICE_CASES`` cases, one a day: registered, decision made by a handler and signed by the head (which
    drafts the item), submitted and published by the publisher; the first ``WITHDRAWN`` withdrawn. Item ids."""
    from lawtrace import clock
    from lawtrace.cases import services as cases
    from lawtrace.cases.models import CaseSource, CaseType
    from lawtrace.disclosure import services as disclosure
    from lawtrace.disclosure.models import Item, WithdrawalCause
    from lawtrace.records import services as records

    made: list[Item] = []
    for n in range(SERVICE_CASES):
        county = counties[n % len(counties)]
        lead, co = county.officers
        day = first_day + timedelta(days=n)
        party = party_input(n)
        with clock.frozen_at(at(day, 9)):
            case = cases.register_case(
                actor=lead,
                organisation=county.organisation,
                case_type=CaseType.PENALTY,
                source=CaseSource.EX_OFFICIO,
                title=f"{party.name}涉嫌串换药品骗取医保基金",
                facts="日常检查发现串换药品刷卡结算。",
                parties=[party],
                handlers=[lead, co],
                handler_opinion="建议立案调查。",
                violation_ended_on=day - timedelta(days=30),
            )
        with clock.frozen_at(at(day, 16)):
            record = records.add_record(
                actor=lead,
                case=case,
                kind="penalty_decision",
                occurred_at=at(day, 15, 30),
                content=decision_content(case, county.head, n, day),
            )
            records.sign_record(actor=county.head, record=record)
        item = Item.objects.get(source_record=record)
        with clock.frozen_at(at(day + timedelta(days=1), 10)):
            disclosure.submit_for_review(actor=county.publisher, item=item)
            item = disclosure.publish_item(actor=county.publisher, item=item, redaction_confirmed=True)
        made.append(item)
    for n, item in enumerate(made[:WITHDRAWN]):
        county = counties[n % len(counties)]
        moment = at(first_day + timedelta(days=SERVICE_CASES + 2), 10)
        with clock.frozen_at(moment):
            disclosure.register_withdrawal(
                actor=county.publisher, item=item, cause=WithdrawalCause.REVOKED, cause_occurred_at=moment
            )
            disclosure.withdraw_item(
                actor=county.publisher, item=item, explanation="该决定经行政复议被依法撤销，现予撤回。"
            )
    return [i.pk for i in made]


# --- bulk copies ------------------------------------------------------------------------------------------------


def grow(counties: list[County], count: int, rng: random.Random, now: datetime) -> int:
    """Bulk-create ``count`` copies of the services' published decision items, each with its versions: every
    column, dates moved to another day of the last ``SPREAD_DAYS``, another county, a fresh document number in
    the title, a fresh salt, ``published_version`` pointing at the copy's own version. One transaction."""
    from django.db import connection, models, transaction

    from lawtrace.cases.models import new_salt
    from lawtrace.disclosure.models import Item, ItemKind, ItemStatus, ItemVersion

    sources = list(Item.objects.filter(kind=ItemKind.PENALTY, status=ItemStatus.PUBLISHED).order_by("pk"))
    versions: dict[int, list[ItemVersion]] = {}
    for v in ItemVersion.objects.filter(item__in=sources).order_by("number"):
        versions.setdefault(v.item_id, []).append(v)
    item_fields = [f for f in Item._meta.concrete_fields if not f.primary_key]
    version_fields = [f for f in ItemVersion._meta.concrete_fields if not f.primary_key]
    item_moments = {f.attname for f in item_fields if isinstance(f, models.DateTimeField)}
    version_moments = {f.attname for f in version_fields if isinstance(f, models.DateTimeField)}
    number = re.compile(r"〔\d{4}〕\d+号")
    serials: dict[tuple[int, int], int] = {}
    written = 0
    with transaction.atomic():
        for low in range(0, count, BATCH):
            pairs: list[tuple[Item, Item, timedelta]] = []
            for _ in range(min(BATCH, count - low)):
                source = rng.choice(sources)
                assert source.first_published_at is not None
                published = now - timedelta(days=rng.randrange(1, SPREAD_DAYS), minutes=rng.randrange(24 * 60))
                shift = published - source.first_published_at
                copy = Item()
                for f in item_fields:  # every field (those added later too), then what makes the copy its own
                    value = getattr(source, f.attname)
                    if value is not None and f.attname in item_moments:
                        value += shift
                    setattr(copy, f.attname, value)
                copy.organisation = rng.choice(counties).organisation
                copy.published_version_id = None
                pairs.append((source, copy, shift))
            Item.objects.bulk_create([copy for _, copy, _ in pairs], batch_size=BATCH)
            new_versions: list[ItemVersion] = []
            for source, copy, shift in pairs:
                assert copy.first_published_at is not None
                year = copy.first_published_at.year
                key = (copy.organisation_id, year)
                serials[key] = serials.get(key, 0) + 1
                fresh = f"〔{year}〕{serials[key] + 1000}号"
                for v in versions[source.pk]:
                    twin = ItemVersion()
                    for f in version_fields:
                        value = getattr(v, f.attname)
                        if value is not None and f.attname in version_moments:
                            value += shift
                        setattr(twin, f.attname, value)
                    twin.item_id = copy.pk
                    twin.title = number.sub(fresh, v.title)
                    twin.salt = new_salt()
                    new_versions.append(twin)
            ItemVersion.objects.bulk_create(new_versions, batch_size=BATCH)
            published_of = {
                (v.item_id, v.number): v.pk for v in new_versions
            }  # the copy's version with its source's published number
            updates = []
            for source, copy, _ in pairs:
                assert source.published_version is not None
                updates.append((published_of[(copy.pk, source.published_version.number)], copy.pk))
            with connection.cursor() as cursor:
                cursor.executemany("UPDATE disclosure_item SET published_version_id = %s WHERE id = %s", updates)
            written += len(pairs)
            if (low // BATCH) % 4 == 3:
                progress(f"  bulk-created {written:,} / {count:,}")
    return written


# --- measurements --------------------------------------------------------------------------------------------------


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def median_ms(client: Client, url: str, runs: int, expect: str = "") -> float:
    """Median wall time of ``runs`` GETs after one warm-up; each must be 200 (and contain ``expect``)."""
    times = []
    for i in range(runs + 1):
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        if response.status_code != 200 or (expect and expect not in response.content.decode()):
            raise BenchError(f"GET {url}: status {response.status_code}, {expect!r} in page: no")
        if i:
            times.append(elapsed)
    return statistics.median(times) * 1000


def median_orm_ms(runs: int) -> float:
    """A plain ``SELECT … LIMIT 20`` of items with their organisation and published version, through the ORM."""
    from lawtrace.disclosure.models import Item

    times = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        rows = list(Item.objects.select_related("organisation", "published_version").order_by("-pk")[:20])
        times.append(time.perf_counter() - started)
        assert len(rows) == 20
    return statistics.median(times[1:]) * 1000


def queries_of(client: Client, url: str) -> tuple[int, list[str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured), [q["sql"] for q in captured.captured_queries]


def print_profile(title: str, profiler: cProfile.Profile) -> None:
    print(f"\ncProfile of {title}:", file=sys.stderr)
    for order in ("tottime", "cumulative"):
        print(f"-- sorted by {order}", file=sys.stderr)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats(order).print_stats(18)


# --- the run -------------------------------------------------------------------------------------------------------


def checks(args: argparse.Namespace, now: datetime) -> list[Row]:
    """The data is what the list must show: every item published with a version of its own, online."""
    from django.db.models import F

    from lawtrace.disclosure import selectors
    from lawtrace.disclosure.models import Item, ItemStatus

    published = Item.objects.filter(status=ItemStatus.PUBLISHED)
    foreign = published.exclude(published_version__item_id=F("pk")).count()
    listed = selectors.after_items(selectors.public_items()).count()
    expected = args.items - WITHDRAWN + WITHDRAWN  # withdrawn decisions leave, their notices come
    return [
        Row(
            "  published items each with its own published version",
            f"{foreign} without",
            goal="0",
            status="PASS" if foreign == 0 else "FAIL",
        ),
        Row(
            "  items on the public decision list (online, incl. withdrawal notices)",
            f"{listed:,}",
            goal=f"{expected:,}",
            status="PASS" if listed == expected else "FAIL",
        ),
    ]


def measure(args: argparse.Namespace, counties: list[County]) -> list[Row]:
    from django.test import Client

    from lawtrace.disclosure.models import Item, ItemKind

    client = Client()  # anonymous, like the public
    county = counties[0].organisation
    last_year = datetime.now(UTC).year - 1
    pages = [
        ("first page", "/gongshi/decisions/"),
        (
            f"filtered (kind, year {last_year}, county)",
            f"/gongshi/decisions/?kind=penalty&year={last_year}&org={county.pk}",
        ),
        (f"search q={SEARCH_TERM}", f"/gongshi/decisions/?q={SEARCH_TERM}"),
        (f"search q={ABSENT_TERM} (no match)", f"/gongshi/decisions/?q={ABSENT_TERM}"),
        ("page 2", "/gongshi/decisions/?page=2"),
    ]
    one = Item.objects.filter(kind=ItemKind.PENALTY, status="published").order_by("-pk").first()
    assert one is not None
    progress(f"baselines and list pages: 1 warm-up + {args.runs} GETs each")
    orm_ms = median_orm_ms(args.runs)
    item_ms = median_ms(client, f"/gongshi/items/{one.pk}/", args.runs, expect="行政处罚决定书")
    item_queries, _ = queries_of(client, f"/gongshi/items/{one.pk}/")
    rows = [
        Row("baseline: ORM SELECT … LIMIT 20 (items + organisation + version, by id)", f"{orm_ms:.1f} ms"),
        Row(f"baseline: one public item page /gongshi/items/<id>/ ({item_queries} queries)", f"{item_ms:.0f} ms"),
    ]
    goal = f"< {GOAL_MS:.0f} ms"
    for label, url in pages:
        ms = median_ms(client, url, args.runs, expect="事后公示")
        count, sql = queries_of(client, url)
        rows.append(
            Row(
                f"/gongshi/decisions/ {label}, median of {args.runs}",
                f"{ms:.0f} ms",
                f"{item_ms:.0f} ms item page",
                f"{ms / item_ms:.1f}x",
                goal,
                judged(ms < GOAL_MS),
            )
        )
        rows.append(Row("  SQL queries per request", f"{count}"))
        if args.profile:
            for q in sql:
                print(f"  SQL {url}: {q[:400]}", file=sys.stderr)
            profiler = cProfile.Profile()
            profiler.runcall(client.get, url)
            print_profile(f"GET {url}", profiler)
    api = "/api/disclosure/items?limit=20"
    api_ms = median_ms(client, api, args.runs, expect='"items"')
    api_queries, _ = queries_of(client, api)
    rows.append(
        Row(
            f"open-data API {api} (info)",
            f"{api_ms:.0f} ms",
            f"{item_ms:.0f} ms item page",
            f"{api_ms / item_ms:.1f}x",
        )
    )
    rows.append(Row("  SQL queries per request", f"{api_queries}"))
    return rows


def main_role(args: argparse.Namespace) -> int:
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    rng = random.Random(SEED)
    now = datetime.now(UTC)
    first_day = (now - timedelta(days=SERVICE_CASES + 10)).date()
    progress("organisations and people through the services")
    counties = build_counties(first_day - timedelta(days=1))
    progress(f"{SERVICE_CASES} decisions signed, reviewed and published through the services")
    _, services_s = timed(lambda: publish_through_services(counties, first_day))
    progress(f"bulk-creating {args.items - SERVICE_CASES:,} copies with their versions")
    _, grow_s = timed(lambda: grow(counties, args.items - SERVICE_CASES, rng, now))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # what a maintained database has: statistics for the query planner
    rows = [
        Row(
            f"setup: {SERVICE_CASES} decisions signed + published via the services ({WITHDRAWN} withdrawn)",
            seconds(services_s),
        ),
        Row(f"setup: bulk-create {args.items - SERVICE_CASES:,} copies (+ versions)", seconds(grow_s)),
        *checks(args, now),
    ]
    rows += measure(args, counties)
    print(
        f"\nlawtrace disclosure benchmark, {now.date().isoformat()} — {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {args.items:,} published items, "
        f"{time.perf_counter() - started:.0f} s in all, load average {load_before:.1f} before and "
        f"{os.getloadavg()[0]:.1f} after (other work slows every figure)\n"
    )
    return report(rows)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return run_in_throwaway_environment(lambda: main_role(args), keep=args.keep)


if __name__ == "__main__":
    sys.exit(main())
