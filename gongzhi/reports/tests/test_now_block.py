"""The community home's "reports in progress" block: how many, and the latest three,
read in one query (a window count with the three rows)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory
from django.utils import timezone

from gongzhi.reports.models import Report, Status
from gongzhi.reports.nav import _reports_in_progress
from gongzhi.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _report(community, reporter, org, status, minutes, **extra):
    now = timezone.now()
    if status == Status.RESOLVED:
        extra["resolved_at"] = now
    report = Report.objects.create(community=community, reporter=reporter, category="lamp",
                                   description="路灯坏了", lat=31.28, lon=121.5,
                                   status=status, organisation=org, accepted_at=now, **extra)
    Report.objects.filter(pk=report.pk).update(
        status_changed_at=timezone.now() - dt.timedelta(minutes=minutes))
    return report


def _block(user, community):
    request = RequestFactory().get("/")
    request.user = user
    return _reports_in_progress(request, community)


def test_count_and_latest_three_in_one_query(personas, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    c, who = personas.community, personas.verified
    org = OrganisationFactory(community=c, name="大院物业")
    reports = [_report(c, who, org, status, minutes) for status, minutes in (
        (Status.ACCEPTED, 50), (Status.IN_PROGRESS, 40), (Status.REOPENED, 30),
        (Status.IN_PROGRESS, 20))]
    _report(c, who, org, Status.RESOLVED, 1)
    hidden = _report(c, who, org, Status.ACCEPTED, 5, hidden_at=timezone.now(),
                     hidden_reason="重复")
    with django_assert_num_queries(1):
        block = _block(AnonymousUser(), c)
    assert block.summary.startswith("4")
    assert [i.url.rstrip("/").rsplit("/", 1)[1] for i in block.items] == [
        str(r.pk) for r in (reports[3], reports[2], reports[1])]
    # the worker sees the hidden one too
    worker_block = _block(personas.worker, c)
    assert worker_block.summary.startswith("5")
    assert worker_block.items[0].url.endswith(f"/{hidden.pk}/")


def test_nothing_in_progress_no_summary(personas):
    from django.contrib.auth.models import AnonymousUser

    block = _block(AnonymousUser(), personas.community)
    assert block.summary == "" and block.items == []
