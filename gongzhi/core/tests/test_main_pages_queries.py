"""The ten main pages of ``bench/pages_bench.py`` cost a fixed number of queries for the
signed-in resident (a verified owner) and the community worker, however many proposals,
supports, reports, "me too"s, ballots and meetings the community holds; and signing in
adds only the session with its user and the page's personal parts (the access rows are
kept between requests under the person's access version, accounts/access.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongzhi.decisions import services as ballots
from gongzhi.meetings.models import Meeting, MeetingKind
from gongzhi.projects.models import Proposal, Support
from gongzhi.projects.tests.factories import PhaseFactory, ProjectFactory, ProposalFactory
from gongzhi.reports.models import MeToo, Report, Status
from gongzhi.testing.factories import OrganisationFactory, UserFactory, make_member

# signed-in queries over signed-out, per page, at most (a page visited before, so the
# person's access rows are kept under their access version and cost no query): the
# session with its user (1) and the page's personal parts -- the home's membership
# notice and unread important notices, the project page's task sign-ups, the worker's
# organisations to assign a report to; measured on these fixtures, one more and the
# test fails
MAX_EXTRA = {"community home": 3, "map GeoJSON (reports)": 1, "proposal list": 1,
             "proposal detail": 1, "project page": 2, "reports list": 1,
             "report detail": 2, "ballots list": 1, "meetings list": 1,
             "proposals API": 1}


# the community home signed out, at most: the community, its counts, pinned notices,
# the "happening now" blocks (open votes, this week's meetings, today's activities,
# reports in progress with their count, open contests, latest results: closed votes and
# tracked results), the feed's nine sources in ONE query (core.feed) and the
# organisations -- was 23, with a query or two per feed source and a separate count of
# the reports in progress
MAX_HOME_SIGNED_OUT = 12


class City:
    """A small community with every kind of row the ten pages list; ``grow`` adds more."""

    def __init__(self, personas) -> None:
        self.p = personas
        c = personas.community
        self.project = ProjectFactory(community=c, title="锅炉房花园")
        PhaseFactory(project=self.project, order=1, key="open", name="进行中")
        self.org = OrganisationFactory(community=c, name="大院物业")
        self.reporter = make_member(UserFactory(display_name="报事的邻居"), c)
        self.n = 0
        self.grow(3)
        self.proposal = (Proposal.objects.filter(project=self.project).order_by("pk").first())
        self.report = (Report.objects.filter(community=c, anonymous=False).order_by("-pk")
                       .first())
        # the resident's own hidden proposal shows to them on the list
        ProposalFactory(project=self.project, author=personas.owner, title="我的草稿",
                        visibility=Proposal.Visibility.PENDING)

    def grow(self, n: int) -> None:
        p, c = self.p, self.p.community
        for _ in range(n):
            self.n += 1
            neighbour = make_member(UserFactory(), c)
            prop = ProposalFactory(project=self.project, author=neighbour)
            Support.objects.create(proposal=prop, user=neighbour)
            if self.n % 2:
                Support.objects.create(proposal=prop, user=p.owner)
            lat, lon = 31.28 + self.n * 1e-4, 121.50 + self.n * 1e-4
            report = Report.objects.create(
                community=c, reporter=self.reporter, category="lamp",
                description=f"路灯{self.n}", lat=lat, lon=lon, anonymous=self.n % 3 == 0,
                status=Status.ACCEPTED, organisation=self.org)
            MeToo.objects.create(report=report, user=neighbour)
            Meeting.objects.create(
                community=c, kind=MeetingKind.HEARING, title=f"听证会{self.n}",
                starts_at=timezone.now() + dt.timedelta(days=self.n), place="社区活动室",
                status=Meeting.Status.PUBLISHED)
            ballot = ballots.ballot_create(
                actor=p.admin, community=c, method="approval", title=f"花园设计{self.n}",
                options=[{"key": "a", "label": "方案A"}, {"key": "b", "label": "方案B"}])
            ballots.ballot_open(actor=p.admin, ballot=ballot)

    def pages(self) -> dict[str, str]:
        slug, pk = self.p.community.slug, self.project.pk
        base = f"/c/{slug}"
        return {
            "community home": f"{base}/",
            "map GeoJSON (reports)": f"/api/v1/reports/geojson?community={slug}",
            "proposal list": f"{base}/projects/{pk}/proposals/",
            "proposal detail": f"{base}/projects/{pk}/proposals/{self.proposal.pk}/",
            "project page": f"{base}/projects/{pk}/",
            "reports list": f"{base}/reports/",
            "report detail": f"{base}/reports/{self.report.pk}/",
            "ballots list": f"{base}/ballots/",
            "meetings list": f"{base}/meetings/",
            "proposals API": f"/api/v1/projects/{pk}/proposals",
        }


def _count(client, path: str) -> int:
    client.get(path)  # first visit: whatever a first visit writes (the language, say)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(ctx)


@pytest.mark.django_db
def test_main_pages_queries_do_not_grow_for_signed_in_personas(personas):
    city = City(personas)
    names = ("anonymous", "owner", "worker")
    clients = {name: personas.client(name) for name in names}
    small = {(n, page): _count(clients[n], path)
             for page, path in city.pages().items() for n in names}
    city.grow(12)
    large = {(n, page): _count(clients[n], path)
             for page, path in city.pages().items() for n in names}
    grew = {key: (small[key], large[key]) for key in small if large[key] > small[key]}
    assert not grew, f"queries grew with the rows: {grew}"
    extra = {page: max(large[("owner", page)], large[("worker", page)])
             - large[("anonymous", page)] for page in city.pages()}
    too_many = {page: (n, MAX_EXTRA[page]) for page, n in extra.items() if n > MAX_EXTRA[page]}
    assert not too_many, f"signing in adds more queries than allowed: {too_many}"
    assert large[("anonymous", "community home")] <= MAX_HOME_SIGNED_OUT


@pytest.mark.django_db
def test_community_stats_in_one_query_count_what_they_did(personas):
    from gongzhi.accounts.models import Membership
    from gongzhi.core.selectors import community_stats
    from gongzhi.places.models import Building, Household

    c = personas.community
    with CaptureQueriesContext(connection) as ctx:
        stats = community_stats(c)
    assert len(ctx) == 1
    members = Membership.objects.filter(community=c)
    assert stats == {
        "buildings": Building.objects.filter(community=c).count(),
        "households": Household.objects.filter(community=c).count(),
        "verified": members.filter(status=Membership.Status.VERIFIED).count(),
        "pending": members.filter(status=Membership.Status.PENDING).count(),
    }
    assert stats["verified"] >= 2 and stats["pending"] == 1 and stats["households"] == 1
    empty = community_stats(personas.other_community)
    assert empty == {"buildings": 0, "households": 0, "verified": 0, "pending": 0}


@pytest.mark.django_db
def test_home_membership_notice_without_a_query_for_non_members(personas):
    """The home's membership notice: pending shows, and a person with no membership of
    the community costs no membership query (the access rows say so)."""
    response = personas.client("resident").get("/c/test-community/")
    assert response.context["membership"].status == "pending"
    assert 'class="notice" role="status"' in response.content.decode()
    assert personas.client("owner").get("/c/test-community/").context[
        "membership"].household == personas.household
    client = personas.client("outsider")
    client.get("/c/test-community/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/c/test-community/").status_code == 200
    assert not any("accounts_membership" in q["sql"] and '"user_id" =' in q["sql"]
                   for q in ctx.captured_queries)
