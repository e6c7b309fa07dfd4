"""EXPLAIN checks for the top queries (PostgreSQL).

The statements are the ones the real pages send (captured from the proposal list, the
reports list, the map's GeoJSON and an online vote), on a small seeded dataset of three
communities. Each is explained with ``enable_seqscan = off``: the planner then takes any
index that can answer the query, so a Seq Scan left on a big table means no index fits —
the check does not depend on the data's size or the planner's cost settings. The slow-query
log that catches what this misses is in docs/operations.md ("Slow queries").
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gongzhi.accounts.services import api_token_create
from gongzhi.decisions import services as decisions
from gongzhi.projects.models import Proposal
from gongzhi.projects.tests.factories import PhaseFactory, ProjectFactory
from gongzhi.reports.models import Report, Status
from gongzhi.testing.factories import CommunityFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

BIG_TABLES = {"reports_report", "projects_proposal", "decisions_voterrecord",
              "decisions_pendingentry", "decisions_eligibility", "reports_metoo"}
LON, LAT = 121.5035, 31.2835


def _nodes(plan: dict) -> Iterator[dict]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def explain(sql: str) -> list[dict]:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        (raw,) = cursor.fetchone()
    plan = raw if isinstance(raw, list) else json.loads(raw)
    return list(_nodes(plan[0]["Plan"]))


def scans(nodes: list[dict]) -> dict[str, set[str]]:
    """relation -> how it is read ('Seq Scan' or the index names)."""
    out: dict[str, set[str]] = {}
    for node in nodes:
        rel = node.get("Relation Name")
        if rel and "Scan" in node["Node Type"]:
            out.setdefault(rel, set()).add(node.get("Index Name") or node["Node Type"])
    return out


def assert_indexed(sql: str, table: str, allowed: set[str]) -> dict[str, set[str]]:
    used = scans(explain(sql))
    for rel, how in used.items():
        if rel in BIG_TABLES:
            assert "Seq Scan" not in how, (rel, how, sql)
    assert used.get(table), (table, used, sql)
    assert any(name.startswith(tuple(allowed)) for name in used[table]), (
        table, used[table], allowed, sql)
    return used


@pytest.fixture
def seeded(personas):
    """Three communities with 600 reports and 300 proposals each (bulk inserts), ANALYZEd."""
    communities = [personas.community, personas.other_community, CommunityFactory()]
    people = UserFactory.create_batch(30)
    now = timezone.now()
    projects = []
    for c_no, community in enumerate(communities):
        Report.objects.bulk_create([
            Report(community=community, reporter=people[i % 30], category="lamp",
                   description=f"问题{i}", lat=LAT + (i % 50) * 1e-4, lon=LON + (i // 50) * 1e-4,
                   status=Status.SUBMITTED, created_at=now - dt.timedelta(hours=i))
            for i in range(600)])
        project = ProjectFactory(community=community, title=f"花园{c_no}")
        PhaseFactory(project=project, order=1, key="open", name="进行中")
        projects.append(project)
        Proposal.objects.bulk_create([
            Proposal(project=project, community=community, author=people[i % 30],
                     title=f"提案{i}", description="在锅炉房旁边种花", support_count=i % 17)
            for i in range(300)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return personas, projects[0]


def _captured(client: Client, url: str, table: str, **extra) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200, url
    return [q["sql"] for q in ctx.captured_queries
            if f'FROM "{table}"' in q["sql"] and "LIMIT" in q["sql"].upper()]


def test_proposal_list_ids_query_walks_an_index(seeded):
    personas, project = seeded
    url = reverse("projects:proposals", args=[personas.community.slug, project.pk])
    from gongzhi.accounts.access import KEPT

    for order, index in (("", "proposal_list"), ("?order=supports", "proposal_support")):
        KEPT.clear()  # the access rows read in this request, not kept from the last one
        with CaptureQueriesContext(connection) as ctx:
            assert personas.client("verified").get(url + order).status_code == 200
        queries = [q["sql"] for q in ctx.captured_queries]
        # the page of visible ids (then its rows by id), and the person's own hidden
        # proposals, read apart with the request's access rows (projects.selectors
        # OWN_HIDDEN_SQL in accounts.access)
        (page,) = [s for s in queries
                   if s.startswith('SELECT "projects_proposal"."id" AS "pk" FROM')]
        (own,) = [s for s in queries if "FROM projects_proposal WHERE author_id" in s]
        assert_indexed(page, "projects_proposal", {index})
        assert_indexed(own, "projects_proposal", {"proposal_author",
                                                  "projects_proposal_author_id"})


def test_reports_list_reads_the_community_status_index(seeded):
    personas, _project = seeded
    url = reverse("reports:list", args=[personas.community.slug])
    queries = _captured(personas.client("verified"), url, "reports_report")
    assert queries
    for sql in queries:
        assert_indexed(sql, "reports_report", {"report_comm_status", "report_comm_time",
                                                   "report_reporter_time",
                                                   "reports_report_community_id"})


def test_map_geojson_reads_the_community_status_or_position_index(seeded):
    personas, _project = seeded
    slug = personas.community.slug
    for query in (f"?community={slug}&limit=500",
                  f"?community={slug}&limit=500&bbox={LON},{LAT},{LON + 0.001},{LAT + 0.002}"):
        (sql,) = _captured(personas.client("anonymous"), "/api/v1/reports/geojson" + query,
                           "reports_report")
        assert_indexed(sql, "reports_report", {"report_comm_status", "report_lat_lon",
                                                   "reports_report_community_id"})


def test_the_vote_statement_touches_no_table_by_a_sequential_scan(seeded):
    personas, _project = seeded
    ballot = decisions.ballot_create(
        actor=personas.admin, community=personas.community, method="approval", title="花园设计",
        options=[{"key": "a", "label": "方案A", "cost": 400},
                 {"key": "b", "label": "方案B", "cost": 300}])
    decisions.ballot_open(actor=personas.admin, ballot=ballot)
    _token, raw = api_token_create(user=personas.owner, name="explain")
    body = json.dumps({"content": {"approve": ["a"]}})
    headers = {"content_type": "application/json", "HTTP_AUTHORIZATION": f"Bearer {raw}"}
    url = f"/api/v1/decisions/ballots/{ballot.pk}/vote"
    Client().get("/api/v1/decisions/ballots/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    with CaptureQueriesContext(connection) as ctx:
        r = Client().post(url, data=body, **headers)
    assert r.status_code == 201, r.content
    statements = [q["sql"] for q in ctx.captured_queries
                  if q["sql"].lstrip().upper().startswith(("WITH", "INSERT", "SELECT"))
                  and "decisions_" in q["sql"]]
    (vote,) = [s for s in statements if s.lstrip().upper().startswith("WITH")]
    # EXPLAIN without ANALYZE plans the statement and does not run it
    used = scans(explain(vote))
    assert used, vote
    for rel, how in used.items():
        assert "Seq Scan" not in how, (rel, how, vote)
    for sql in statements:
        for rel, how in scans(explain(sql)).items():
            if rel in BIG_TABLES:
                assert "Seq Scan" not in how, (rel, how, sql)
