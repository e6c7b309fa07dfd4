"""The resident's export: ballots they voted on (what they chose only on open ballots)."""

from __future__ import annotations

from typing import Any

from gongzhi.core.export import register


@register("decisions")
def collect(user):
    from gongzhi.decisions.models import BallotContent, VoterRecord

    out = []
    for r in (VoterRecord.objects.filter(cast_by=user).select_related("ballot")
              .order_by("voted_on")):
        item: dict[str, Any] = {"ballot": r.ballot.title, "channel": r.channel,
                                "voted_on": str(r.voted_on)}
        if r.receipt_hash:
            item["content"] = (BallotContent.objects.filter(ballot=r.ballot,
                                                            receipt_hash=r.receipt_hash)
                               .values_list("content", flat=True).first())
        out.append(item)
    return out
