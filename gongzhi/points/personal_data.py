"""The resident's points in the personal-data export, and what account deletion does."""

from __future__ import annotations

from gongzhi.core.export import on_delete, register
from gongzhi.points.models import PointsAccount, PointsEntry, Redemption


def _iso(value):
    return value.isoformat() if value else None


@register("points")
def points(user) -> dict:
    return {
        "accounts": [{"community": a.community.name, "balance": a.balance,
                      "earned": a.earned, "on_leaderboard": a.on_leaderboard}
                     for a in PointsAccount.objects.filter(user=user)
                     .select_related("community")],
        "ledger": [{"community": e.community.name, "time": _iso(e.created_at),
                    "amount": e.amount, "balance_after": e.balance_after, "kind": e.kind,
                    "rule": e.rule, "for": e.source_label, "occurred_on": _iso(e.occurred_on),
                    "note": e.note}
                   for e in PointsEntry.objects.filter(user=user).select_related("community")
                   .order_by("created_at", "id")],
        "redemptions": [{"community": r.community.name, "reward": r.reward.title,
                         "points": r.price, "status": r.status,
                         "requested_at": _iso(r.requested_at),
                         "decided_at": _iso(r.decided_at)}
                        for r in Redemption.objects.filter(user=user)
                        .select_related("community", "reward")],
    }


@on_delete("points")
def forget(user) -> None:
    """Ledger entries stay (append-only, the community's totals depend on them) and keep
    pointing at the account, which `accounts.services.user_delete` anonymises like for
    votes and audit entries ("Former resident"); open redemptions are cancelled with a
    refund and the leaderboard choice is withdrawn."""
    from gongzhi.points.services import person_forget

    person_forget(user)
