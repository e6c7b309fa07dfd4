"""Points (积分) and rewards: the community incentive system (社区激励系统).

* `PointsRules` — one row per community: how many points each kind of *confirmed*
  activity earns, and the caps per day and per month.
* `PointsEntry` — the append-only ledger (triggers refuse UPDATE, and DELETE on
  PostgreSQL: migration 0001). Every earning, adjustment, redemption and refund is one
  row; ``balance_after`` is the person's balance after it (CHECK ``>= 0``). An earning
  names its source (content type + id) and rule; a unique constraint makes the same
  confirmed hour, attendance, care log or proposal earn at most once.
* `PointsAccount` — one row per person and community: the row that is locked
  (``SELECT … FOR UPDATE``) while an entry is appended, with the balance derived from the
  ledger kept beside it (CHECK ``balance >= 0``), and the leaderboard opt-in.
* `Reward` — the catalogue: item, picture, price in points, stock (CHECK ``>= 0``),
  provider (an organisation: a shop, the property company), dates.
* `Redemption` — requested by the resident (points reserved by a negative entry at
  once), handed over by a worker or the provider's contact person, or rejected /
  cancelled (a refund entry gives the points back and the item returns to stock).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.uploads import safe_upload_name


class EarnRule(models.TextChoices):
    VOLUNTEER_HOUR = "volunteer_hour", _("Confirmed volunteer hours")
    MEETING = "meeting", _("Meeting attended")
    CARE_LOG = "care_log", _("Care of a space recorded")
    PROPOSAL = "proposal", _("Proposal accepted")
    ACTIVITY = "activity", _("Activity attended")


class PointsRules(models.Model):
    """What earns points in one community; edited by a worker in a plain form."""

    community = models.OneToOneField("places.Community", verbose_name=_("community"),
                                     on_delete=models.CASCADE, related_name="points_rules")
    enabled = models.BooleanField(_("points are earned"), default=True)
    per_volunteer_hour = models.PositiveIntegerField(_("points per confirmed volunteer hour"),
                                                     default=10)
    per_meeting = models.PositiveIntegerField(_("points per meeting attended"), default=5)
    per_care_log = models.PositiveIntegerField(_("points per care log"), default=3)
    per_proposal = models.PositiveIntegerField(_("points per accepted proposal"), default=20)
    per_activity = models.PositiveIntegerField(_("points per activity attended"), default=5)
    daily_cap = models.PositiveIntegerField(_("at most per person per day"), null=True,
                                            blank=True, default=50,
                                            help_text=_("Leave empty for no limit."))
    monthly_cap = models.PositiveIntegerField(_("at most per person per month"), null=True,
                                              blank=True, default=300,
                                              help_text=_("Leave empty for no limit."))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    RATE_FIELDS = {EarnRule.VOLUNTEER_HOUR: "per_volunteer_hour",
                   EarnRule.MEETING: "per_meeting", EarnRule.CARE_LOG: "per_care_log",
                   EarnRule.PROPOSAL: "per_proposal", EarnRule.ACTIVITY: "per_activity"}

    class Meta:
        verbose_name = _("points rules")
        verbose_name_plural = _("points rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(per_volunteer_hour__lte=1000, per_meeting__lte=1000,
                            per_care_log__lte=1000, per_proposal__lte=1000,
                            per_activity__lte=1000),
                name="pointsrules_rates_range"),
        ]

    def __str__(self) -> str:
        return f"{self.community_id}"

    def rate(self, rule: str) -> int:
        return int(getattr(self, self.RATE_FIELDS[EarnRule(rule)]))


class PointsAccount(models.Model):
    """A person's points in one community: the lock row and the derived balance."""

    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"),
                             on_delete=models.PROTECT, related_name="points_accounts")
    balance = models.IntegerField(_("balance"), default=0)
    earned = models.IntegerField(_("points earned"), default=0)
    on_leaderboard = models.BooleanField(_("show my name on the leaderboards"), default=False)
    leaderboard_changed_at = models.DateTimeField(_("leaderboard choice made"), null=True,
                                                  blank=True)

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="pointsaccount_unique"),
            models.CheckConstraint(condition=Q(balance__gte=0),
                                   name="pointsaccount_balance_nonneg"),
            models.CheckConstraint(condition=Q(earned__gte=0),
                                   name="pointsaccount_earned_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.community_id}: {self.balance}"


class PointsEntry(models.Model):
    """One line of the ledger. Never updated or deleted (database triggers)."""

    class Kind(models.TextChoices):
        EARN = "earn", _("Earned")
        ADJUST = "adjust", _("Adjustment by a worker")
        REDEEM = "redeem", _("Redeemed")
        REFUND = "refund", _("Returned")

    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"),
                             on_delete=models.PROTECT, related_name="points_entries")
    amount = models.IntegerField(_("points"))
    balance_after = models.IntegerField(_("balance after"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    rule = models.CharField(_("rule"), max_length=20, choices=EarnRule.choices, blank=True)
    source_type = models.ForeignKey("contenttypes.ContentType", verbose_name=_("source type"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    source_id = models.PositiveBigIntegerField(_("source id"), null=True, blank=True)
    source_label = models.CharField(pgettext_lazy("points entry", "for"), max_length=200,
                                    blank=True)
    occurred_on = models.DateField(_("date of the activity"), null=True, blank=True)
    capped = models.BooleanField(_("reduced by a cap"), default=False)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True,
                              blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points ledger")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["community", "user", "-created_at"], name="points_entry_user"),
            models.Index(fields=["community", "created_at"], name="points_entry_comm_time"),
            models.Index(fields=["user", "kind", "occurred_on"], name="points_entry_caps"),
        ]
        constraints = [
            # the same source earns (or is redeemed / refunded) at most once per rule
            models.UniqueConstraint(fields=["kind", "rule", "source_type", "source_id"],
                                    condition=Q(source_id__isnull=False),
                                    name="points_entry_source_once"),
            models.CheckConstraint(condition=Q(balance_after__gte=0),
                                   name="points_entry_balance_nonneg"),
            models.CheckConstraint(
                condition=(Q(kind="earn", amount__gte=0) & ~Q(rule=""))
                | Q(kind="adjust") & ~Q(amount=0) & ~Q(note="")
                | Q(kind="redeem", amount__lt=0) | Q(kind="refund", amount__gt=0),
                name="points_entry_kind_sign"),
            models.CheckConstraint(condition=Q(source_id__isnull=True)
                                   | Q(source_type__isnull=False),
                                   name="points_entry_source_typed"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.amount:+d} ({self.kind})"


def _reward_picture(instance, filename: str) -> str:
    return f"rewards/{timezone.now():%Y/%m}/{safe_upload_name(filename)}"


class Reward(models.Model):
    """An item of the catalogue, usually given by a shop or the property company."""

    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="+")
    title = models.CharField(pgettext_lazy("reward", "item"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    picture = models.ImageField(_("picture"), upload_to=_reward_picture, blank=True)
    price = models.PositiveIntegerField(_("points"))
    stock = models.IntegerField(_("in stock"), default=0)
    provider = models.ForeignKey("orgs.Organisation", verbose_name=_("provided by"),
                                 null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="rewards")
    pickup = models.CharField(_("where to collect it"), max_length=200, blank=True)
    available_from = models.DateField(_("available from"), null=True, blank=True)
    available_until = models.DateField(_("available until"), null=True, blank=True)
    per_person_limit = models.PositiveSmallIntegerField(
        _("at most per person"), null=True, blank=True,
        help_text=_("Leave empty for no limit."))
    is_active = models.BooleanField(_("shown in the catalogue"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        ordering = ["price", "id"]
        indexes = [models.Index(fields=["community", "is_active", "price"],
                                name="reward_catalogue")]
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="reward_stock_nonneg"),
            models.CheckConstraint(condition=Q(price__gte=1, price__lte=1_000_000),
                                   name="reward_price_range"),
            models.CheckConstraint(condition=Q(available_from__isnull=True)
                                   | Q(available_until__isnull=True)
                                   | Q(available_until__gte=F("available_from")),
                                   name="reward_dates_ordered"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_available(self, today=None) -> bool:
        today = today or timezone.localdate()
        return (self.is_active and (self.available_from is None or self.available_from <= today)
                and (self.available_until is None or today <= self.available_until))


def new_pickup_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


class Redemption(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting to be collected")
        HANDED_OVER = "handed_over", _("Handed over")
        REJECTED = "rejected", _("Refused")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN = (Status.REQUESTED,)
    COUNTED = (Status.REQUESTED, Status.HANDED_OVER)

    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="+")
    reward = models.ForeignKey(Reward, verbose_name=_("reward"), on_delete=models.PROTECT,
                               related_name="redemptions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"),
                             on_delete=models.PROTECT, related_name="redemptions")
    price = models.PositiveIntegerField(_("points"))
    code = models.CharField(_("collection code"), max_length=8, default=new_pickup_code)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.REQUESTED, db_index=True)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_at = models.DateTimeField(_("handed over / refused"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["community", "status", "requested_at"],
                                name="redemption_queue"),
                   models.Index(fields=["user", "-requested_at"], name="redemption_user")]
        constraints = [
            models.CheckConstraint(condition=Q(status="requested") | Q(decided_at__isnull=False),
                                   name="redemption_decided_has_time"),
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(reason=""),
                                   name="redemption_refusal_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.reward_id} ← {self.user_id} ({self.status})"
