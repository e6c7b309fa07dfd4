"""Forms: a repeat rule from plain choices (weekday boxes, frequency, end), never RRULE text."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.activities import recurrence
from gongzhi.activities.describe import DAY_NAMES, POSITION_NAMES
from gongzhi.activities.models import Activity, AgeBand, Category
from gongzhi.core.uploads import ImageUploadField

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DT_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

REPEAT_CHOICES = [("once", _("Once")), ("daily", _("Every day")),
                  ("weekly", _("Every week on chosen days")),
                  ("monthly_day", _("Every month on the same date")),
                  ("monthly_weekday", _("Every month on e.g. the first Saturday"))]
END_CHOICES = [("never", _("No end date")), ("until", _("Until a date")),
               ("count", _("A number of times"))]
WEEKDAY_CHOICES = [(d, DAY_NAMES[d]) for d in recurrence.WEEKDAYS]
POSITION_CHOICES = [(str(k), v) for k, v in POSITION_NAMES.items()]

RULE_MESSAGES = {
    "weekdays_required": _("Tick at least one day of the week."),
    "monthly_weekday_required": _("Choose which weekday of the month."),
    "interval_range": _("Repeat every 1 to 12 weeks, days or months."),
    "count_range": _("Give a number of times from 1 to 500."),
}


MCF = forms.ModelChoiceField


def _queryset(form: forms.Form, name: str, qs: Any) -> None:
    cast(forms.ModelChoiceField, form.fields[name]).queryset = qs


def _no_nul(value: str) -> str:
    if "\x00" in (value or ""):
        raise forms.ValidationError(_("This text contains a character that is not allowed."))
    return value


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("Name of the activity"), max_length=120)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    description = forms.CharField(label=_("Description"), required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    date = forms.DateField(label=_("Date (the first time)"), widget=DATE_WIDGET)
    start_time = forms.TimeField(label=_("Starts at"), widget=TIME_WIDGET)
    end_time = forms.TimeField(label=_("Ends at"), widget=TIME_WIDGET)
    repeat = forms.ChoiceField(label=_("Repeats"), choices=REPEAT_CHOICES, initial="once",
                               widget=forms.RadioSelect)
    weekdays = forms.MultipleChoiceField(label=_("On these days"), choices=WEEKDAY_CHOICES,
                                         required=False, widget=forms.CheckboxSelectMultiple)
    month_position = forms.ChoiceField(label=_("Which one in the month"),
                                       choices=POSITION_CHOICES, required=False)
    month_weekday = forms.ChoiceField(label=_("Weekday"), choices=WEEKDAY_CHOICES,
                                      required=False)
    interval = forms.IntegerField(label=_("Every how many (weeks, days or months)"),
                                  min_value=1, max_value=recurrence.MAX_INTERVAL, initial=1,
                                  required=False)
    ends = forms.ChoiceField(label=_("Ends"), choices=END_CHOICES, initial="never",
                             widget=forms.RadioSelect, required=False)
    until = forms.DateField(label=_("Last date"), widget=DATE_WIDGET, required=False)
    count = forms.IntegerField(label=_("Number of times"), min_value=1,
                               max_value=recurrence.MAX_COUNT, required=False)
    space: MCF = MCF(label=_("Space"), queryset=None,
                                   required=False,
                                   empty_label=_("— not a mapped space —"))
    location_text = forms.CharField(label=_("Place (room, address)"), max_length=200,
                                    required=False)
    organiser_kind = forms.ChoiceField(label=_("Organised by"),
                                       choices=Activity.Organiser.choices)
    organiser_team: MCF = MCF(label=_("Volunteer team"), queryset=None,
                                            required=False)
    organiser_org: MCF = MCF(label=_("Organisation"), queryset=None,
                                           required=False)
    project: MCF = MCF(label=_("Project"), queryset=None, required=False)
    registration_open = forms.BooleanField(label=_("People register in advance"),
                                           required=False, initial=True)
    capacity = forms.IntegerField(label=_("Places each time"), min_value=1, max_value=10000,
                                  required=False, help_text=_("Empty: no limit."))
    allow_children = forms.BooleanField(label=_("Guardians may register children"),
                                        required=False)
    min_age = forms.IntegerField(label=_("Minimum age"), min_value=0, max_value=120,
                                 required=False)
    max_age = forms.IntegerField(label=_("Maximum age"), min_value=0, max_value=120,
                                 required=False)

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        from gongzhi.orgs.models import Organisation
        from gongzhi.projects.models import Project
        from gongzhi.spaces.models import Space
        from gongzhi.volunteers.models import Team

        _queryset(self, "space", Space.objects.filter(community=community).order_by("name"))
        _queryset(self, "organiser_team", Team.objects.filter(community=community))
        _queryset(self, "organiser_org", Organisation.objects.alive().filter(
            community=community))
        _queryset(self, "project", Project.objects.filter(community=community))

    def clean_title(self):
        return _no_nul(self.cleaned_data["title"]).strip()

    def clean_description(self):
        return _no_nul(self.cleaned_data["description"])

    def clean_location_text(self):
        return _no_nul(self.cleaned_data["location_text"]).strip()

    def _rule(self, data: dict) -> str:
        repeat = data.get("repeat")
        if repeat == "once":
            return ""
        ends = data.get("ends") or "never"
        kwargs: dict = {"interval": data.get("interval") or 1,
                        "until": data.get("until") if ends == "until" else None,
                        "count": data.get("count") if ends == "count" else None}
        if ends == "until" and kwargs["until"] is None:
            self.add_error("until", _("Give the last date."))
        if ends == "count" and kwargs["count"] is None:
            self.add_error("count", _("Give the number of times."))
        if kwargs["until"] is not None and data.get("date") and kwargs["until"] < data["date"]:
            self.add_error("until", _("The last date is before the first."))
        if repeat == "daily":
            rule = recurrence.Rule(freq="DAILY", **kwargs)
        elif repeat == "weekly":
            rule = recurrence.Rule(freq="WEEKLY", weekdays=tuple(data.get("weekdays") or ()),
                                   **kwargs)
        elif repeat == "monthly_weekday":
            day = data.get("month_weekday")
            pos = data.get("month_position")
            rule = recurrence.Rule(freq="MONTHLY", monthly_mode="weekday",
                                   weekdays=(day,) if day else (),
                                   setpos=int(pos) if pos else None, **kwargs)
        else:
            rule = recurrence.Rule(freq="MONTHLY", **kwargs)
        try:
            return recurrence.build_rule(rule)
        except recurrence.RuleError as exc:
            target = {"setpos": "month_position"}.get(exc.field, exc.field)
            self.add_error(target if target in self.fields else None,
                           RULE_MESSAGES.get(exc.code, _("This repeat rule cannot be used.")))
            return ""

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        start, end = data["start_time"], data["end_time"]
        if end <= start:
            self.add_error("end_time", _("The activity must end after it starts."))
            return data
        tz = timezone.get_current_timezone()
        data["first_start"] = dt.datetime.combine(data["date"], start, tzinfo=tz)
        data["duration_minutes"] = (dt.datetime.combine(data["date"], end)
                                    - dt.datetime.combine(data["date"], start)).seconds // 60
        data["rrule"] = self._rule(data)
        if not data.get("space") and not data.get("location_text"):
            self.add_error("location_text", _("Choose a space or say where it takes place."))
        lo, hi = data.get("min_age"), data.get("max_age")
        if lo is not None and hi is not None and hi < lo:
            self.add_error("max_age", _("The maximum age is below the minimum age."))
        return data

    def service_fields(self) -> dict:
        d = self.cleaned_data
        kind = d["organiser_kind"]
        return {
            "title": d["title"], "category": d["category"], "description": d["description"],
            "first_start": d["first_start"], "duration_minutes": d["duration_minutes"],
            "rrule": d["rrule"], "space": d.get("space"), "location_text": d["location_text"],
            "organiser_kind": kind,
            "organiser_team": d.get("organiser_team") if kind == "team" else None,
            "organiser_org": d.get("organiser_org") if kind == "org" else None,
            "project": d.get("project"), "capacity": d.get("capacity"),
            "registration_open": d.get("registration_open", False),
            "allow_children": d.get("allow_children", False),
            "min_age": d.get("min_age"), "max_age": d.get("max_age")}


def initial_for(activity: Activity) -> dict:
    """Fill the form again from a stored activity (the rule read back into choices)."""
    start = timezone.localtime(activity.first_start)
    end = start + activity.duration
    initial = {
        "title": activity.title, "category": activity.category,
        "description": activity.description, "date": start.date(),
        "start_time": start.time(), "end_time": end.time(), "space": activity.space,
        "location_text": activity.location_text, "organiser_kind": activity.organiser_kind,
        "organiser_team": activity.organiser_team, "organiser_org": activity.organiser_org,
        "project": activity.project, "registration_open": activity.registration_open,
        "capacity": activity.capacity, "allow_children": activity.allow_children,
        "min_age": activity.min_age, "max_age": activity.max_age, "repeat": "once"}
    if not activity.rrule:
        return initial
    rule = recurrence.parse_rule(activity.rrule)
    repeat = {"DAILY": "daily", "WEEKLY": "weekly"}.get(
        rule.freq, "monthly_weekday" if rule.monthly_mode == "weekday" else "monthly_day")
    initial.update({
        "repeat": repeat, "interval": rule.interval, "weekdays": list(rule.weekdays),
        "month_weekday": rule.weekdays[0] if rule.weekdays else "",
        "month_position": str(rule.setpos) if rule.setpos else "",
        "ends": "until" if rule.until else "count" if rule.count else "never",
        "until": rule.until, "count": rule.count})
    return initial


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason (the people registered are told)"),
                             max_length=200)

    def clean_reason(self):
        return _no_nul(self.cleaned_data["reason"]).strip()


class ExdateForm(forms.Form):
    day = forms.DateField(label=_("Date to leave out"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Reason (told to anyone registered)"), max_length=200,
                             required=False)

    def clean_reason(self):
        return _no_nul(self.cleaned_data["reason"]).strip()


class MoveForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("New start"), widget=DT_WIDGET,
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    ends_at = forms.DateTimeField(label=_("New end"), widget=DT_WIDGET, required=False,
                                  input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean_note(self):
        return _no_nul(self.cleaned_data["note"]).strip()


class ChildForm(forms.Form):
    name = forms.CharField(label=_("First name or nickname"), max_length=20,
                           help_text=_("No full name needed. We never ask for a child's "
                                       "phone number or ID."))
    birth_year = forms.IntegerField(label=_("Year of birth"), required=False,
                                    min_value=1990, max_value=2200)
    age_band = forms.ChoiceField(label=_("Or the age group"), required=False,
                                 choices=[("", "—")] + list(AgeBand.choices))

    def clean_name(self):
        return _no_nul(self.cleaned_data["name"]).strip()

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if not self.errors and data.get("birth_year") is None and not data.get("age_band"):
            self.add_error("birth_year", _("Give the year of birth or the age group."))
        return data


class PhotoForm(forms.Form):
    image = ImageUploadField(label=_("Photo"))
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)
    people_consented = forms.BooleanField(
        label=_("Everyone recognisable in the photo agreed (for children: their guardian)"),
        required=False,
        help_text=_("Only photos with this agreement are shown to everyone and offered to "
                    "the memory archive."))

    def clean_caption(self):
        return _no_nul(self.cleaned_data["caption"]).strip()


class CheckInForm(forms.Form):
    code = forms.CharField(label=_("Check-in code"), max_length=12)
