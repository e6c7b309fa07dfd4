"""Input is validated before the database (issue 8, item 5): 400s, never 500s."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from gongzhi.decisions.models import Ballot


@pytest.mark.parametrize("url", [
    "/c/{slug}/spaces/?q=%00",
    "/api/v1/spaces/?community=%00",
    "/api/v1/projects/ideas.geojson?community={slug}%00",
    "/api/v1/decisions/ballots/1/receipts/check?receipt_hash=%00",
    "/accounts/join/?q=%00",
    "/c/{slug}/reports/?q=a%01b",
    "/api/v1/reports/?community={slug}&category=%1F",
])
def test_null_bytes_in_query_strings_are_a_400(personas, url):
    c = personas.client("resident")
    r = c.get(url.format(slug=personas.community.slug))
    assert r.status_code == 400, r.content[:300]
    if url.startswith("/api/"):
        assert r["Content-Type"] == "application/problem+json"
        body = r.json()
        assert body["status"] == 400 and body["errors"][0]["type"] == "invalid_character"
        assert "字符" in body["detail"]  # in the user's language (zh-Hans by default)
    else:
        assert "text/html" in r["Content-Type"]
        assert "字符" in r.content.decode()


def test_english_visitors_get_english(client, personas):
    client.cookies["django_language"] = "en"
    r = client.get("/accounts/join/?q=%00")
    assert r.status_code == 400 and "character" in r.content.decode()


def test_null_bytes_and_surrogates_in_json_are_a_400(personas):
    c = personas.client("owner")
    for text in ("路灯\u0000不亮", "\ud800"):
        body = json.dumps({"community": personas.community.slug, "category": "lamp",
                           "description": text, "lat": 0, "lon": 0})
        r = c.post("/api/v1/reports/", body, content_type="application/json")
        assert r.status_code == 400 and r["Content-Type"] == "application/problem+json"
        assert r.json()["errors"][0]["field"] == "description"


def test_escaped_control_characters_in_json_are_a_400_and_plain_text_passes(personas):
    from gongzhi.core.middleware import find_invalid_input

    rf = RequestFactory()
    for escaped in ('"a\\bb"', '"a\\fb"', '"\\u0001"', '"\\udfff"'):
        body = '{"x": [' + escaped + "]}"
        request = rf.post("/api/v1/x", body, content_type="application/json")
        assert find_invalid_input(request) == "x.0", body  # the field that holds it
    # no backslash at all: the text is the document (the vote's path, unparsed)
    clean = rf.post("/api/v1/x", '{"content": {"approve": ["p1", "种花"]}}',
                    content_type="application/json")
    assert find_invalid_input(clean) is None
    # an escaped backslash before a "u" is text, not an escape
    literal = rf.post("/api/v1/x", '{"x": "C:\\\\u0000"}', content_type="application/json")
    assert find_invalid_input(literal) is None
    # raw control characters make the JSON malformed: the API answers that itself
    raw = rf.post("/api/v1/x", b'{"x": "a\x0bb"}', content_type="application/json")
    assert find_invalid_input(raw) is None


def test_null_byte_in_a_form_field_is_refused(personas):
    # A view not marked form_reports_bad_input (sign-in) still gets the 400 page.
    c = personas.client("resident")
    r = c.post("/accounts/login/password/", {"login": "a\x00b", "password": "x"})
    assert r.status_code == 400


def test_null_byte_in_a_form_posted_to_the_api_stays_a_problem_document(personas):
    c = personas.client("resident")
    r = c.post("/api/v1/reports/", {"community": personas.community.slug,
                                    "category": "lamp", "description": "灯\x00"})
    assert r.status_code == 400 and r["Content-Type"].startswith("application/problem+json")


def test_null_byte_in_the_query_of_a_marked_form_view_is_still_a_400(personas):
    from django.urls import reverse

    url = reverse("reports:create", args=[personas.community.slug])
    r = personas.client("verified").post(url + "?category=%00", {"description": "灯"})
    assert r.status_code == 400


def test_report_form_gets_the_null_byte_back_with_its_input(personas):
    from django.urls import reverse

    from gongzhi.reports.models import Report

    url = reverse("reports:create", args=[personas.community.slug])
    r = personas.client("verified").post(url, {
        "category": "lamp", "description": "三号楼路灯不亮\x00", "lat": "31.2835",
        "lon": "121.5035"})
    assert r.status_code == 200 and not Report.objects.exists()
    assert "description" in r.context["form"].errors
    assert "三号楼路灯不亮" in r.content.decode()


def test_join_form_gets_the_null_byte_back_with_its_input(personas):
    from django.urls import reverse

    from gongzhi.accounts.models import Membership
    from gongzhi.accounts.services import consent_record

    consent_record(user=personas.outsider)
    url = reverse("accounts:join", args=[personas.community.slug])
    r = personas.client("outsider").post(url, {"building": "3\x00", "unit": "",
                                               "room": "502号", "tenure": ""})
    assert r.status_code == 200
    assert "building" in r.context["form"].errors and "502号" in r.content.decode()
    assert not Membership.objects.filter(user=personas.outsider).exists()


def test_null_byte_in_the_session_cookie_is_a_400(client):
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    assert client.get("/").status_code == 400


def test_offset_beyond_bigint_is_a_400(personas, client):
    slug = personas.community.slug
    for url in (f"/api/v1/reports/geojson?community={slug}&offset=99999999999999999999999",
                f"/api/v1/spaces/?community={slug}&offset=99999999999999999999999",
                f"/api/v1/spaces/buildings?community={slug}&offset=99999999999999999999999"):
        r = client.get(url)
        assert r.status_code == 400, (url, r.content[:200])


def test_token_revoke_with_a_word_is_a_400(personas):
    c = personas.client("resident")
    r = c.post("/accounts/me/tokens/", {"revoke": "abc"})
    assert r.status_code == 400
    assert c.post("/accounts/me/tokens/", {"revoke": "999"}).status_code == 302


def test_ballot_option_limits_are_checked_before_the_database(personas):
    from gongzhi.decisions import services

    for options in ([{"key": "a", "label": "长" * 201}], [{"key": "a", "label": "A",
                                                          "cost": "-5"}]):
        with pytest.raises(ValidationError) as exc:
            services.ballot_create(actor=personas.worker, community=personas.community,
                                   title="选哪个", method="pb", budget=Decimal(1000),
                                   options=options)
        assert "options" in exc.value.message_dict
        r = personas.client("worker").post(
            f"/api/v1/decisions/communities/{personas.community.slug}/ballots",
            json.dumps({"title": "选哪个", "method": "pb", "budget": "1000",
                        "options": options}), content_type="application/json")
        assert r.status_code == 400 and r["Content-Type"] == "application/problem+json"
    assert Ballot.objects.count() == 0


def test_every_ref_in_the_openapi_schema_resolves(client):
    schema = client.get("/api/v1/openapi.json").json()

    def resolve(ref: str):
        assert ref.startswith("#/"), ref
        node = schema
        for part in ref[2:].split("/"):
            assert part in node, f"{ref} does not resolve"
            node = node[part]
        return node

    refs = []

    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                refs.append(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    assert len(refs) > 20
    for ref in refs:
        resolve(ref)
