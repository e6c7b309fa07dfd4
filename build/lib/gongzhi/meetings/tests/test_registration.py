"""Capacity and the waitlist, including concurrent registrations on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from gongzhi.accounts.models import Membership
from gongzhi.meetings import services
from gongzhi.meetings.models import Meeting, MeetingKind, Registration
from gongzhi.meetings.tests.conftest import make_meeting
from gongzhi.notifications.models import Notification
from gongzhi.testing.factories import UserFactory, make_member


def residents(community, n):
    return [make_member(UserFactory(), community) for _ in range(n)]


def statuses(meeting):
    return list(Registration.objects.filter(meeting=meeting).order_by("queued_at", "id")
                .values_list("status", flat=True))


def test_registrations_beyond_capacity_go_to_the_waitlist(personas):
    meeting = make_meeting(personas.community, kind=MeetingKind.HEARING, capacity=2)
    people = residents(personas.community, 3)
    regs = [services.registration_create(actor=p, meeting=meeting) for p in people]
    assert [r.status for r in regs] == ["registered", "registered", "waitlisted"]
    meeting.refresh_from_db()
    assert meeting.seats_taken == 2 and meeting.places_left == 0


def test_registering_twice_is_idempotent(personas, hearing):
    first = services.registration_create(actor=personas.verified, meeting=hearing)
    again = services.registration_create(actor=personas.verified, meeting=hearing)
    assert first.pk == again.pk
    hearing.refresh_from_db()
    assert hearing.seats_taken == 1


def test_a_cancellation_promotes_the_first_on_the_waitlist(personas):
    meeting = make_meeting(personas.community, kind=MeetingKind.HEARING, capacity=1)
    a, b, c = residents(personas.community, 3)
    for p in (a, b, c):
        services.registration_create(actor=p, meeting=meeting)
    services.registration_cancel(actor=a, meeting=meeting)
    assert Registration.objects.get(meeting=meeting, user=b).status == "registered"
    assert Registration.objects.get(meeting=meeting, user=c).status == "waitlisted"
    assert Notification.objects.filter(user=b, kind="meeting.promoted", important=True).exists()
    assert not Notification.objects.filter(user=c, kind="meeting.promoted").exists()
    meeting.refresh_from_db()
    assert meeting.seats_taken == 1


def test_cancelling_a_waitlisted_place_promotes_nobody(personas):
    meeting = make_meeting(personas.community, kind=MeetingKind.HEARING, capacity=1)
    a, b, c = residents(personas.community, 3)
    for p in (a, b, c):
        services.registration_create(actor=p, meeting=meeting)
    services.registration_cancel(actor=b, meeting=meeting)
    assert Registration.objects.get(meeting=meeting, user=c).status == "waitlisted"


def test_re_registering_after_cancelling_queues_at_the_end(personas):
    meeting = make_meeting(personas.community, kind=MeetingKind.HEARING, capacity=1)
    a, b = residents(personas.community, 2)
    services.registration_create(actor=a, meeting=meeting)
    services.registration_create(actor=b, meeting=meeting)
    services.registration_cancel(actor=a, meeting=meeting)
    again = services.registration_create(actor=a, meeting=meeting)
    assert again.status == "waitlisted"


def test_raising_the_capacity_promotes_the_waitlist(personas, worker_meeting_capacity_1):
    meeting, people = worker_meeting_capacity_1
    services.meeting_update(actor=personas.worker, meeting=meeting, capacity=2)
    assert statuses(meeting) == ["registered", "registered", "waitlisted"]


def test_capacity_cannot_drop_below_the_registered(personas, worker_meeting_capacity_1):
    from django.core.exceptions import ValidationError

    meeting, _ = worker_meeting_capacity_1
    meeting.capacity = 1
    meeting.save()
    services.registration_cancel(actor=_[0], meeting=meeting)
    services.registration_create(actor=_[0], meeting=meeting)
    with pytest.raises(ValidationError):
        services.meeting_update(actor=personas.worker, meeting=meeting, capacity=0)


@pytest.fixture
def worker_meeting_capacity_1(personas):
    meeting = make_meeting(personas.community, kind=MeetingKind.HEARING, capacity=1)
    people = residents(personas.community, 3)
    for p in people:
        services.registration_create(actor=p, meeting=meeting)
    return meeting, people


def test_the_database_refuses_more_seats_than_places(personas):
    meeting = make_meeting(personas.community, kind=MeetingKind.HEARING, capacity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(seats_taken=2)


def test_a_pending_resident_cannot_register_for_a_council(personas, council):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.registration_create(actor=personas.resident, meeting=council)


def test_register_and_cancel_through_the_pages(personas, hearing):
    client = personas.client("verified")
    url = f"/c/{personas.community.slug}/meetings/{hearing.pk}/"
    assert client.post(url + "register/", {"age_band": "35_59"}).status_code == 302
    reg = Registration.objects.get(meeting=hearing, user=personas.verified)
    assert reg.status == "registered" and reg.age_band == "35_59"
    assert f"{url}cancel/" in client.get(url).content.decode()
    client.post(url + "cancel/")
    reg.refresh_from_db()
    assert reg.status == "cancelled"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_overfill_the_room(personas):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")
    capacity, threads_n = 3, 10
    meeting = make_meeting(personas.community, kind=MeetingKind.HEARING, capacity=capacity)
    people = []
    for _ in range(threads_n):
        u = UserFactory()
        Membership.objects.create(user=u, community=personas.community,
                                  status=Membership.Status.VERIFIED)
        people.append(u)
    barrier = threading.Barrier(threads_n)
    errors: list[BaseException] = []

    def worker(user):
        try:
            barrier.wait(timeout=10)
            services.registration_create(actor=user, meeting=meeting)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(u,)) for u in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    meeting.refresh_from_db()
    counts = {s: Registration.objects.filter(meeting=meeting, status=s).count()
              for s in ("registered", "waitlisted")}
    assert counts == {"registered": capacity, "waitlisted": threads_n - capacity}
    assert meeting.seats_taken == capacity

    # Concurrent cancellations promote exactly as many people as places were freed.
    registered = list(Registration.objects.filter(meeting=meeting, status="registered")
                      .select_related("user"))
    barrier2 = threading.Barrier(len(registered))

    def cancel(user):
        try:
            barrier2.wait(timeout=10)
            services.registration_cancel(actor=user, meeting=meeting)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=cancel, args=(r.user,)) for r in registered]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    meeting.refresh_from_db()
    assert Registration.objects.filter(meeting=meeting, status="registered").count() == capacity
    assert meeting.seats_taken == capacity
