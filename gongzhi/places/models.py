"""The region tree: city › district › subdistrict › community › compound › building › unit ›
household.

Communities are the tenant boundary: every scoped record carries a ``community`` foreign key
(denormalised onto buildings and households) so "what may this user see" is one indexed
filter, and a district deployment can later shard by community.
"""

from __future__ import annotations

import secrets

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TimeStampedModel


class Region(TimeStampedModel):
    class Kind(models.TextChoices):
        CITY = "city", _("City")
        DISTRICT = "district", _("District")
        SUBDISTRICT = "subdistrict", _("Subdistrict")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("administrative code"), max_length=20, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="region_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def path(self) -> list[Region]:
        node: Region | None = self
        out: list[Region] = []
        while node is not None:
            out.append(node)
            node = node.parent
        return list(reversed(out))


class Community(TimeStampedModel):
    """A residents' committee area (社区): the unit of membership and permissions."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    subdistrict = models.ForeignKey(
        Region, verbose_name=_("subdistrict"), on_delete=models.PROTECT,
        related_name="communities", limit_choices_to={"kind": Region.Kind.SUBDISTRICT},
    )
    description = models.TextField(_("description"), blank=True)
    boundary = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)
    center_lat = models.FloatField(_("centre latitude"), null=True, blank=True)
    center_lon = models.FloatField(_("centre longitude"), null=True, blank=True)
    show_voter_names = models.BooleanField(
        _("show voters' names on open ballots"), default=False,
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The community's own logo in the page header (set by a logo contest's result,
    # gongzhi.contests, or by an admin); empty = the plain 共治 brand.
    logo = models.ImageField(_("logo"), upload_to="community-logos/", blank=True)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Compound(TimeStampedModel):
    """A housing compound (小区) inside a community."""

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.CASCADE, related_name="compounds"
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("compound")
        verbose_name_plural = _("compounds")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="compound_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Building(TimeStampedModel):
    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.CASCADE, related_name="buildings"
    )
    compound = models.ForeignKey(
        Compound, verbose_name=_("compound"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="buildings",
    )
    number = models.CharField(_("building number"), max_length=30)
    name = models.CharField(_("name"), max_length=100, blank=True)
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True)
    year_built = models.PositiveSmallIntegerField(_("year built"), null=True, blank=True)
    footprint = models.JSONField(_("footprint (GeoJSON)"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    osm_id = models.CharField(_("OpenStreetMap id"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["community", "number"]
        constraints = [
            models.UniqueConstraint(fields=["community", "number"], name="building_unique_number"),
        ]

    def __str__(self) -> str:
        return self.name or _("Building %(number)s") % {"number": self.number}


class Unit(models.Model):
    """An entrance / stairwell (单元) of a building."""

    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.CASCADE, related_name="units"
    )
    number = models.CharField(_("unit number"), max_length=20)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["building", "number"]
        constraints = [
            models.UniqueConstraint(fields=["building", "number"], name="unit_unique_number"),
        ]

    def __str__(self) -> str:
        return _("Unit %(number)s") % {"number": self.number}


class Tenure(models.TextChoices):
    OWNER = "owner", _("Owner")
    PUBLIC_RENTAL = "public_rental", _("Public-rental tenant")
    PRIVATE_RENTAL = "private_rental", _("Private tenant")
    OTHER = "other", _("Other")


def new_invite_code() -> str:
    # Unambiguous characters only: residents type these from paper notices.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class Household(TimeStampedModel):
    """A dwelling (户) in the household ledger (台账)."""

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.CASCADE, related_name="households"
    )
    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.CASCADE, related_name="households"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="households",
    )
    room = models.CharField(_("room"), max_length=20)
    floor_area_m2 = models.DecimalField(
        _("floor area (m²)"), max_digits=8, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )
    tenure = models.CharField(_("tenure"), max_length=20, choices=Tenure.choices,
                              default=Tenure.OTHER)
    owner_key = models.CharField(
        _("owner reference"), max_length=64, blank=True,
        help_text=_("Same value for units held by one owner, e.g. a certificate number."),
    )
    is_shop = models.BooleanField(_("shop"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # Optional counts for need-weighted analysis (e.g. access against the share of elderly
    # residents). Blank means "not recorded", never zero.
    residents = models.PositiveSmallIntegerField(
        _("residents"), null=True, blank=True,
        help_text=_("People living in the dwelling, if the ledger records it."),
    )
    elderly = models.PositiveSmallIntegerField(
        _("residents aged 60 or over"), null=True, blank=True,
        help_text=_("How many of them are 60 or older, if the ledger records it."),
    )

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["building__number", "unit__number", "room"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "unit", "room"], name="household_unique_room",
                condition=models.Q(unit__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["building", "room"], name="household_unique_room_no_unit",
                condition=models.Q(unit__isnull=True),
            ),
            models.CheckConstraint(
                condition=models.Q(elderly__isnull=True) | models.Q(residents__isnull=True)
                | models.Q(elderly__lte=models.F("residents")),
                name="household_elderly_within_residents",
            ),
        ]
        indexes = [models.Index(fields=["community", "tenure"], name="household_comm_tenure")]

    def __str__(self) -> str:
        parts = [str(self.building.number)]
        if self.unit is not None:
            parts.append(self.unit.number)
        parts.append(self.room)
        return "-".join(parts)

    @property
    def address_label(self) -> str:
        return str(self)


class HouseholdInvite(TimeStampedModel):
    """A code (and QR) handed to a household that verifies whoever redeems it."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="invites"
    )
    code = models.CharField(_("code"), max_length=12, unique=True, default=new_invite_code)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires"))
    max_uses = models.PositiveSmallIntegerField(_("maximum uses"), default=4)
    uses = models.PositiveSmallIntegerField(_("uses"), default=0)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("household invitation")
        verbose_name_plural = _("household invitations")
        constraints = [
            models.CheckConstraint(condition=models.Q(uses__lte=models.F("max_uses")),
                                   name="invite_uses_within_max"),
        ]

    def __str__(self) -> str:
        return self.code


class LedgerUpload(models.Model):
    """A ledger file kept between the dry run and the confirmation, so the worker does
    not have to upload it twice (and several app nodes can serve the two steps)."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=200)
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ledger upload")
        verbose_name_plural = _("ledger uploads")

    def __str__(self) -> str:
        return self.filename
