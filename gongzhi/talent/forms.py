from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.talent.models import Skill


class ProfileForm(forms.Form):
    skills = forms.MultipleChoiceField(label=_("My skills"), choices=Skill.choices,
                                       required=False, widget=forms.CheckboxSelectMultiple)
    other_skills = forms.CharField(label=_("Other skills"), max_length=200, required=False,
                                   help_text=_("Anything not in the list, separated by commas."))
    description = forms.CharField(label=_("A few words about what you can do"),
                                  max_length=1000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    weekdays = forms.BooleanField(label=_("Weekday daytime"), required=False)
    evenings = forms.BooleanField(label=_("Evenings"), required=False)
    weekends = forms.BooleanField(label=_("Weekends"), required=False)
    consent = forms.BooleanField(
        label=_("I agree that the community's workers may contact me about tasks that need "
                "my skills (they see my mobile number; other residents never do)."),
        required=False)

    def clean(self):
        data = super().clean() or {}
        if not data.get("skills") and not (data.get("other_skills") or "").strip():
            self.add_error("skills", _("Choose at least one skill or describe yours."))
        return data


class SearchForm(forms.Form):
    skill = forms.ChoiceField(label=_("Skill"), required=False,
                              choices=[("", _("Any skill"))] + list(Skill.choices))
    building = forms.ChoiceField(label=_("Building"), required=False)
    available = forms.ChoiceField(label=_("Available"), required=False, choices=[
        ("", _("Any time")), ("weekdays", _("Weekday daytime")), ("evenings", _("Evenings")),
        ("weekends", _("Weekends"))])
    q = forms.CharField(label=_("Words"), max_length=50, required=False)

    def __init__(self, *args, buildings: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["building"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Any building"))] + [(b, b) for b in buildings]


class InviteForm(forms.Form):
    task: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None,
                                                          label=_("Co-construction task"))
    message = forms.CharField(label=_("Message"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, tasks, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["task"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = tasks
        field.label_from_instance = lambda t: f"{t.project.title} · {t.title}"  # type: ignore[method-assign,assignment]
