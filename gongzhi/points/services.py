"""Every write to points and rewards: permission-checked, one transaction, audited.

Concurrency. Every ledger append for a person happens while that person's `PointsAccount`
row is locked (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite serialises writers), so the
balance check, the cap check and the append are one step: two redemptions by the same
person cannot both spend the same points. The entry stores ``balance_after`` and the
account its ``balance``, both under CHECK ``>= 0``, so even a bug here cannot make a
balance negative. A redemption then locks the reward row and takes one item with a
conditional UPDATE guarded by CHECK ``stock >= 0``. Locks are always taken in the order
account → reward, so redemptions and refunds never deadlock each other.

Earning is idempotent: the unique constraint ``points_entry_source_once`` lets a source
(a confirmed shift, an attendance…) earn once per rule; a second attempt is a no-op.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Model, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongzhi.accounts.access import forget_roles
from gongzhi.core.audit import audit_record
from gongzhi.core.uploads import image_prepare
from gongzhi.notifications.i18n import Message as _Message
from gongzhi.notifications.services import notification_send
from gongzhi.points import sources
from gongzhi.points.models import (
    EarnRule,
    PointsAccount,
    PointsEntry,
    PointsRules,
    Redemption,
    Reward,
)

log = logging.getLogger(__name__)

MAX_ADJUSTMENT = 10_000
RULE_FIELDS = ("enabled", "per_volunteer_hour", "per_meeting", "per_care_log", "per_proposal",
               "per_activity", "daily_cap", "monthly_cap")
REWARD_FIELDS = ("title", "description", "price", "stock", "provider", "pickup",
                 "available_from", "available_until", "per_person_limit", "is_active")


def _msg(msgid: str, params: dict | None = None) -> Any:
    """A message translated when shown, in each reader's language (notifications.i18n)."""
    return _Message(msgid, params or {})


def _require(actor, perm: str, obj) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied


def rules_for(community) -> PointsRules:
    rules, _created = PointsRules.objects.get_or_create(community=community)
    return rules


# --- accounts and the ledger -----------------------------------------------------------------

def _locked_account(community, user) -> PointsAccount:
    """The person's account row, created if need be, locked until the transaction ends."""
    user_id = getattr(user, "pk", user)
    qs = PointsAccount.objects.select_for_update()
    account = qs.filter(community=community, user_id=user_id).first()
    if account is None:
        try:
            with transaction.atomic():
                PointsAccount.objects.create(community=community, user_id=user_id)
        except IntegrityError:
            pass  # someone created it at the same moment
        account = qs.get(community=community, user_id=user_id)
    return account


def _append(account: PointsAccount, *, amount: int, kind: str, rule: str = "",
            source: Model | None = None, label: str = "", occurred_on=None, actor=None,
            note: str = "", capped: bool = False) -> PointsEntry:
    """Append one entry for a locked account and move its balance (caller holds the lock)."""
    balance = account.balance + amount
    if balance < 0:
        raise ValidationError(_("Not enough points."), code="balance")
    entry = PointsEntry.objects.create(
        community_id=account.community_id, user_id=account.user_id, amount=amount,
        balance_after=balance, kind=kind, rule=rule,
        source_type=ContentType.objects.get_for_model(source) if source is not None else None,
        source_id=source.pk if source is not None else None, source_label=label[:200],
        occurred_on=occurred_on, actor=actor if getattr(actor, "is_authenticated", False)
        else None, note=note[:300], capped=capped)
    earned = amount if kind == PointsEntry.Kind.EARN else 0
    PointsAccount.objects.filter(pk=account.pk).update(balance=F("balance") + amount,
                                                       earned=F("earned") + earned)
    account.balance = balance
    account.earned += earned
    return entry


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _capped(rules: PointsRules, account: PointsAccount, day: dt.date, amount: int) -> int:
    """``amount`` reduced so the person's earnings for ``day`` and its month stay in caps."""
    earned = PointsEntry.objects.filter(community_id=account.community_id,
                                        user_id=account.user_id, kind=PointsEntry.Kind.EARN)
    if rules.daily_cap is not None:
        today = earned.filter(occurred_on=day).aggregate(s=Sum("amount"))["s"] or 0
        amount = min(amount, max(0, rules.daily_cap - today))
    if rules.monthly_cap is not None:
        start = _month_start(day)
        end = (start + dt.timedelta(days=32)).replace(day=1)
        month = (earned.filter(occurred_on__gte=start, occurred_on__lt=end)
                 .aggregate(s=Sum("amount"))["s"] or 0)
        amount = min(amount, max(0, rules.monthly_cap - month))
    return amount


