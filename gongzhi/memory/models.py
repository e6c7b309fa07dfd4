"""The collective-memory archive (社区集体记忆资料库).

A `MemoryItem` is a story, photo, audio, video or scanned document that a resident
contributes — or that a worker or volunteer records on behalf of an elderly resident (an
oral history with a transcript, the narrator's consent recorded). It has an era as typed
("1980年代", "2013年前后") with the range of years it means, a place (a space, a building or
a point), people tagged with their consent (`PersonTag`, pending until they accept), and a
licence that decides who sees it once approved:

* CC BY 4.0 — everyone, on the public museum page;
* community only — signed-in members of the community;
* all rights reserved — the contributor and the community's workers.

Items are pre-moderated (`status` pending → approved / rejected, with a reason), and
anyone affected can ask for a takedown (`TakedownRequest`), decided by a worker; every
step is audited. `Collection`s group items into collections and exhibitions (老厂记忆),
optionally linked to a project whose before/after photos they show. `SearchTerm` is the
search index (see ``textsearch.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TimeStampedModel
from gongzhi.memory.era import decade_of, era_label

ANONYMOUS_NAME = "匿名居民"  # shown for a deleted contributor (kept in Chinese, as signed)


class Kind(models.TextChoices):
    STORY = "story", _("Story")
    PHOTO = "photo", _("Photo")
    AUDIO = "audio", _("Audio")
    VIDEO = "video", _("Video")
    DOCUMENT = "document", _("Scanned document")


class Licence(models.TextChoices):
    CC_BY = "cc_by", _("CC BY 4.0 — anyone may see and reuse it, naming the author")
    COMMUNITY = "community", _("Community only — members of the community who are signed in")
    ALL_RIGHTS = "all_rights", _("All rights reserved — only me and the community workers")


LICENCE_SHORT = {"cc_by": _("CC BY 4.0"), "community": _("Community only"),
                 "all_rights": _("All rights reserved")}


class Status(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Published")
    REJECTED = "rejected", _("Not published")
    TAKEN_DOWN = "taken_down", _("Taken down")


class MemoryItem(TimeStampedModel):
    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="memory_items")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices,
                            default=Kind.STORY)
    title = models.CharField(_("title"), max_length=120)
    body_html = models.TextField(_("story"), blank=True,
                                 help_text=_("Sanitised HTML (a small safe subset)."))
    body_text = models.TextField(_("story as plain text"), blank=True, editable=False)
    transcript = models.TextField(_("transcript"), blank=True)
    era_text = models.CharField(_("when"), max_length=40, blank=True)
    year_from = models.PositiveSmallIntegerField(_("from year"), null=True, blank=True)
    year_to = models.PositiveSmallIntegerField(_("to year"), null=True, blank=True)
    era_precision = models.CharField(_("precision"), max_length=10, blank=True)
    space = models.ForeignKey("spaces.Space", verbose_name=_("space"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    building = models.ForeignKey("places.Building", verbose_name=_("building"), null=True,
                                 blank=True, on_delete=models.SET_NULL, related_name="+")
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    place_text = models.CharField(_("place"), max_length=120, blank=True)
    contributor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("contributor"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="memory_items")
    contributor_name = models.CharField(_("shown as"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="memory_recorded")
    narrator_name = models.CharField(_("narrator"), max_length=60, blank=True)
    narrator_consent_at = models.DateTimeField(_("narrator agreed"), null=True, blank=True)
    narrator_consent_note = models.CharField(_("how the narrator agreed"), max_length=200,
                                             blank=True)
    licence = models.CharField(_("licence"), max_length=12, choices=Licence.choices,
                               default=Licence.COMMUNITY)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.PENDING, db_index=True)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    moderated_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    moderation_reason = models.CharField(_("reason"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    project = models.ForeignKey("projects.Project", verbose_name=_("project"), null=True,
                                blank=True, on_delete=models.SET_NULL,
                                related_name="memory_items")
    # where an imported item came from ("contests.entry:12", "activities.photo:7"), so the
    # same photo is never taken into the archive twice (memory/sources.py)
    source_key = models.CharField(_("taken from"), max_length=60, blank=True, editable=False)

    class Meta:
        verbose_name = _("memory")
        verbose_name_plural = _("memories")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["community", "status", "-published_at"],
                         name="memory_comm_status_pub"),
            models.Index(fields=["community", "year_from", "year_to"],
                         name="memory_comm_years"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["community", "source_key"],
                                    condition=~Q(source_key=""), name="memory_source_once"),
            models.CheckConstraint(
                condition=(Q(year_from__isnull=True) & Q(year_to__isnull=True))
                | Q(year_from__gte=1800, year_to__lte=2200, year_to__gte=F("year_from")),
                name="memory_years_range"),
            models.CheckConstraint(
                condition=(Q(lat__isnull=True) & Q(lon__isnull=True))
                | Q(lat__gte=-90, lat__lte=90, lon__gte=-180, lon__lte=180),
                name="memory_latlon_valid"),
            # an oral history recorded for someone else needs that person's consent
            models.CheckConstraint(
                condition=Q(recorded_by__isnull=True) | Q(narrator_consent_at__isnull=False),
                name="memory_on_behalf_has_consent"),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(moderation_reason=""),
                name="memory_rejection_has_reason"),
            models.CheckConstraint(condition=Q(licence__in=["cc_by", "community",
                                                            "all_rights"]),
                                   name="memory_licence_valid"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def shown_author(self) -> str:
        if self.narrator_name:
            return self.narrator_name
        if self.contributor_id is None:
            return self.contributor_name or ANONYMOUS_NAME
        return self.contributor_name or (self.contributor.public_name
                                         if self.contributor else ANONYMOUS_NAME)

    @property
    def years(self) -> str:
        return era_label(self.year_from, self.year_to)

    @property
    def is_approximate(self) -> bool:
        return self.era_precision in ("approx", "decade", "range", "named")

    @property
    def decade(self) -> int | None:
        if self.year_from is None or self.year_to is None:
            return None
        return decade_of(self.year_from, self.year_to)

    @property
    def licence_short(self):
        return LICENCE_SHORT.get(self.licence, self.licence)

    @property
    def point(self) -> tuple[float, float] | None:
        if self.lat is not None and self.lon is not None:
            return self.lat, self.lon
        if self.space_id and self.space is not None:
            return self.space.lat, self.space.lon
        building = self.building if self.building_id else None
        if building is not None and building.lat is not None and building.lon is not None:
            return building.lat, building.lon
        return None

    @property
    def place_name(self) -> str:
        if self.space_id and self.space is not None:
            return self.space.name
        if self.building_id and self.building is not None:
            return self.building.name or str(self.building.number)
        return self.place_text


class MediaKind(models.TextChoices):
    IMAGE = "image", _("Picture")
    AUDIO = "audio", _("Audio")
    VIDEO = "video", _("Video")
    PDF = "pdf", _("PDF document")


class MemoryMedia(models.Model):
    """A file of an item: a re-encoded picture, or a checked audio, video or PDF file."""

    item = models.ForeignKey(MemoryItem, verbose_name=_("memory"), on_delete=models.CASCADE,
                             related_name="media")
    kind = models.CharField(_("kind"), max_length=8, choices=MediaKind.choices)
    file = models.FileField(_("file"), upload_to="memory/%Y/%m/", max_length=200)
    thumbnail = models.ImageField(_("thumbnail"), upload_to="memory/thumbs/%Y/%m/",
                                  null=True, blank=True, max_length=200)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("memory file")
        verbose_name_plural = _("memory files")
        ordering = ["item", "order", "id"]

    def __str__(self) -> str:
        return self.caption or self.get_kind_display()

    @property
    def community(self):
        return self.item.community


class PersonTag(models.Model):
    """A person shown or named in an item: visible only once they accept."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for their consent")
        ACCEPTED = "accepted", _("Agreed")
        DECLINED = "declined", _("Declined")

    item = models.ForeignKey(MemoryItem, verbose_name=_("memory"), on_delete=models.CASCADE,
                             related_name="tags")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"),
                               on_delete=models.CASCADE, related_name="memory_tags")
    tagged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("tagged by"),
                                  null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.PENDING)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("person tag")
        verbose_name_plural = _("person tags")
        ordering = ["item", "created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "person"],
                                               name="persontag_unique")]

    def __str__(self) -> str:
        return f"{self.item_id} ← {self.person_id} ({self.state})"

    @property
    def community(self):
        return self.item.community


