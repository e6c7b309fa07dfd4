"""One vote per participant and statement under concurrent requests (PostgreSQL): 60 clients
in threads, two per person, race to vote and change votes on the same statements; afterwards
each person has exactly one participant number and at most one vote per statement."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from gongzhi.accounts.models import Membership, RoleAssignment, User
from gongzhi.deliberation import services
from gongzhi.deliberation.models import Conversation, Participant, Vote
from gongzhi.testing.factories import CommunityFactory, UserFactory, make_staff

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_votes_keep_one_vote_per_statement():
    community = CommunityFactory()
    worker = make_staff(UserFactory(), community, "worker")
    users = User.objects.bulk_create([User(phone=f"1770000{i:04d}", username=f"cc-{i}")
                                      for i in range(30)])
    Membership.objects.bulk_create([Membership(user=u, community=community,
                                               status="verified") for u in users])
    RoleAssignment.objects.bulk_create([RoleAssignment(user=u, community=community,
                                                       role="verified_resident")
                                        for u in users])
    conversation = services.conversation_create(
        actor=worker, community=community, question="并发测试的问题",
        seeds=[f"第{i}条观点的内容" for i in range(4)], state=Conversation.State.OPEN)
    statements = list(conversation.statements.all())

    def client(i: int) -> None:
        rng = random.Random(i)
        user = User.objects.get(pk=users[i // 2].pk)
        try:
            for _ in range(8):
                services.vote_cast(actor=user, statement=rng.choice(statements),
                                   value=rng.choice([-1, 0, 1]))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(client, range(60)))
    assert Participant.objects.filter(conversation=conversation).count() == 30
    assert Participant.objects.filter(conversation=conversation).values("number").distinct() \
        .count() == 30
    pairs = list(Vote.objects.values_list("participant_id", "statement_id"))
    assert len(pairs) == len(set(pairs))
    assert len(pairs) <= 30 * 4
