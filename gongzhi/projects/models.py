"""Participatory projects (空间的表象: conceived space) and the 五共 loop.

A `Project` belongs to a community, concerns spaces, and moves through `Phase`s with
dates. Each phase declares which phase actions (``projects.propose``, ``decisions.vote``,
``meetings.attend``, … — the registry in `gongzhi/projects/phase_actions.py`, filled by each
app's ``phases.py``) are open to which audiences (`Phase.actions`, a JSON object
``{code: [audience, …]}``); permissions are derived from that and the viewer's roles.

Inputs — ideas and proposals (`Proposal`, kind idea/proposal), `Support`s, `Comment`s —
each get a visible fate: an official answer on the proposal and, for accepted ones, a
tracked `Result` (实施结果公告) with `Milestone`s and public `ResultUpdate`s.

Co-construction (共建): `Task` + `TaskSignup` (capacity), `Donation` (变废为宝: pledged →
received → used) and before/after `ProjectPhoto`s.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.i18n import localized_name
from gongzhi.core.models import TimeStampedModel


class Audience(models.TextChoices):
    """Who an open action is open to."""

    MEMBER = "member", _("Any member of the community")
    VERIFIED = "verified", _("Verified residents")
    ORG_MEMBER = "org_member", _("Members of the project's organisations")
    TEAM = "team", _("Project team")


class FiveGong(models.TextChoices):
    """Where a phase sits in the participatory-planning loop 五共."""

    NONE = "", _("—")
    PLAN = "plan", _("Plan jointly (共谋)")
    BUILD = "build", _("Build jointly (共建)")
    MANAGE = "manage", _("Manage jointly (共管)")
    EVALUATE = "evaluate", _("Evaluate jointly (共评)")
    SHARE = "share", _("Share jointly (共享)")


class ProjectKind(models.TextChoices):
    GARDEN = "garden", _("Community garden co-building")
    MICRO_RENEWAL = "micro_renewal", _("Deliberation-hall micro-renewal")
    BUDGET = "budget", _("Participatory budget")
    CONTEST = "contest", _("Contest")
    OTHER = "other", _("Other")


class ProjectTemplate(TimeStampedModel):
    """A reusable phase sequence, stored as data (seeded by a data migration, editable).

    ``phases`` is a list of ``{"key", "name", "description", "stage", "days",
    "actions": {code: [audience, …]}}`` (codes from the phase-action registry).
    """

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ProjectKind.choices,
                            default=ProjectKind.OTHER)
    phases = models.JSONField(_("phases"), default=list)
    is_active = models.BooleanField(_("offered"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("project template")
        verbose_name_plural = _("project templates")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language when it is stored as "中文 English"."""
        return localized_name(self.name)


