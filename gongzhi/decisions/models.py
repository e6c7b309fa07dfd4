"""Ballots, who may vote on them, who voted, what was chosen, and the hash-chained log.

Secrecy is a property of the schema, not of the views: ``VoterRecord`` (who voted) and
``BallotContent`` (what was chosen) share no column. They meet only through the receipt
hash, which ``VoterRecord`` stores for *open* ballots and never for secret ones (a check
constraint holds it). Both tables use random UUID keys so row ids do not give the voting
order away, and contents carry no timestamp.

They are not even written together: a vote writes its ``VoterRecord`` and a sealed
(encrypted, fixed-size) ``PendingEntry``; the sequencer (``services.ballot_seal``) later
writes the contents of many pending entries in one shuffled batch, so transaction ids,
physical row order and dump order link a voter to a batch at most -- and at close the
ballot's voter records and contents are rewritten in random order in one transaction, so
after the close not even that. See docs/decisions.md (threat model).

Once a ballot is closed its contents are append-only in the database (triggers in
migration 0003), and its state and result cannot be changed back.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import AppendOnlyError, TimeStampedModel


class Method(models.TextChoices):
    PLURALITY = "plurality", _("Single choice (plurality)")
    APPROVAL = "approval", _("Approval")
    SCORE = "score", _("Score")
    BORDA = "borda", _("Borda count")
    SCHULZE = "schulze", _("Ranked (Schulze)")
    IRV = "irv", _("Ranked (instant runoff)")
    MAJORITY = "majority", _("Yes / no with quorum")
    ART278 = "art278", _("Owners' decision (Civil Code Art. 278)")
    PB = "pb", _("Participatory budgeting")


RANKED_METHODS = frozenset({Method.BORDA, Method.SCHULZE, Method.IRV})


class PBVoteType(models.TextChoices):
    APPROVAL = "approval", _("Approval (tick projects within the budget)")
    CUMULATIVE = "cumulative", _("Cumulative (distribute points)")
    ORDINAL = "ordinal", _("Ordinal (rank projects)")
    CHOOSE_1 = "choose-1", _("Choose one project")


class EligibilityKind(models.TextChoices):
    VERIFIED_RESIDENTS = "verified", _("Verified residents")
    HOUSEHOLDS = "household", _("One vote per household")
    OWNERS = "owners", _("Owners")
    BUILDING_OWNERS = "building_owners", _("Owners of one building or unit")
    ORG_REPRESENTATIVES = "org_reps", _("Organisation representatives")
    MEETING_ATTENDEES = "attendees", _("Attendees of a meeting")


class Secrecy(models.TextChoices):
    SECRET = "secret", _("Secret ballot")
    OPEN = "open", _("Open ballot")


class BallotState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for voting")
    CLOSED = "closed", _("Closed")


class Ballot(TimeStampedModel):
    """A question put to a group of eligible voters (表决)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="ballots")
    title = models.CharField(_("title"), max_length=200)
    question = models.TextField(_("question"), blank=True)
    method = models.CharField(_("voting method"), max_length=20, choices=Method.choices)
    eligibility = models.CharField(_("who may vote"), max_length=20,
                                   choices=EligibilityKind.choices,
                                   default=EligibilityKind.VERIFIED_RESIDENTS)
    building = models.ForeignKey("places.Building", verbose_name=_("building"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+",
                                 help_text=_("For a building's owners, e.g. lift installation "
                                             "(加装电梯)."))
    unit = models.ForeignKey("places.Unit", verbose_name=_("unit (entrance)"), null=True,
                             blank=True, on_delete=models.PROTECT, related_name="+")
    secrecy = models.CharField(_("secrecy"), max_length=10, choices=Secrecy.choices,
                               default=Secrecy.SECRET)
    allow_change = models.BooleanField(_("voters may change or withdraw their vote"),
                                       default=True)
    state = models.CharField(_("state"), max_length=10, choices=BallotState.choices,
                             default=BallotState.DRAFT, db_index=True)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # method parameters
    max_choices = models.PositiveSmallIntegerField(_("maximum number of choices"), null=True,
                                                   blank=True)
    min_score = models.SmallIntegerField(_("lowest score"), default=0)
    max_score = models.SmallIntegerField(_("highest score"), default=5)
    quorum = models.CharField(_("quorum (share of eligible voters)"), max_length=20,
                              default="0", help_text=_("A fraction such as 1/2 or 0.5."))
    approval_threshold = models.CharField(_("share of yes votes needed"), max_length=20,
                                          default="1/2")
    strict_majority = models.BooleanField(_("more than the share (not equal)"), default=True)
    art278_item = models.PositiveSmallIntegerField(
        _("Art. 278 item"), null=True, blank=True,
        help_text=_("1-9; items 6-8 are special matters needing three quarters."))
    budget = models.DecimalField(_("budget (yuan)"), max_digits=14, decimal_places=2,
                                 default=0)
    pb_vote_type = models.CharField(_("PB ballot type"), max_length=12,
                                    choices=PBVoteType.choices, default=PBVoteType.APPROVAL)
    pb_rule = models.CharField(_("PB counting rule"), max_length=40,
                               default="equalshares/add1")
    points_total = models.PositiveIntegerField(_("points per voter (cumulative)"),
                                               default=10)
    tie_break = models.CharField(_("tie-break order"), max_length=80,
                                 default="min_cost,max_votes,project_order",
                                 help_text=_("Comma-separated keys, see docs/decisions.md."))
    # frozen at opening
    eligible_count = models.PositiveIntegerField(_("eligible voters"), default=0)
    result = models.JSONField(_("result"), null=True, blank=True)
    project = models.ForeignKey("projects.Project", verbose_name=_("project"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="ballots")
    meeting = models.ForeignKey("meetings.Meeting", verbose_name=_("meeting"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="ballots",
                                help_text=_("For \"attendees of a meeting\" ballots."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    imported_from = models.CharField(_("imported from"), max_length=200, blank=True)

    # Set by services_paper on a ballot made from an imported file: the file's defects.
    import_defects: list[str]
    # Set by selectors.ballot_for_vote: the content check's configuration, as read with
    # this row's ``updated_at`` (the version a vote checks under its lock).
    vote_config: dict[str, Any] | None

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["community", "state"], name="ballot_comm_state")]
        constraints = [
            models.CheckConstraint(condition=models.Q(budget__gte=0), name="ballot_budget_gte_0"),
            models.CheckConstraint(
                condition=~models.Q(method="art278", secrecy="secret"),
                name="ballot_art278_is_open",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_secret(self) -> bool:
        return self.secrecy == Secrecy.SECRET

    @property
    def is_pb(self) -> bool:
        return self.method == Method.PB


OPTION_IMAGE_DIR = "ballots/options/"


class Option(models.Model):
    """A choice on a ballot; for PB a project with its cost."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="options")
    key = models.CharField(_("key"), max_length=40)
    label = models.CharField(_("label"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    cost = models.DecimalField(_("cost (yuan)"), max_digits=14, decimal_places=2, default=0)
    position = models.PositiveSmallIntegerField(default=0)
    # A picture of the option (the design, the place), re-encoded under a random name by
    # ``services.option_image_stage``; its alt text is the option's label.
    image = models.ImageField(_("picture"), upload_to=OPTION_IMAGE_DIR, blank=True,
                              max_length=200)

    # Set by the ballot page from the voter's current choice, to pre-fill the change form.
    current_rank: int | str
    current_points: int | str
    current_score: int | str

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["ballot", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "key"], name="option_unique_key"),
            models.CheckConstraint(condition=models.Q(cost__gte=0), name="option_cost_gte_0"),
        ]

    def __str__(self) -> str:
        return self.label


class Eligibility(models.Model):
    """One voter key frozen when the ballot opened: a person, a household, an owner or an
    organisation. ``token`` is the pseudonym used in exports and the log."""

    # no index of its own: eligibility_unique (ballot, voter_key) serves lookups by ballot,
    # and a second index on the ballot alone led PostgreSQL's generic plan of the vote
    # statement to walk the whole ballot's rows for one voter key
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="eligible",
                               db_index=False)
    voter_key = models.CharField(max_length=100)
    token = models.CharField(max_length=16)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    household = models.ForeignKey("places.Household", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    organisation = models.ForeignKey("orgs.Organisation", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    owner_key = models.CharField(max_length=64, blank=True)
    weight = models.DecimalField(_("area (m²) / weight"), max_digits=12, decimal_places=2,
                                 default=1)
    label = models.CharField(max_length=120, blank=True)

    class Meta:
        verbose_name = _("eligible voter")
        verbose_name_plural = _("eligible voters")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "voter_key"], name="eligibility_unique"),
            models.UniqueConstraint(fields=["ballot", "token"], name="eligibility_token_unique"),
        ]
        indexes = [models.Index(fields=["ballot", "user"], name="eligibility_ballot_user")]

    def __str__(self) -> str:
        return self.label or self.token


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("Paper")
    IMPORT = "import", _("Imported")


class VoterRecord(models.Model):
    """Who has voted (never what). One per ballot and voter key, whatever the channel."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # indexed by voterrecord_unique (ballot, voter_key): one index fewer to write per vote
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="voter_records",
                               db_index=False)
    eligibility = models.ForeignKey(Eligibility, on_delete=models.CASCADE, related_name="+")
    voter_key = models.CharField(max_length=100)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    cast_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    secret = models.BooleanField()
    receipt_hash = models.CharField(max_length=64, null=True, blank=True)
    voted_on = models.DateField(_("voted on"))

    class Meta:
        verbose_name = _("voter record")
        verbose_name_plural = _("voter records")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "voter_key"], name="voterrecord_unique"),
            models.UniqueConstraint(fields=["ballot", "eligibility"],
                                    name="voterrecord_unique_eligibility"),
            models.CheckConstraint(
                condition=models.Q(secret=False) | models.Q(receipt_hash__isnull=True),
                name="voterrecord_secret_unlinked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id}:{self.voter_key}"


class BallotContent(models.Model):
    """What one ballot paper says. No voter reference; found only by its receipt hash."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="contents")
    receipt_hash = models.CharField(max_length=64)
    content = models.JSONField()
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    total_cost = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    budget_limit = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("ballot content")
        verbose_name_plural = _("ballot contents")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "receipt_hash"],
                                    name="content_unique_receipt"),
            models.CheckConstraint(condition=models.Q(total_cost__lte=models.F("budget_limit")),
                                   name="content_within_budget"),
        ]

    def __str__(self) -> str:
        return self.receipt_hash[:12]


class PendingEntry(models.Model):
    """A vote, change or withdrawal waiting for the sequencer. ``sealed`` is AES-GCM
    encrypted and padded (:mod:`gongzhi.decisions.seal`): it holds the receipt, the
    content and the action, and says nothing without the server's key. Deleted when its
    batch is written."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="+")
    sealed = models.BinaryField()

    class Meta:
        verbose_name = _("pending ballot entry")
        verbose_name_plural = _("pending ballot entries")

    def __str__(self) -> str:
        return f"{self.ballot_id}:pending"


class PaperBallot(models.Model):
    """A paper ballot entered twice by two different workers (double entry). It counts only
    when two entries by different workers agree."""

    class State(models.TextChoices):
        AWAITING = "awaiting", _("Awaiting second entry")
        MATCHED = "matched", _("Matched, counted")
        MISMATCH = "mismatch", _("Entries differ, needs resolution")

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="paper_ballots")
    serial = models.CharField(_("paper serial"), max_length=100,
                              help_text=_("The number printed on the paper; on open ballots "
                                          "the voter's code."))
    state = models.CharField(max_length=10, choices=State.choices, default=State.AWAITING)
    receipt_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("paper ballot")
        verbose_name_plural = _("paper ballots")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "serial"], name="paper_unique_serial"),
        ]

    def __str__(self) -> str:
        return self.serial


class PaperEntry(models.Model):
    paper = models.ForeignKey(PaperBallot, on_delete=models.CASCADE, related_name="entries")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    content = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("paper entry")
        verbose_name_plural = _("paper entries")
        constraints = [
            models.UniqueConstraint(fields=["paper", "entered_by"], name="paperentry_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.paper_id}:{self.entered_by_id}"


class LogHead(models.Model):
    """The head of a ballot's chain; locked (SELECT ... FOR UPDATE) to append."""

    ballot = models.OneToOneField(Ballot, on_delete=models.CASCADE, related_name="log_head")
    seq = models.PositiveIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"{self.ballot_id}@{self.seq}"


class LogEntry(models.Model):
    """One action on a ballot. ``hash = sha256(prev_hash + canonical JSON)``. Append-only:
    Python refuses changes and a database trigger refuses them too."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="log")
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=20)
    payload = models.JSONField()
    at = models.CharField(max_length=40)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("ballot log entry")
        verbose_name_plural = _("ballot log")
        ordering = ["ballot", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "seq"], name="logentry_unique_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id}#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("ballot log entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("ballot log entries cannot be deleted")
