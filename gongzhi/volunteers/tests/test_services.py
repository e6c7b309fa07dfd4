"""Sign-up and waiting list, check-in/out, hours confirmed by the leader, reports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gongzhi.core.models import AuditEntry
from gongzhi.testing.factories import UserFactory, make_member
from gongzhi.volunteers import selectors, services
from gongzhi.volunteers.models import Shift, ShiftSignup
from gongzhi.volunteers.tests.conftest import fresh, make_shift


def people(personas, n):
    return [make_member(UserFactory(), personas.community) for _ in range(n)]


def test_full_shift_waitlists_and_a_cancellation_promotes_in_order(personas, shift):
    a, b, c, d = people(personas, 4)
    assert services.shift_signup(actor=a, shift=shift).status == "registered"
    assert services.shift_signup(actor=b, shift=shift).status == "registered"
    assert services.shift_signup(actor=c, shift=shift).status == "waitlisted"
    assert services.shift_signup(actor=d, shift=shift).status == "waitlisted"
    # signing up twice changes nothing
    assert services.shift_signup(actor=a, shift=shift).status == "registered"
    shift.refresh_from_db()
    assert shift.seats_taken == 2
    services.shift_signup_cancel(actor=a, shift=shift)
    statuses = dict(ShiftSignup.objects.filter(shift=shift).values_list("user_id", "status"))
    assert statuses == {a.pk: "cancelled", b.pk: "registered", c.pk: "registered",
                        d.pk: "waitlisted"}
    shift.refresh_from_db()
    assert shift.seats_taken == 2
    from gongzhi.notifications.models import Notification

    assert Notification.objects.filter(user=c, kind="volunteers.promoted").count() == 1
    assert not Notification.objects.filter(user=d, kind="volunteers.promoted").exists()
    assert AuditEntry.objects.filter(action="volunteers.sign_up").count() == 4


def test_the_database_refuses_overfilling_a_shift(personas, shift):
    with pytest.raises(IntegrityError), transaction.atomic():
        Shift.objects.filter(pk=shift.pk).update(seats_taken=3)


def test_check_in_by_code_in_the_window_and_by_the_leader(personas, opportunity, leader):
    now_shift = make_shift(personas, opportunity, days=0, hours=2)
    a, b = people(personas, 2)
    for u in (a, b):
        services.shift_signup(actor=u, shift=now_shift)
    with pytest.raises(ValidationError):
        services.shift_check_in(actor=a, shift=now_shift, code="000000x")
    s = services.shift_check_in(actor=a, shift=now_shift, code=now_shift.checkin_code)
    assert s.checked_in_at is not None and s.check_method == "qr"
    s = services.shift_check_in(actor=fresh(leader), shift=now_shift, user=b)
    assert s.check_method == "worker"
    # a volunteer cannot check someone else in
    c = people(personas, 1)[0]
    with pytest.raises(PermissionDenied):
        services.shift_check_in(actor=c, shift=now_shift, user=a)
    later = make_shift(personas, opportunity, days=3)
    services.shift_signup(actor=c, shift=later)
    with pytest.raises(ValidationError):  # three days early
        services.shift_check_in(actor=c, shift=later, code=later.checkin_code)


def test_only_the_leader_confirms_hours_and_only_confirmed_hours_count(personas, opportunity,
                                                                       leader):
    shift = make_shift(personas, opportunity, days=0, hours=3)
    a = people(personas, 1)[0]
    services.shift_signup(actor=a, shift=shift)
    signup = ShiftSignup.objects.get(shift=shift, user=a)
    with pytest.raises(ValidationError):  # not checked in yet
        services.hours_confirm(actor=fresh(leader), signup=signup)
    services.shift_check_in(actor=a, shift=shift, code=shift.checkin_code)
    assert selectors.confirmed_hours(a) == 0
    with pytest.raises(PermissionDenied):
        services.hours_confirm(actor=a, signup=signup)
    with pytest.raises(ValidationError):
        services.hours_confirm(actor=fresh(leader), signup=signup, hours=Decimal("25"))
    services.hours_confirm(actor=fresh(leader), signup=signup)  # default: the shift's 3 h
    assert selectors.confirmed_hours(a) == Decimal("3")
    services.hours_confirm(actor=personas.worker, signup=signup, hours=Decimal("2.5"))
    assert selectors.confirmed_hours(a) == Decimal("2.5")
    entry = AuditEntry.objects.filter(action="volunteers.hours_confirm").order_by("-id")[0]
    assert entry.before["hours"] == "3.00" and entry.after["hours"] == "2.50"


def test_the_leader_does_not_confirm_their_own_hours(personas, opportunity, leader):
    shift = make_shift(personas, opportunity, days=0)
    services.shift_signup(actor=fresh(leader), shift=shift)
    services.shift_check_in(actor=fresh(leader), shift=shift, code=shift.checkin_code)
    with pytest.raises(PermissionDenied):
        services.hours_confirm(actor=fresh(leader),
                               signup=ShiftSignup.objects.get(shift=shift, user=leader))


def test_no_cancel_after_check_in(personas, opportunity):
    shift = make_shift(personas, opportunity, days=0)
    a = people(personas, 1)[0]
    services.shift_signup(actor=a, shift=shift)
    services.shift_check_in(actor=a, shift=shift, code=shift.checkin_code)
    with pytest.raises(ValidationError):
        services.shift_signup_cancel(actor=a, shift=shift)


def test_bad_input_is_refused_in_the_users_language(personas, opportunity):
    starts = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(ValidationError):
        services.shift_create(actor=personas.worker, opportunity=opportunity,
                              starts_at=starts, ends_at=starts, capacity=2)
    with pytest.raises(ValidationError):
        services.shift_create(actor=personas.worker, opportunity=opportunity,
                              starts_at=starts, ends_at=starts + dt.timedelta(hours=1),
                              capacity=0)
    with pytest.raises(ValidationError):
        services.opportunity_create(actor=personas.worker, community=personas.community,
                                    title="x", lat=39.9)
    with pytest.raises(PermissionDenied):
        services.opportunity_create(actor=personas.verified, community=personas.community,
                                    title="x")


def test_monthly_team_rows_list_checked_in_service(personas, opportunity, leader, team):
    shift = make_shift(personas, opportunity, days=0)
    a, b = people(personas, 2)
    for u in (a, b):
        services.shift_signup(actor=u, shift=shift)
    services.shift_check_in(actor=a, shift=shift, code=shift.checkin_code)
    services.hours_confirm(actor=fresh(leader), signup=ShiftSignup.objects.get(user=a))
    rows = selectors.team_month_rows(team, timezone.localtime(shift.starts_at).date())
    assert [(r["volunteer"], r["hours"], r["confirmed"]) for r in rows] == [
        (a.public_name, Decimal("2.00"), True)]
