"""The waiting list under concurrent registrations (PostgreSQL; SQLite serialises writers)."""

from __future__ import annotations

import pytest

from gongzhi.activities import services
from gongzhi.activities.models import Occurrence, Registration
from gongzhi.activities.tests.conftest import next_weekday_at
from gongzhi.projects.tests.test_concurrency import run_together
from gongzhi.testing.factories import CommunityFactory, UserFactory, make_member, make_staff

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_thirty_at_once_fill_ten_places_queue_twenty_and_cancellations_promote_in_order():
    community = CommunityFactory()
    worker = make_staff(UserFactory(), community, "worker")
    activity = services.activity_create(actor=worker, community=community, title="放学后1小时",
                                        first_start=next_weekday_at(16, 30), capacity=10,
                                        location_text="社区活动室")
    occ = activity.occurrences.get()
    people = [make_member(UserFactory(), community) for _ in range(30)]
    outcomes = run_together([lambda u=u: services.registration_create(actor=u, occurrence=occ)
                             for u in people])
    assert not [o for o in outcomes if isinstance(o, Exception)]
    counts = {s: Registration.objects.filter(occurrence=occ, status=s).count()
              for s in ("registered", "waitlisted")}
    assert counts == {"registered": 10, "waitlisted": 20}
    assert Occurrence.objects.get(pk=occ.pk).seats_taken == 10
    queue = list(Registration.objects.filter(occurrence=occ, status="waitlisted")
                 .order_by("queued_at", "id").values_list("user_id", flat=True))
    registered = list(Registration.objects.filter(occurrence=occ, status="registered")
                      .select_related("user", "occurrence"))
    outcomes = run_together([lambda r=r: services.registration_cancel(actor=r.user,
                                                                       registration=r)
                             for r in registered[:5]])
    assert not [o for o in outcomes if isinstance(o, Exception)]
    now_registered = set(Registration.objects.filter(occurrence=occ, status="registered")
                         .values_list("user_id", flat=True))
    assert set(queue[:5]) <= now_registered
    assert not set(queue[5:]) & now_registered
    assert Occurrence.objects.get(pk=occ.pk).seats_taken == 10
    still = list(Registration.objects.filter(occurrence=occ, status="waitlisted")
                 .order_by("queued_at", "id").values_list("user_id", flat=True))
    assert still == queue[5:]
