"""Who may do what in deliberation (django-rules). The matrix is in docs/deliberation.md.

* everyone (also signed-out visitors) sees open and closed conversations, the opinion map
  and the results; drafts only workers;
* voting and writing statements: while the conversation is open, verified residents of its
  community by default, or every resident when the conversation says so;
* workers (and community / subdistrict admins) create, open, close, moderate and export.
"""

from __future__ import annotations

import rules

from gongzhi.accounts.rules import is_member, is_verified_resident, is_worker
from gongzhi.deliberation.models import Conversation


def _conversation_of(obj) -> Conversation | None:
    if isinstance(obj, Conversation):
        return obj
    return getattr(obj, "conversation", None)


@rules.predicate
def conversation_is_visible(user, obj) -> bool:
    c = _conversation_of(obj)
    return c is not None and c.state != Conversation.State.DRAFT


@rules.predicate
def conversation_is_open(user, obj) -> bool:
    from django.utils import timezone

    c = _conversation_of(obj)
    if c is None or c.state != Conversation.State.OPEN:
        return False
    now = timezone.now()
    return (c.opens_at is None or c.opens_at <= now) and (c.closes_at is None
                                                          or now < c.closes_at)


@rules.predicate
def in_voter_audience(user, obj) -> bool:
    c = _conversation_of(obj)
    if c is None or not user.is_authenticated:
        return False
    if c.voters == Conversation.Voters.RESIDENTS:
        return is_member(user, c.community)
    return is_verified_resident(user, c.community)


@rules.predicate
def is_conversation_worker(user, obj) -> bool:
    c = _conversation_of(obj)
    return c is not None and is_worker(user, c.community)


@rules.predicate
def project_phase_allows_vote(user, obj) -> bool:
    return _phase_allows(user, obj, "deliberation.vote")


@rules.predicate
def project_phase_allows_propose(user, obj) -> bool:
    return _phase_allows(user, obj, "deliberation.propose_statement")


def _phase_allows(user, obj, code: str) -> bool:
    """A conversation inside a project is open only in a phase that has the action.

    Without a project nothing more is required than the conversation's own rules.
    """
    c = _conversation_of(obj)
    if c is None or c.project_id is None:
        return True
    from gongzhi.projects.phase_actions import phase_allows

    return phase_allows(user, c.project, code)


can_take_part = conversation_is_open & in_voter_audience

rules.add_perm("deliberation.view_conversations", rules.always_allow)
rules.add_perm("deliberation.manage_conversations", is_worker)  # on a community
rules.add_perm("deliberation.view_conversation", is_conversation_worker
               | conversation_is_visible)
rules.add_perm("deliberation.vote", can_take_part & project_phase_allows_vote)
rules.add_perm("deliberation.propose_statement", can_take_part
               & project_phase_allows_propose)
rules.add_perm("deliberation.moderate", is_conversation_worker)
rules.add_perm("deliberation.manage_conversation", is_conversation_worker)
rules.add_perm("deliberation.export", is_conversation_worker)
