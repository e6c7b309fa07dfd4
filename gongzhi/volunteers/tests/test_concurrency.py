"""The waiting list under concurrent sign-ups (PostgreSQL; SQLite serialises writers)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.projects.tests.test_concurrency import run_together
from gongzhi.testing.factories import CommunityFactory, UserFactory, make_member, make_staff
from gongzhi.volunteers import services
from gongzhi.volunteers.models import Shift, ShiftSignup

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_twenty_people_at_once_fill_five_places_and_queue_the_rest():
    community = CommunityFactory()
    worker = make_staff(UserFactory(), community, "worker")
    opp = services.opportunity_create(actor=worker, community=community, title="巡逻")
    starts = timezone.now() + dt.timedelta(days=1)
    shift = services.shift_create(actor=worker, opportunity=opp, starts_at=starts,
                                  ends_at=starts + dt.timedelta(hours=2), capacity=5)
    people = [make_member(UserFactory(), community) for _ in range(20)]
    outcomes = run_together([lambda u=u: services.shift_signup(actor=u, shift=shift)
                             for u in people])
    assert not [o for o in outcomes if isinstance(o, Exception)]
    shift.refresh_from_db()
    counts = {s: ShiftSignup.objects.filter(shift=shift, status=s).count()
              for s in ("registered", "waitlisted")}
    assert counts == {"registered": 5, "waitlisted": 15}
    assert shift.seats_taken == 5
    # five cancel at once: exactly the first five of the queue move up
    queue = list(ShiftSignup.objects.filter(shift=shift, status="waitlisted")
                 .order_by("queued_at", "id").values_list("user_id", flat=True))
    registered = list(ShiftSignup.objects.filter(shift=shift, status="registered")
                      .select_related("user"))
    outcomes = run_together([lambda s=s: services.shift_signup_cancel(actor=s.user,
                                                                      shift=shift)
                             for s in registered])
    assert not [o for o in outcomes if isinstance(o, Exception)]
    now_registered = set(ShiftSignup.objects.filter(shift=shift, status="registered")
                         .values_list("user_id", flat=True))
    assert now_registered == set(queue[:5])
    assert Shift.objects.get(pk=shift.pk).seats_taken == 5
