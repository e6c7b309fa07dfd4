"""A community's offline basemap: vector layers built from an OpenStreetMap extract.

One row per community, replaced whenever a worker (or the demo) builds it again. The
FeatureCollection is stored ready to send (text and gzip), with an ETag, so serving it
costs one indexed read and no JSON work.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Basemap(models.Model):
    community = models.OneToOneField("places.Community", on_delete=models.CASCADE,
                                     related_name="basemap", verbose_name=_("community"))
    source = models.CharField(_("source file"), max_length=200)
    attribution = models.CharField(_("attribution"), max_length=200)
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()
    geojson = models.TextField(_("GeoJSON"))
    geojson_gz = models.BinaryField(_("GeoJSON, gzip"))
    etag = models.CharField(_("version tag"), max_length=64)
    feature_count = models.PositiveIntegerField(_("map features"), default=0)
    counts = models.JSONField(_("features by kind"), default=dict, blank=True)
    named_roads = models.PositiveIntegerField(_("named streets"), default=0)
    built_at = models.DateTimeField(auto_now=True)
    built_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("basemap")
        verbose_name_plural = _("basemaps")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_lon__lte=models.F("max_lon"), min_lat__lte=models.F("max_lat"),
                            min_lon__gte=-180, max_lon__lte=180, min_lat__gte=-90,
                            max_lat__lte=90),
                name="basemap_bbox_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.community} · {self.source}"

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.min_lon, self.min_lat, self.max_lon, self.max_lat)
