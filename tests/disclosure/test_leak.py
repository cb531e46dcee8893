"""The leak test (DESIGN § Disclosure and personal data): load the demo, publish everything it drafted (plus a
decision against a natural person written with all of his details, a correction request and a withdrawal), crawl
every public page, feed and API response by following links, and find no ID number, phone, bank card or natural
person's name from the database — except officers' names, which are published on purpose (IMD-4)."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone

from lawtrace import clock
from lawtrace.cases.models import Case, Complaint, Party, PartyKind
from lawtrace.disclosure import services
from lawtrace.disclosure.models import CorrectionRequest, Item, ItemStatus, WithdrawalCause
from lawtrace.orgs import services as org_services
from lawtrace.orgs.models import Organisation, Role, RoleAssignment, User
from lawtrace.records import services as records
from lawtrace.records.models import Record
from lawtrace.rulebook.calendar import SHANGHAI

pytestmark = pytest.mark.django_db

BANK_CARD = "6222020200112233446"  # Luhn-valid
# The spellings issue 16 found published: the same numbers written with separators, full-width, in Chinese numerals.
SPELLED = (
    "138.4790.0002",
    "（138）4790-0002",
    "１３８４７９００００２",
    "一三八四七九〇〇〇〇二",
    "152502 19800315 0014",
    "１５２５０２１９８００３１５００１４",
    "6222 0202 0011 2233 446",
    "zhou.zhiming＠example.com",
)
WITNESS = "孙丽华"  # named in the on-site inspection record's 见证人 field
INTERVIEWEE = "吴小红"  # a witness questioned: the inquiry transcript's 被询问人基本情况
RELATIVES = ("王秀英", "周小龙")  # the party's wife and son, named only in the decision's text


def _demo() -> None:
    """The demo (organisations, people, cases — whose signed decisions draft their items), and two more cases
    written here: a complaint with the complainant's phone, a natural person with ID number, phone and home address,
    a company with its representative."""
    from lawtrace.cases import services as cases
    from lawtrace.cases.demo import load_cases
    from lawtrace.orgs.demo import load_people, username

    today = timezone.localdate()
    with clock.frozen_at(datetime.combine(today - timedelta(days=60), time(9), tzinfo=SHANGHAI)):
        load_people(today=today)
    load_cases(today=today)
    xlht = Organisation.objects.get(name="锡林浩特市医疗保障局")
    o1, o2 = (User.objects.get(username=username("xlht", s)) for s in ("officer1", "officer2"))
    complaint = cases.register_complaint(
        actor=o1,
        organisation=xlht,
        received_at=timezone.now() - timedelta(days=15),  # before the decision chain (12 days)
        channel="phone",
        real_name=True,
        complainant_name="刘建军",
        complainant_contact="13904790001",
        subject="某诊所",
        content="反映某诊所伪造门诊登记。",
    )
    for kind, name, extra in (
        (
            PartyKind.NATURAL,
            "周志明",
            {"id_number": "152502198003150014", "phone": "13847900002", "address": "锡林浩特市希望小区3号楼501室"},
        ),
        (
            PartyKind.LEGAL,
            "锡林浩特市康宁大药房有限公司",
            {"credit_code": "91350100M000100Y43", "representative": "赵建华", "phone": "04798234567"},
        ),
    ):
        with clock.frozen_at(timezone.now() - timedelta(days=15)):  # room for the decision chain
            case = cases.register_case(
                actor=o1,
                organisation=xlht,
                case_type="penalty",
                source="complaint",
                complaint=complaint if kind == PartyKind.NATURAL else None,
                title="涉嫌骗取医保基金",
                facts="经查。",
                parties=[cases.PartyInput(kind=kind, name=name, **extra)],
                handlers=[o1, o2],
                handler_opinion="建议立案。",
                violation_ended_on=today - timedelta(days=20),
            )
        if kind == PartyKind.NATURAL:
            _witnesses(case, o1)
        _decide(case)


def _publish_everything() -> None:
    root = User.objects.get(username="sysadmin") if User.objects.filter(username="sysadmin").exists() else None
    root = root or User.objects.filter(is_superuser=True).first()
    assert root is not None
    for org in Organisation.objects.filter(disclosure_items__isnull=False).distinct():
        publisher = User.objects.filter(roles__organisation=org, roles__role=Role.OFFICER).first()
        assert publisher is not None
        if not RoleAssignment.objects.filter(user=publisher, organisation=org, role=Role.PUBLISHER).exists():
            org_services.grant_role(actor=root, user=publisher, organisation=org, role=Role.PUBLISHER)
        publisher = User.objects.get(pk=publisher.pk)  # fresh role cache
        for item in Item.objects.filter(organisation=org, status=ItemStatus.DRAFT):
            services.submit_for_review(actor=publisher, item=item)
            services.publish_item(actor=publisher, item=item, redaction_confirmed=True)


def _witnesses(case: Case, officer: User) -> None:
    """The natural person's case questions a witness and inspects the premises before a witness (records whose
    fields name natural persons who are not parties)."""
    from tests.cases.record_content import filled

    moment = timezone.now() - timedelta(days=1)
    for kind, given in (
        ("inquiry_transcript", {"subject": f"{INTERVIEWEE}，女，1990年生，系当事人邻居", "subject_role": "witness"}),
        ("onsite_inspection_record", {"witness": f"{WITNESS}（社区工作人员）", "place": "当事人诊所"}),
    ):
        handlers = [str(h.user_id) for h in case.handlers.filter(active=True)]
        content = filled(case, kind, officer, moment, officers=handlers, recorder=str(officer.pk), **given)
        record = records.add_record(actor=officer, case=case, kind=kind, occurred_at=moment, content=content)
        records.sign_record(actor=officer, record=record)


def _natural_person_decision() -> Item:
    """The natural person's case: its decision spells out everything a careless officer might write — nobody
    added a manual redaction."""
    party = Party.objects.filter(kind=PartyKind.NATURAL, name="周志明").select_related("case").get()
    return Item.objects.get(case=party.case)


def _decide(case: Case) -> Item:
    party = case.parties.get()
    officer = case.handlers.filter(active=True).first().user  # type: ignore[union-attr]
    head = User.objects.get(roles__organisation=case.organisation, roles__role=Role.BUREAU_HEAD)
    content = {
        "party_name_address": f"{party.name}，住{party.address}，身份证号{party.id_number}，电话{party.phone}",
        "facts_and_evidence": f"{party.name}通过银行卡{BANK_CARD}收取医保基金"
        + (
            f"，其妻{RELATIVES[0]}、其子{RELATIVES[1]}知情，有证人{WITNESS}、{INTERVIEWEE}证言为证。"
            f"另留联系方式{'、'.join(SPELLED)}。"
            if party.kind == PartyKind.NATURAL
            else "。"
        ),
        "penalty_type_and_basis": "依据《医疗保障基金使用监督管理条例》第四十条，责令退回并处罚款",
        "performance": "十五日内缴纳",
        "remedies": "六十日内申请行政复议或六个月内提起行政诉讼",
        "authority_name": case.organisation.name,
        "decided_on": timezone.localdate().isoformat(),
        "authority_seal": "sealed",
        "head_opinion": "同意",
        "signed_by": str(head.pk),
        "signed_at": timezone.now().isoformat(),
        "fine_fen": 500000,
    }
    from tests.cases.steps import _decision_chain

    _decision_chain({"officer": officer, "head": head, "county": case.organisation}, case, timezone.now())
    record = records.add_record(
        actor=officer, case=case, kind="penalty_decision", occurred_at=timezone.now(), content=content
    )
    records.sign_record(actor=head, record=record)
    return Item.objects.get(source_record=record)


def _publisher_of(item: Item) -> User:
    user = User.objects.filter(roles__organisation=item.organisation, roles__role=Role.PUBLISHER).first()
    if user is None:
        root = User.objects.filter(is_superuser=True).first()
        user = User.objects.filter(roles__organisation=item.organisation, roles__role=Role.OFFICER).first()
        assert root is not None and user is not None
        org_services.grant_role(actor=root, user=user, organisation=item.organisation, role=Role.PUBLISHER)
    return User.objects.get(pk=user.pk)


def _secrets() -> tuple[set[str], set[str]]:
    numbers: set[str] = {BANK_CARD, *SPELLED}
    names: set[str] = set(RELATIVES)
    for party in Party.objects.all():
        numbers |= {v for v in (party.id_number, party.phone) if v}
        if party.kind == PartyKind.NATURAL:
            names.add(party.name)
        if party.representative:
            names.add(party.representative)
    for record in Record.objects.all():  # persons named in record fields: witnesses, interviewees, representatives
        for field in ("witness", "signatory", "representatives"):
            if record.content.get(field):
                names.add(str(record.content[field]).split("（")[0])
        if record.content.get("subject"):
            names.add(str(record.content["subject"]).split("，")[0])
    for complaint in Complaint.objects.all():
        numbers |= {v for v in (complaint.complainant_contact,) if v}
        names |= {v for v in (complaint.complainant_name,) if v}
    for request in CorrectionRequest.objects.all():
        numbers.add(request.contact)
        names.add(request.requester)
    officers = set(User.objects.filter(roles__role=Role.OFFICER).values_list("full_name", flat=True))
    for user in User.objects.exclude(full_name__in=officers):
        names.add(user.full_name)
        if user.phone:
            numbers.add(user.phone)
    # Masked forms (周某某) are not names; a name that is also an officer's is published on purpose.
    names = {n for n in names if n and "某" not in n and n not in officers}
    return {n for n in numbers if len(n) >= 5}, names


def _crawl(client: Client, start: list[str], limit: int = 400) -> dict[str, str]:
    seen: dict[str, str] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        body = response.content.decode()
        seen[url] = body
        for href in re.findall(r'href="([^"#]+)"', body) + re.findall(r"<link[^>]*href=\"([^\"]+)\"", body):
            href = unescape(href)
            if href.startswith("http://testserver"):
                href = href[len("http://testserver") :]
            if href.startswith("?"):
                href = url.split("?")[0] + href
            if href.startswith(("/gongshi/", "/api/disclosure/")) and href not in seen:
                queue.append(href)
    return seen


def test_no_personal_data_anywhere_on_the_public_site() -> None:
    _demo()
    decision = _natural_person_decision()
    _publish_everything()
    decision.refresh_from_db()
    assert decision.status == ItemStatus.PUBLISHED
    services.file_correction(item=decision, requester="李建设", contact="13912345678", content="金额有误")
    withdrawn = Item.objects.filter(status=ItemStatus.PUBLISHED, kind="penalty").exclude(pk=decision.pk).first()
    assert withdrawn is not None
    publisher = _publisher_of(withdrawn)
    services.register_withdrawal(
        actor=publisher, item=withdrawn, cause=WithdrawalCause.REVOKED, cause_occurred_at=timezone.now()
    )
    services.withdraw_item(actor=publisher, item=withdrawn, explanation="该决定经复议撤销，赵某某已知悉。")

    numbers, names = _secrets()
    assert len(numbers) >= 5 and len(names) >= 5  # the test has something to look for
    assert {WITNESS, INTERVIEWEE, *RELATIVES} <= names and set(SPELLED) <= numbers
    client = Client()
    pages = _crawl(
        client,
        [
            "/gongshi/",
            "/gongshi/decisions/",
            "/gongshi/feed.atom",
            "/api/disclosure/items?limit=1000",
            "/api/disclosure/organisations",
        ]
        + [f"/api/disclosure/items/{pk}" for pk in Item.objects.values_list("pk", flat=True)]
        + [f"/api/disclosure/organisations/{pk}/officers" for pk in Organisation.objects.values_list("pk", flat=True)],
    )
    assert len(pages) > 30
    assert any("周某某" in body for body in pages.values())  # the natural person's decision is really there
    leaks = [
        (url, secret)
        for url, body in pages.items()
        for secret in numbers | names
        if secret in body or secret in unescape(body)
    ]
    assert not leaks, leaks
