"""The entrant's contest data in the personal-data export (PIPL), and account deletion."""

from __future__ import annotations

from gongzhi.contests.models import Entry, JuryScore
from gongzhi.core.export import on_delete, register


def _iso(value):
    return value.isoformat() if value else None


@register("contests")
def contests(user) -> dict:
    return {
        "entries": [{"contest": e.contest.title, "community": e.contest.community.name,
                     "title": e.title, "statement": e.statement,
                     "proposed_name": e.proposed_name, "image": e.image.name or None,
                     "licence": e.licence, "status": e.status,
                     "reject_reason": e.reject_reason, "show_name": e.show_name,
                     "created_at": _iso(e.created_at)}
                    for e in Entry.objects.filter(entrant=user)
                    .select_related("contest__community")],
        "jury_scores": [{"contest": s.entry.contest.title, "entry": s.entry.title,
                         "criterion": s.criterion, "score": s.score,
                         "scored_at": _iso(s.scored_at)}
                        for s in JuryScore.objects.filter(juror=user)
                        .select_related("entry__contest")],
    }


@on_delete("contests")
def contests_delete(user) -> None:
    """Entries under CC BY or community use stay in the gallery and the result,
    attributed to "a former resident"; entries under "all rights reserved" lose their
    picture and text. Jury scores stay (the result they fed was public), unattributed
    since the account row is anonymised."""
    from gongzhi.contests.services import entries_anonymise_for

    entries_anonymise_for(user)
