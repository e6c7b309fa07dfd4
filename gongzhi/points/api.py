"""Points and rewards API, mounted at /api/v1/points/."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from gongzhi.api.auth import require_user
from gongzhi.core.http import community_or_404
from gongzhi.points import selectors, services
from gongzhi.points.models import Redemption, Reward

router = Router(tags=["points"])


class BalanceOut(Schema):
    community: str
    balance: int
    earned: int
    on_leaderboard: bool


class EntryOut(Schema):
    id: int
    time: dt.datetime
    amount: int
    balance_after: int
    kind: str
    rule: str
    label: str
    occurred_on: dt.date | None
    note: str


class RewardOut(Schema):
    id: int
    title: str
    description: str
    price: int
    stock: int
    provider: str | None
    pickup: str
    picture: str | None
    available_until: dt.date | None


class RedemptionOut(Schema):
    id: int
    reward_id: int
    reward: str
    points: int
    status: str
    code: str | None
    requested_at: dt.datetime


class BoardOut(Schema):
    name: str
    total: int
    named: list[tuple[str, int]]
    others: int
    others_points: int


def _redemption(r: Redemption, *, me) -> dict:
    return {"id": r.pk, "reward_id": r.reward_id, "reward": r.reward.title, "points": r.price,
            "status": r.status, "requested_at": r.requested_at,
            "code": r.code if r.user_id == me.pk and r.status == "requested" else None}


@router.get("/me", response=BalanceOut, summary="My points balance in a community")
def my_balance(request: HttpRequest, community: str):
    user = require_user(request)
    c = community_or_404(community)
    if not user.has_perm("points.view_own", c):
        raise PermissionDenied
    acc = selectors.account(user, c)
    return {"community": c.slug, "balance": acc.balance if acc else 0,
            "earned": acc.earned if acc else 0,
            "on_leaderboard": bool(acc and acc.on_leaderboard)}


@router.get("/me/entries", response=list[EntryOut], summary="My points history")
@paginate(LimitOffsetPagination)
def my_entries(request: HttpRequest, community: str):
    user = require_user(request)
    c = community_or_404(community)
    return [{"id": e.pk, "time": e.created_at, "amount": e.amount,
             "balance_after": e.balance_after, "kind": e.kind, "rule": e.rule,
             "label": e.source_label, "occurred_on": e.occurred_on, "note": e.note}
            for e in selectors.history(user, c)]


@router.get("/rewards", response=list[RewardOut], summary="The rewards catalogue")
def rewards(request: HttpRequest, community: str):
    c = community_or_404(community)
    return [{"id": r.pk, "title": r.title, "description": r.description, "price": r.price,
             "stock": r.stock, "provider": r.provider.name if r.provider else None,
             "pickup": r.pickup, "picture": r.picture.url if r.picture else None,
             "available_until": r.available_until} for r in selectors.catalogue(c)]


@router.post("/rewards/{int:pk}/redeem", response=RedemptionOut,
             summary="Redeem a reward (points reserved at once)")
def redeem(request: HttpRequest, pk: int):
    user = require_user(request)
    reward = Reward.objects.select_related("community").filter(
        pk=pk, community__is_active=True).first()
    if reward is None:
        raise Http404
    r = services.redemption_request(actor=user, reward=reward)
    return _redemption(r, me=user)


@router.get("/me/redemptions", response=list[RedemptionOut], summary="My redemptions")
def my_redemptions(request: HttpRequest, community: str):
    user = require_user(request)
    c = community_or_404(community)
    return [_redemption(r, me=user) for r in selectors.my_redemptions(user, c)[:200]]


@router.post("/redemptions/{int:pk}/cancel", response=RedemptionOut,
             summary="Cancel my redemption before collecting (points come back)")
def cancel(request: HttpRequest, pk: int):
    user = require_user(request)
    r = Redemption.objects.select_related("reward").filter(pk=pk, user=user).first()
    if r is None:
        raise Http404
    return _redemption(services.redemption_cancel(actor=user, redemption=r), me=user)


@router.get("/leaderboard", response=list[BoardOut],
            summary="Opt-in leaderboard by volunteer team or building")
def leaderboard(request: HttpRequest, community: str, by: str = "team", period: str = "month"):
    c = community_or_404(community)
    since = None
    if period == "month":
        from django.utils import timezone

        since, _end = selectors.month_bounds(timezone.localdate())
    fn = selectors.leaderboard_by_building if by == "building" else selectors.leaderboard_by_team
    return [{"name": b.name, "total": b.total, "named": b.named, "others": b.others,
             "others_points": b.others_points} for b in fn(c, since=since)]
