"""Translated labels for category codes, tiers, walking modes and population sources."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CATEGORY_LABELS = {
    "green": pgettext_lazy("access category", "Green space"),
    "play": _("Children's play"),
    "sport": _("Sport and fitness"),
    "culture": _("Culture and reading"),
    "community_service": _("Community rooms"),
    "elderly": _("Elderly care"),
}
TIER_LABELS = {
    "5min": _("5-minute life circle"),
    "10min": _("10-minute life circle"),
    "15min": _("15-minute life circle"),
}
SOURCE_LABELS = {"ledger": _("household ledger"), "estimate": _("estimate from floor area")}
GROUP_LABELS = {"owners": _("mostly owners"), "renters": _("mostly tenants"),
                "mixed": _("mixed tenure"), "unknown": _("tenure unknown")}


def category_label(code: str) -> str:
    return str(CATEGORY_LABELS.get(code, code))
