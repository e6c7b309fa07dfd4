"""Shift creation forms for workers and team leaders."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

DT_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


MCF = forms.ModelChoiceField


def _queryset(form: forms.Form, name: str, qs: Any) -> None:
    cast(forms.ModelChoiceField, form.fields[name]).queryset = qs


def _no_nul(value: str) -> str:
    if "\x00" in (value or ""):
        raise forms.ValidationError(_("This text contains a character that is not allowed."))
    return (value or "").strip()


class ShiftForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DT_WIDGET,
                                    input_formats=DT_FORMATS)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DT_WIDGET,
                                  input_formats=DT_FORMATS)
    capacity = forms.IntegerField(label=_("People needed"), min_value=1, max_value=10000,
                                  initial=4)
    weeks = forms.IntegerField(label=_("Repeat every week for how many weeks"), min_value=1,
                               max_value=26, initial=1,
                               help_text=_("1: only this shift."))

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("A shift must end after it starts."))
        return data


class OpportunityForm(ShiftForm):
    title = forms.CharField(label=_("What"), max_length=160)
    team: MCF = MCF(label=_("Team"), queryset=None, required=False)
    description = forms.CharField(label=_("Details"), required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    tasks = forms.CharField(label=_("Tasks (one per line)"), required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    skills = forms.CharField(label=_("Skills wanted"), max_length=200, required=False)
    min_age = forms.IntegerField(label=_("Minimum age"), min_value=1, max_value=100,
                                 required=False,
                                 help_text=_("Volunteers confirm their age when they sign up."))
    space: MCF = MCF(label=_("Space"), queryset=None, required=False)
    location_text = forms.CharField(label=_("Where (meeting point)"), max_length=200,
                                    required=False)
    lat = forms.FloatField(label=_("Latitude (a point on the map)"), min_value=-90,
                           max_value=90, required=False)
    lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180,
                           required=False)
    project: MCF = MCF(label=_("Project"), queryset=None, required=False)
    duty: MCF = MCF(label=_("Maintenance duty"), queryset=None, required=False)
    activity: MCF = MCF(label=_("Community activity"), queryset=None, required=False)

    field_order = ["title", "team", "description", "tasks", "skills", "min_age", "space",
                   "location_text", "lat", "lon", "project", "duty", "activity", "starts_at",
                   "ends_at", "capacity", "weeks"]

    def __init__(self, *args, community, user, **kwargs):
        super().__init__(*args, **kwargs)
        from gongzhi.activities.models import Activity
        from gongzhi.projects.models import Project
        from gongzhi.spaces.models import MaintenanceDuty, Space
        from gongzhi.volunteers.models import Team

        teams = Team.objects.filter(community=community).select_related("corps")
        if not user.has_perm("volunteers.manage", community):
            teams = teams.filter(leader=user)
            self.fields["team"].required = True
        _queryset(self, "team", teams)
        _queryset(self, "space", Space.objects.filter(community=community).order_by("name"))
        _queryset(self, "project", Project.objects.filter(community=community))
        _queryset(self, "duty", MaintenanceDuty.objects.filter(
            space__community=community).select_related("space"))
        _queryset(self, "activity", Activity.objects.filter(community=community,
                                                            cancelled_at__isnull=True))

    def clean_title(self):
        return _no_nul(self.cleaned_data["title"])

    def clean_description(self):
        return _no_nul(self.cleaned_data["description"])

    def clean_tasks(self):
        return _no_nul(self.cleaned_data["tasks"])

    def clean_location_text(self):
        return _no_nul(self.cleaned_data["location_text"])

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if (data.get("lat") is None) != (data.get("lon") is None):
            self.add_error("lat", _("Give both latitude and longitude, or neither."))
        if not data.get("space") and not data.get("location_text") and data.get("lat") is None:
            self.add_error("location_text", _("Choose a space or say where to meet."))
        return data

    def service_fields(self) -> dict:
        d = dict(self.cleaned_data)
        return {k: d.get(k) for k in ("title", "team", "description", "tasks", "skills",
                                      "min_age", "space", "location_text", "lat", "lon",
                                      "project", "duty", "activity", "starts_at", "ends_at",
                                      "capacity", "weeks")}