def _may_earn(community, user_id: int) -> bool:
    from gongzhi.accounts.models import Membership, User

    if User.objects.filter(pk=user_id, deleted_at__isnull=False).exists():
        return False
    return Membership.objects.filter(
        community=community, user_id=user_id,
        status__in=[Membership.Status.PENDING, Membership.Status.VERIFIED]).exists()


def _earn(community, rules: PointsRules, earning: sources.Earning, rule: str,
          amount: int | None = None) -> PointsEntry | None:
    """Award one earning (idempotent). Returns the new entry, or None if it earned before."""
    if not _may_earn(community, earning.user_id):
        return None
    if amount is None:
        amount = math.floor(earning.units * rules.rate(rule))
    ct = ContentType.objects.get_for_model(earning.source)
    with transaction.atomic():
        account = _locked_account(community, earning.user_id)
        if PointsEntry.objects.filter(kind=PointsEntry.Kind.EARN, rule=rule, source_type=ct,
                                      source_id=earning.source.pk).exists():
            return None
        allowed = _capped(rules, account, earning.occurred_on, amount)
        try:
            with transaction.atomic():
                return _append(account, amount=allowed, kind=PointsEntry.Kind.EARN, rule=rule,
                               source=earning.source, label=earning.label,
                               occurred_on=earning.occurred_on, capped=allowed < amount)
        except IntegrityError:
            return None  # the same source earned in a concurrent run


def award_for(source_obj: Model, kind: str, user, community, *,
              occurred_on: dt.date | None = None, label: str = "",
              units: Decimal | int = 1) -> PointsEntry | None:
    """Award points for one confirmed thing. Any app may call it; calling twice is a no-op.

    ``kind`` is an `EarnRule` (``"activity"`` for an attended activity of the activities
    app, ``"volunteer_hour"`` with ``units`` = hours…). The caller says the thing is
    confirmed (attendance recorded, hours confirmed): points never judge that themselves.
    Returns the ledger entry, or None when nothing was awarded (already awarded, points
    switched off in the community, the person is not a member, or the rate is 0).
    """
    rule = EarnRule(kind)
    rules = rules_for(community)
    if not rules.enabled or rules.rate(rule) == 0:
        return None
    earning = sources.Earning(
        source=source_obj, user_id=getattr(user, "pk", user),
        occurred_on=occurred_on or timezone.localdate(), units=Decimal(units),
        label=(label or str(source_obj))[:200])
    return _earn(community, rules, earning, rule)


def award_object(obj: Model) -> PointsEntry | None:
    """Award an object of one of the known sources, if it is confirmed (used by receivers)."""
    found = sources.earning_of(obj)
    if found is None:
        return None
    source, earning = found
    community = sources._community_of(obj)
    rules = rules_for(community)
    if not rules.enabled or rules.rate(source.rule) == 0:
        return None
    return _earn(community, rules, earning, source.rule)


def sync_community(community) -> int:
    """Award every confirmed activity of the community that has not earned yet.

    Run by ``gongzhi tick`` (points/periodic.py) and after the demo; idempotent thanks to
    the ledger's unique constraint. Returns the number of entries written.
    """
    rules = rules_for(community)
    if not rules.enabled:
        return 0
    written = 0
    for source in sources.SOURCES:
        if rules.rate(source.rule) == 0:
            continue
        for earning in sorted(source.pending(community),
                              key=lambda e: (e.occurred_on, e.source.pk)):
            if _earn(community, rules, earning, source.rule) is not None:
                written += 1
    return written


