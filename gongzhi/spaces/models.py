"""Public spaces and facilities (空间实践 / 物理空间): the registry behind the participation map.

A `Space` stores its shape as normalised GeoJSON (WGS-84 lon/lat, validated by
`gongzhi.core.geo.validate_geometry`) plus denormalised, indexed numbers for filtering:
the centroid (`lat`/`lon`), the bbox (`min_lon`…`max_lat`) and the measured area or
length. Every state change and renovation is a `SpaceEvent` (the timeline); who looks
after a space is a `MaintenanceDuty` with a log of `CareLog` entries.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.models import TimeStampedModel


class SpaceKind(models.TextChoices):
    COMMUNITY_GARDEN = "community_garden", _("Community garden")
    POCKET_PARK = "pocket_park", _("Pocket park")
    FOOTPATH = "footpath", _("Footpath")
    PLAZA = "plaza", _("Plaza")
    ACTIVITY_ROOM = "activity_room", _("Activity room")
    COMMUNITY_LIVING_ROOM = "community_living_room", _("Community living room")  # 社区客厅
    CULTURE_WALL = "culture_wall", _("Culture wall")
    BIKE_SHED = "bike_shed", _("Bike shed")
    EV_CHARGER = "ev_charger", _("EV charging point")
    STREET_LAMP = "street_lamp", _("Street lamp")
    PLAYGROUND = "playground", _("Playground")
    SPORTS_COURT = "sports_court", _("Sports court")
    FITNESS_AREA = "fitness_area", _("Fitness area")
    BOOK_CORNER = "book_corner", _("Book corner")
    DERELICT_SITE = "derelict_site", _("Derelict site")  # e.g. an old boiler room
    OTHER = "other", _("Other")


class SpaceState(models.TextChoices):
    DERELICT = "derelict", _("Derelict")
    PLANNED = "planned", _("Planned")
    UNDER_RENOVATION = "under_renovation", _("Under renovation")
    OPEN = "open", _("Open")
    TEMPORARILY_CLOSED = "temporarily_closed", _("Temporarily closed")
    REMOVED = "removed", _("Removed")


class LifeCircle(models.TextChoices):
    """Life-circle tier a facility counts for (GB 50180-2018 城市居住区规划设计标准)."""

    NONE = "", _("Not counted")
    FIFTEEN_MIN = "15min", _("15-minute life circle")
    TEN_MIN = "10min", _("10-minute life circle")
    FIVE_MIN = "5min", _("5-minute life circle")
    BLOCK = "block", _("Residential block (居住街坊)")


class Space(TimeStampedModel):
    community = models.ForeignKey(
        "places.Community", verbose_name=_("community"), on_delete=models.CASCADE,
        related_name="spaces",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=SpaceKind.choices)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=SpaceState.choices, default=SpaceState.OPEN
    )
    is_public = models.BooleanField(
        _("public"), default=True,
        help_text=_("Shown to everyone on the map; unticked spaces are seen only by workers."),
    )
    # Geometry: normalised GeoJSON geometry plus indexed numbers derived from it.
    geometry = models.JSONField(_("geometry (GeoJSON, WGS-84)"))
    geom_type = models.CharField(_("geometry type"), max_length=20)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()
    area_m2 = models.FloatField(_("area (m²)"), null=True, blank=True)
    length_m = models.FloatField(_("length (m)"), null=True, blank=True)
    # Use.
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    rules = models.TextField(_("rules of use"), blank=True, help_text=_("使用规则"))
    capacity = models.PositiveIntegerField(_("capacity (people)"), null=True, blank=True)
    life_circle = models.CharField(
        _("life-circle tier"), max_length=10, choices=LifeCircle.choices, blank=True,
        default=LifeCircle.NONE, help_text=_("GB 50180-2018 生活圈 tier this facility counts for."),
    )
    osm_id = models.CharField(_("OpenStreetMap id"), max_length=30, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        ordering = ["community", "kind", "name", "id"]
        indexes = [
            models.Index(fields=["community", "kind"], name="space_comm_kind"),
            models.Index(fields=["community", "state"], name="space_comm_state"),
            models.Index(fields=["community", "min_lon", "max_lon"], name="space_comm_lon"),
            models.Index(fields=["community", "min_lat", "max_lat"], name="space_comm_lat"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_lon__lte=models.F("max_lon"))
                & Q(min_lat__lte=models.F("max_lat")),
                name="space_bbox_ordered",
            ),
            models.CheckConstraint(
                condition=Q(lat__gte=-90, lat__lte=90, lon__gte=-180, lon__lte=180),
                name="space_centroid_in_range",
            ),
            models.CheckConstraint(
                condition=Q(area_m2__isnull=True) | Q(area_m2__gte=0), name="space_area_nonneg"
            ),
            models.CheckConstraint(
                condition=Q(length_m__isnull=True) | Q(length_m__gte=0),
                name="space_length_nonneg",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=SpaceKind.values), name="space_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=SpaceState.values), name="space_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SpaceEvent(models.Model):
    """One entry of a space's history: created, state changed, renovated, note."""

    class Kind(models.TextChoices):
        CREATED = "created", pgettext_lazy("space history", "Registered")
        STATE = "state", _("State changed")
        RENOVATION = "renovation", _("Renovation")
        NOTE = "note", _("Note")

    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="events"
    )
    community = models.ForeignKey(
        "places.Community", verbose_name=_("community"), on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    from_state = models.CharField(
        _("from state"), max_length=20, choices=SpaceState.choices, blank=True
    )
    to_state = models.CharField(_("to state"), max_length=20, choices=SpaceState.choices,
                                blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    happened_on = models.DateField(_("date"))
    # Filled by the projects app later; a plain integer keeps spaces free of that dependency.
    project_id = models.PositiveIntegerField(_("project"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("space history entry")
        verbose_name_plural = _("space history")
        ordering = ["space", "-happened_on", "-id"]
        indexes = [models.Index(fields=["space", "happened_on"], name="spaceevent_space_date")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="state") | ~Q(to_state=""), name="spaceevent_state_has_target"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.space_id} {self.kind} {self.happened_on}"


class SpacePhoto(models.Model):
    class Role(models.TextChoices):
        GENERAL = "general", _("Photo")
        BEFORE = "before", _("Before")
        AFTER = "after", _("After")

    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="photos"
    )
    event = models.ForeignKey(
        SpaceEvent, verbose_name=_("history entry"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="photos",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.GENERAL)
    image = models.ImageField(_("image"), upload_to="spaces/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("space photo")
        verbose_name_plural = _("space photos")
        ordering = ["space", "created_at", "id"]

    def __str__(self) -> str:
        return self.caption or self.image.name


class MaintenanceDuty(TimeStampedModel):
    """维护责任: who looks after a space, how often, and when care is next due."""

    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="duties"
    )
    community = models.ForeignKey(
        "places.Community", verbose_name=_("community"), on_delete=models.CASCADE,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("organisation or volunteer team"), null=True,
        blank=True, on_delete=models.SET_NULL, related_name="space_duties",
    )
    responsible_name = models.CharField(
        _("responsible (if not an organisation)"), max_length=120, blank=True
    )
    task = models.CharField(_("task"), max_length=200)
    interval_days = models.PositiveIntegerField(_("every (days)"))
    next_due = models.DateField(_("next due"), db_index=True)
    is_active = models.BooleanField(_("active"), default=True)
    overdue_notified_at = models.DateTimeField(_("overdue notice sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("maintenance duty")
        verbose_name_plural = _("maintenance duties")
        ordering = ["next_due", "id"]
        indexes = [
            models.Index(fields=["community", "is_active", "next_due"], name="duty_comm_due"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(interval_days__gte=1), name="duty_interval_pos"),
        ]

    def __str__(self) -> str:
        return self.task


class CareLog(models.Model):
    """One act of care done under a duty (watering, sweeping, repairing a lamp...)."""

    duty = models.ForeignKey(
        MaintenanceDuty, verbose_name=_("duty"), on_delete=models.CASCADE, related_name="logs"
    )
    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="care_logs"
    )
    done_on = models.DateField(_("done on"))
    note = models.TextField(_("note"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="spaces/care/%Y/%m/", blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("care log entry")
        verbose_name_plural = _("care log")
        ordering = ["-done_on", "-id"]

    def __str__(self) -> str:
        return f"{self.duty_id} {self.done_on}"
