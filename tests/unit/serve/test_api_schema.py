"""schemathesis against the served /openapi.json: every documented operation, with generated
paths, queries and bodies, answers as documented (status codes, content types, response schemas)
and never with a server error. The operations are driven through hypothesis directly (each
operation's strategy), not through schemathesis' pytest plugin."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

from dockyard.serve._store import Scope
from tests.unit.serve.conftest import Api


def test_the_api_answers_as_its_openapi_document_says(api: Api) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.client.app)
    headers = api.auth(Scope.ADMIN)
    seen = []
    for result in schema.get_all_operations():
        operation = result.ok()
        seen.append(f"{operation.method.upper()} {operation.path}")

        @given(case=operation.as_strategy())
        @settings(
            max_examples=30,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers)

        check()
    # Every route but /openapi.json itself, which schemathesis leaves out as the schema's own.
    assert len(seen) == 11, seen
