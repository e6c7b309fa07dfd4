from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.forms import BlankForm, form_field
from gongzhi.core.uploads import MultipleImageUploadField
from gongzhi.reports.models import Category, ResponseTargets
from gongzhi.reports.services import MAX_PHOTOS


class ReportForm(forms.Form):
    category = forms.ChoiceField(label=_("What kind of problem?"), choices=Category.choices,
                                 widget=forms.RadioSelect)
    description = forms.CharField(
        label=_("Describe the problem"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What is wrong, since when, and anything that helps to find it."))
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90,
                           widget=forms.NumberInput(attrs={"step": "any"}))
    lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180,
                           widget=forms.NumberInput(attrs={"step": "any"}))
    location_text = forms.CharField(
        label=_("Where exactly (optional)"), max_length=200, required=False,
        help_text=_("For example: in front of building 3, unit 2."))
    space = forms.TypedChoiceField(label=_("Space or facility (optional)"), required=False,
                                   coerce=int, empty_value=None, choices=())
    photos = MultipleImageUploadField(
        label=_("Photos (optional, up to %(n)s)") % {"n": MAX_PHOTOS}, required=False,
        help_text=_("JPEG, PNG or WebP. The position stored in the photo is removed unless "
                    "you tick the box below."))
    keep_location = forms.BooleanField(
        label=_("Keep the GPS position stored in my photos"), required=False)
    anonymous = forms.BooleanField(
        label=_("Do not show my name to the public"), required=False,
        help_text=_("Community workers still see who reported it, so they can ask you."))

    def __init__(self, *args, spaces=(), **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "space", forms.ChoiceField).choices = (
            [("", _("— none —"))] + [(s.pk, s.name) for s in spaces])
        if not spaces:
            del self.fields["space"]


class TransitionForm(forms.Form):
    failed_action = ""  # the view sets the action whose submission failed, to reopen it
    action = forms.CharField(widget=forms.HiddenInput)
    organisation = forms.TypedChoiceField(label=_("Assign to"), required=False, coerce=int,
                                          empty_value=None, choices=())
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultipleImageUploadField(label=_("Photo after the fix (optional)"), required=False)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "organisation", forms.ChoiceField).choices = (
            [("", "—")] + [(o.pk, o.name) for o in organisations])


class HideForm(BlankForm):
    reason = forms.CharField(label=_("Reason for hiding"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))


class TargetsForm(forms.ModelForm):
    class Meta:
        model = ResponseTargets
        fields = ["accept_hours", "resolve_days", "confirm_days"]
