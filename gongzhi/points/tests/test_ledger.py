"""The ledger: append-only, balances derived and never negative, earning idempotent, caps."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from gongzhi.points import selectors, services
from gongzhi.points.models import PointsAccount, PointsEntry
from gongzhi.points.tests.conftest import confirmed_signup, give

pytestmark = pytest.mark.django_db


def test_the_ledger_refuses_update_in_the_database(personas):
    entry = give(personas, personas.verified, 10)
    with pytest.raises(DatabaseError), transaction.atomic():
        PointsEntry.objects.filter(pk=entry.pk).update(amount=1000)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
        c.execute("UPDATE points_pointsentry SET note = 'x' WHERE id = %s", [entry.pk])
    assert PointsEntry.objects.get(pk=entry.pk).amount == 10


@pytest.mark.postgres
def test_the_ledger_refuses_delete_on_postgresql(personas):
    if connection.vendor != "postgresql":
        pytest.skip("DELETE is refused on PostgreSQL (SQLite's test runner deletes rows)")
    entry = give(personas, personas.verified, 10)
    with pytest.raises(DatabaseError), transaction.atomic():
        PointsEntry.objects.filter(pk=entry.pk).delete()


def test_a_balance_can_never_go_negative_in_the_database(personas):
    give(personas, personas.verified, 10)
    with pytest.raises(IntegrityError), transaction.atomic():
        PointsAccount.objects.filter(user=personas.verified).update(balance=-1)
    acc = PointsAccount.objects.get(user=personas.verified)
    with pytest.raises(IntegrityError), transaction.atomic():
        PointsEntry.objects.create(community=personas.community, user=personas.verified,
                                   amount=-20, balance_after=-10, kind="adjust", note="x")
    assert acc.balance == 10


def test_confirmed_hours_earn_once_whatever_runs_twice(personas):
    signup = confirmed_signup(personas, personas.verified, hours=2)
    assert services.sync_community(personas.community) == 1
    assert services.sync_community(personas.community) == 0
    assert services.award_object(signup) is None
    entry = PointsEntry.objects.get(user=personas.verified)
    assert (entry.amount, entry.rule, entry.source_id) == (20, "volunteer_hour", signup.pk)
    assert selectors.balance(personas.verified, personas.community) == 20
    assert selectors.ledger_balance(personas.verified, personas.community) == 20


def test_the_database_refuses_a_second_earning_for_the_same_source(personas):
    signup = confirmed_signup(personas, personas.verified)
    entry = services.award_object(signup)
    with pytest.raises(IntegrityError), transaction.atomic():
        PointsEntry.objects.create(community=personas.community, user=personas.verified,
                                   amount=5, balance_after=25, kind="earn", rule=entry.rule,
                                   source_type=entry.source_type, source_id=entry.source_id)


def test_unconfirmed_hours_earn_nothing(personas):
    signup = confirmed_signup(personas, personas.verified)
    type(signup).objects.filter(pk=signup.pk).update(confirmed_at=None, confirmed_by=None)
    assert services.sync_community(personas.community) == 0


def test_confirming_hours_through_the_volunteers_service_earns_after_commit(
        personas, django_capture_on_commit_callbacks):
    from gongzhi.volunteers import services as vs
    from gongzhi.volunteers.models import ShiftSignup

    signup = confirmed_signup(personas, personas.verified, hours=3)
    ShiftSignup.objects.filter(pk=signup.pk).update(confirmed_at=None, hours=None)
    with django_capture_on_commit_callbacks(execute=True):
        vs.hours_confirm(actor=personas.worker, signup=signup)
    assert selectors.balance(personas.verified, personas.community) == 30


def test_daily_and_monthly_caps(personas):
    services.rules_update(actor=personas.worker, community=personas.community,
                          per_volunteer_hour=30, daily_cap=50, monthly_cap=70)
    a = confirmed_signup(personas, personas.verified, hours=1, days_ago=2)
    b = confirmed_signup(personas, personas.verified, hours=1, days_ago=2)
    c = confirmed_signup(personas, personas.verified, hours=1, days_ago=2)
    for s in (a, b, c):
        services.award_object(s)
    amounts = list(PointsEntry.objects.filter(user=personas.verified)
                   .order_by("id").values_list("amount", "capped"))
    assert amounts == [(30, False), (20, True), (0, True)]   # 50 a day
    d = confirmed_signup(personas, personas.verified, hours=2, days_ago=1)
    entry = services.award_object(d)
    first = PointsEntry.objects.filter(user=personas.verified).order_by("id").first()
    # the month is the local one of the day the points were earned (two days ago and
    # yesterday fall in two months on the 1st and 2nd of a month, in Beijing time)
    if (first.occurred_on.year, first.occurred_on.month) == (entry.occurred_on.year,
                                                             entry.occurred_on.month):
        assert entry.amount == 20                            # 70 a month
    else:
        assert entry.amount == 50                            # a new month: the daily cap
    assert selectors.mismatched_accounts(personas.community) == []


def test_meetings_care_logs_and_accepted_proposals_earn(personas):
    import datetime as dt

    from django.utils import timezone

    from gongzhi.meetings.models import Attendance, Meeting
    from gongzhi.projects.models import Project, Proposal
    from gongzhi.spaces.models import CareLog, MaintenanceDuty

    m = Meeting.objects.create(community=personas.community, kind="council", title="议事会",
                               starts_at=timezone.now() - dt.timedelta(days=1),
                               status="held")
    Attendance.objects.create(meeting=m, user=personas.verified, method="code")
    Attendance.objects.create(meeting=m, name="走进来的居民", method="manual")
    from gongzhi.spaces.services import space_create
    from gongzhi.spaces.tests.conftest import LAT, LON, square

    space = space_create(actor=None, community=personas.community, kind="pocket_park",
                         name="花园", geometry=square(LON, LAT))
    duty = MaintenanceDuty.objects.create(space=space, community=personas.community,
                                          task="浇水", interval_days=3,
                                          next_due=timezone.localdate())
    CareLog.objects.create(duty=duty, space=space, done_on=timezone.localdate(),
                           done_by=personas.owner)
    CareLog.objects.create(duty=duty, space=space, done_on=timezone.localdate(),
                           done_by=personas.worker)          # a worker's own job: nothing
    project = Project.objects.create(community=personas.community, title="花园")
    Proposal.objects.create(project=project, community=personas.community,
                            author=personas.owner, title="种月季", description="x",
                            answer="accepted", answered_at=timezone.now())
    Proposal.objects.create(project=project, community=personas.community,
                            author=personas.verified, title="拆围墙", description="x",
                            answer="rejected", answer_text="不可行")
    assert services.sync_community(personas.community) == 3
    assert selectors.balance(personas.verified, personas.community) == 5
    assert selectors.balance(personas.owner, personas.community) == 3 + 20
    assert selectors.balance(personas.worker, personas.community) == 0


def test_award_for_is_the_hook_for_activities_and_is_idempotent(personas):
    from gongzhi.places.models import Building  # any model instance stands in for one

    thing = Building.objects.create(community=personas.community, number="9")
    first = services.award_for(thing, "activity", personas.verified, personas.community)
    again = services.award_for(thing, "activity", personas.verified, personas.community)
    assert first.amount == 5 and again is None
    with pytest.raises(ValueError):
        services.award_for(thing, "nonsense", personas.verified, personas.community)


def test_outsiders_and_deleted_accounts_do_not_earn(personas):
    confirmed_signup(personas, personas.outsider)
    assert services.sync_community(personas.community) == 0


def test_switched_off_points_earn_nothing(personas):
    services.rules_update(actor=personas.worker, community=personas.community, enabled=False)
    confirmed_signup(personas, personas.verified)
    assert services.sync_community(personas.community) == 0


def test_adjustment_needs_a_reason_is_audited_and_cannot_overdraw(personas):
    from gongzhi.core.models import AuditEntry

    with pytest.raises(ValidationError):
        services.adjustment_create(actor=personas.worker, community=personas.community,
                                   user=personas.verified, amount=5, reason="  ")
    give(personas, personas.verified, 5, "帮忙布置中秋活动")
    assert AuditEntry.objects.filter(action="points.adjust", reason="帮忙布置中秋活动").exists()
    with pytest.raises(ValidationError):
        give(personas, personas.verified, -6)
    with pytest.raises(PermissionDenied):
        services.adjustment_create(actor=personas.verified, community=personas.community,
                                   user=personas.verified, amount=5, reason="我自己")
    with pytest.raises(PermissionDenied):
        services.adjustment_create(actor=personas.other_admin, community=personas.community,
                                   user=personas.verified, amount=5, reason="隔壁")


def test_rules_update_is_audited_and_validated(personas):
    with pytest.raises(ValidationError):
        services.rules_update(actor=personas.worker, community=personas.community,
                              per_meeting=5000)
    services.rules_update(actor=personas.worker, community=personas.community, per_meeting=8)
    from gongzhi.core.models import AuditEntry

    e = AuditEntry.objects.get(action="points.rules_update")
    assert e.before["per_meeting"] == 5 and e.after["per_meeting"] == 8


def test_weekly_summary_tells_each_earner_their_total(personas):
    from gongzhi.notifications.models import Notification

    confirmed_signup(personas, personas.verified, hours=2)
    confirmed_signup(personas, personas.verified, hours=1, days_ago=2)
    services.sync_community(personas.community)
    assert services.weekly_summaries() == 1
    n = Notification.objects.get(user=personas.verified, kind="points.weekly")
    assert "30" in str(n.title)


def test_periodic_jobs_are_registered():
    from gongzhi.core.periodic import periodic_jobs

    jobs = periodic_jobs()
    assert "points.sync" in jobs and "points.weekly_summary" in jobs
