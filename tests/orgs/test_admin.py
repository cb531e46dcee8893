"""The configuration site (Django admin): every write goes through a service and leaves a ledger entry; a refused
write shows the reason and writes nothing; nothing can be deleted."""

from __future__ import annotations

import pytest
from django.test import Client

from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.models import Entry
from lawtrace.orgs.models import OrgKind, RecordingDevice, RecordingRoom, Role
from tests.factories import make_org, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting() -> dict:
    city = make_org(OrgKind.CITY, make_org(OrgKind.PROVINCE))
    county, other = make_org(OrgKind.COUNTY, city), make_org(OrgKind.COUNTY, city)
    admin = make_person(county, Role.ADMINISTRATOR)
    client = Client()
    client.force_login(admin)
    return {
        "county": county,
        "other": other,
        "admin": admin,
        "client": client,
        "officer": make_person(county, Role.OFFICER),
        "stranger": make_person(other, Role.OFFICER),
    }


def test_administrator_reaches_the_admin_in_chinese(setting: dict) -> None:
    page = setting["client"].get("/admin/").content.decode()
    assert "系统配置" in page and "记录设备" in page


def test_adding_a_device_through_the_admin_is_ledgered(setting: dict) -> None:
    before = Entry.objects.filter(action=LedgerAction.DEVICE_SAVED).count()
    response = setting["client"].post(
        "/admin/orgs/recordingdevice/add/",
        {
            "organisation": setting["county"].pk,
            "kind": "body_camera",
            "serial": "DSJ-TEST-1",
            "model_name": "DSJ-V9",
            "assigned_to": setting["officer"].pk,
            "in_service": "on",
        },
    )
    assert response.status_code == 302
    assert RecordingDevice.objects.filter(serial="DSJ-TEST-1").exists()
    assert Entry.objects.filter(action=LedgerAction.DEVICE_SAVED).count() == before + 1


def test_a_device_cannot_be_assigned_to_someone_outside_the_administrators_reach(setting: dict) -> None:
    before = Entry.objects.count()
    response = setting["client"].post(
        "/admin/orgs/recordingdevice/add/",
        {
            "organisation": setting["county"].pk,
            "kind": "body_camera",
            "serial": "DSJ-TEST-2",
            "model_name": "DSJ-V9",
            "assigned_to": setting["stranger"].pk,  # belongs to another county
            "in_service": "on",
        },
    )
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    assert not RecordingDevice.objects.filter(serial="DSJ-TEST-2").exists()
    assert Entry.objects.count() == before


def test_a_refused_admin_write_shows_why_and_writes_nothing(setting: dict) -> None:
    city = setting["county"].parent
    city_admin = make_person(city, Role.ADMINISTRATOR)
    client = Client()
    client.force_login(city_admin)
    before = Entry.objects.count()
    response = client.post(
        "/admin/orgs/recordingdevice/add/",
        {
            "organisation": city.pk,
            "kind": "body_camera",
            "serial": "DSJ-TEST-3",
            "model_name": "DSJ-V9",
            "assigned_to": setting["officer"].pk,  # within the city administrator's reach, but a county officer
            "in_service": "on",
        },
        follow=True,
    )
    assert "未保存" in response.content.decode() and "设备只能配发给" in response.content.decode()
    assert not RecordingDevice.objects.filter(serial="DSJ-TEST-3").exists()
    assert Entry.objects.count() == before


def test_admin_of_one_county_cannot_configure_another(setting: dict) -> None:
    response = setting["client"].post(
        "/admin/orgs/recordingroom/add/",
        {"organisation": setting["other"].pk, "kind": "interview", "name": "询问室九", "has_recording": "on"},
    )
    assert response.status_code == 200  # the form refuses an organisation outside the admin's reach
    assert not RecordingRoom.objects.filter(name="询问室九").exists()


def test_nothing_can_be_deleted_from_the_admin(setting: dict) -> None:
    from lawtrace.orgs.models import RoleAssignment

    assignment = RoleAssignment.objects.get(user=setting["officer"])
    response = setting["client"].post(f"/admin/orgs/roleassignment/{assignment.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_password_change_in_the_admin_is_validated_and_ledgered(setting: dict) -> None:
    officer = setting["officer"]
    before = Entry.objects.filter(action=LedgerAction.PASSWORD_SET).count()
    url = f"/admin/orgs/user/{officer.pk}/password/"
    weak = setting["client"].post(url, {"password1": "123", "password2": "123"})
    assert weak.status_code == 200 and "密码太短" in weak.content.decode()
    strong = setting["client"].post(url, {"password1": "New-pass-2026!", "password2": "New-pass-2026!"})
    assert strong.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("New-pass-2026!")
    assert Entry.objects.filter(action=LedgerAction.PASSWORD_SET).count() == before + 1
