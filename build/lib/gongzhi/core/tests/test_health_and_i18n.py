from __future__ import annotations

import pytest
from django.conf import settings


@pytest.mark.django_db
def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_chinese_is_the_default_language(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()
    assert "共治" in response.content.decode()


@pytest.mark.django_db
def test_switching_to_english_is_remembered(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "Sign in" in page


@pytest.mark.django_db
def test_a_users_saved_language_follows_them(personas):
    user = personas.verified
    user.language = "en"
    user.save()
    page = personas.client("verified").get("/accounts/me/").content.decode()
    assert '<html lang="en">' in page


@pytest.mark.django_db
def test_api_returns_problem_json_for_unknown_community(client):
    response = client.get("/api/v1/communities/nope/buildings")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


@pytest.mark.django_db
def test_api_pagination_rejects_wrong_types_with_400(client):
    response = client.get("/api/v1/communities?limit=abc")
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400
    assert any(e["field"].endswith("limit") for e in body["errors"])


@pytest.mark.django_db
def test_openapi_schema_lists_the_foundation_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path in ["/api/v1/me", "/api/v1/communities",
                 "/api/v1/communities/{slug}/households",
                 "/api/v1/communities/{slug}/organisations"]:
        assert path in paths
