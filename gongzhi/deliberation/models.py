"""Deliberation (Pol.is-style): statements, agree / disagree / pass votes, opinion groups.

A ``Conversation`` asks one question. Residents write short ``Statement``s and vote on each
other's; each person appears in a conversation as a numbered ``Participant`` (the number is
what exports and the opinion map show, never the account). A ``Snapshot`` is one computed
opinion map (groups, projection, representative and consensus statements), made by a
background task after votes arrive (see ``tasks.py``), never in a request.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TimeStampedModel

STATEMENT_MIN = 5
STATEMENT_MAX = 280


class Conversation(TimeStampedModel):
    class Moderation(models.TextChoices):
        POST = "post", _("Statements appear at once; workers hide what breaks the rules")
        PRE = "pre", _("A worker approves each statement before it appears")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Voters(models.TextChoices):
        VERIFIED = "verified", _("Verified residents")
        RESIDENTS = "residents", _("All residents of the community")

    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="conversations")
    project = models.ForeignKey("projects.Project", verbose_name=_("project"), null=True,
                                blank=True, on_delete=models.SET_NULL,
                                related_name="conversations")
    question = models.CharField(_("question"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    moderation = models.CharField(_("moderation"), max_length=8, choices=Moderation.choices,
                                  default=Moderation.POST)
    state = models.CharField(_("state"), max_length=8, choices=State.choices,
                             default=State.DRAFT)
    voters = models.CharField(_("who may vote and write"), max_length=10,
                              choices=Voters.choices, default=Voters.VERIFIED)
    statement_max_length = models.PositiveSmallIntegerField(_("longest statement"),
                                                            default=140)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    # Debounce: set when votes arrive and a snapshot task is queued, cleared by the task.
    snapshot_pending = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        constraints = [
            models.CheckConstraint(
                name="deliberation_statement_length_range",
                condition=Q(statement_max_length__gte=140, statement_max_length__lte=280)),
            models.CheckConstraint(
                name="deliberation_conversation_closes_after_opens",
                condition=Q(opens_at__isnull=True) | Q(closes_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at"))),
        ]

    def __str__(self) -> str:
        return self.question


class Participant(models.Model):
    """A person inside one conversation, known to everything downstream by ``number``."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE,
                                     related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="deliberation_seats")
    number = models.PositiveIntegerField()
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "number"],
                                    name="deliberation_participant_number_unique"),
            models.UniqueConstraint(fields=["conversation", "user"],
                                    name="deliberation_participant_user_unique"),
        ]

    def __str__(self) -> str:
        return f"#{self.number}"


class Statement(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        ACCEPTED = "accepted", _("Shown")
        HIDDEN = "hidden", _("Hidden")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE,
                                     related_name="statements")
    number = models.PositiveIntegerField(_("number"))
    text = models.CharField(_("statement"), max_length=STATEMENT_MAX)
    normalized = models.CharField(max_length=STATEMENT_MAX, editable=False)
    author = models.ForeignKey(Participant, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="statements")
    is_seed = models.BooleanField(_("seed statement"), default=False)
    status = models.CharField(_("moderation"), max_length=10, choices=Status.choices,
                              default=Status.ACCEPTED)
    moderation_reason = models.CharField(_("reason"), max_length=300, blank=True)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    moderated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        constraints = [
            models.UniqueConstraint(fields=["conversation", "number"],
                                    name="deliberation_statement_number_unique"),
            models.CheckConstraint(
                name="deliberation_hidden_has_reason",
                condition=~Q(status="hidden") | ~Q(moderation_reason="")),
        ]

    def __str__(self) -> str:
        return self.text


class Vote(models.Model):
    class Value(models.IntegerChoices):
        AGREE = 1, _("Agree")
        DISAGREE = -1, _("Disagree")
        PASS = 0, _("Pass / unsure")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE,
                                     related_name="votes")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE,
                                    related_name="votes")
    value = models.SmallIntegerField(choices=Value.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "statement"],
                                    name="deliberation_one_vote_per_statement"),
            models.CheckConstraint(name="deliberation_vote_value",
                                   condition=Q(value__in=[-1, 0, 1])),
        ]
        indexes = [models.Index(fields=["conversation", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.participant_id}:{self.statement_id}={self.value}"


class Snapshot(models.Model):
    """One computed opinion map. ``data`` is what pages show; ``state`` warm-starts the next."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE,
                                     related_name="snapshots")
    computed_at = models.DateTimeField(auto_now_add=True)
    vote_count = models.PositiveIntegerField()
    participant_count = models.PositiveIntegerField()
    last_vote_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(default=0)
    k = models.PositiveSmallIntegerField(default=0)
    data = models.JSONField(default=dict)
    state = models.JSONField(default=dict)

    class Meta:
        ordering = ["-computed_at", "-pk"]
        get_latest_by = ["computed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.conversation_id} @ {self.computed_at:%Y-%m-%d %H:%M}"
