"""Subdistrict report, access section, open data and the pseudonymised research export:
permission matrices, content, the re-identification attack test and query counts."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.core.models import AuditEntry
from gongzhi.places.models import Tenure
from gongzhi.testing.factories import (
    BuildingFactory,
    CommunityFactory,
    HouseholdFactory,
    UserFactory,
    make_member,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "resident", "verified", "owner", "worker", "admin",
         "other_admin", "subdistrict_admin"]
AREA_OK = {"subdistrict_admin"}
RESEARCH_OK = {"admin", "subdistrict_admin"}
LIB_KEY = "gongzhi-community"

PB_TEXT = """META
key;value
description;口袋花园
num_projects;2
num_votes;2
budget;800
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name
1;400;花园
2;300;路灯
VOTES
voter_id;vote
v1;1
v2;1,2
"""


def _refused(code: int, who: str) -> bool:
    return code in ((302,) if who == "anonymous" else (403,))


def _zip_tables(data: bytes) -> dict[str, list[list[str]]]:
    z = zipfile.ZipFile(io.BytesIO(data))
    out = {}
    for name in z.namelist():
        raw = z.read(name)
        if name.endswith(".csv"):
            text = raw.decode("utf-8")
            assert text.startswith("\ufeff"), name  # UTF-8 BOM for Excel
            out[name] = list(csv.reader(io.StringIO(text[1:])))
        else:
            out[name] = [[raw.decode("utf-8")]]
    return out


def _report(user, community, **kw):
    from gongzhi.reports.models import Report

    return Report.objects.create(community=community, reporter=user, category="lamp",
                                 description="楼道灯坏了", lat=31.28, lon=121.51,
                                 created_at=timezone.now(), **kw)


@pytest.fixture
def neighbourhood(personas):
    """Residents with distinctive phones, names, ids and rooms, who report, vote and
    answer a linked before/after survey; a second community in the same subdistrict."""
    from gongzhi.accounts.models import User

    c = personas.community
    b = BuildingFactory(community=c, number="17")
    people = []
    for i in range(6):
        h = HouseholdFactory(building=b, room=f"17{i:02d}室", residents=3, elderly=i % 2,
                             tenure=Tenure.PUBLIC_RENTAL if i % 2 else Tenure.OWNER)
        u = User.objects.create(pk=880000 + i, phone=f"1580000{i:04d}",
                                display_name=f"张秀{'英兰梅芳华丽'[i]}")
        people.append(make_member(u, c, "owner", household=h))
    for u in people[:4]:
        _report(u, c)
    second = CommunityFactory(name="东明社区", slug="dongming", subdistrict=c.subdistrict)
    HouseholdFactory(building__community=second, building__number="1", room="101")
    return {"community": c, "people": people, "second": second}


# ---------------------------------------------------------------- permissions


@pytest.mark.parametrize("who", ROLES)
def test_subdistrict_report_matrix(personas, who):
    region = personas.community.subdistrict
    client = personas.client(who)
    for name in ("analytics:area", "analytics:area_pdf", "analytics:area_research"):
        r = client.get(reverse(name, args=[region.pk]))
        if who in AREA_OK:
            assert r.status_code == 200, name
        else:
            assert _refused(r.status_code, who), (name, r.status_code)


@pytest.mark.parametrize("who", ROLES)
def test_community_exports_matrix(personas, who):
    slug = personas.community.slug
    client = personas.client(who)
    assert client.get(reverse("analytics:open_data", args=[slug])).status_code == 200
    r = client.get(reverse("analytics:research", args=[slug]))
    if who in RESEARCH_OK:
        assert r.status_code == 200 and r["Content-Type"] == "application/zip"
    else:
        assert _refused(r.status_code, who)


def test_research_export_is_audited(personas):
    personas.client("admin").get(reverse("analytics:research",
                                         args=[personas.community.slug]))
    entry = AuditEntry.objects.get(action="analytics.research_export")
    assert entry.actor == personas.admin and "persons.csv" in entry.after["rows"]


# ---------------------------------------------------------------- the attack test


def test_research_export_holds_no_identity_and_keys_are_stable(personas, neighbourhood):
    from gongzhi.decisions import services as dsv
    from gongzhi.surveys.models import Response

    c = neighbourhood["community"]
    people = neighbourhood["people"]
    # a linked survey response by a resident (its key is the survey's pseudonym)
    from gongzhi.surveys.keys import respondent_key
    from gongzhi.surveys.models import Survey
    from gongzhi.surveys.services import instrument_copy_from_library

    inst = instrument_copy_from_library(actor=personas.admin, community=c, key=LIB_KEY)
    survey = Survey.objects.create(community=c, instrument=inst, title="归属感调查",
                                   anonymous=False)
    Response.objects.create(survey=survey, answers={"free": "我是张秀英 15800000000"},
                            respondent_key=respondent_key(survey.key_secret, people[0].pk))
    dsv.ballot_import_pabulib(actor=personas.admin, community=c, text=PB_TEXT)

    tables = _zip_tables(personas.client("admin").get(
        reverse("analytics:research", args=[c.slug])).content)
    assert {"persons.csv", "buildings.csv", "reports.csv", "survey_responses.csv",
            "data_dictionary.csv", "README.md"} <= set(tables)
    forbidden = []
    for u in [*people, *[getattr(personas, r) for r in ("worker", "admin", "owner")]]:
        forbidden += [u.phone, u.display_name]
    # the residents' ids are six digits (880000…), so any cell holding one is caught
    forbidden += [str(u.pk) for u in people]
    forbidden += [f"17{i:02d}室" for i in range(6)] + [f"17{i:02d}" for i in range(6)]
    for name, rows in tables.items():
        if name in ("README.md", "data_dictionary.csv"):
            continue
        for row in rows:
            for cell in row:
                for bad in forbidden:
                    assert bad not in cell, (name, cell, bad)
    persons = {r[0] for r in tables["persons.csv"][1:]}
    reporters = {r[2] for r in tables["reports.csv"][1:] if r[2]}
    assert reporters and reporters <= persons  # one key per person across tables
    linked = {r[5] for r in tables["survey_responses.csv"][1:] if r[5]}
    assert linked and linked <= persons
    # free-text answers never leave; the building with 6 members is listed, small counts
    # are suppressed
    assert all(r[1] != "free" for r in tables["survey_answers.csv"][1:])
    b17 = [r for r in tables["buildings.csv"][1:] if r[2] == "6"]
    assert b17 and b17[0][3] == "6"
    assert any("<5" in r for r in tables["buildings.csv"][1:])
    # the same key in a second export (and in the subdistrict export)
    again = _zip_tables(personas.client("subdistrict_admin").get(
        reverse("analytics:area_research", args=[c.subdistrict_id])).content)
    assert persons <= {r[0] for r in again["persons.csv"][1:]}
    # the data dictionary names every column of every table
    described = {(r[0], r[1]) for r in tables["data_dictionary.csv"][1:]}
    for name, rows in tables.items():
        if name.endswith(".csv") and name != "data_dictionary.csv":
            for col in rows[0]:
                assert (name, col) in described, (name, col)


# ---------------------------------------------------------------- open data


def test_open_data_has_public_things_and_pabulib(personas, neighbourhood):
    from gongzhi.decisions import services as dsv
    from gongzhi.decisions.engine.pabulib import parse_pabulib_text
    from gongzhi.spaces.services import space_create

    c = neighbourhood["community"]
    space_create(actor=None, community=c, kind="pocket_park", name="口袋公园",
                 geometry={"type": "Point", "coordinates": [121.51, 31.28]})
    dsv.ballot_import_pabulib(actor=personas.admin, community=c, text=PB_TEXT)
    data = personas.client("anonymous").get(reverse("analytics:open_data",
                                                    args=[c.slug])).content
    z = zipfile.ZipFile(io.BytesIO(data))
    names = set(z.namelist())
    assert {"spaces.geojson", "reports_by_category.csv", "by_month.csv", "ballots.csv",
            "README.md", "data_dictionary.csv"} <= names
    geo = json.loads(z.read("spaces.geojson"))
    assert geo["features"][0]["properties"]["name"] == "口袋公园"
    pb = [n for n in names if n.startswith("pb/")]
    assert len(pb) == 1
    election = parse_pabulib_text(z.read(pb[0]).decode("utf-8"))
    assert len(election.voters) == 2
    text = b"".join(z.read(n) for n in names).decode("utf-8")
    for u in neighbourhood["people"]:
        assert u.phone not in text and u.display_name not in text


# ---------------------------------------------------------------- reports


def test_subdistrict_report_compares_communities(personas, neighbourhood):
    client = personas.client("subdistrict_admin")
    region = personas.community.subdistrict
    r = client.get(reverse("analytics:area", args=[region.pk]),
                   HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = r.content.decode()
    assert "东明社区" in html and personas.community.name in html
    assert 'id="area-data"' in html and "<caption>" in html
    pdf = client.get(reverse("analytics:area_pdf", args=[region.pk]))
    assert pdf.content.startswith(b"%PDF") and b"STSong-Light" in pdf.content


def test_subdistrict_report_queries_do_not_grow_with_data(personas, neighbourhood,
                                                          django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = personas.client("subdistrict_admin")
    path = reverse("analytics:area", args=[personas.community.subdistrict_id])
    client.get(path)
    with CaptureQueriesContext(connection) as ctx:
        client.get(path)
    c = neighbourhood["community"]
    b = BuildingFactory(community=c, number="18")
    for i in range(6):
        h = HouseholdFactory(building=b, room=f"{i}01", tenure=Tenure.PRIVATE_RENTAL)
        _report(make_member(UserFactory(), c, "tenant", household=h), c)
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        client.get(path)


def test_community_report_has_access_section(personas):
    from gongzhi.spatial.tests.conftest import grid_network

    c = personas.community
    client = personas.client("worker")
    page = client.get(reverse("analytics:dashboard", args=[c.slug]),
                      HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'id="acc-h"' in page and 'id="chart-access"' not in page
    c.center_lon, c.center_lat = 121.5035, 31.2835
    c.save()
    grid_network(c)
    page = client.get(reverse("analytics:dashboard", args=[c.slug])).content.decode()
    assert 'id="chart-access"' in page
    pdf = client.get(reverse("analytics:report_pdf", args=[c.slug]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_subdistrict_admin_finds_the_report_in_the_navigation(personas):
    path = reverse("analytics:area", args=[personas.community.subdistrict_id])
    home = reverse("analytics:dashboard", args=[personas.community.slug])
    assert path in personas.client("subdistrict_admin").get(home).content.decode()
    assert path not in personas.client("admin").get(home).content.decode()
