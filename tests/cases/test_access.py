"""Access to a case's records: the party reads them only after the bureau head's approval, and what it was shown
is recorded (WS-24 / IMR-24), never a confidential record (IMR-5c); supervisors retrieve cases of their subtree in
real time and every retrieval is ledgered and listed (IMR-6)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from lawtrace import clock
from lawtrace.errors import PermissionRefused, Refused
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from lawtrace.orgs.models import Role
from lawtrace.records import access
from lawtrace.records.confidentiality import mark_confidential
from lawtrace.records.models import AccessRequest, Reading
from tests.cases.steps import MONDAY, _opened_case, _signed
from tests.factories import make_person, open_case_setting, register

pytestmark = pytest.mark.django_db

RULEBOOKS = [("inner-mongolia-2025", "IMR-24"), ("wenshang-2019", "WS-24")]
IDS = ["IMR-24", "WS-24"]


def _as(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _requested(rulebook: str):  # type: ignore[no-untyped-def]
    s, case = _opened_case(rulebook, "penalty")
    s["inquiry"] = _signed(s, case, "inquiry_transcript", MONDAY + timedelta(days=1))
    s["inspection"] = _signed(s, case, "onsite_inspection_record", MONDAY + timedelta(days=2))
    with clock.frozen_at(MONDAY + timedelta(days=3)):
        s["request"] = access.register_access_request(
            actor=s["officer"],
            case=case,  # type: ignore[arg-type]
            party=case.parties.get(),  # type: ignore[attr-defined]
            requested_at=MONDAY + timedelta(days=3),
            scope="询问笔录、现场检查笔录",
        )
    return s, case


@pytest.mark.parametrize(("rulebook", "rule"), RULEBOOKS, ids=IDS)
def test_approved_by_the_head_the_partys_reading_is_recorded(rulebook: str, rule: str) -> None:
    # given a request the bureau head approves
    s, case = _requested(rulebook)
    access.decide_access_request(actor=s["head"], request=s["request"], approve=True, opinion="同意查阅")
    # when the archivist shows the party two records
    archivist = make_person(s["county"], Role.ARCHIVIST)
    reading = access.record_reading(actor=archivist, request=s["request"], records=[s["inquiry"], s["inspection"]])
    # then what was shown, when and by whom is recorded and ledgered
    assert set(reading.records.all()) == {s["inquiry"], s["inspection"]} and reading.shown_by == archivist
    actions = list(Entry.objects.filter(case_number=case.number).values_list("action", flat=True))
    for action in (LedgerAction.ACCESS_REQUESTED, LedgerAction.ACCESS_APPROVED, LedgerAction.RECORDS_READ):
        assert actions.count(action) == 1
    page = _as(archivist).get(f"/cases/{case.pk}/file/").content.decode()
    assert "负责人同意" in page and "查阅 2 份记录" in page


@pytest.mark.parametrize(("rulebook", "rule"), RULEBOOKS, ids=IDS)
def test_without_the_heads_approval_the_reading_is_refused_and_nothing_written(rulebook: str, rule: str) -> None:
    s, _case = _requested(rulebook)
    before = Entry.objects.count()
    with pytest.raises(Refused, match=rule) as pending:
        access.record_reading(actor=s["officer"], request=s["request"], records=[s["inquiry"]])
    assert "未经行政机关负责人同意" in str(pending.value) and Entry.objects.count() == before
    access.decide_access_request(actor=s["head"], request=s["request"], approve=False, opinion="涉及他案调查，暂不同意")
    before = Entry.objects.count()
    with pytest.raises(Refused, match=rule):
        access.record_reading(actor=s["officer"], request=s["request"], records=[s["inquiry"]])
    assert Entry.objects.count() == before and not Reading.objects.exists()


@pytest.mark.parametrize(("rulebook", "rule"), RULEBOOKS, ids=IDS)
def test_anyone_but_the_bureau_head_approving_is_refused(rulebook: str, rule: str) -> None:
    s, _case = _requested(rulebook)
    reviewer = make_person(s["county"], Role.LEGAL_REVIEWER)
    before = Entry.objects.count()
    for person in (s["officer"], s["unit_head"], s["supervisor"], reviewer):
        with pytest.raises(PermissionRefused, match=rule) as refusal:
            access.decide_access_request(actor=person, request=s["request"], approve=True, opinion="同意")
        assert "行政机关负责人" in str(refusal.value)
    s["request"].refresh_from_db()
    assert s["request"].status == AccessRequest.Status.PENDING and Entry.objects.count() == before


def test_IMR_5c_confidential_records_are_never_offered_nor_shown_to_the_party() -> None:
    s, case = _requested("inner-mongolia-2025")
    access.decide_access_request(actor=s["head"], request=s["request"], approve=True, opinion="同意查阅")
    mark_confidential(actor=s["head"], record=s["inspection"], category="privacy", reason="含就诊人病历信息")
    assert list(access.offerable_records(case)) == [s["inquiry"]]  # type: ignore[arg-type]
    before = Entry.objects.count()
    with pytest.raises(Refused, match="IMR-5c"):
        access.record_reading(actor=s["officer"], request=s["request"], records=[s["inquiry"], s["inspection"]])
    assert Entry.objects.count() == before
    page = _as(s["officer"]).get(f"/cases/{case.pk}/file/").content.decode()
    assert f'name="records" value="{s["inspection"].pk}"' not in page
    assert f'name="records" value="{s["inquiry"].pk}"' in page


def test_a_request_for_another_cases_party_is_refused() -> None:
    s, case = _opened_case("inner-mongolia-2025", "penalty")
    other = register(s)
    with pytest.raises(Refused, match="IMR-24"):
        access.register_access_request(
            actor=s["officer"],
            case=case,  # type: ignore[arg-type]
            party=other.parties.get(),
            requested_at=clock.now() - timedelta(minutes=1),
            scope="全部",
        )


# -- IMR-6 ---------------------------------------------------------------------------------------------------------


def test_IMR_6_a_supervisors_retrieval_of_a_subtree_case_is_ledgered_and_listed_on_the_case_page() -> None:
    s = open_case_setting()
    case = register(s)
    assert _as(s["supervisor"]).get(f"/cases/{case.pk}/").status_code == 200  # city supervisor, county case
    viewed = Entry.objects.filter(action=LedgerAction.CASE_VIEWED, case_number=case.number)
    assert viewed.count() == 1 and viewed.get().actor == s["supervisor"]
    page = _as(s["officer"]).get(f"/cases/{case.pk}/").content.decode()
    assert "调阅记录（IMR-6）" in page and f"{s['supervisor'].full_name} · 调阅案件" in page


def test_IMR_6_a_view_from_outside_the_subtree_is_404_and_nothing_is_ledgered() -> None:
    s = open_case_setting()
    case = register(s)
    outsider = make_person(s["other"], Role.SUPERVISOR)  # supervises the neighbouring county only
    before = Entry.objects.count()
    assert _as(outsider).get(f"/cases/{case.pk}/").status_code == 404
    assert _as(outsider).get(f"/cases/{case.pk}/file/").status_code == 404
    assert Entry.objects.count() == before
