"""``gongzhi seed_city`` at a tiny scale: sizes, integrity, pages, reproducibility."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, F, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gongzhi.core.seed_city import Plan, checksums

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TODAY = "2026-11-02"


def seed(seed: int = 7) -> str:
    out = io.StringIO()
    call_command("seed_city", "--scale", "0.001", "--seed", str(seed), "--today", TODAY,
                 "--flush", stdout=out)
    return out.getvalue()


def test_sizes_integrity_and_pages():
    from gongzhi.accounts.models import Membership, RoleAssignment, User
    from gongzhi.decisions.models import Ballot, BallotContent, VoterRecord
    from gongzhi.decisions.verify import verify_all
    from gongzhi.meetings.models import Meeting
    from gongzhi.places.models import Community, Household
    from gongzhi.projects.models import Phase, Project, Proposal, Support
    from gongzhi.reports.models import Report
    from gongzhi.spaces.models import Space

    seed()
    plan = Plan(0.001)
    assert Community.objects.count() == plan.communities == 3
    staff = plan.communities * (plan.workers_per_community + 1)
    assert User.objects.count() == plan.residents + staff + plan.subdistricts + 1
    assert Membership.objects.count() == plan.residents + staff
    assert Proposal.objects.count() == plan.proposals
    assert Report.objects.count() == plan.reports
    votes = Support.objects.count() + VoterRecord.objects.count()
    assert abs(votes - (plan.supports + plan.ballot_votes)) <= plan.communities * 2
    assert Space.objects.count() and Meeting.objects.count() and Household.objects.count()
    assert Phase.objects.filter(project__in=Project.objects.all()).count() >= 4 * 3

    # a realistic share verified, each verified resident housed in their own community
    verified = Membership.objects.filter(status="verified")
    share = verified.count() / Membership.objects.count()
    assert 0.6 < share < 0.8
    assert not verified.exclude(household__isnull=True).exclude(
        household__community=F("community")).exists()
    assert RoleAssignment.objects.filter(role="worker").count() == 3 * 4
    # counters agree with the rows
    assert not Proposal.objects.annotate(n=Count("supports")).exclude(
        support_count=F("n")).exists()
    # the ballots verify against their hash chains (open and closed alike)
    reports = verify_all()
    assert len(reports) == 3 and all(r["ok"] for r in reports), reports
    assert Ballot.objects.filter(state="closed").exists()
    assert BallotContent.objects.count() == VoterRecord.objects.count()
    assert not VoterRecord.objects.filter(Q(secret=True) & Q(receipt_hash__isnull=False)
                                          ).exists()
    # new rows get fresh ids after the COPY (sequences were reset)
    fresh = Community.objects.create(name="新社区", slug="fresh-one",
                                     subdistrict_id=Community.objects.first().subdistrict_id)
    assert fresh.pk == 4
    # the main pages render on the seeded data, signed out and signed in
    community = Community.objects.get(slug="c001")
    project = Project.objects.filter(community=community, proposals__isnull=False).first()
    proposal = Proposal.objects.filter(project=project, visibility="visible").first()
    report = Report.objects.filter(community=community).first()
    resident = User.objects.filter(memberships__community=community,
                                   memberships__status="verified").last()
    paths = ["/c/c001/", f"/c/c001/projects/{project.pk}/",
             f"/c/c001/projects/{project.pk}/proposals/",
             f"/c/c001/projects/{project.pk}/proposals/{proposal.pk}/",
             "/c/c001/reports/", f"/c/c001/reports/{report.pk}/", "/c/c001/ballots/",
             f"/c/c001/ballots/{Ballot.objects.filter(community=community).first().pk}/",
             "/c/c001/meetings/", "/api/v1/reports/geojson?community=c001",
             f"/api/v1/projects/{project.pk}/proposals"]
    worker = User.objects.filter(role_assignments__community=community,
                                 role_assignments__role="worker").first()
    anonymous, signed_in, staff = Client(), Client(), Client()
    signed_in.force_login(resident)
    staff.force_login(worker)
    for path in paths:
        counts = []
        for client in (anonymous, signed_in, staff):
            client.get(path)  # the first visit may remember the community in the session
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(path).status_code == 200, path
            counts.append(len(ctx.captured_queries))
        # signed in costs the session, the user, the person's access rows (one query
        # whatever the community's size), unread notifications, the switcher, and what
        # is personal on the page (measured on the 1,000,000-resident city: at most +9)
        # (a ballot's own page adds the person's eligibility, voter record, receipt state)
        extra = 11 if "/ballots/" in path and path[-2].isdigit() else 9
        cap = 25
        if path == "/c/c001/":
            # the community home is "what is happening now for you": a personal block from
            # each participation app (unread notices for your building, your activities,
            # rewards to collect, your feed's follow and mute…), each one query
            extra, cap = 12, 40
        assert counts[1] <= counts[0] + extra and counts[2] <= counts[0] + extra, \
            (path, counts)
        assert max(counts) <= cap, (path, counts)


def test_same_seed_same_checksums_other_seed_differs():
    seed(7)
    first = checksums()
    seed(7)
    assert checksums() == first
    seed(8)
    other = checksums()
    assert other["places.Community"] == first["places.Community"]  # names come from order
    assert other["accounts.User"] != first["accounts.User"]
    assert other["projects.Support"] != first["projects.Support"]


def test_refuses_a_database_that_has_data_and_bad_scales():
    seed()
    with pytest.raises(CommandError, match="empty database"):
        call_command("seed_city", "--scale", "0.001", stdout=io.StringIO())
    with pytest.raises(CommandError, match="scale"):
        call_command("seed_city", "--scale", "0", stdout=io.StringIO())
    assert connection.vendor == "postgresql"
    assert dt.date.fromisoformat(TODAY)


@pytest.mark.django_db
def test_sqlite_is_refused_with_a_clear_message(monkeypatch):
    from gongzhi.core import seed_city as module

    monkeypatch.setattr(module.connection, "vendor", "sqlite")
    with pytest.raises(module.SeedError, match="needs PostgreSQL"):
        module.CityGenerator(scale=0.001, seed=1)
