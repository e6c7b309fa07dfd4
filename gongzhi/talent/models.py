"""The talent pool (能人库): skilled residents who agreed to be asked for help.

A resident keeps one `TalentProfile` per community: skills from a maintained list
(`Skill`, one `TalentSkill` row each, so workers search by skill in SQL) plus free text,
a short description, availability, and a `TalentConsent` — the consent to be contacted,
recorded with its time and the version of the notice shown, revocable at any time.
Only profiles whose current consent is not revoked appear in searches; a worker sees the
phone number only while that consent holds. Workers invite a talent to a co-construction
task of a project (`TalentInvitation`); on acceptance the person is signed up to the task.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TimeStampedModel

# The notice a resident agrees to; bump the version whenever the text changes.
CONSENT_VERSION = "talent-2026-12"


class Skill(models.TextChoices):
    CARPENTRY = "carpentry", _("Carpentry")
    ELECTRICAL = "electrical", _("Electrician")
    PLUMBING = "plumbing", _("Plumbing")
    PAINTING = "painting", _("Painting and drawing")
    DESIGN = "design", _("Design")
    LAW = "law", _("Law")
    HEALTH = "health", _("Medicine and nursing")
    PHOTOGRAPHY = "photography", _("Photography")
    APPLIANCES = "appliances", _("Repairing appliances")
    PROGRAMMING = "programming", _("Programming")
    GARDENING = "gardening", _("Gardening")
    CALLIGRAPHY = "calligraphy", _("Calligraphy")
    TUTORING = "tutoring", _("Tutoring and teaching")
    COOKING = "cooking", _("Cooking")
    MUSIC = "music", _("Music and dance")
    PLANNING = "planning", _("Planning and architecture")
    ACCOUNTING = "accounting", _("Accounting")
    SEWING = "sewing", _("Sewing and knitting")
    SOCIAL_WORK = "social_work", _("Counselling and social work")
    TRANSLATION = "translation", _("Languages and translation")


class TalentProfile(TimeStampedModel):
    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"),
                             on_delete=models.CASCADE, related_name="talent_profiles")
    other_skills = models.CharField(_("other skills"), max_length=200, blank=True,
                                    help_text=_("Anything not in the list, separated by commas."))
    description = models.TextField(_("a few words about what you can do"), max_length=1000,
                                   blank=True)
    weekdays = models.BooleanField(_("weekday daytime"), default=False)
    evenings = models.BooleanField(_("evenings"), default=False)
    weekends = models.BooleanField(_("weekends"), default=False)
    consent = models.ForeignKey("TalentConsent", verbose_name=_("consent to be contacted"),
                                null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    searchable = models.BooleanField(_("in the talent pool"), default=False, db_index=True,
                                     editable=False)

    class Meta:
        verbose_name = _("talent profile")
        verbose_name_plural = _("talent profiles")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="talentprofile_unique"),
            # in the pool only with a consent recorded
            models.CheckConstraint(condition=Q(searchable=False) | Q(consent__isnull=False),
                                   name="talentprofile_searchable_needs_consent"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.community_id}"

    @property
    def consent_holds(self) -> bool:
        return (self.searchable and self.consent is not None
                and self.consent.revoked_at is None)

    @property
    def availability(self) -> list[str]:
        return [str(label) for flag, label in ((self.weekdays, _("weekday daytime")),
                                               (self.evenings, _("evenings")),
                                               (self.weekends, _("weekends"))) if flag]


class TalentSkill(models.Model):
    profile = models.ForeignKey(TalentProfile, verbose_name=_("talent"),
                                on_delete=models.CASCADE, related_name="skills")
    skill = models.CharField(_("skill"), max_length=20, choices=Skill.choices)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        constraints = [models.UniqueConstraint(fields=["profile", "skill"],
                                               name="talentskill_unique")]
        indexes = [models.Index(fields=["skill", "profile"], name="talentskill_search")]

    def __str__(self) -> str:
        return self.get_skill_display()


class TalentConsent(models.Model):
    """Consent to be contacted by the community's workers (PIPL): when, which notice."""

    profile = models.ForeignKey(TalentProfile, verbose_name=_("talent"),
                                on_delete=models.CASCADE, related_name="consents")
    notice_version = models.CharField(_("notice version"), max_length=30)
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent to be contacted")
        verbose_name_plural = _("consents to be contacted")
        ordering = ["-given_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(revoked_at__isnull=True)
                                              | Q(revoked_at__gte=models.F("given_at")),
                                              name="talentconsent_revoked_after_given")]

    def __str__(self) -> str:
        return f"{self.notice_version} {self.given_at:%Y-%m-%d}"


class TalentInvitation(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="+")
    profile = models.ForeignKey(TalentProfile, verbose_name=_("talent"),
                                on_delete=models.CASCADE, related_name="invitations")
    task = models.ForeignKey("projects.Task", verbose_name=_("co-construction task"),
                             on_delete=models.CASCADE, related_name="talent_invitations")
    message = models.CharField(_("message"), max_length=500, blank=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("invited by"),
                                   null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING, db_index=True)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation to a task")
        verbose_name_plural = _("invitations to tasks")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "task"],
                                    condition=Q(status__in=["pending", "accepted"]),
                                    name="talentinvitation_one_open"),
            models.CheckConstraint(condition=Q(status="pending") | Q(responded_at__isnull=False),
                                   name="talentinvitation_answered_has_time"),
        ]

    def __str__(self) -> str:
        return f"{self.profile_id} → {self.task_id}"
