"""Permission matrix: each persona x each action, on an open conversation, a draft, a closed
one and another community's conversation."""

from __future__ import annotations

import pytest

from gongzhi.deliberation import services
from gongzhi.deliberation.models import Conversation

ALL = ("anonymous", "outsider", "resident", "verified", "owner", "worker", "admin",
       "other_admin", "subdistrict_admin")
STAFF = {"worker", "admin", "subdistrict_admin"}

MATRIX = {
    # perm: personas allowed on the open conversation
    "deliberation.view_conversation": set(ALL),
    "deliberation.vote": {"verified", "owner"},
    "deliberation.propose_statement": {"verified", "owner"},
    "deliberation.moderate": STAFF,
    "deliberation.manage_conversation": STAFF,
    "deliberation.export": STAFF,
}


def _has(personas, name, perm, obj) -> bool:
    from django.contrib.auth.models import AnonymousUser

    user = personas.user(name) or AnonymousUser()
    return user.has_perm(perm, obj)


@pytest.mark.parametrize("perm", sorted(MATRIX))
@pytest.mark.parametrize("name", ALL)
def test_open_conversation_matrix(personas, conversation, name, perm):
    assert _has(personas, name, perm, conversation) == (name in MATRIX[perm])


@pytest.mark.parametrize("name", ALL)
def test_everyone_may_vote_when_the_conversation_says_all_residents(personas, conversation,
                                                                    name):
    conversation.voters = Conversation.Voters.RESIDENTS
    conversation.save()
    assert _has(personas, name, "deliberation.vote", conversation) == (
        name in {"resident", "verified", "owner"})


@pytest.mark.parametrize("name", ALL)
def test_draft_is_seen_only_by_staff_and_nobody_votes(personas, conversation, name):
    conversation.state = Conversation.State.DRAFT
    conversation.save()
    assert _has(personas, name, "deliberation.view_conversation", conversation) == (
        name in STAFF)
    assert not _has(personas, name, "deliberation.vote", conversation)


@pytest.mark.parametrize("name", ALL)
def test_closed_conversation_is_read_only(personas, conversation, name):
    conversation.state = Conversation.State.CLOSED
    conversation.save()
    assert _has(personas, name, "deliberation.view_conversation", conversation)
    assert not _has(personas, name, "deliberation.vote", conversation)
    assert not _has(personas, name, "deliberation.propose_statement", conversation)


def test_closes_at_in_the_past_stops_votes(personas, conversation):
    import datetime as dt

    from django.utils import timezone

    conversation.closes_at = timezone.now() - dt.timedelta(minutes=1)
    conversation.save()
    assert not _has(personas, "verified", "deliberation.vote", conversation)


@pytest.mark.parametrize("name", ALL)
def test_other_community(personas, other_conversation, name):
    allowed_staff = {"other_admin"}
    assert _has(personas, name, "deliberation.vote", other_conversation) is False
    assert _has(personas, name, "deliberation.moderate", other_conversation) == (
        name in allowed_staff)


@pytest.mark.parametrize("name", ALL)
def test_create_conversations(personas, name):
    assert _has(personas, name, "deliberation.manage_conversations", personas.community) == (
        name in STAFF)


def test_service_refuses_without_permission(personas, conversation):
    from django.core.exceptions import PermissionDenied

    statement = conversation.statements.first()
    with pytest.raises(PermissionDenied):
        services.vote_cast(actor=personas.resident, statement=statement, value=1)
    with pytest.raises(PermissionDenied):
        services.statement_moderate(actor=personas.verified, statement=statement,
                                    status="hidden", reason="x")
    with pytest.raises(PermissionDenied):
        services.conversation_create(actor=personas.verified, community=personas.community,
                                     question="我的问题呢")
