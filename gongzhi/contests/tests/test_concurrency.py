"""Limits under concurrent requests (PostgreSQL; SQLite serialises writers)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gongzhi.contests import services
from gongzhi.contests.models import Entry, Licence
from gongzhi.projects.tests.test_concurrency import run_together
from gongzhi.testing.factories import CommunityFactory, UserFactory, make_member, make_staff

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_eight_taps_at_once_make_one_entry_when_one_is_allowed(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    community = CommunityFactory()
    worker = make_staff(UserFactory(), community, "worker")
    now = timezone.now()
    contest = services.contest_create(
        actor=worker, community=community, kind="naming", title="起名", brief="起名字",
        submission_opens=now - dt.timedelta(days=1), submission_closes=now + dt.timedelta(days=1),
        voting_opens=now + dt.timedelta(days=2), voting_closes=now + dt.timedelta(days=3),
        announce_on=timezone.localdate(now + dt.timedelta(days=4)))
    contest = services.contest_publish(actor=worker, contest=contest)
    from gongzhi.spaces.services import space_create
    from gongzhi.spaces.tests.conftest import LAT, LON, square

    space = space_create(actor=None, community=community, kind="pocket_park", name="广场",
                         geometry=square(LON, LAT))
    person = make_member(UserFactory(), community)

    def send(i):
        from gongzhi.accounts.models import User

        return services.entry_submit(actor=User.objects.get(pk=person.pk), contest=contest,
                                     title=f"名字{i}", statement="寓意", proposed_name=f"名{i}",
                                     space=space, licence=Licence.CC_BY, consent_publish=True)

    outcomes = run_together([lambda i=i: send(i) for i in range(8)])
    assert Entry.objects.filter(contest=contest, entrant=person).count() == 1
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 7


def test_concurrent_read_taps_leave_one_receipt():
    from gongzhi.news import services as news
    from gongzhi.news.models import ReadReceipt
    from gongzhi.orgs.models import OrgKind
    from gongzhi.testing.factories import OrganisationFactory

    community = CommunityFactory()
    worker = make_staff(UserFactory(), community, "worker")
    org = OrganisationFactory(community=community, kind=OrgKind.PROPERTY)
    a = news.announcement_create(actor=worker, community=community, organisation=org,
                                 title="停水", body="停水通知", important=True)
    person = make_member(UserFactory(), community)

    def tap():
        from gongzhi.accounts.models import User

        return news.read_confirm(actor=User.objects.get(pk=person.pk), announcement=a)

    outcomes = run_together([tap for _ in range(6)])
    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert ReadReceipt.objects.filter(announcement=a).count() == 1
