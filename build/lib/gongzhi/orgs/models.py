"""Organisations and stakeholders registered per community."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import SoftDeleteModel, TimeStampedModel


class OrgKind(models.TextChoices):
    PARTY = "party", _("Party committee / branch")
    RESIDENTS_COMMITTEE = "residents_committee", _("Residents' committee")
    OWNERS_COMMITTEE = "owners_committee", _("Owners' committee")
    PROPERTY = "property", _("Property management company")
    HOUSING_CENTRE = "housing_centre", _("Housing-guarantee centre")
    POLICE = "police", _("Police station")
    BUSINESS = "business", _("Business / shop")
    SOCIAL_ORG = "social_org", _("Social organisation")
    SCHOOL = "school", _("School / university")
    PLANNER = "planner", _("Planning team / community planner")
    GOVERNMENT = "government", _("Government department")
    VOLUNTEER_TEAM = "volunteer_team", _("Volunteer team")
    OTHER = "other", _("Other")


class Organisation(TimeStampedModel, SoftDeleteModel):
    community = models.ForeignKey("places.Community", verbose_name=_("community"),
                                  on_delete=models.CASCADE, related_name="organisations")
    kind = models.CharField(_("kind"), max_length=30, choices=OrgKind.choices)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="org_unique_name",
                                    condition=models.Q(deleted_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.name


class OrgMember(TimeStampedModel):
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"),
                                     on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"),
                             on_delete=models.CASCADE, related_name="org_memberships")
    title = models.CharField(_("position"), max_length=60, blank=True)
    is_contact = models.BooleanField(_("contact person"), default=False)
    is_representative = models.BooleanField(
        _("representative"), default=False,
        help_text=_("Votes on behalf of the organisation where ballots allow it."),
    )

    class Meta:
        verbose_name = _("organisation member")
        verbose_name_plural = _("organisation members")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="orgmember_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation}"
