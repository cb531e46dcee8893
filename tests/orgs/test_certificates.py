"""A person without a valid enforcement certificate cannot be a case handler (APL-42)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lawtrace.errors import Refused
from lawtrace.orgs.models import CertificateStatus, OrgKind, Role
from lawtrace.orgs.services import check_can_handle
from tests.factories import give_certificate, make_org, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def county():
    return make_org(OrgKind.COUNTY)


def test_APL_42_valid_certificate_qualifies_a_handler(county) -> None:
    officer = make_person(county, Role.OFFICER)
    certificate = give_certificate(officer, "valid")
    assert check_can_handle(officer) == certificate


@pytest.mark.parametrize("kind", ["expired", "revoked", "suspended"])
def test_APL_42_invalid_certificate_is_refused_with_its_status(county, kind: str) -> None:
    officer = make_person(county, Role.OFFICER)
    certificate = give_certificate(officer, kind)
    with pytest.raises(Refused) as refusal:
        check_can_handle(officer)
    assert refusal.value.rule == "APL-42"
    assert certificate.number in refusal.value.message
    assert str(CertificateStatus(kind).label) in refusal.value.message


def test_APL_42_no_certificate_at_all_is_refused(county) -> None:
    officer = make_person(county, Role.OFFICER)
    with pytest.raises(Refused, match="没有执法证") as refusal:
        check_can_handle(officer)
    assert refusal.value.rule == "APL-42"


def test_certificate_expires_after_its_last_day_whatever_its_stored_status(county) -> None:
    officer = make_person(county, Role.OFFICER)
    certificate = give_certificate(officer, "valid")
    assert certificate.status == CertificateStatus.VALID
    last_day = certificate.valid_to
    assert check_can_handle(officer, on=last_day) == certificate
    with pytest.raises(Refused):
        check_can_handle(officer, on=last_day + timedelta(days=1))


def test_one_valid_certificate_among_expired_ones_qualifies(county) -> None:
    officer = make_person(county, Role.OFFICER)
    give_certificate(officer, "expired")
    valid = give_certificate(officer, "valid")
    assert check_can_handle(officer, on=date.today()) == valid
