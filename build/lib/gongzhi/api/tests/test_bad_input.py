"""Every write endpoint in the OpenAPI schema answers bad input with 4xx, never 500."""

from __future__ import annotations

import json
import re

import pytest

BODIES = [
    ("malformed", "{not json"),
    ("wrong types", json.dumps({"title": ["x"], "lat": "north", "lon": {}, "choices": 5,
                                "category": 7, "description": None, "options": "a"})),
    ("empty", "{}"),
    ("array", "[]"),
]


def _write_operations(schema: dict) -> list[tuple[str, str]]:
    ops = []
    for path, item in schema["paths"].items():
        for method in ("post", "put", "patch", "delete"):
            if method in item:
                ops.append((method, path))
    return ops


def _fill(path: str, slug: str) -> str:
    path = re.sub(r"\{(slug|community)\}", slug, path)
    return re.sub(r"\{[^}]+\}", "1", path)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["anonymous", "verified", "worker"])
def test_write_endpoints_never_fail_with_500(personas, persona):
    client = personas.client(persona)
    schema = client.get("/api/v1/openapi.json").json()
    operations = _write_operations(schema)
    assert len(operations) >= 5
    failures = []
    for method, path in operations:
        url = _fill(path, personas.community.slug)
        for label, body in BODIES:
            response = getattr(client, method)(url, data=body, content_type="application/json")
            if response.status_code >= 500:
                failures.append((method, url, label, response.status_code))
            elif response.status_code >= 400:
                assert response["Content-Type"].startswith("application/problem+json"), (
                    method, url, label, response.status_code, response.content[:200])
    assert not failures, failures
