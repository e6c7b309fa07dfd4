"""``core.paging.id_page``: a page of ids, then the page's rows through
``core.compiled.prepared_rows`` (ids padded to the page size so the rows' SQL repeats) --
the same rows, in the same order, with the same annotations and prefetches as Django's own
``Paginator`` over the whole queryset, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongzhi.core.compiled import prepared_rows
from gongzhi.core.paging import id_page
from gongzhi.projects import selectors as project_selectors
from gongzhi.projects.models import Proposal, Result, Support
from gongzhi.projects.tests import conftest as project_fixtures
from gongzhi.projects.tests.factories import ProposalFactory
from gongzhi.reports import selectors as report_selectors
from gongzhi.reports import services as report_services
from gongzhi.reports.models import Report
from gongzhi.reports.tests.conftest import LAT, LON
from gongzhi.testing.factories import UserFactory, make_member

pytestmark = pytest.mark.django_db
project = project_fixtures.project  # the projects app's fixture


def _row(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


@pytest.fixture
def proposals(personas, project):
    made = [ProposalFactory(project=project, support_count=i % 4) for i in range(23)]
    for p in made[::5]:
        Result.objects.create(community=personas.community, project=project, proposal=p,
                              title=f"成果{p.pk}")
    for p in made[1::3]:
        Support.objects.create(proposal=p, user=personas.owner)
    return made


@pytest.mark.parametrize("order", ["new", "supports"])
def test_a_page_of_proposals_is_the_paginators(personas, project, proposals, order):
    qs = project_selectors.proposals_for(project, user=personas.owner, order=order)
    rows = project_selectors.with_my_support(personas.owner)
    reference = Paginator(rows(qs), 10)
    for number in (1, 2, 3, 4, "x"):  # the last page has 3; 4 and "x" clamp like get_page
        want = reference.get_page(number)
        with CaptureQueriesContext(connection) as ctx:
            got = id_page(qs, number, 10, rows=rows)
            results = {p.pk: [r.pk for r in p.results.all()] for p in got.object_list}
        # count, ids, rows, their results: the results were prefetched with the rows
        assert len(ctx.captured_queries) == 4
        assert got.number == want.number and got.paginator.count == 23
        assert [_row(p) for p in got.object_list] == [_row(p) for p in want.object_list]
        assert [p.my_support for p in got.object_list] == [
            p.my_support for p in want.object_list]
        assert results == {p.pk: [r.pk for r in p.results.all()] for p in want.object_list}
        assert [p.author.pk for p in got.object_list] == [
            p.author.pk for p in want.object_list]


def test_a_page_of_reports_keeps_its_counts_and_overdue_flags(personas):
    community = personas.community
    made = [report_services.report_create(actor=make_member(UserFactory(), community),
                                          community=community,
                                          category="lamp", lon=LON, lat=LAT,
                                          description=f"第{i}盏路灯不亮") for i in range(7)]
    for r in made[:3]:
        report_services.report_me_too(actor=personas.owner, report=r)
    report_services.report_me_too(actor=personas.verified, report=made[0])
    Report.objects.filter(pk=made[1].pk).update(due_at=timezone.now() - dt.timedelta(days=1))
    qs = report_selectors.report_list(personas.worker, community)
    now = timezone.now()
    reference = Paginator(report_selectors.with_list_data(qs, now), 5)
    for number in (1, 2):
        want = reference.get_page(number).object_list
        got = id_page(qs, number, 5,
                      rows=lambda q: report_selectors.with_list_data(q, now)).object_list
        assert [(r.pk, r.metoo_count, r.overdue) for r in got] == [
            (r.pk, r.metoo_count, r.overdue) for r in want]
        assert [_row(r.reporter) for r in got] == [_row(r.reporter) for r in want]
    assert sorted(r.metoo_count for r in id_page(
        qs, 1, 10, rows=report_selectors.with_list_data).object_list) == [0, 0, 0, 0, 1, 1, 2]


def test_an_empty_list_and_what_prepared_rows_leaves_to_the_queryset(personas, project):
    page = id_page(project_selectors.proposals_for(project), 1, 10)
    assert list(page.object_list) == [] and page.paginator.count == 0
    assert prepared_rows(Proposal.objects.values("pk")) is None
    assert prepared_rows(project.proposals.all()) is None  # knows its project
    assert prepared_rows(Proposal.objects.filter(pk__in=[])) == []
