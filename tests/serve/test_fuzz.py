"""A schemathesis fuzz run against the OpenAPI schema: no input gives a server error, every
response matches the schema (status codes, content types, bodies), and schema-invalid input is
rejected. Not checked: that every schema-valid request is accepted, since some checks cannot be
written in a schema (an FTS5 query's syntax, a latitude's range inside `near`): those are 422s
with a message, as they should be."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from flashpoint.api import Settings, create_app
from flashpoint.api.settings import get_settings

app = create_app()
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture(autouse=True)
def _serve_the_example(served_db):
    app.dependency_overrides[get_settings] = lambda: Settings(db=served_db)
    yield
    app.dependency_overrides.clear()


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_fuzz(case) -> None:
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