class Collection(TimeStampedModel):
    class Kind(models.TextChoices):
        COLLECTION = "collection", _("Collection")
        EXHIBITION = "exhibition", _("Exhibition")

    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="memory_collections")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices,
                            default=Kind.COLLECTION)
    title = models.CharField(_("title"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    project = models.ForeignKey("projects.Project", verbose_name=_("project"), null=True,
                                blank=True, on_delete=models.SET_NULL,
                                related_name="memory_collections",
                                help_text=_("Its before / during / after photos are shown "
                                            "with the collection."))
    is_featured = models.BooleanField(_("featured on the museum page"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    items: models.ManyToManyField = models.ManyToManyField(MemoryItem, through="CollectionItem",
                                   related_name="collections")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("memory collection")
        verbose_name_plural = _("memory collections")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["community", "title"],
                                               name="memcollection_unique_title")]

    def __str__(self) -> str:
        return self.title


class CollectionItem(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE,
                                   related_name="entries")
    item = models.ForeignKey(MemoryItem, on_delete=models.CASCADE, related_name="+")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["collection", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["collection", "item"],
                                               name="collectionitem_unique")]

    def __str__(self) -> str:
        return f"{self.collection_id}:{self.item_id}"


class TakedownRequest(TimeStampedModel):
    class Reason(models.TextChoices):
        PRIVACY = "privacy", _("It shows me or my family without consent")
        COPYRIGHT = "copyright", _("It is my work and was shared without my permission")
        WRONG = "wrong", _("It is wrong or misleading")
        HURTFUL = "hurtful", _("It is hurtful or offensive")
        OTHER = "other", _("Another reason")

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for a decision")
        UPHELD = "upheld", _("Taken down")
        DECLINED = "declined", _("Kept online")

    item = models.ForeignKey(MemoryItem, verbose_name=_("memory"), on_delete=models.CASCADE,
                             related_name="takedowns")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("asked by"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="memory_takedowns")
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    details = models.TextField(_("details"), max_length=2000)
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.OPEN, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.CharField(_("decision"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("takedown request")
        verbose_name_plural = _("takedown requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "requested_by"],
                                    condition=Q(state="open"),
                                    name="takedown_one_open_per_person"),
            models.CheckConstraint(condition=Q(state="open") | ~Q(decision_note=""),
                                   name="takedown_decision_has_note"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.reason} ({self.state})"

    @property
    def community(self):
        return self.item.community


class SearchTerm(models.Model):
    """The search index: one row per (item, term) with its BM25 term-frequency weight."""

    item = models.ForeignKey(MemoryItem, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey("places.Community", on_delete=models.CASCADE,
                                  related_name="+")
    term = models.CharField(max_length=24)
    weight = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["community", "term"], name="memterm_comm_term")]
        constraints = [models.UniqueConstraint(fields=["item", "term"],
                                               name="memterm_unique")]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.term}"
