"""A resident's deliberation data: their statements and votes (export), and deletion.

On account deletion the person's seats are unlinked from the account: their votes stay in
the opinion map as an anonymous participant number (as in any Pol.is export), and nothing
connects them to the person any more.
"""

from __future__ import annotations

from gongzhi.core.export import register
from gongzhi.deliberation.models import Participant, Statement, Vote


@register("deliberation")
def deliberation(user) -> dict:
    seats = Participant.objects.filter(user=user).select_related("conversation__community")
    return {
        "conversations": [
            {"question": p.conversation.question, "community": p.conversation.community.name,
             "participant_number": p.number, "joined_at": p.joined_at.isoformat(),
             "statements": [
                 {"number": s.number, "text": s.text, "status": s.status,
                  "created_at": s.created_at.isoformat()}
                 for s in Statement.objects.filter(author=p).order_by("number")],
             "votes": [
                 {"statement": n, "value": v, "at": at.isoformat()}
                 for n, v, at in Vote.objects.filter(participant=p).order_by(
                     "statement__number").values_list("statement__number", "value",
                                                      "updated_at")],
             }
            for p in seats
        ]
    }


def forget(user) -> int:
    """Unlink the person from their participant numbers; returns how many were unlinked."""
    return Participant.objects.filter(user=user).update(user=None)
