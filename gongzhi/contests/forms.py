"""Contest forms: what each kind of contest needs, errors in the user's language."""

from __future__ import annotations

from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gongzhi.contests.models import Contest, Entry, Kind, Licence
from gongzhi.core.uploads import ImageUploadField


def _no_nul(value: str) -> None:
    if "\x00" in (value or ""):
        raise ValidationError(_("This text contains a character that cannot be stored."))


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ContestForm(forms.ModelForm):
    jury_criteria_text = forms.CharField(
        label=_("Jury criteria, one per line"), required=False, max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only needed when the jury counts (weight above 0), e.g. 创意, 寓意, "
                    "美观."))

    class Meta:
        model = Contest
        fields = ["kind", "title", "brief", "rules", "prizes", "space", "entrants",
                  "max_entries", "voters", "method", "max_choices", "submission_opens",
                  "submission_closes", "voting_opens", "voting_closes", "announce_on",
                  "jury_weight", "project"]
        widgets = {
            "brief": forms.Textarea(attrs={"rows": 4}),
            "rules": forms.Textarea(attrs={"rows": 4}),
            "prizes": forms.Textarea(attrs={"rows": 2}),
            "submission_opens": DateTimeInput(), "submission_closes": DateTimeInput(),
            "voting_opens": DateTimeInput(), "voting_closes": DateTimeInput(),
            "announce_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        from gongzhi.projects.models import Project
        from gongzhi.spaces.models import Space

        space = cast(forms.ModelChoiceField, self.fields["space"])
        space.queryset = Space.objects.filter(community=community)
        space.help_text = _("For a naming contest about one space.")
        project = cast(forms.ModelChoiceField, self.fields["project"])
        project.queryset = Project.objects.filter(community=community)
        project.help_text = _("Optional: the project whose phases open "
                                             "entering and voting.")
        if self.instance.pk:
            self.fields["jury_criteria_text"].initial = "\n".join(
                self.instance.jury_criteria or [])
        for name in ("title", "brief", "rules", "prizes"):
            self.fields[name].validators.append(_no_nul)

    def clean_jury_criteria_text(self) -> list[str]:
        raw = self.cleaned_data.get("jury_criteria_text", "")
        _no_nul(raw)
        return [line.strip() for line in raw.splitlines() if line.strip()]

    def service_fields(self) -> dict:
        data = {k: self.cleaned_data.get(k) for k in self.Meta.fields}
        data["jury_criteria"] = self.cleaned_data.get("jury_criteria_text", [])
        return data

    def _post_clean(self):  # the service validates the model (dates, community)
        pass


class EntryForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=80)
    image = ImageUploadField(label=_("Your picture (JPEG, PNG or WebP)"), required=False)
    alt_text = forms.CharField(label=_("What the picture shows, in one sentence"),
                               max_length=200, required=False,
                               help_text=_("Read aloud to people who cannot see the "
                                           "picture."))
    proposed_name = forms.CharField(label=_("The name you propose"), max_length=30,
                                    required=False)
    space: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("For which space"), queryset=None, required=False)
    statement = forms.CharField(label=_("The idea behind it"), max_length=2000,
                                widget=forms.Textarea(attrs={"rows": 5}),
                                help_text=_("What it means, where the picture was taken, "
                                            "the story behind the name."))
    licence = forms.ChoiceField(label=_("How may the community use your work?"),
                                choices=Licence.choices, widget=forms.RadioSelect)
    show_name = forms.BooleanField(label=_("Show my name with the entry"), required=False,
                                   initial=True)
    consent_publish = forms.BooleanField(
        label=_("I agree that my entry is shown publicly in the gallery and on the "
                "community's pages"), required=True,
        error_messages={"required": _("We can only show your entry if you agree to "
                                      "publish it.")})

    def __init__(self, *args, contest: Contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.contest = contest
        from gongzhi.spaces.models import Space

        if contest.kind == Kind.NAMING:
            del self.fields["image"], self.fields["alt_text"]
            if contest.space_id:
                del self.fields["space"]
            else:
                cast(forms.ModelChoiceField, self.fields["space"]).queryset = \
                    Space.objects.filter(community=contest.community)
                self.fields["space"].required = True
            self.fields["proposed_name"].required = True
        else:
            del self.fields["proposed_name"], self.fields["space"]
            self.fields["image"].required = True
        if contest.kind in (Kind.LOGO, Kind.MASCOT):
            cast(forms.ChoiceField, self.fields["licence"]).choices = [
                c for c in Licence.choices
                                              if c[0] != Licence.RESERVED]
        for name in ("title", "statement", "alt_text", "proposed_name"):
            if name in self.fields:
                self.fields[name].validators.append(_no_nul)

    def clean(self):
        data = super().clean() or {}
        if "image" in self.fields and data.get("image") and not (data.get("alt_text") or
                                                                 "").strip():
            self.add_error("alt_text", _("Describe the picture in one sentence for people "
                                         "who cannot see it."))
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason (the entrant reads it)"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class JuryAddForm(forms.Form):
    phone = forms.CharField(label=_("Mobile number of the jury member"), max_length=20)


def jury_score_form(contest: Contest, initial: dict[str, int] | None = None,
                    data=None) -> forms.Form:
    fields = {}
    for i, criterion in enumerate(contest.jury_criteria):
        fields[f"c{i}"] = forms.IntegerField(label=criterion, min_value=1, max_value=10,
                                             initial=(initial or {}).get(criterion))
    form_class = type("JuryScoreForm", (forms.Form,), fields)
    return form_class(data=data)


__all__ = ["ContestForm", "EntryForm", "Entry", "JuryAddForm", "RejectForm",
           "jury_score_form"]
