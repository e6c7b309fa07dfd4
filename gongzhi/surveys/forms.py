from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.forms import form_field
from gongzhi.surveys.formdef import NAME_RE
from gongzhi.surveys.models import Survey, Wave

if TYPE_CHECKING:
    from gongzhi.places.models import Building
    from gongzhi.projects.models import Project
    from gongzhi.surveys.models import Instrument


QTYPES = [("select_one", _("One choice")), ("select_multiple", _("Several choices")),
          ("text", _("Text")), ("integer", _("Whole number")), ("decimal", _("Number")),
          ("date", _("Date")), ("note", _("Note (no answer)"))]


def _no_nul(value: str) -> None:
    if "\x00" in value:
        raise forms.ValidationError(_("The text contains a character that is not allowed."))


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160, validators=[_no_nul])
    intro = forms.CharField(label=_("Introduction for respondents"), required=False,
                            max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                            validators=[_no_nul])
    instrument: forms.ModelChoiceField[Instrument] = forms.ModelChoiceField(
        label=_("Questionnaire"), queryset=None)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Survey.Purpose.choices)
    wave = forms.ChoiceField(label=_("Wave"), choices=Wave.choices)
    wave_year = forms.IntegerField(label=_("Year"), required=False, min_value=2000,
                                   max_value=2100)
    pairs_with: forms.ModelChoiceField[Survey] = forms.ModelChoiceField(
        label=_("Earlier wave (pairs the same respondents)"), queryset=None, required=False)
    project: forms.ModelChoiceField[Project] = forms.ModelChoiceField(
        label=_("Project"), queryset=None, required=False)
    anonymous = forms.BooleanField(label=_("Anonymous: anyone with the link may answer, "
                                           "waves cannot be paired"), required=False)

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        from gongzhi.projects.models import Project
        from gongzhi.surveys.models import Instrument

        form_field(self, "instrument", forms.ModelChoiceField).queryset = (
            Instrument.objects.filter(community=community))
        form_field(self, "pairs_with", forms.ModelChoiceField).queryset = (
            Survey.objects.filter(community=community,
                                                                       anonymous=False))
        form_field(self, "project", forms.ModelChoiceField).queryset = (
            Project.objects.filter(community=community))


class XLSFormUploadForm(forms.Form):
    file = forms.FileField(label=_("XLSForm (.xlsx)"))
    title = forms.CharField(label=_("Title (optional; else the form's title)"),
                            required=False, max_length=200, validators=[_no_nul])


class InstrumentForm(forms.Form):
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=200, validators=[_no_nul])
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False,
                               validators=[_no_nul])


class QuestionForm(forms.Form):
    group = forms.CharField(label=_("Page (group) name"), max_length=64, initial="page_1",
                            help_text=_("Questions with the same page name show together."))
    name = forms.CharField(label=_("Question name (letters, digits, _)"), max_length=64)
    type = forms.ChoiceField(label=_("Type"), choices=QTYPES)
    label_zh = forms.CharField(label=_("Question (Chinese)"), max_length=1000,
                               validators=[_no_nul])
    label_en = forms.CharField(label=_("Question (English)"), max_length=1000,
                               required=False, validators=[_no_nul])
    choices = forms.CharField(
        label=_("Choices, one per line: value|中文|English"), required=False,
        widget=forms.Textarea(attrs={"rows": 5}), max_length=5000, validators=[_no_nul])
    required = forms.BooleanField(label=_("Required"), required=False)
    likert = forms.BooleanField(label=_("Show as a Likert scale"), required=False)
    subscale = forms.CharField(label=_("Subscale (for scoring)"), required=False,
                               max_length=40)
    reverse = forms.BooleanField(label=_("Reverse-scored"), required=False)

    def clean_name(self) -> str:
        v = self.cleaned_data["name"].strip()
        if not NAME_RE.match(v):
            raise forms.ValidationError(_("Use letters, digits and _ only, starting with a "
                                          "letter."))
        return v

    def clean_group(self) -> str:
        v = self.cleaned_data["group"].strip()
        if not NAME_RE.match(v):
            raise forms.ValidationError(_("Use letters, digits and _ only, starting with a "
                                          "letter."))
        return v

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        rows = []
        for n, line in enumerate((data.get("choices") or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if not parts[0] or len(parts) < 2 or not parts[1]:
                self.add_error("choices", _("Line %(n)s: write value|中文|English.")
                               % {"n": n})
                continue
            rows.append((parts[0], parts[1], parts[2] if len(parts) > 2 else ""))
        if data.get("type", "").startswith("select") and not rows:
            self.add_error("choices", _("A choice question needs choices."))
        data["choice_rows"] = rows
        return data


class PaperMetaForm(forms.Form):
    serial = forms.CharField(label=_("Number on the paper questionnaire"), max_length=40,
                             validators=[_no_nul])
    building: forms.ModelChoiceField[Building] = forms.ModelChoiceField(
        label=_("Building"), queryset=None, required=False)
    respondent_code = forms.CharField(
        label=_("Respondent code (printed on before/after sheets; optional)"),
        max_length=40, required=False, validators=[_no_nul])

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        from gongzhi.places.models import Building

        form_field(self, "building", forms.ModelChoiceField).queryset = (
            Building.objects.filter(community=community))
