"""WS-6 / IMR-4 (recording equipment and rooms provided as work requires): a checklist item per organisation,
confirmed by an administrator or the head — each year, and again after the devices and rooms register changes. It
appears on the organisation's page (the devices and rooms register) as due until confirmed; the confirmation is a
ledgered row, listed in the item's history; refusals write nothing."""

from __future__ import annotations

from datetime import datetime

import pytest

from lawtrace import clock
from lawtrace.errors import PermissionRefused, Refused
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from lawtrace.orgs import services as org_services
from lawtrace.orgs.models import DeviceKind, Organisation, RecordingDevice, RecordingRoom, Role, RoomKind
from lawtrace.rulebook import services
from lawtrace.rulebook.calendar import SHANGHAI
from lawtrace.rulebook.checklists import organisation_checklist
from lawtrace.rulebook.deadlines import Status
from lawtrace.rulebook.models import Confirmation
from tests.factories import make_person, open_case_setting, root_user

pytestmark = pytest.mark.django_db

MARCH = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
RULES = [
    pytest.param("wenshang-2019", "WS-6", "已建设听证室", id="WS_6"),
    pytest.param("inner-mongolia-2025", "IMR-4", "已设立询问室等音像记录场所", id="IMR_4"),
]


def _setting(rulebook: str) -> dict:
    with clock.frozen_at(MARCH):
        s = open_case_setting()
        Organisation.objects.filter(pk=s["county"].pk).update(rulebook=rulebook)
        s["county"].refresh_from_db()
        s["admin"] = make_person(s["county"], Role.ADMINISTRATOR)
        s["reviewer"] = make_person(s["county"], Role.LEGAL_REVIEWER)
    return s


def _state(org: Organisation, rule_id: str, now: datetime):  # type: ignore[no-untyped-def]
    [state] = [st for st in organisation_checklist(org, now) if st.rule.id == rule_id]
    return state


def _confirm(s: dict, rule_id: str, at: datetime, who: str = "admin", note: str = "") -> Confirmation:
    with clock.frozen_at(at):
        return services.confirm(actor=s[who], rule_id=rule_id, organisation=s["county"], note=note)


@pytest.mark.parametrize(("rulebook", "rule_id", "item"), RULES)
def test_the_item_appears_on_the_organisation_page_and_is_due_until_confirmed(
    rulebook: str, rule_id: str, item: str, client
) -> None:  # type: ignore[no-untyped-def]
    s = _setting(rulebook)
    state = _state(s["county"], rule_id, MARCH)
    assert state.status is Status.DUE and state.note == "尚未确认" and item in state.items
    client.force_login(s["admin"])
    page = client.get(f"/orgs/{s['county'].pk}/").content.decode()
    assert f'data-rule="{rule_id}"' in page and item in page and "待确认" in page
    assert f'action="/orgs/{s["county"].pk}/checklist/{rule_id}/confirm/"' in page


@pytest.mark.parametrize(("rulebook", "rule_id", "item"), RULES)
@pytest.mark.parametrize("who", ["admin", "head"])
def test_the_confirmation_is_recorded_with_its_ledger_entry_and_the_item_is_met(
    rulebook: str, rule_id: str, item: str, who: str
) -> None:
    s = _setting(rulebook)
    row = _confirm(s, rule_id, MARCH.replace(hour=11), who=who, note="设备12台，询问室2间")
    assert Confirmation.objects.get() == row and row.case is None and row.confirmed_by == s[who]
    assert item in row.item
    entry = Entry.objects.get(action=LedgerAction.CHECKLIST_CONFIRMED)
    assert entry.log.organisation == s["county"] and entry.case_number == "" and entry.actor == s[who]
    state = _state(s["county"], rule_id, MARCH.replace(hour=12))
    assert state.status is Status.MET and state.history == [row]


@pytest.mark.parametrize(("rulebook", "rule_id", "item"), RULES)
def test_the_confirmation_holds_for_its_year_only(rulebook: str, rule_id: str, item: str) -> None:
    s = _setting(rulebook)
    _confirm(s, rule_id, MARCH.replace(hour=11))
    assert _state(s["county"], rule_id, datetime(2026, 12, 31, 23, 0, tzinfo=SHANGHAI)).status is Status.MET
    next_year = _state(s["county"], rule_id, datetime(2027, 1, 1, 0, 30, tzinfo=SHANGHAI))
    assert next_year.status is Status.DUE and "2027年度尚未确认" in next_year.note


@pytest.mark.parametrize(("rulebook", "rule_id", "item"), RULES)
@pytest.mark.parametrize("change", ["device", "room"])
def test_a_change_of_the_devices_and_rooms_register_asks_for_a_new_confirmation(
    rulebook: str, rule_id: str, item: str, change: str
) -> None:
    s = _setting(rulebook)
    _confirm(s, rule_id, MARCH.replace(hour=11))
    with clock.frozen_at(MARCH.replace(hour=14)):
        if change == "device":
            org_services.save_device(
                actor=root_user(),
                device=RecordingDevice(
                    organisation=s["county"], kind=DeviceKind.BODY_CAMERA, serial="SN-NEW-1", model_name="DSJ-V9"
                ),
            )
        else:
            org_services.save_room(
                actor=root_user(), room=RecordingRoom(organisation=s["county"], kind=RoomKind.HEARING, name="听证室")
            )
    state = _state(s["county"], rule_id, MARCH.replace(hour=15))
    assert state.status is Status.DUE and "变更后尚未重新确认" in state.note
    _confirm(s, rule_id, MARCH.replace(hour=16))
    assert _state(s["county"], rule_id, MARCH.replace(hour=17)).status is Status.MET


@pytest.mark.parametrize(("rulebook", "rule_id", "item"), RULES)
@pytest.mark.parametrize(
    ("who", "on_case", "error", "message"),
    [
        ("officer", False, PermissionRefused, "系统管理员或机关负责人"),
        ("reviewer", False, PermissionRefused, "系统管理员或机关负责人"),
        ("supervisor", False, PermissionRefused, "系统管理员"),
        ("admin", True, Refused, "按组织确认"),
    ],
)
def test_refusals_name_the_rule_and_write_nothing(
    rulebook: str, rule_id: str, item: str, who: str, on_case: bool, error: type[Refused], message: str
) -> None:
    from tests.factories import register

    s = _setting(rulebook)
    case = None
    if on_case:
        with clock.frozen_at(MARCH):
            case = register(s)
    before = Entry.objects.count()
    with clock.frozen_at(MARCH.replace(hour=11)), pytest.raises(error, match=message) as refused:
        services.confirm(actor=s[who], rule_id=rule_id, organisation=s["county"], case=case)
    assert refused.value.rule == rule_id
    assert Confirmation.objects.count() == 0 and Entry.objects.count() == before
    assert _state(s["county"], rule_id, MARCH.replace(hour=12)).status is Status.DUE


@pytest.mark.parametrize(("rulebook", "rule_id", "item"), RULES)
def test_an_administrator_above_may_confirm_for_the_organisation_below(rulebook: str, rule_id: str, item: str) -> None:
    s = _setting(rulebook)
    s["city_admin"] = make_person(s["city"], Role.ADMINISTRATOR)
    _confirm(s, rule_id, MARCH.replace(hour=11), who="city_admin")
    assert _state(s["county"], rule_id, MARCH.replace(hour=12)).status is Status.MET