@transaction.atomic
def rules_update(*, actor, community, **values) -> PointsRules:
    _require(actor, "points.manage", community)
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    rules = PointsRules.objects.select_for_update().filter(community=community).first() \
        or rules_for(community)
    before = {f: getattr(rules, f) for f in RULE_FIELDS}
    for name, value in values.items():
        if name.startswith("per_") and (value is None or not 0 <= int(value) <= 1000):
            raise ValidationError({name: _("Give a number from 0 to 1000.")})
        if name.endswith("_cap") and value is not None and not 0 <= int(value) <= 100000:
            raise ValidationError({name: _("Give a number from 0 to 100000, or leave it empty.")})
        setattr(rules, name, value)
    rules.updated_by = actor
    rules.save()
    audit_record(actor=actor, action="points.rules_update", community=community, target=rules,
                 before=before, after={f: getattr(rules, f) for f in RULE_FIELDS})
    return rules


def adjustment_create(*, actor, community, user, amount: int, reason: str) -> PointsEntry:
    """A worker adds or removes points by hand; the reason is required and audited."""
    _require(actor, "points.manage", community)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the points change.")})
    if amount == 0 or abs(amount) > MAX_ADJUSTMENT:
        raise ValidationError({"amount": _("Give a number of points other than 0, at most "
                                           "10000 either way.")})
    if not _may_earn(community, user.pk):
        raise ValidationError({"user": _("This person is not a member of the community.")})
    with transaction.atomic():
        account = _locked_account(community, user)
        if account.balance + amount < 0:
            raise ValidationError({"amount": _("This would make the balance negative (it is "
                                               "%(n)s).") % {"n": account.balance}})
        entry = _append(account, amount=amount, kind=PointsEntry.Kind.ADJUST, actor=actor,
                        note=reason, occurred_on=timezone.localdate())
        audit_record(actor=actor, action="points.adjust", community=community, target=entry,
                     after={"user": user.pk, "amount": amount, "balance": account.balance},
                     reason=reason)
    return entry


@transaction.atomic
def leaderboard_choose(*, actor, community, show: bool) -> PointsAccount:
    """The person's own choice to be named on the leaderboards (off by default)."""
    if not actor.has_perm("points.view_own", community):
        raise PermissionDenied
    account = _locked_account(community, actor)
    if account.on_leaderboard != show:
        account.on_leaderboard = show
        account.leaderboard_changed_at = timezone.now()
        account.save(update_fields=["on_leaderboard", "leaderboard_changed_at"])
        audit_record(actor=actor, action="points.leaderboard_opt_in" if show
                     else "points.leaderboard_opt_out", community=community, target=account)
    return account


# --- rewards -----------------------------------------------------------------------------------

def _clean_reward(community, values: dict) -> None:
    provider = values.get("provider")
    if provider is not None and provider.community_id != community.pk:
        raise ValidationError({"provider": _("Choose an organisation of this community.")})
    start, end = values.get("available_from"), values.get("available_until")
    if start and end and end < start:
        raise ValidationError({"available_until": _("The end is before the start.")})
    price = values.get("price")
    if price is not None and not 1 <= int(price) <= 1_000_000:
        raise ValidationError({"price": _("Give a price from 1 to 1000000 points.")})
    stock = values.get("stock")
    if stock is not None and not 0 <= int(stock) <= 1_000_000:
        raise ValidationError({"stock": _("Give a stock from 0 to 1000000.")})


