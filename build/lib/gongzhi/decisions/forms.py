from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.decisions.models import Ballot


class BallotForm(forms.ModelForm):
    options_text = forms.CharField(
        label=_("Options"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One per line: key | label | cost (cost only for participatory "
                    "budgets). Yes/no and owners' ballots need none."))

    class Meta:
        model = Ballot
        fields = ["title", "question", "project", "method", "eligibility", "building", "unit",
                  "meeting", "secrecy",
                  "allow_change", "opens_at", "closes_at", "max_choices", "min_score",
                  "max_score", "quorum", "approval_threshold", "strict_majority",
                  "art278_item", "budget", "pb_vote_type", "pb_rule", "points_total",
                  "tie_break"]
        widgets = {
            "opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "question": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, community=None, **kwargs):
        super().__init__(*args, **kwargs)
        if community is not None:
            self.fields["building"].queryset = community.buildings.all()
            self.fields["unit"].queryset = self.fields["unit"].queryset.filter(
                building__community=community)
            for name in ("project", "meeting"):
                self.fields[name].queryset = self.fields[name].queryset.filter(
                    community=community)

    def clean_options_text(self) -> list[dict]:
        options = []
        for n, line in enumerate(self.cleaned_data["options_text"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            key = parts[0]
            label = parts[1] if len(parts) > 1 and parts[1] else key
            cost = Decimal(0)
            if len(parts) > 2 and parts[2]:
                try:
                    cost = Decimal(parts[2])
                except InvalidOperation:
                    raise forms.ValidationError(
                        _("Line %(n)s: the cost is not a number.") % {"n": n}) from None
            options.append({"key": key, "label": label, "cost": cost})
        return options


class PabulibImportForm(forms.Form):
    file = forms.FileField(label=_("Pabulib file (.pb)"))
    title = forms.CharField(label=_("Title"), required=False, max_length=200)
    rule = forms.CharField(label=_("Counting rule (empty: the file's rule)"), required=False,
                           max_length=40)


class ReceiptCheckForm(forms.Form):
    code = forms.CharField(label=_("Receipt code"), max_length=40,
                           help_text=_("The code you got when you voted, e.g. "
                                       "ABCD-EFGH-JKLM-NPQR."))


class PaperEntryForm(forms.Form):
    serial = forms.CharField(label=_("Paper number / voter code"), max_length=100)


class PaperVoterForm(forms.Form):
    voter_key = forms.CharField(label=_("Voter code"), max_length=100)
