"""Forms of the memory archive: what was typed comes back with the errors."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.uploads import ACCEPT, MEDIA_ACCEPT
from gongzhi.memory.models import Kind, Licence, TakedownRequest

FILE_ACCEPT = ",".join([ACCEPT, *MEDIA_ACCEPT.values()])


class _MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; each is checked by the service (core.uploads)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", _MultipleFileInput(attrs={"accept": FILE_ACCEPT,
                                                              "multiple": True}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class MemoryForm(forms.Form):
    kind = forms.ChoiceField(label=_("What are you sharing?"), choices=Kind.choices,
                             widget=forms.RadioSelect, initial=Kind.STORY)
    title = forms.CharField(label=_("Title"), max_length=120,
                            widget=forms.TextInput(attrs={"placeholder": _("e.g. 锅炉房的冬天")}))
    body = forms.CharField(
        label=_("The story"), required=False, max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Write as you would tell it. Leave a blank line between paragraphs."))
    era_text = forms.CharField(
        label=_("When was it?"), required=False, max_length=40,
        help_text=_("As you remember it: 1985年, 八十年代, 2013年前后, 1958—1962年."))
    space = forms.ChoiceField(label=_("Where: a place in the community"), required=False)
    building = forms.ChoiceField(label=_("Or a building"), required=False)
    place_text = forms.CharField(label=_("Or describe the place"), required=False,
                                 max_length=120)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90,
                           max_value=90)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180,
                           max_value=180)
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Photos, recording, video or scan"),
        help_text=_("Pictures (JPEG, PNG, WebP), audio (MP3, M4A), video (MP4) or a PDF. "
                    "Location data is removed from photos."))
    caption = forms.CharField(label=_("Caption for the photos"), required=False,
                              max_length=200)
    keep_location = forms.BooleanField(
        label=_("Keep the photos' GPS position (it can show where a photo was taken)"),
        required=False)
    licence = forms.ChoiceField(label=_("Who may see it?"), choices=Licence.choices,
                                widget=forms.RadioSelect, initial=Licence.COMMUNITY)
    project = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, spaces=(), buildings=(), **kwargs):
        super().__init__(*args, **kwargs)
        blank = [("", _("— none —"))]
        cast(forms.ChoiceField, self.fields["space"]).choices = blank + [
            (str(s.pk), s.name) for s in spaces]
        cast(forms.ChoiceField, self.fields["building"]).choices = blank + [
            (str(b.pk), b.name or _("Building %(n)s") % {"n": b.number}) for b in buildings]


class OralHistoryForm(MemoryForm):
    """A worker or volunteer records a resident's memory for them."""

    narrator_name = forms.CharField(label=_("Narrator (as they want to be named)"),
                                    max_length=60)
    transcript = forms.CharField(label=_("Transcript"), required=False, max_length=50000,
                                 widget=forms.Textarea(attrs={"rows": 10}),
                                 help_text=_("What was said, in their words."))
    narrator_consent = forms.BooleanField(
        label=_("The narrator agreed that their story is recorded and shared under the "
                "licence chosen below"), required=True)
    narrator_consent_note = forms.CharField(
        label=_("How they agreed"), required=False, max_length=200,
        help_text=_("e.g. 口头同意，录音开头有记录；家属在场"))

    field_order = ["narrator_name", "kind", "title", "body", "transcript", "era_text"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].initial = Kind.AUDIO
        self.fields["body"].label = _("Summary or story (optional)")


class ModerateForm(forms.Form):
    reason = forms.CharField(label=_("Reason (told to the contributor)"), required=False,
                             max_length=300)


class TakedownForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why should it be taken down?"),
                               choices=TakedownRequest.Reason.choices,
                               widget=forms.RadioSelect)
    details = forms.CharField(label=_("Tell us more"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 4}))


class DecideForm(forms.Form):
    note = forms.CharField(label=_("Decision, with the reason"), max_length=300)


class CollectionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=80)
    kind = forms.ChoiceField(label=_("Kind"), choices=(("collection", _("Collection")),
                                                       ("exhibition", _("Exhibition"))))
    description = forms.CharField(label=_("Description"), required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    project = forms.ChoiceField(label=_("Project (its before/after photos are shown)"),
                                required=False)
    is_featured = forms.BooleanField(label=_("Feature on the museum page"), required=False)

    def __init__(self, *args, projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["project"]).choices = [("", _("— none —"))] + [
            (str(p.pk), p.title) for p in projects]