@transaction.atomic
def reward_create(*, actor, community, title: str, price: int, stock: int = 0, picture=None,
                  **fields) -> Reward:
    _require(actor, "points.manage", community)
    unknown = set(fields) - set(REWARD_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    values = {"title": title.strip(), "price": price, "stock": stock, **fields}
    _clean_reward(community, values)
    reward = Reward(community=community, created_by=actor, **values)
    if picture is not None:
        reward.picture = image_prepare(picture)
    reward.full_clean(exclude=["community", "created_by", "provider", "picture"])
    reward.save()
    audit_record(actor=actor, action="points.reward_create", community=community,
                 target=reward, after={k: v for k, v in values.items() if k != "description"})
    return reward


@transaction.atomic
def reward_update(*, actor, reward: Reward, picture=None, **fields) -> Reward:
    _require(actor, "points.manage", reward.community)
    unknown = set(fields) - set(REWARD_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    locked = Reward.objects.select_for_update().get(pk=reward.pk)
    _clean_reward(locked.community, fields)
    before = {k: getattr(locked, k) for k in fields}
    for name, value in fields.items():
        setattr(locked, name, value)
    if picture is not None:
        locked.picture = image_prepare(picture)
    locked.full_clean(exclude=["community", "created_by", "provider", "picture"])
    locked.save()
    audit_record(actor=actor, action="points.reward_update", community=locked.community,
                 target=locked, before=before, after={k: getattr(locked, k) for k in fields})
    return locked


def _redemption_url(r: Redemption) -> str:
    return reverse("points:my_redemptions", args=[r.community.slug])


def redemption_request(*, actor, reward: Reward) -> Redemption:
    """The resident asks for an item: points reserved and one item taken, atomically."""
    community = reward.community
    _require(actor, "points.redeem", community)
    with transaction.atomic():
        account = _locked_account(community, actor)                    # lock 1: the person
        locked = Reward.objects.select_for_update().get(pk=reward.pk)  # lock 2: the item
        if not locked.is_available():
            raise ValidationError(_("This reward is not available now."), code="unavailable")
        if locked.stock < 1:
            raise ValidationError(_("Sorry, this reward is out of stock."), code="stock")
        if account.balance < locked.price:
            raise ValidationError(_("You need %(price)s points; you have %(balance)s.")
                                  % {"price": locked.price, "balance": account.balance},
                                  code="balance")
        if locked.per_person_limit is not None:
            mine = Redemption.objects.filter(reward=locked, user=actor,
                                             status__in=Redemption.COUNTED).count()
            if mine >= locked.per_person_limit:
                raise ValidationError(_("You have already redeemed this reward as often as "
                                        "allowed."), code="limit")
        try:
            with transaction.atomic():
                taken = (Reward.objects.filter(pk=locked.pk, stock__gt=0)
                         .update(stock=F("stock") - 1))
        except IntegrityError:
            taken = 0
        if not taken:
            raise ValidationError(_("Sorry, this reward is out of stock."), code="stock")
        redemption = Redemption.objects.create(community=community, reward=locked, user=actor,
                                               price=locked.price)
        _append(account, amount=-locked.price, kind=PointsEntry.Kind.REDEEM,
                source=redemption, label=locked.title, occurred_on=timezone.localdate(),
                actor=actor)
        audit_record(actor=actor, action="points.redeem", community=community,
                     target=redemption, after={"reward": locked.pk, "price": locked.price})
    forget_roles(actor)  # waiting redemptions come with the access rows
    return redemption


def _give_back(redemption: Redemption, *, actor, status: str, reason: str) -> Redemption:
    """Refund and restock a redemption that is still waiting (caller checked permission)."""
    with transaction.atomic():
        locked = (Redemption.objects.select_for_update(of=("self",))
                  .select_related("reward", "community").get(pk=redemption.pk))
        if locked.status != Redemption.Status.REQUESTED:
            raise ValidationError(_("This redemption is already closed."), code="closed")
        account = _locked_account(locked.community, locked.user)
        Reward.objects.select_for_update().filter(pk=locked.reward_id).first()
        Reward.objects.filter(pk=locked.reward_id).update(stock=F("stock") + 1)
        locked.status = status
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.reason = reason[:300]
        locked.save(update_fields=["status", "decided_at", "decided_by", "reason"])
        _append(account, amount=locked.price, kind=PointsEntry.Kind.REFUND, source=locked,
                label=locked.reward.title, occurred_on=timezone.localdate(), actor=actor,
                note=reason)
        audit_record(actor=actor, action=f"points.redemption_{status}",
                     community=locked.community, target=locked, reason=reason)
    if actor is not None and actor.pk == locked.user_id:   # (a cancel): access rows
        forget_roles(actor)
    return locked


def redemption_cancel(*, actor, redemption: Redemption) -> Redemption:
    """The resident changes their mind before collecting: points and item come back."""
    if not actor.is_authenticated or redemption.user_id != actor.pk:
        raise PermissionDenied
    return _give_back(redemption, actor=actor, status=Redemption.Status.CANCELLED, reason="")


def redemption_reject(*, actor, redemption: Redemption, reason: str) -> Redemption:
    _require(actor, "points.hand_over", redemption)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the reward cannot be given.")})
    locked = _give_back(redemption, actor=actor, status=Redemption.Status.REJECTED,
                        reason=reason)
    _notify(locked, gettext_noop("Your reward request was refused: %(item)s"),
            gettext_noop("Your points are back. Reason: %(reason)s"))
    return locked


@transaction.atomic
def redemption_hand_over(*, actor, redemption: Redemption, code: str = "") -> Redemption:
    """A worker or the provider's contact person hands the item over (optionally checking
    the collection code the resident shows)."""
    _require(actor, "points.hand_over", redemption)
    locked = (Redemption.objects.select_for_update(of=("self",))
              .select_related("reward", "community").get(pk=redemption.pk))
    if locked.status != Redemption.Status.REQUESTED:
        raise ValidationError(_("This redemption is already closed."), code="closed")
    if code and code.strip() != locked.code:
        raise ValidationError({"code": _("This collection code is not right.")})
    locked.status = Redemption.Status.HANDED_OVER
    locked.decided_at = timezone.now()
    locked.decided_by = actor
    locked.save(update_fields=["status", "decided_at", "decided_by"])
    audit_record(actor=actor, action="points.redemption_handed_over",
                 community=locked.community, target=locked)
    if actor is not None and actor.pk == locked.user_id:
        forget_roles(actor)
    _notify(locked, gettext_noop("Reward handed over: %(item)s"),
            gettext_noop("Enjoy it! Thank you for what you do for the community."))
    return locked


def _notify(r: Redemption, title: str, body: str) -> None:
    notification_send(users=[r.user], kind="points.redemption", community=r.community,
                      title=_msg(title, {"item": r.reward.title}),
                      body=_msg(body, {"reason": r.reason}), url=_redemption_url(r))


# --- account deletion ------------------------------------------------------------------------

def person_forget(user) -> None:
    """On account deletion: open redemptions are cancelled (points and items come back),
    the leaderboard choice is withdrawn. Ledger entries stay (append-only) and point at the
    anonymised account, like votes and audit entries."""
    for r in Redemption.objects.filter(user=user, status=Redemption.Status.REQUESTED):
        _give_back(r, actor=None, status=Redemption.Status.CANCELLED, reason="")
    PointsAccount.objects.filter(user=user).update(on_leaderboard=False,
                                                   leaderboard_changed_at=timezone.now())


def weekly_summaries(now: dt.datetime | None = None) -> int:
    """Tell each person who earned points in the past week how many (optional digest)."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=7)
    rows = (PointsEntry.objects.filter(kind=PointsEntry.Kind.EARN, created_at__gte=since,
                                       created_at__lt=now, amount__gt=0)
            .values("community_id", "user_id").annotate(total=Sum("amount")))
    from gongzhi.accounts.models import User
    from gongzhi.places.models import Community

    sent = 0
    communities = {c.pk: c for c in Community.objects.filter(
        pk__in={r["community_id"] for r in rows})}
    for r in rows:
        c = communities[r["community_id"]]
        notification_send(
            users=User.objects.filter(pk=r["user_id"]), kind="points.weekly",
            community=c, title=_msg(gettext_noop("This week you earned %(n)s points"),
                                       {"n": r["total"]}),
            body=_msg(gettext_noop("Thank you for taking part in %(community)s."),
                         {"community": c.name}),
            url=reverse("points:me", args=[c.slug]))
        sent += 1
    return sent


RULE_LABELS = dict(EarnRule.choices)
