"""Stored inputs and cached results of the access analysis.

`WalkNetwork`: a community's walking network (from an OSM extract), as compressed NumPy
arrays (no pickle). `AccessConfig`: which space kinds count as which facility category,
the life circle each category should be reached within, the catchment and whether
residents see the public summary. `AccessSnapshot`: the computed result for one walking
speed, with the fingerprint of the inputs it was computed from; a different fingerprint
means it is stale and a background task recomputes it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TimeStampedModel

# category → (space kinds, life-circle tier). GB 50180-2018: green space and play within
# the 5-minute circle, sport and culture within 10 minutes, community services within 15.
DEFAULT_CATEGORIES: dict[str, dict] = {
    "green": {"kinds": ["community_garden", "pocket_park", "plaza"], "tier": "5min"},
    "play": {"kinds": ["playground"], "tier": "5min"},
    "sport": {"kinds": ["sports_court", "fitness_area"], "tier": "10min"},
    "culture": {"kinds": ["book_corner", "culture_wall"], "tier": "10min"},
    "community_service": {"kinds": ["community_living_room", "activity_room"], "tier": "15min"},
}


def default_categories() -> dict:
    return {k: dict(v, kinds=list(v["kinds"])) for k, v in DEFAULT_CATEGORIES.items()}


class WalkingMode(models.TextChoices):
    STANDARD = "standard", _("Standard walking speed")
    ELDERLY = "elderly", _("Elderly residents (slower)")


class WalkNetwork(TimeStampedModel):
    community = models.OneToOneField("places.Community", on_delete=models.CASCADE,
                                     related_name="walk_network", verbose_name=_("community"))
    data = models.BinaryField(_("network arrays (npz)"))
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    source = models.CharField(_("source"), max_length=200)
    nodes = models.PositiveIntegerField(_("nodes"))
    edges = models.PositiveIntegerField(_("edges"))
    length_m = models.FloatField(_("length (m)"))
    attribution = models.CharField(_("attribution"), max_length=100,
                                   default="© OpenStreetMap contributors")
    osm_facilities = models.JSONField(
        _("facilities from the extract"), default=list, blank=True,
        help_text=_("Parks, pitches, libraries and community centres mapped in OpenStreetMap "
                    "around the community, counted next to the space registry."))

    class Meta:
        verbose_name = _("walking network")
        verbose_name_plural = _("walking networks")
        constraints = [models.CheckConstraint(condition=models.Q(nodes__gt=0),
                                              name="spatial_network_has_nodes")]

    def summary_line(self) -> str:
        return (f"{self.nodes} nodes, {self.edges} edges, {self.length_m / 1000:.1f} km "
                f"from {self.source}")


class AccessConfig(TimeStampedModel):
    community = models.OneToOneField("places.Community", on_delete=models.CASCADE,
                                     related_name="access_config", verbose_name=_("community"))
    categories = models.JSONField(_("facility categories"), default=default_categories)
    catchment_m = models.PositiveIntegerField(_("catchment (m)"), default=1000)
    persons_per_household = models.FloatField(_("persons per household"), default=2.3)
    use_osm_facilities = models.BooleanField(
        _("count facilities mapped in OpenStreetMap"), default=True,
        help_text=_("Besides the spaces registered here, count the parks, pitches, libraries "
                    "and community centres of the imported extract."))
    public_summary = models.BooleanField(
        _("residents see the summary"), default=False,
        help_text=_("Residents of the community may see coverage figures (no building list)."))
    # Life-circle distances at the standard walking speed (GB 50180-2018 defaults), and
    # the two speeds; at the elderly speed each distance shrinks in proportion.
    threshold_5min_m = models.PositiveSmallIntegerField(_("5-minute circle (m)"), default=300)
    threshold_10min_m = models.PositiveSmallIntegerField(_("10-minute circle (m)"),
                                                         default=500)
    threshold_15min_m = models.PositiveSmallIntegerField(_("15-minute circle (m)"),
                                                         default=1000)
    walking_speed = models.FloatField(_("standard walking speed (m/s)"), default=1.1)
    elderly_walking_speed = models.FloatField(_("elderly walking speed (m/s)"), default=0.8)

    class Meta:
        verbose_name = _("access settings")
        verbose_name_plural = _("access settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(catchment_m__gte=100)
                                   & models.Q(catchment_m__lte=5000),
                                   name="spatial_catchment_range"),
            models.CheckConstraint(condition=models.Q(persons_per_household__gt=0)
                                   & models.Q(persons_per_household__lte=10),
                                   name="spatial_household_size_range"),
            models.CheckConstraint(
                condition=models.Q(threshold_5min_m__gte=50)
                & models.Q(threshold_10min_m__gt=models.F("threshold_5min_m"))
                & models.Q(threshold_15min_m__gt=models.F("threshold_10min_m"))
                & models.Q(threshold_15min_m__lte=3000),
                name="spatial_thresholds_increase"),
            models.CheckConstraint(
                condition=models.Q(elderly_walking_speed__gte=0.3)
                & models.Q(walking_speed__gt=models.F("elderly_walking_speed"))
                & models.Q(walking_speed__lte=2.0),
                name="spatial_walking_speeds_range"),
        ]


class AccessSnapshot(models.Model):
    community = models.ForeignKey("places.Community", on_delete=models.CASCADE,
                                  related_name="access_snapshots", verbose_name=_("community"))
    mode = models.CharField(_("walking speed"), max_length=10, choices=WalkingMode.choices)
    fingerprint = models.CharField(_("input fingerprint"), max_length=64)
    result = models.JSONField(_("result"))
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)
    elapsed_ms = models.FloatField(_("computation time (ms)"), default=0)

    class Meta:
        verbose_name = _("access result")
        verbose_name_plural = _("access results")
        constraints = [models.UniqueConstraint(fields=["community", "mode"],
                                               name="spatial_one_snapshot_per_mode")]

    def __str__(self) -> str:
        return f"{self.community_id}/{self.mode}"


def tier_thresholds(config: AccessConfig) -> dict[str, float]:
    """Life-circle distances at the standard speed, per tier code."""
    return {"5min": float(config.threshold_5min_m), "10min": float(config.threshold_10min_m),
            "15min": float(config.threshold_15min_m)}


def mode_speed(config: AccessConfig, mode: str) -> float:
    return float(config.elderly_walking_speed if mode == WalkingMode.ELDERLY
                 else config.walking_speed)
