from __future__ import annotations

import json
from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.forms import form_field
from gongzhi.core.uploads import ImageUploadField
from gongzhi.spaces.models import LifeCircle, SpaceEvent, SpaceKind, SpacePhoto, SpaceState

if TYPE_CHECKING:
    from gongzhi.orgs.models import Organisation



class SpaceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=SpaceKind.choices)
    state = forms.ChoiceField(label=_("State"), choices=SpaceState.choices,
                              initial=SpaceState.OPEN)
    geometry = forms.CharField(
        label=_("Shape (GeoJSON)"),
        widget=forms.Textarea(attrs={"rows": 4, "class": "geom-textarea", "spellcheck": "false"}),
        help_text=_("Click on the map to place a point or draw a line or polygon, or paste a "
                    "GeoJSON geometry in WGS-84 longitude, latitude order."),
    )
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    opening_hours = forms.CharField(label=_("Opening hours"), max_length=200, required=False)
    rules = forms.CharField(label=_("Rules of use"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}), help_text=_("使用规则"))
    capacity = forms.IntegerField(label=_("Capacity (people)"), min_value=0, required=False)
    life_circle = forms.ChoiceField(label=_("Life-circle tier"), choices=LifeCircle.choices,
                                    required=False)
    is_public = forms.BooleanField(label=_("Show to everyone"), required=False, initial=True)

    def clean_geometry(self):
        raw = self.cleaned_data["geometry"].strip()
        try:
            value = json.loads(raw)
        except ValueError:
            raise forms.ValidationError(
                _("This is not valid GeoJSON text (check brackets and commas)."),
                code="malformed") from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("A GeoJSON geometry must be a JSON object."),
                                        code="malformed")
        if value.get("type") == "Feature":
            value = value.get("geometry") or {}
        return value


class PhotoForm(forms.Form):
    image = ImageUploadField(label=_("Photo"))
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Kind of photo"), choices=SpacePhoto.Role.choices,
                             initial=SpacePhoto.Role.GENERAL)
    keep_location = forms.BooleanField(
        label=_("Keep the location stored in the photo"), required=False)


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[
        (SpaceEvent.Kind.RENOVATION, SpaceEvent.Kind.RENOVATION.label),
        (SpaceEvent.Kind.STATE, SpaceEvent.Kind.STATE.label),
        (SpaceEvent.Kind.NOTE, SpaceEvent.Kind.NOTE.label),
    ])
    happened_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    description = forms.CharField(label=_("What was done"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    to_state = forms.ChoiceField(label=_("State afterwards"),
                                 choices=[("", _("Unchanged")), *SpaceState.choices],
                                 required=False)
    project_id = forms.IntegerField(label=_("Project number"), required=False, min_value=1)
    before_photo = ImageUploadField(label=_("Photo before"), required=False)
    after_photo = ImageUploadField(label=_("Photo after"), required=False)


class DutyForm(forms.Form):
    task = forms.CharField(label=_("Task"), max_length=200)
    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("Organisation or volunteer team"), queryset=None, required=False)
    responsible_name = forms.CharField(label=_("Or a person / group"), max_length=120,
                                       required=False)
    interval_days = forms.IntegerField(label=_("Every (days)"), min_value=1, initial=7)
    next_due = forms.DateField(label=_("Next due"),
                               widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        from gongzhi.orgs.models import Organisation

        form_field(self, "organisation", forms.ModelChoiceField).queryset = (
            Organisation.objects.alive().filter(
                community=community).order_by("name"))


class CareLogForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    photo = ImageUploadField(label=_("Photo"), required=False)


class GeoJSONImportForm(forms.Form):
    file = forms.FileField(label=_("GeoJSON file"))
    dry_run = forms.BooleanField(label=_("Only check, do not import yet"), required=False,
                                 initial=True)


class OsmImportForm(forms.Form):
    file = forms.FileField(label=_("OpenStreetMap file (.osm or .osm.pbf)"))
    dry_run = forms.BooleanField(label=_("Only check, do not import yet"), required=False,
                                 initial=True)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not (name.endswith(".osm") or name.endswith(".osm.pbf") or name.endswith(".pbf")):
            raise forms.ValidationError(_("Upload an .osm or .osm.pbf file."))
        return upload
