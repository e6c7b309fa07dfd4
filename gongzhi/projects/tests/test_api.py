from __future__ import annotations

import json

import pytest

from gongzhi.projects import services
from gongzhi.projects.models import Proposal
from gongzhi.projects.tests.factories import ProposalFactory
from gongzhi.projects.tests.helpers import freeze_after
from gongzhi.testing.factories import UserFactory

API = "/api/v1/projects"


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def test_list_and_detail(personas, project):
    client = personas.client("anonymous")
    r = client.get(f"{API}/?community={personas.community.slug}")
    assert r.status_code == 200 and r.json()[0]["current_phase"] == "open"
    r = personas.client("verified").get(f"{API}/{project.pk}")
    body = r.json()
    assert [p["state"] for p in body["phases"]] == ["done", "current", "upcoming"]
    assert set(body["can_do"]) == {"projects.propose", "projects.comment", "projects.support",
                                   "projects.signup", "projects.donate", "projects.evaluate"}


def test_draft_projects_are_404_for_the_public(personas, project):
    project.status = "draft"
    project.save()
    r = personas.client("verified").get(f"{API}/{project.pk}")
    assert r.status_code == 404 and r["Content-Type"].startswith("application/problem+json")


def test_create_proposal_permission_and_problems(personas, project):
    url = f"{API}/{project.pk}/proposals"
    assert post(personas.client("anonymous"), url, {"title": "x", "description": "y"}
                ).status_code == 401
    assert post(personas.client("resident"), url, {"title": "x", "description": "y"}
                ).status_code == 403
    r = post(personas.client("verified"), url, {"title": "", "lat": 200})
    assert r.status_code == 400 and r.json()["errors"]
    r = post(personas.client("verified"), url, {"title": "x", "description": "y", "lat": 31})
    assert r.status_code == 400
    r = post(personas.client("verified"), url, {"title": "花", "description": "种花",
                                                "kind": "idea", "lat": 31.2, "lon": 121.5})
    assert r.status_code == 201 and r.json()["kind"] == "idea"
    with freeze_after(project):
        r = post(personas.client("verified"), url, {"title": "x", "description": "y"})
    assert r.status_code == 403


def test_support_via_api_is_idempotent_and_retractable(personas, project):
    proposal = ProposalFactory(project=project)
    client = personas.client("owner")
    url = f"{API}/proposals/{proposal.pk}/support"
    assert post(client, url).json()["support_count"] == 1
    assert post(client, url).json()["support_count"] == 1
    assert client.delete(url).json()["support_count"] == 0
    assert post(personas.client("resident"), url).status_code == 403


def test_proposal_list_filters_and_paginates(personas, project,
                                             django_assert_max_num_queries):
    for i in range(30):
        ProposalFactory(project=project, author=UserFactory(), kind="idea" if i % 2 else
                        "proposal")
    p = Proposal.objects.first()
    services.proposal_answer(actor=personas.worker, proposal=p, answer="accepted")
    client = personas.client("anonymous")
    with django_assert_max_num_queries(6):
        r = client.get(f"{API}/{project.pk}/proposals?page_size=10&page=2")
    body = r.json()
    assert body["count"] == 30 and len(body["results"]) == 10
    r = client.get(f"{API}/{project.pk}/proposals?kind=idea&answer=none")
    assert r.json()["count"] == 15 - (1 if p.kind == "idea" else 0)
    assert client.get(f"{API}/{project.pk}/proposals?page_size=1000").status_code == 400


def test_results_list(personas, project, django_assert_max_num_queries):
    for i in range(5):
        services.result_create(actor=personas.worker, community=personas.community,
                               project=project, title=f"r{i}")
    with django_assert_max_num_queries(4):
        r = personas.client("anonymous").get(
            f"{API}/results?community={personas.community.slug}")
    assert r.json()["count"] == 5


@pytest.mark.parametrize("bad", ["?community=nowhere", ""])
def test_unknown_community_is_a_problem_not_a_crash(personas, bad):
    r = personas.client("anonymous").get(f"{API}/results{bad}")
    assert r.status_code in (400, 404)


def test_ideas_geojson(personas, project):
    from django.urls import reverse

    from gongzhi.projects.models import Proposal

    pinned = ProposalFactory(project=project, lat=31.28, lon=121.5, kind="idea")
    ProposalFactory(project=project)
    r = personas.client("anonymous").get(
        f"{API}/ideas.geojson?community={personas.community.slug}")
    features = r.json()["features"]
    assert len(features) == 1 and features[0]["geometry"]["coordinates"] == [121.5, 31.28]
    # the link and the label as reverse() and the catalogue give them (built once a layer)
    props = features[0]["properties"]
    assert props["url"] == reverse("projects:proposal", args=[
        personas.community.slug, project.pk, pinned.pk])
    assert props["kind_label"] == str(Proposal.Kind.IDEA.label) != "idea"
