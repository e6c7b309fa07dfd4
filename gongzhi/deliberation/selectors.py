"""Reads shared by pages and the API, scoped to what the user may see."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, Q, QuerySet

from gongzhi.deliberation.engine.repness import comment_priority
from gongzhi.deliberation.models import Conversation, Participant, Snapshot, Statement, Vote

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

FRESH_PRIORITY = float(comment_priority([0], [0], [0], [0])[0])


class ConversationCounts(TypedDict):
    """What the list annotates on each conversation."""

    n_statements: int
    n_participants: int


def conversation_list(user, community
                      ) -> QuerySet[WithAnnotations[Conversation, ConversationCounts]]:
    qs = Conversation.objects.filter(community=community).annotate(
        n_statements=Count("statements", filter=Q(statements__status="accepted"),
                           distinct=True),
        n_participants=Count("participants", distinct=True))
    if not user.has_perm("deliberation.manage_conversations", community):
        qs = qs.exclude(state=Conversation.State.DRAFT)
    return qs.order_by("-created_at", "-pk")


def conversation_qs() -> QuerySet[Conversation]:
    return Conversation.objects.select_related("community", "project")


def latest_snapshot(conversation: Conversation) -> Snapshot | None:
    return conversation.snapshots.order_by("-computed_at", "-pk").first()


def participant_of(user, conversation: Conversation) -> Participant | None:
    if not user.is_authenticated:
        return None
    return Participant.objects.filter(conversation=conversation, user=user).first()


def votes_of(participant: Participant | None) -> dict[int, int]:
    """statement number -> value, for the participant's own votes."""
    if participant is None:
        return {}
    return dict(Vote.objects.filter(participant=participant)
                .values_list("statement__number", "value"))


def shown_statements(conversation: Conversation) -> QuerySet[Statement]:
    return conversation.statements.filter(status=Statement.Status.ACCEPTED).order_by("number")


def next_statement(conversation: Conversation, participant: Participant | None,
                   snapshot: Snapshot | None = None) -> Statement | None:
    """The next statement to vote on, drawn with Pol.is' routing priorities.

    Pol.is serves statements at random weighted by ``comment-priorities`` (important and
    divisive statements, and new ones that few have seen, come first). The draw is seeded by
    the participant and how many votes they have cast, so a reload shows the same statement.
    """
    voted = set(Vote.objects.filter(participant=participant).values_list("statement_id",
                                                                         flat=True)) \
        if participant is not None else set()
    candidates = [(pk, number) for pk, number in shown_statements(conversation)
                  .values_list("pk", "number") if pk not in voted]
    if not candidates:
        return None
    priority = (snapshot.data.get("priority", {}) if snapshot is not None else {})
    weights = [max(float(priority.get(str(number), FRESH_PRIORITY)), 1e-6)
               for _pk, number in candidates]
    seed = f"{conversation.pk}:{participant.number if participant else 'anon'}:{len(voted)}"
    pk = random.Random(seed).choices([c[0] for c in candidates], weights=weights, k=1)[0]
    return Statement.objects.get(pk=pk)


def map_threshold(conversation: Conversation) -> int:
    """Votes after which a participant is placed on the map (Pol.is: 7, or all statements)."""
    n = shown_statements(conversation).count()
    return max(1, min(7, n))


def moderation_queue(conversation: Conversation) -> QuerySet[Statement]:
    return conversation.statements.filter(status=Statement.Status.PENDING).order_by("number")


def results(conversation: Conversation, snapshot: Snapshot | None) -> dict:
    """Everything the results page and the report show, with statement texts resolved."""
    statements = {s.number: s for s in conversation.statements.all()}
    data = snapshot.data if snapshot is not None else {}
    stats = data.get("stats", {})

    def item(entry: dict) -> dict | None:
        s = statements.get(entry["statement"])
        if s is None or s.status != Statement.Status.ACCEPTED:
            return None
        a, d, p = stats.get(str(s.number), [0, 0, 0])
        out = {**entry, "text": s.text, "number": s.number, "agree": a, "disagree": d,
               "pass": p, "seen": a + d + p}
        if "min_agree" in entry:
            out["min_agree_pct"] = round(100 * entry["min_agree"])
        return out

    groups = []
    for i, g in enumerate(data.get("groups", [])):
        reps = [x for x in (item(r) for r in g["repness"]) if x]
        groups.append({**g, "label": group_label(i), "repness": reps})
    return {
        "groups": groups,
        "consensus": [x for x in (item(c) for c in data.get("consensus", {}).get("agree", []))
                      if x],
        "consensus_disagree": [x for x in (item(c) for c in
                                           data.get("consensus", {}).get("disagree", [])) if x],
        "group_informed": [x for x in (item(c) for c in data.get("group_informed", [])) if x],
        "statements": statements,
    }


def group_label(index: int) -> str:
    """A, B, C… (Pol.is names groups by letter)."""
    return chr(ord("A") + index)
