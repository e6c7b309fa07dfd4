"""``core.compiled.ViewerQuery`` and the compiled feed: SQL built once per kind of viewer
gives every person (in every community) exactly the rows the ORM gives them; what a build
cannot keep -- a time, something of the person's own, a query -- is built per request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from gongzhi.core.compiled import NotCompilable, Viewer, ViewerQuery, building
from gongzhi.core.compiled import stand_in_community as fake_community
from gongzhi.places.models import Community
from gongzhi.reports.models import Report
from gongzhi.reports.selectors import reports_for

pytestmark = pytest.mark.django_db


def _report(community, reporter, **extra):
    return Report.objects.create(community=community, reporter=reporter, category="lamp",
                                 description="路灯坏了", lat=31.28, lon=121.5, **extra)


def _visible(community, viewer):
    return reports_for(viewer, community).order_by("pk").values_list("pk", flat=True)


def _entries(query: ViewerQuery) -> list:
    return [entry for entries in query._built._local.by_key.values() for entry in entries]


def test_each_kind_of_viewer_gets_its_own_sql_and_its_own_rows(personas):
    community, other = personas.community, personas.other_community
    shown = _report(community, personas.verified)
    hidden = _report(community, personas.verified, hidden_at=timezone.now(),
                     hidden_reason="重复")
    elsewhere = _report(other, personas.verified)
    query = ViewerQuery(_visible)
    # a resident first: the SQL without hidden reports
    assert query.all(community, personas.owner) == [shown.pk]
    # a worker asks the same question and answers it differently: their own SQL
    assert query.all(community, personas.worker) == [shown.pk, hidden.pk]
    # a resident of the other community, anonymous, and the other community's admin
    assert query.all(community, AnonymousUser()) == [shown.pk]
    assert query.all(other, personas.verified) == [elsewhere.pk]
    assert query.all(other, personas.other_admin) == [elsewhere.pk]
    assert query.all(community, personas.other_admin) == [shown.pk]  # not a worker here
    assert query.all(community, personas.subdistrict_admin) == [shown.pk, hidden.pk]
    for user in (personas.owner, personas.worker, personas.other_admin, AnonymousUser()):
        for place in (community, other):
            assert query.all(place, user) == list(_visible(place, user))
    # two kinds of viewer (may see hidden reports or not), so two SQL texts in all
    assert len(_entries(query)) == 2


def test_the_viewer_and_time_are_values(personas):
    community = personas.community
    mine = _report(community, personas.owner)
    _report(community, personas.verified)
    query = ViewerQuery(lambda c, viewer, *, since: Report.objects.filter(
        community=c, reporter=viewer, created_at__gte=since).values_list("pk", flat=True),
        since=dt.datetime)
    long_ago = timezone.now() - dt.timedelta(days=1)
    assert query.all(community, personas.owner, since=long_ago) == [mine.pk]
    assert query.all(community, personas.verified, since=long_ago) != [mine.pk]
    assert query.all(community, personas.owner, since=timezone.now()) == []
    assert len(_entries(query)) == 1


def test_what_cannot_be_kept_is_built_per_request(personas):
    community = personas.community
    mine = _report(community, personas.owner)
    built = []

    def with_baked_time(c, viewer):  # reads the clock itself: its SQL holds the time
        built.append(1)
        return Report.objects.filter(community=c, created_at__lte=timezone.now()).values_list(
            "pk", flat=True)

    def with_own_attribute(c, viewer):  # something of the person beyond the questions
        built.append(1)
        return Report.objects.filter(community=c, reporter__username=viewer.username
                                     ).values_list("pk", flat=True)

    def with_a_query(c, viewer):  # what a query read would be kept for everyone
        built.append(1)
        ids = list(Report.objects.filter(reporter=viewer).values_list("pk", flat=True))
        return Report.objects.filter(pk__in=ids).values_list("pk", flat=True)

    def with_community_field(c, viewer):
        built.append(1)
        return Report.objects.filter(community__slug=c.slug).values_list("pk", flat=True)

    for build in (with_baked_time, with_own_attribute, with_a_query, with_community_field):
        query = ViewerQuery(build)
        for _ in range(2):
            assert query.all(community, personas.owner) == [mine.pk], build.__name__
        assert query.all(community, personas.verified) == ([] if build in (
            with_own_attribute, with_a_query) else [mine.pk]), build.__name__
        assert query.compiled(community, personas.owner) is None


def test_the_stand_ins_refuse_what_they_do_not_know(personas):
    community = personas.community
    fake = fake_community(Community)
    viewer = Viewer(personas.owner, community, fake)
    with pytest.raises(NotCompilable), building(viewer, ["default"]):
        fake.slug  # noqa: B018
    viewer = Viewer(personas.owner, community, fake)
    with pytest.raises(NotCompilable), building(viewer, ["default"]):
        viewer.has_perm("reports.view_hidden", personas.other_community)
    viewer = Viewer(personas.owner, community, fake)
    with pytest.raises(NotCompilable), building(viewer, ["default"]):
        getattr(viewer, "display_name", "")  # a default taken is still a miss
    viewer = Viewer(personas.worker, community, fake)
    with building(viewer, ["default"]):
        assert viewer.has_perm("reports.view_hidden", fake) is True
        assert "worker" in viewer.roles_in(fake)
        assert int(viewer) == viewer.pk
    # int() and pk each ask whether the person is signed in
    assert list(dict.fromkeys(probe for probe, _answer in viewer.probes)) == [
        ("perm", "reports.view_hidden", "community"), ("roles",), ("auth",)]


def test_compiled_feed_is_the_per_request_feed_for_every_kind_of_viewer(personas):
    """The home's feed (built once per kind of viewer) against the same feed read with
    ``since`` (which builds every branch for the request), hidden reports included."""
    from gongzhi.core.feed import community_feed
    from gongzhi.testing.factories import OrganisationFactory

    community = personas.community
    now = timezone.now()
    org = OrganisationFactory(community=community, name="大院物业")
    done = {"status": "resolved", "organisation": org, "accepted_at": now, "resolved_at": now}
    _report(community, personas.verified, **done)
    _report(community, personas.verified, hidden_at=now, hidden_reason="重复", **done)
    long_ago = now - dt.timedelta(days=3650)
    for user in (personas.owner, personas.worker, AnonymousUser(), personas.owner,
                 personas.admin, AnonymousUser(), personas.other_admin):
        compiled = community_feed(community, user, limit=20)
        assert compiled == community_feed(community, user, limit=20, since=long_ago)
        reports = [e for e in compiled if e.source == "reports"]
        may_see_hidden = user.is_authenticated and user.has_perm("reports.view_hidden",
                                                                 community)
        assert len(reports) == (2 if may_see_hidden else 1)


def test_a_thread_keeps_a_bounded_number_of_builds(personas):
    """A shape may come from a request (the feed API's limit): past the limit a build is
    used for its request and not kept, and the rows are still right."""
    from gongzhi.core.compiled import ByAnswers

    community = personas.community
    reports = [_report(community, personas.verified) for _ in range(4)]
    query = ViewerQuery(lambda c, viewer, n: reports_for(viewer, c).order_by("pk")
                        .values_list("pk", flat=True)[:n])
    query._built = ByAnswers(limit=2)
    for n in (1, 2, 3, 4, 3, 1):
        assert query.all(community, personas.owner, n) == [r.pk for r in reports[:n]]
    assert query._built.kept() == 2
    assert query.compiled(community, personas.owner, 1) is not None
