"""Community contests (征集大赛): a logo, a mascot, names for spaces, photos.

A worker sets up a `Contest` (kind, brief, rules, prizes, who may enter, who may vote and
four dates: submissions open → submissions close = exhibition → voting opens → voting
closes, then the announcement). Residents send `Entry` rows with what the kind needs: a
picture (logo, mascot, photo; re-encoded by ``core.uploads``) or a proposed name with its
meaning tied to a space (naming), always a title, a statement, consent to publish and a
licence. Entries wait for moderation; approved ones hang in the gallery and become the
options of a `decisions.Ballot` (the public vote: secrecy, one vote per voter and the
hash-chained log come from the decisions app). Optional jury members score entries
1–10 per criterion (`JuryScore`); the announced result combines the public share of votes
with the jury average by the contest's ``jury_weight``.

The stage is derived from the dates (never stored), like a project's phase.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TimeStampedModel


class Kind(models.TextChoices):
    LOGO = "logo", _("Community logo")
    MASCOT = "mascot", _("Mascot")
    NAMING = "naming", _("Name for a space")
    PHOTO = "photo", _("Photo contest")
    OTHER = "other", _("Other")


IMAGE_KINDS = frozenset({Kind.LOGO, Kind.MASCOT, Kind.PHOTO, Kind.OTHER})
# A winning logo or mascot must be usable by the community: no "all rights reserved".
USABLE_KINDS = frozenset({Kind.LOGO, Kind.MASCOT})


class Entrants(models.TextChoices):
    MEMBERS = "member", _("Any member of the community")
    VERIFIED = "verified", _("Verified residents")


class Voters(models.TextChoices):
    VERIFIED = "verified", _("Verified residents")
    HOUSEHOLDS = "household", _("One vote per household")


class VoteMethod(models.TextChoices):
    APPROVAL = "approval", _("Approval (tick every entry you like)")
    PLURALITY = "plurality", _("Single choice (one entry)")


class Licence(models.TextChoices):
    CC_BY = "cc-by", _("CC BY 4.0: anyone may reuse it, naming the author")
    COMMUNITY = "community", _("The community may use it (logo, posters, archive)")
    RESERVED = "reserved", _("All rights reserved: shown in this contest only")


class Stage(models.TextChoices):
    DRAFT = "draft", _("Draft")
    UPCOMING = "upcoming", _("Coming soon")
    SUBMISSION = "submission", _("Taking entries")
    EXHIBITION = "exhibition", _("Exhibition")
    VOTING = "voting", _("Voting")
    COUNTING = "counting", _("Voting closed, result soon")
    ANNOUNCED = "announced", _("Result announced")


class Contest(TimeStampedModel):
    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="contests")
    project = models.ForeignKey("projects.Project", verbose_name=_("project"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="contests")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=120)
    brief = models.TextField(_("what we are looking for"), max_length=4000)
    rules = models.TextField(_("rules"), max_length=4000, blank=True)
    prizes = models.TextField(_("prizes"), max_length=1000, blank=True)
    space = models.ForeignKey("spaces.Space", verbose_name=_("space to be named"), null=True,
                              blank=True, on_delete=models.SET_NULL, related_name="+")
    entrants = models.CharField(_("who may enter"), max_length=10, choices=Entrants.choices,
                                default=Entrants.MEMBERS)
    voters = models.CharField(_("who may vote"), max_length=10, choices=Voters.choices,
                              default=Voters.VERIFIED)
    method = models.CharField(_("voting method"), max_length=10, choices=VoteMethod.choices,
                              default=VoteMethod.APPROVAL)
    max_choices = models.PositiveSmallIntegerField(
        _("at most this many ticks (approval)"), null=True, blank=True)
    max_entries = models.PositiveSmallIntegerField(_("entries per person"), default=1)
    submission_opens = models.DateTimeField(_("entries open"))
    submission_closes = models.DateTimeField(_("entries close (exhibition starts)"))
    voting_opens = models.DateTimeField(_("voting opens"))
    voting_closes = models.DateTimeField(_("voting closes"))
    announce_on = models.DateField(_("result announced on"))
    jury_weight = models.DecimalField(
        _("weight of the jury (0 = public vote only, 1 = jury only)"), max_digits=3,
        decimal_places=2, default=Decimal("0"))
    jury_criteria = models.JSONField(_("jury criteria"), default=list, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    ballot = models.OneToOneField("decisions.Ballot", verbose_name=_("public vote"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="contest")
    result = models.JSONField(_("result"), null=True, blank=True)
    winner = models.ForeignKey("contests.Entry", verbose_name=_("winner"), null=True,
                               blank=True, on_delete=models.SET_NULL, related_name="+")
    announced_at = models.DateTimeField(_("announced"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        ordering = ["-submission_opens", "-id"]
        indexes = [models.Index(fields=["community", "-submission_opens"],
                                name="contest_comm_opens")]
        constraints = [
            models.CheckConstraint(
                condition=Q(submission_closes__gt=models.F("submission_opens"))
                & Q(voting_opens__gte=models.F("submission_closes"))
                & Q(voting_closes__gt=models.F("voting_opens")),
                name="contest_dates_in_order"),
            models.CheckConstraint(condition=Q(jury_weight__gte=0) & Q(jury_weight__lte=1),
                                   name="contest_jury_weight_share"),
            models.CheckConstraint(condition=Q(max_entries__gte=1), name="contest_max_entries"),
        ]

    def __str__(self) -> str:
        return self.title

    def stage_at(self, now=None) -> str:
        now = now or timezone.now()
        if self.published_at is None:
            return Stage.DRAFT
        if self.announced_at is not None:
            return Stage.ANNOUNCED
        if now < self.submission_opens:
            return Stage.UPCOMING
        if now < self.submission_closes:
            return Stage.SUBMISSION
        if now < self.voting_opens:
            return Stage.EXHIBITION
        if now < self.voting_closes:
            return Stage.VOTING
        return Stage.COUNTING

    @property
    def stage(self) -> str:
        return self.stage_at()

    @property
    def stage_label(self) -> str:
        return str(Stage(self.stage).label)

    @property
    def wants_image(self) -> bool:
        return self.kind in IMAGE_KINDS

    @property
    def has_jury(self) -> bool:
        return self.jury_weight > 0


class Entry(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("In the gallery")
        REJECTED = "rejected", _("Not accepted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    contest = models.ForeignKey(Contest, verbose_name=_("contest"), on_delete=models.CASCADE,
                                related_name="entries")
    entrant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entrant"),
                                null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="contest_entries")
    show_name = models.BooleanField(_("show my name with the entry"), default=True)
    title = models.CharField(_("title"), max_length=80)
    statement = models.TextField(_("the idea behind it"), max_length=2000)
    image = models.ImageField(_("picture"), upload_to="contests/%Y/%m/", blank=True)
    alt_text = models.CharField(_("what the picture shows (for screen readers)"),
                                max_length=200, blank=True)
    proposed_name = models.CharField(_("proposed name"), max_length=30, blank=True)
    space = models.ForeignKey("spaces.Space", verbose_name=_("space"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    licence = models.CharField(_("licence"), max_length=10, choices=Licence.choices)
    consent_publish = models.BooleanField(_("consent to publish"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    reject_reason = models.TextField(_("reason"), max_length=1000, blank=True)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    moderated_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    anonymised = models.BooleanField(_("entrant's account deleted"), default=False)

    class Meta:
        verbose_name = _("contest entry")
        verbose_name_plural = _("contest entries")
        ordering = ["contest", "created_at", "id"]
        indexes = [models.Index(fields=["contest", "status", "created_at"],
                                name="entry_contest_status")]
        constraints = [
            models.CheckConstraint(condition=Q(consent_publish=True)
                                   | ~Q(status="approved"), name="entry_approved_has_consent"),
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(reject_reason=""),
                                   name="entry_rejected_has_reason"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def community(self):
        return self.contest.community

    @property
    def option_key(self) -> str:
        return f"e{self.pk}"

    @property
    def by_line(self) -> str:
        if self.anonymised or self.entrant_id is None:
            return str(_("a former resident"))
        if not self.show_name or self.entrant is None:
            return str(_("a resident"))
        return self.entrant.public_name


class JuryMember(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="jury")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("jury member")
        verbose_name_plural = _("jury members")
        constraints = [models.UniqueConstraint(fields=["contest", "user"],
                                               name="jurymember_unique")]

    def __str__(self) -> str:
        return f"{self.contest_id}: {self.user_id}"



class JuryScore(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="jury_scores")
    juror = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="+")
    criterion = models.CharField(max_length=40)
    score = models.PositiveSmallIntegerField()
    scored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("jury score")
        verbose_name_plural = _("jury scores")
        constraints = [
            models.UniqueConstraint(fields=["entry", "juror", "criterion"],
                                    name="juryscore_unique"),
            models.CheckConstraint(condition=Q(score__gte=1) & Q(score__lte=10),
                                   name="juryscore_1_to_10"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.criterion}: {self.score}"
