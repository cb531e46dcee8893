"""The ledger tests' shared log: a county's, with seven entries."""

from __future__ import annotations

import pytest

from lawtrace.ledger.models import Log
from lawtrace.ledger.services import log_for
from lawtrace.orgs.models import OrgKind, Role
from tests.factories import make_org, make_person


@pytest.fixture
def log() -> Log:
    county = make_org(OrgKind.COUNTY, make_org(OrgKind.CITY, make_org(OrgKind.PROVINCE)))
    for _ in range(6):
        make_person(county, Role.OFFICER)
    log = log_for(county)
    assert log.size == 7  # org.saved + 6 role.granted
    return log
