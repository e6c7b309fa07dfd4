"""Reads for the points pages and API, scoped to one community (or one person)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from gongzhi.points.models import PointsAccount, PointsEntry, Redemption, Reward


def account(user, community) -> PointsAccount | None:
    if not user.is_authenticated:
        return None
    return PointsAccount.objects.filter(community=community, user=user).first()


def balance(user, community) -> int:
    acc = account(user, community)
    return acc.balance if acc else 0


def ledger_balance(user, community) -> int:
    """The balance summed from the ledger itself (the account's column must equal it)."""
    return (PointsEntry.objects.filter(community=community, user=user)
            .aggregate(s=Sum("amount"))["s"] or 0)


def mismatched_accounts(community) -> list[PointsAccount]:
    """Accounts whose stored balance differs from the ledger (should always be empty)."""
    sums = dict(PointsEntry.objects.filter(community=community).values("user_id")
                .annotate(s=Sum("amount")).values_list("user_id", "s"))
    return [a for a in PointsAccount.objects.filter(community=community)
            if a.balance != sums.get(a.user_id, 0)]


def history(user, community) -> QuerySet[PointsEntry]:
    return (PointsEntry.objects.filter(community=community, user=user)
            .select_related("actor").order_by("-created_at", "-id"))


def catalogue(community, *, include_inactive: bool = False) -> QuerySet[Reward]:
    qs = Reward.objects.filter(community=community).select_related("provider")
    if not include_inactive:
        today = timezone.localdate()
        qs = qs.filter(is_active=True).filter(
            Q(available_from__isnull=True) | Q(available_from__lte=today),
            Q(available_until__isnull=True) | Q(available_until__gte=today))
    return qs.order_by("price", "id")


def reward(community, pk: int) -> Reward:
    return Reward.objects.select_related("provider", "community").get(community=community,
                                                                      pk=pk)


WAITING_KIND = "p"
# the person's redemptions waiting to be collected (id, community), read with the
# request's access query (accounts.access.register_own_rows; index redemption_user)
WAITING_SQL = ("SELECT id, CAST(community_id AS varchar) FROM points_redemption "
               "WHERE user_id = %s AND status = 'requested' ORDER BY id DESC LIMIT 100")


def has_waiting_redemptions(user, community) -> bool:
    """Whether ``user`` has a reward to collect in ``community`` (no query once the
    request's access rows are read)."""
    from gongzhi.accounts.access import own_rows

    return any(community_id == str(community.pk)
               for _pk, community_id in own_rows(user, WAITING_KIND))


def my_redemptions(user, community) -> QuerySet[Redemption]:
    return (Redemption.objects.filter(community=community, user=user)
            .select_related("reward__provider").order_by("-requested_at", "-id"))


def queue(user, community, *, status: str = Redemption.Status.REQUESTED) -> QuerySet[Redemption]:
    """The redemptions this user may hand over: all for workers, the provider's for its
    contact person."""
    qs = (Redemption.objects.filter(community=community)
          .select_related("reward__provider", "user", "community").order_by("requested_at",
                                                                            "id"))
    if status:
        qs = qs.filter(status=status)
    if not user.has_perm("points.manage", community):
        from gongzhi.orgs.models import OrgMember

        orgs = OrgMember.objects.filter(user=user, is_contact=True).values("organisation_id")
        qs = qs.filter(reward__provider_id__in=orgs)
    return qs


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = month.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(start, dt.time(), tzinfo=tz),
            dt.datetime.combine(end, dt.time(), tzinfo=tz))


def month_entries(community, month: dt.date) -> QuerySet[PointsEntry]:
    start, end = month_bounds(month)
    return (PointsEntry.objects.filter(community=community, created_at__gte=start,
                                       created_at__lt=end)
            .select_related("user", "actor").order_by("created_at", "id"))


@dataclass
class MonthSummary:
    earned_by_rule: list[tuple[str, int, int]] = field(default_factory=list)  # label, pts, n
    earned: int = 0
    adjusted: int = 0
    redeemed: int = 0
    refunded: int = 0
    people: int = 0
    redemptions: list[tuple[str, int]] = field(default_factory=list)       # reward, count


