"""The per-community access settings form (life circles, walking speeds, categories)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.spatial.labels import CATEGORY_LABELS, TIER_LABELS
from gongzhi.spatial.models import AccessConfig, default_categories

TIER_CHOICES = [(code, label) for code, label in TIER_LABELS.items()]


class AccessSettingsForm(forms.Form):
    threshold_5min_m = forms.IntegerField(label=_("5-minute life circle (metres)"),
                                          min_value=50, max_value=3000)
    threshold_10min_m = forms.IntegerField(label=_("10-minute life circle (metres)"),
                                           min_value=50, max_value=3000)
    threshold_15min_m = forms.IntegerField(label=_("15-minute life circle (metres)"),
                                           min_value=50, max_value=3000)
    walking_speed = forms.FloatField(
        label=_("Standard walking speed (m/s)"), min_value=0.3, max_value=2.0,
        help_text=_("The life circles above are what a resident walks at this speed."))
    elderly_walking_speed = forms.FloatField(
        label=_("Elderly walking speed (m/s)"), min_value=0.3, max_value=2.0,
        help_text=_("Slower; every life circle shrinks in proportion for the elderly view."))
    catchment_m = forms.IntegerField(
        label=_("Catchment of the 2SFCA score (metres)"), min_value=100, max_value=5000)
    persons_per_household = forms.FloatField(
        label=_("Persons per household (when the ledger does not say)"), min_value=0.1,
        max_value=10)
    use_osm_facilities = forms.BooleanField(
        label=_("Count facilities mapped in OpenStreetMap"), required=False)
    public_summary = forms.BooleanField(label=_("Residents see the summary"), required=False)

    def __init__(self, *args: Any, config: AccessConfig, **kwargs: Any) -> None:
        initial = {f: getattr(config, f) for f in (
            "threshold_5min_m", "threshold_10min_m", "threshold_15min_m", "walking_speed",
            "elderly_walking_speed", "catchment_m", "persons_per_household",
            "use_osm_facilities", "public_summary")}
        self.known = default_categories()
        self.known.update(config.categories)
        for code, spec in config.categories.items():
            initial[f"cat_{code}"] = True
            initial[f"tier_{code}"] = spec.get("tier")
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for code, spec in self.known.items():
            label = CATEGORY_LABELS.get(code, code)
            self.fields[f"cat_{code}"] = forms.BooleanField(
                label=_("Count %(category)s") % {"category": label}, required=False)
            self.fields[f"tier_{code}"] = forms.ChoiceField(
                label=_("%(category)s should be reached within") % {"category": label},
                choices=TIER_CHOICES, initial=spec.get("tier"))

    def category_rows(self) -> list[dict[str, Any]]:
        return [{"code": code, "label": CATEGORY_LABELS.get(code, code),
                 "include": self[f"cat_{code}"], "tier": self[f"tier_{code}"]}
                for code in self.known]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        t5, t10, t15 = (data.get(f"threshold_{t}_m") for t in ("5min", "10min", "15min"))
        if None not in (t5, t10, t15) and not t5 < t10 < t15:  # type: ignore[operator]
            self.add_error("threshold_15min_m", _(
                "The life circles must grow: 5 minutes < 10 minutes < 15 minutes."))
        slow, std = data.get("elderly_walking_speed"), data.get("walking_speed")
        if slow is not None and std is not None and slow >= std:
            self.add_error("elderly_walking_speed", _(
                "The elderly walking speed must be slower than the standard one."))
        categories = {code: {"kinds": list(spec.get("kinds", [])),
                             "tier": data.get(f"tier_{code}") or spec.get("tier")}
                      for code, spec in self.known.items() if data.get(f"cat_{code}")}
        if not categories:
            self.add_error(None, _("Keep at least one facility category."))
        data["categories"] = categories
        return data

    def changes(self) -> dict[str, Any]:
        keep = ("threshold_5min_m", "threshold_10min_m", "threshold_15min_m", "walking_speed",
                "elderly_walking_speed", "catchment_m", "persons_per_household",
                "use_osm_facilities", "public_summary", "categories")
        return {k: self.cleaned_data[k] for k in keep}
