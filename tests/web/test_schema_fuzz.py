"""Schemathesis walks every operation of the OpenAPI schema: no request yields a 5xx."""

from __future__ import annotations

import os
from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.schemas import OpenApiSchema

from tests.servers import running_yoron, yoron


@pytest.fixture(scope="module")
def live_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    database_url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}"
    yoron(["site", "add", "news", "--origin", "https://news.example"], database_url)
    with running_yoron(database_url) as base:
        thread = httpx.post(
            f"{base}/api/v1/threads",
            json={"site": "news", "key": "k", "title": "T", "url": "https://news.example/k", "lead": "Lead."},
        ).json()
        httpx.post(f"{base}/api/v1/threads/{thread['id']}/comments", json={"body": "hi", "author_name": "A"})
        yield base


@pytest.fixture(scope="module")
def api_schema(live_base: str) -> OpenApiSchema:
    return schemathesis.openapi.from_url(f"{live_base}/schema/openapi.json")


def test_no_operation_answers_with_a_server_error(api_schema: OpenApiSchema, live_base: str) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 12
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            derandomize=not os.environ.get("YORON_FUZZ_RANDOM"),
        )
        def check(case: schemathesis.Case) -> None:
            response = case.call(base_url=live_base, timeout=10)
            request = f"{case.method} {case.formatted_path} {case.query!r} {case.body!r}"
            assert response.status_code < 500, f"{request}: {response.text[:300]}"
            if response.status_code >= 400 and "json" in response.headers.get("content-type", ""):
                assert set(response.json()["error"]) == {"code", "message", "field"}

        check()


def test_schema_is_served(api_schema: OpenApiSchema) -> None:
    assert "/api/v1/threads/{thread_id}/comments" in api_schema.raw_schema["paths"]