def month_summary(community, month: dt.date) -> MonthSummary:
    from gongzhi.points.models import EarnRule

    start, end = month_bounds(month)
    qs = PointsEntry.objects.filter(community=community, created_at__gte=start,
                                    created_at__lt=end)
    summary = MonthSummary()
    labels = dict(EarnRule.choices)
    for row in (qs.values("kind", "rule").annotate(s=Sum("amount"), n=Count("id"))
                .order_by("kind", "rule")):
        if row["kind"] == PointsEntry.Kind.EARN:
            summary.earned_by_rule.append((str(labels.get(row["rule"], row["rule"])),
                                           row["s"], row["n"]))
            summary.earned += row["s"]
        elif row["kind"] == PointsEntry.Kind.ADJUST:
            summary.adjusted += row["s"]
        elif row["kind"] == PointsEntry.Kind.REDEEM:
            summary.redeemed += -row["s"]
        else:
            summary.refunded += row["s"]
    summary.people = qs.values("user_id").distinct().count()
    summary.redemptions = [
        (r["reward__title"], r["n"]) for r in
        Redemption.objects.filter(community=community, requested_at__gte=start,
                                  requested_at__lt=end, status__in=Redemption.COUNTED)
        .values("reward__title").annotate(n=Count("id")).order_by("-n", "reward__title")[:20]]
    return summary


# --- leaderboards --------------------------------------------------------------------------

@dataclass
class Board:
    name: str
    total: int
    named: list[tuple[str, int]]      # (public name, points) of people who opted in
    others: int                       # people counted without a name
    others_points: int
    colour: str = ""


def _earned_since(community, since: dt.datetime | None) -> dict[int, int]:
    qs = PointsEntry.objects.filter(community=community, kind=PointsEntry.Kind.EARN,
                                    amount__gt=0)
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    return dict(qs.values("user_id").annotate(s=Sum("amount")).values_list("user_id", "s"))


def _boards(groups: list[tuple[str, str, set[int]]], earned: dict[int, int],
            named_ids: dict[int, str], top: int) -> list[Board]:
    boards = []
    for name, colour, members in groups:
        people = sorted(((earned[u], u) for u in members if earned.get(u)), reverse=True)
        named = [(named_ids[u], pts) for pts, u in people if u in named_ids][:top]
        shown = {u for pts, u in people if u in named_ids}
        unnamed = [pts for pts, u in people if u not in shown]
        boards.append(Board(name=name, colour=colour, total=sum(p for p, _u in people),
                            named=named, others=len(unnamed), others_points=sum(unnamed)))
    return sorted(boards, key=lambda b: -b.total)


def _opted_in(community, user_ids: set[int]) -> dict[int, str]:
    return {a.user_id: a.user.public_name for a in
            PointsAccount.objects.filter(community=community, on_leaderboard=True,
                                         user_id__in=user_ids, user__deleted_at__isnull=True)
            .select_related("user")}


def leaderboard_by_team(community, *, since: dt.datetime | None = None,
                        top: int = 10) -> list[Board]:
    from gongzhi.volunteers.models import TeamMembership

    teams: dict[int, tuple[str, str, set[int]]] = {}
    for m in (TeamMembership.objects.filter(team__community=community)
              .select_related("team").order_by("team__order", "team_id")):
        teams.setdefault(m.team_id, (m.team.name, m.team.colour, set()))[2].add(m.user_id)
    earned = _earned_since(community, since)
    ids = {u for _n, _c, members in teams.values() for u in members}
    return _boards(list(teams.values()), earned, _opted_in(community, ids), top)


def leaderboard_by_building(community, *, since: dt.datetime | None = None,
                            top: int = 10) -> list[Board]:
    """By building of the person's household (verified) or the building they gave."""
    from gongzhi.accounts.models import Membership

    buildings: dict[str, tuple[str, str, set[int]]] = {}
    for m in (Membership.objects.filter(community=community,
                                        status__in=[Membership.Status.VERIFIED,
                                                    Membership.Status.PENDING])
              .select_related("household__building")):
        number = (m.household.building.number if m.household is not None
                  else m.claimed_building.strip())
        if not number:
            continue
        buildings.setdefault(number, (number, "", set()))[2].add(m.user_id)
    earned = _earned_since(community, since)
    ids = {u for _n, _c, members in buildings.values() for u in members}
    return _boards(list(buildings.values()), earned, _opted_in(community, ids), top)
