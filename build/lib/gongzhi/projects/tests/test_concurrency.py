"""Invariants under concurrent requests (PostgreSQL; SQLite serialises writers anyway)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connection
from django.utils import timezone

from gongzhi.projects import services
from gongzhi.projects.models import Proposal, Support, TaskSignup
from gongzhi.projects.tests.factories import (
    PhaseFactory,
    ProjectFactory,
    ProposalFactory,
    TaskFactory,
)
from gongzhi.testing.factories import CommunityFactory, UserFactory, make_member, make_staff

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(fns) -> list:
    barrier = threading.Barrier(len(fns))
    outcomes: list = [None] * len(fns)

    def wrap(i, fn):
        try:
            barrier.wait()
            outcomes[i] = fn()
        except Exception as exc:  # noqa: BLE001 - reported to the test
            outcomes[i] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=wrap, args=(i, fn)) for i, fn in enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def _setup(n_people: int):
    community = CommunityFactory()
    project = ProjectFactory(community=community)
    today = timezone.localdate()
    PhaseFactory(project=project, starts_on=today - dt.timedelta(days=1),
                 ends_on=today + dt.timedelta(days=1))
    worker = make_staff(UserFactory(), community, "worker")
    people = [make_member(UserFactory(), community) for _ in range(n_people)]
    return project, worker, people


def test_merge_keeps_supports_unique_under_concurrent_supports():
    project, worker, people = _setup(12)
    a, b = ProposalFactory(project=project), ProposalFactory(project=project)
    for user in people[:6]:
        services.support_add(actor=user, proposal=a)
    for user in people[3:9]:
        services.support_add(actor=user, proposal=b)
    # While the merge runs, people 6-11 support the source or the target at the same time.
    fns = [lambda: services.proposal_merge(actor=worker, source=a, target=b)]
    for i, user in enumerate(people[6:]):
        target = a if i % 2 else b
        fns.append(lambda u=user, t=target: services.support_add(actor=u, proposal=t))
    outcomes = run_together(fns)
    assert not any(isinstance(o, Exception) and not isinstance(o, PermissionDenied)
                   for o in outcomes), outcomes
    b.refresh_from_db()
    rows = list(Support.objects.filter(proposal=b).values_list("user_id", flat=True))
    assert len(rows) == len(set(rows)) == b.support_count
    late_on_a = {p.pk for p, o in zip(people[6:], outcomes[1:], strict=True)
                 if isinstance(o, PermissionDenied)}
    already_on_b = {u.pk for u in people[3:9]}
    assert set(rows) == {u.pk for u in people} - (late_on_a - already_on_b)
    assert Proposal.objects.get(pk=a.pk).support_count == 0
    assert not Support.objects.filter(proposal=a).exists()


def test_the_same_person_supporting_twice_at_once_counts_once():
    project, _worker, people = _setup(1)
    proposal = ProposalFactory(project=project)
    run_together([lambda: services.support_add(actor=people[0], proposal=proposal)] * 4)
    proposal.refresh_from_db()
    assert proposal.support_count == 1 == Support.objects.filter(proposal=proposal).count()


def test_task_capacity_holds_under_concurrent_signups():
    project, _worker, people = _setup(8)
    task = TaskFactory(project=project, capacity=3)
    outcomes = run_together([lambda u=u: services.task_signup(actor=u, task=task)
                             for u in people])
    assert TaskSignup.objects.filter(task=task).count() == 3
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 5
