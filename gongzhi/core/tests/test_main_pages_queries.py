"""The ten main pages of ``bench/pages_bench.py`` cost a fixed number of queries for the
signed-in resident (a verified owner) and the community worker, however many proposals,
supports, reports, "me too"s, ballots and meetings the community holds; and signing in
adds only a bounded handful (session+user, access rows, the page's personal parts)."""

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

# signed-in queries over signed-out, per page, at most: the session with its user (1),
# the access rows with the unread badge and team roles (1) and the page's personal parts
# (own supports, hidden proposals, me-too, invitations, task sign-ups; the home's personal
# blocks); measured on these fixtures -- one more and the test fails
MAX_EXTRA = {"community home": 8, "map GeoJSON (reports)": 1, "proposal list": 3,
             "proposal detail": 3, "project page": 3, "reports list": 2,
             "report detail": 3, "ballots list": 2, "meetings list": 3,
             "proposals API": 2}


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