class Project(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="projects")
    template = models.ForeignKey(ProjectTemplate, verbose_name=_("template"), null=True,
                                 blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=ProjectKind.choices,
                            default=ProjectKind.OTHER)
    title = models.CharField(_("title"), max_length=160)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("what and why"), blank=True)
    goals = models.TextField(_("goals"), blank=True, help_text=_("One goal per line."))
    budget = models.DecimalField(_("budget (yuan)"), max_digits=12, decimal_places=2,
                                 null=True, blank=True)
    spaces = models.ManyToManyField("spaces.Space", verbose_name=_("spaces"), blank=True,
                                    related_name="projects")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.ACTIVE)
    report_threshold = models.PositiveSmallIntegerField(
        _("reports before hiding"), default=3,
        help_text=_("Content reported by this many people is hidden until a moderator "
                    "reviews it."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    # Set by the project list: the phase running today (None between phases).
    now: Phase | None

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["community", "status"], name="project_comm_status")]
        constraints = [
            models.CheckConstraint(condition=Q(budget__isnull=True) | Q(budget__gte=0),
                                   name="project_budget_nonneg"),
            models.CheckConstraint(condition=Q(report_threshold__gte=1),
                                   name="project_report_threshold_pos"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def goal_list(self) -> list[str]:
        return [line.strip() for line in self.goals.splitlines() if line.strip()]


class Stakeholder(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        CO_ORGANISER = "co_organiser", _("Co-organiser")
        FUNDER = "funder", _("Funder")
        IMPLEMENTER = "implementer", _("Implementer")
        ADVISER = "adviser", _("Adviser")

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="stakeholders")
    organisation = models.ForeignKey("orgs.Organisation", verbose_name=_("organisation"),
                                     on_delete=models.CASCADE, related_name="project_roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "organisation", "role"],
                                    name="stakeholder_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.role}"


class TeamMember(models.Model):
    """A person with a role on the project (community planner 社区规划师, designer, …)."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        PLANNER = "planner", _("Community planner")
        DESIGNER = "designer", _("Designer")
        WORKER = "worker", _("Community worker")
        MODERATOR = "moderator", _("Moderator")
        VOLUNTEER_LEAD = "volunteer_lead", _("Volunteer lead")

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"),
                             on_delete=models.CASCADE, related_name="project_roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team")
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user", "role"], name="teammember_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role}"


class Phase(models.Model):
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="phases")
    order = models.PositiveSmallIntegerField(_("order"))
    key = models.SlugField(_("key"), max_length=40)
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    stage = models.CharField(_("五共 stage"), max_length=10, choices=FiveGong.choices,
                             blank=True, default=FiveGong.NONE)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    actions = models.JSONField(_("open actions"), default=dict, blank=True,
                               help_text=_('{"projects.propose": ["verified"], …}'))
    started_at = models.DateTimeField(_("opened early"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["project", "order"]
        constraints = [
            models.UniqueConstraint(fields=["project", "order"], name="phase_unique_order"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")),
                                   name="phase_dates_ordered"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language when it is stored as "中文 English"."""
        return localized_name(self.name)

    def is_open(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        if self.closed_at is not None:
            return False
        started = self.started_at is not None or self.starts_on <= today
        return started and today <= self.ends_on

    def audiences(self, code: str) -> list[str]:
        """Who ``code`` (a phase-action code) is open to in this phase."""
        return list((self.actions or {}).get(code, []))


class Proposal(TimeStampedModel):
    """An idea (pinned on the map) or a full proposal (提案)."""

    class Kind(models.TextChoices):
        IDEA = "idea", _("Idea")
        PROPOSAL = "proposal", _("Proposal")

    class Answer(models.TextChoices):
        NONE = "", _("Awaiting an answer")
        EVALUATING = "evaluating", _("Under evaluation")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        MERGED = "merged", _("Merged")

    class Visibility(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        PENDING = "pending", _("Hidden pending review")
        HIDDEN = "hidden", _("Hidden by a moderator")
        WITHDRAWN = "withdrawn", _("Withdrawn by the author")

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="proposals")
    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices,
                            default=Kind.PROPOSAL)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True,
                               on_delete=models.SET_NULL, related_name="proposals")
    phase = models.ForeignKey(Phase, verbose_name=_("phase"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"))
    space = models.ForeignKey("spaces.Space", verbose_name=_("space"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="proposals")
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    location_text = models.CharField(_("where"), max_length=200, blank=True)
    cost_estimate = models.DecimalField(_("cost estimate (yuan)"), max_digits=12,
                                        decimal_places=2, null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    support_count = models.PositiveIntegerField(_("supports"), default=0)
    comment_count = models.PositiveIntegerField(_("comments"), default=0)
    answer = models.CharField(_("official answer"), max_length=12, choices=Answer.choices,
                              blank=True, default=Answer.NONE)
    answer_text = models.TextField(_("answer explanation"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    merged_into = models.ForeignKey("self", verbose_name=_("merged into"), null=True,
                                    blank=True, on_delete=models.SET_NULL,
                                    related_name="merged_from")
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices,
                                  default=Visibility.VISIBLE)
    report_count = models.PositiveIntegerField(_("open reports"), default=0)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["project", "visibility", "-created_at"],
                         name="proposal_list"),
            models.Index(fields=["project", "-support_count"], name="proposal_support"),
            models.Index(fields=["community", "lat", "lon"], name="proposal_latlon"),
            models.Index(fields=["author", "-created_at"], name="proposal_author"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(lat__isnull=True) & Q(lon__isnull=True))
                | Q(lat__gte=-90, lat__lte=90, lon__gte=-180, lon__lte=180),
                name="proposal_latlon_valid",
            ),
            models.CheckConstraint(
                condition=Q(cost_estimate__isnull=True) | Q(cost_estimate__gte=0),
                name="proposal_cost_nonneg",
            ),
            models.CheckConstraint(
                condition=~Q(answer="rejected") | ~Q(answer_text=""),
                name="proposal_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(answer="merged") | Q(merged_into__isnull=False),
                name="proposal_merged_has_target",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_visible(self) -> bool:
        return self.visibility == self.Visibility.VISIBLE


class ProposalImage(models.Model):
    proposal = models.ForeignKey(Proposal, verbose_name=_("proposal"),
                                 on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("image"), upload_to="proposals/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("proposal image")
        verbose_name_plural = _("proposal images")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(f"{self.proposal_id} #{self.pk}")


class ProposalVersion(models.Model):
    """The text of a proposal before each change (accepted amendment or author's edit)."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("proposal"),
                                 on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"))
    cost_estimate = models.DecimalField(_("cost estimate (yuan)"), max_digits=12,
                                        decimal_places=2, null=True, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("changed by"),
                                   null=True, on_delete=models.SET_NULL, related_name="+")
    amendment = models.ForeignKey("Amendment", verbose_name=_("amendment"), null=True,
                                  blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("replaced"), auto_now_add=True)

    class Meta:
        verbose_name = _("proposal version")
        verbose_name_plural = _("proposal versions")
        ordering = ["proposal", "version"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "version"], name="proposalversion_unique"),
        ]

    def __str__(self) -> str:
        return str(f"{self.proposal_id} v{self.version}")


class Amendment(TimeStampedModel):
    """A resident's suggested edit; the proposal's author accepts or rejects it."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the author")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    proposal = models.ForeignKey(Proposal, verbose_name=_("proposal"),
                                 on_delete=models.CASCADE, related_name="amendments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True,
                               on_delete=models.SET_NULL, related_name="amendments")
    title = models.CharField(_("new title"), max_length=160)
    description = models.TextField(_("new description"))
    cost_estimate = models.DecimalField(_("new cost estimate (yuan)"), max_digits=12,
                                        decimal_places=2, null=True, blank=True)
    reason = models.TextField(_("why this change"), blank=True)
    based_on_version = models.PositiveIntegerField(_("based on version"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.PENDING)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("author's note"), blank=True)

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["-created_at", "-id"]


class Support(models.Model):
    """One person's support for a proposal: one per person (a database constraint)."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("proposal"),
                                 on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("supporter"),
                             on_delete=models.CASCADE, related_name="proposal_supports")
    created_at = models.DateTimeField(_("supported"), default=timezone.now)
    carried_from = models.ForeignKey(Proposal, verbose_name=_("carried over from"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="support_one_per_person"),
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="support_user")]

    def __str__(self) -> str:
        return str(f"{self.proposal_id} ← {self.user_id}")


class Comment(TimeStampedModel):
    """A threaded comment on a proposal (or on the project itself)."""

    class Visibility(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        PENDING = "pending", _("Hidden pending review")
        HIDDEN = "hidden", _("Hidden by a moderator")
        DELETED = "deleted", _("Deleted by the author")

    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="comments")
    proposal = models.ForeignKey(Proposal, verbose_name=_("proposal"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", verbose_name=_("reply to"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True,
                               on_delete=models.SET_NULL, related_name="project_comments")
    body = models.TextField(_("comment"))
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices,
                                  default=Visibility.VISIBLE)
    report_count = models.PositiveIntegerField(_("open reports"), default=0)

    # Set by selectors.comment_tree for the page.
    shown: bool
    children: list[Comment]

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["proposal", "created_at"], name="comment_proposal"),
            models.Index(fields=["author", "-created_at"], name="comment_author"),
        ]

    def __str__(self) -> str:
        return self.body[:60]


class AbuseReport(models.Model):
    """A report of abusive content: one per person per item (a database constraint)."""

    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="+")
    proposal = models.ForeignKey(Proposal, verbose_name=_("proposal"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="abuse_reports")
    comment = models.ForeignKey(Comment, verbose_name=_("comment"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="abuse_reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"),
                                 on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        verbose_name = _("abuse report")
        verbose_name_plural = _("abuse reports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(proposal__isnull=False) & Q(comment__isnull=True))
                | (Q(proposal__isnull=True) & Q(comment__isnull=False)),
                name="abusereport_one_target",
            ),
            models.UniqueConstraint(fields=["proposal", "reporter"],
                                    condition=Q(proposal__isnull=False),
                                    name="abusereport_once_proposal"),
            models.UniqueConstraint(fields=["comment", "reporter"],
                                    condition=Q(comment__isnull=False),
                                    name="abusereport_once_comment"),
        ]

    def __str__(self) -> str:
        return str(self.reason[:60])


class Task(TimeStampedModel):
    """A co-construction task (共建): what, where, when, skills, how many people."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="tasks")
    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("what"), max_length=160)
    description = models.TextField(_("details"), blank=True)
    space = models.ForeignKey("spaces.Space", verbose_name=_("space"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    location_text = models.CharField(_("where"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    skills = models.CharField(_("skills wanted"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("people needed"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.OPEN)

    # Set by selectors.tasks_for for the viewer.
    is_mine: bool
    free: int

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="task_capacity_pos"),
            models.CheckConstraint(condition=Q(ends_at__gte=F("starts_at")),
                                   name="task_dates_ordered"),
        ]

    def __str__(self) -> str:
        return self.title


class TaskSignup(models.Model):
    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE,
                             related_name="signups")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"),
                             on_delete=models.CASCADE, related_name="task_signups")
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)

    class Meta:
        verbose_name = _("task sign-up")
        verbose_name_plural = _("task sign-ups")
        constraints = [
            models.UniqueConstraint(fields=["task", "user"], name="tasksignup_unique"),
        ]

    def __str__(self) -> str:
        return str(f"{self.task_id} ← {self.user_id}")


class Donation(TimeStampedModel):
    """Material given to the project (变废为宝): pledged → received → used."""

    class Condition(models.TextChoices):
        PLEDGED = "pledged", _("Pledged")
        RECEIVED = "received", _("Received")
        USED = "used", _("Used")
        DECLINED = "declined", _("Declined")

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="donations")
    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="+")
    donor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("donor"), null=True,
                              blank=True, on_delete=models.SET_NULL, related_name="donations")
    donor_name = models.CharField(_("donor (if not a user)"), max_length=80, blank=True)
    item = models.CharField(_("item"), max_length=120)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    condition = models.CharField(_("state"), max_length=10, choices=Condition.choices,
                                 default=Condition.PLEDGED)
    note = models.CharField(_("note"), max_length=300, blank=True)
    used_for = models.CharField(_("used for"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="donation_quantity_pos"),
        ]

    def __str__(self) -> str:
        return self.item


class ProjectPhoto(models.Model):
    class Kind(models.TextChoices):
        BEFORE = "before", _("Before")
        DURING = "during", _("During")
        AFTER = "after", _("After")

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="photos")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    image = models.ImageField(_("photo"), upload_to="projects/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"),
                                    null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("project photo")
        verbose_name_plural = _("project photos")
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return str(self.caption or self.get_kind_display())


class Result(TimeStampedModel):
    """Accountability (实施结果公告): what was decided and how far it has got."""

    class Source(models.TextChoices):
        PROPOSAL = "proposal", _("Accepted proposal")
        MEETING = "meeting", _("Meeting decision")
        WORKER = "worker", _("Community plan")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="results")
    project = models.ForeignKey(Project, verbose_name=_("project"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="results")
    proposal = models.ForeignKey(Proposal, verbose_name=_("proposal"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="results")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices,
                              default=Source.WORKER)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    planned_cost = models.DecimalField(_("planned cost (yuan)"), max_digits=12,
                                       decimal_places=2, null=True, blank=True)
    spent_cost = models.DecimalField(_("spent so far (yuan)"), max_digits=12,
                                     decimal_places=2, default=0)
    responsible_org = models.ForeignKey("orgs.Organisation", verbose_name=_("responsible"),
                                        null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="results")
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    completed_on = models.DateField(_("completed"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(_("overdue notice sent"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["community", "status"], name="result_comm_status"),
            models.Index(fields=["status", "due_on"], name="result_due"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__gte=0, progress__lte=100),
                                   name="result_progress_range"),
            models.CheckConstraint(condition=Q(spent_cost__gte=0), name="result_spent_nonneg"),
            models.UniqueConstraint(fields=["proposal"], condition=Q(proposal__isnull=False),
                                    name="result_one_per_proposal"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return (self.status in (self.Status.PLANNED, self.Status.IN_PROGRESS)
                and self.due_on is not None and self.due_on < today)


class Milestone(models.Model):
    result = models.ForeignKey(Result, verbose_name=_("result"), on_delete=models.CASCADE,
                               related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due"), null=True, blank=True)
    done_on = models.DateField(_("done"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(
        _("progress when done (%)"), default=0,
        help_text=_("The result's progress once this milestone is reached."),
    )
    planned_cost = models.DecimalField(_("planned cost (yuan)"), max_digits=12,
                                       decimal_places=2, null=True, blank=True)
    overdue_notified_at = models.DateTimeField(_("overdue notice sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["result", "due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__gte=0, progress__lte=100),
                                   name="milestone_progress_range"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.done_on is None and self.due_on is not None and self.due_on < today


class ResultUpdate(models.Model):
    """One entry of a result's public timeline: progress, money spent, a photo, a note."""

    result = models.ForeignKey(Result, verbose_name=_("result"), on_delete=models.CASCADE,
                               related_name="updates")
    milestone = models.ForeignKey(Milestone, verbose_name=_("milestone"), null=True,
                                  blank=True, on_delete=models.SET_NULL, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True,
                               on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("what happened"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    spent_cost = models.DecimalField(_("spent so far (yuan)"), max_digits=12,
                                     decimal_places=2, default=0)
    status = models.CharField(_("status"), max_length=12, choices=Result.Status.choices)
    photo = models.ImageField(_("photo"), upload_to="results/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("posted"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("result update")
        verbose_name_plural = _("result updates")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__gte=0, progress__lte=100),
                                   name="resultupdate_progress_range"),
        ]

    def __str__(self) -> str:
        return str(self.text[:60])


class Evaluation(TimeStampedModel):
    """A participant's evaluation of the project (共评): a score and a comment, one each."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="evaluations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"),
                             on_delete=models.CASCADE, related_name="project_evaluations")
    score = models.PositiveSmallIntegerField(_("score (1–5)"))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="evaluation_once"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5),
                                   name="evaluation_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.score}"
