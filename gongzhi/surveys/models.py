"""Survey instruments, surveys (waves), responses and paper double entry.

Responses carry no user: a linked survey stores ``respondent_key`` = HMAC-SHA256 of the
user id under the survey's secret (shared by the waves of one series, so before and after
pair), an anonymous one stores none. Analysis tables and exports only ever see the key.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TimeStampedModel


def new_secret() -> str:
    return secrets.token_hex(32)


def new_link_token() -> str:
    return secrets.token_urlsafe(12)


class Instrument(TimeStampedModel):
    """A questionnaire definition (see ``formdef.FormDef``); a library instrument has no
    community and is copied into a community before use."""

    class Source(models.TextChoices):
        LIBRARY = "library", _("Instrument library")
        XLSFORM = "xlsform", _("Imported XLSForm")
        BUILDER = "builder", _("Built here")

    community = models.ForeignKey("places.Community", verbose_name=_("community"), null=True,
                                  blank=True, on_delete=models.CASCADE,
                                  related_name="instruments")
    key = models.SlugField(_("key"), max_length=60)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices,
                              default=Source.BUILDER)
    definition = models.JSONField(_("definition"), default=dict)
    attribution = models.TextField(_("attribution and licence"), blank=True)
    wording_included = models.BooleanField(
        _("item wording included"), default=True,
        help_text=_("Off for copyrighted scales: only item ids, subscales and scoring."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        ordering = ["title_zh"]
        constraints = [
            models.UniqueConstraint(fields=["community", "key"], name="instrument_unique_key",
                                    condition=Q(community__isnull=False)),
            models.UniqueConstraint(fields=["key"], name="instrument_unique_library_key",
                                    condition=Q(community__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.title_zh

    def form(self):
        from gongzhi.surveys.formdef import FormDef

        return FormDef.from_json(self.definition)


class Wave(models.TextChoices):
    SINGLE = "single", _("One-off")
    BEFORE = "before", _("Before the project")
    AFTER = "after", _("After the project")
    YEARLY = "yearly", _("Yearly")


class Survey(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Purpose(models.TextChoices):
        NEEDS = "needs", _("Needs survey (需求调查)")
        BELONGING = "belonging", _("Belonging and participation")
        EVALUATION = "evaluation", _("Evaluation (共评)")
        OTHER = "other", _("Other")

    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="surveys")
    instrument = models.ForeignKey(Instrument, verbose_name=_("instrument"),
                                   on_delete=models.PROTECT, related_name="surveys")
    title = models.CharField(_("title"), max_length=160)
    intro = models.TextField(_("introduction"), blank=True, max_length=2000)
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices,
                               default=Purpose.OTHER)
    wave = models.CharField(_("wave"), max_length=10, choices=Wave.choices,
                            default=Wave.SINGLE)
    wave_year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    pairs_with = models.ForeignKey("self", verbose_name=_("earlier wave"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="later")
    project = models.ForeignKey("projects.Project", verbose_name=_("project"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="surveys")
    anonymous = models.BooleanField(
        _("anonymous"), default=False,
        help_text=_("Anyone with the link may answer; answers cannot be paired across "
                    "waves."))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices,
                              default=Status.DRAFT)
    key_secret = models.CharField(max_length=64, default=new_secret, editable=False)
    link_token = models.CharField(max_length=32, unique=True, default=new_link_token,
                                  editable=False)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    owners = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("owners"),
                                    blank=True, related_name="owned_surveys")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(pairs_with=models.F("id")),
                                   name="survey_not_paired_with_itself"),
        ]

    def __str__(self) -> str:
        return self.title


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("Paper")


class Response(models.Model):
    """One respondent's answers. No user: ``respondent_key`` (linked surveys) pairs waves."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    respondent_key = models.CharField(max_length=64, blank=True, db_index=True)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.ONLINE)
    building = models.ForeignKey("places.Building", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    tenure = models.CharField(max_length=20, blank=True)
    answers = models.JSONField(default=dict)
    submitted_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "respondent_key"],
                                    name="response_one_per_respondent",
                                    condition=~Q(respondent_key="")),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.pk}"


class PaperSheet(models.Model):
    """A paper questionnaire entered twice by two different workers (double entry); it
    becomes a Response when two entries agree."""

    class State(models.TextChoices):
        AWAITING = "awaiting", _("Awaiting second entry")
        MATCHED = "matched", _("Matched, counted")
        MISMATCH = "mismatch", _("Entries differ, needs a third entry")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="paper_sheets")
    serial = models.CharField(_("sheet number"), max_length=40)
    state = models.CharField(max_length=10, choices=State.choices, default=State.AWAITING)
    response = models.OneToOneField(Response, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="paper_sheet")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("paper questionnaire")
        verbose_name_plural = _("paper questionnaires")
        constraints = [
            models.UniqueConstraint(fields=["survey", "serial"], name="papersheet_unique_serial"),
        ]

    def __str__(self) -> str:
        return self.serial


class PaperSheetEntry(models.Model):
    sheet = models.ForeignKey(PaperSheet, on_delete=models.CASCADE, related_name="entries")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    building = models.ForeignKey("places.Building", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    respondent_code = models.CharField(max_length=40, blank=True)
    answers = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("paper entry")
        verbose_name_plural = _("paper entries")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "entered_by"],
                                    name="papersheetentry_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.sheet_id}:{self.entered_by_id}"
