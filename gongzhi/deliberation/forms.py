from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from gongzhi.core.forms import form_field
from gongzhi.deliberation.models import STATEMENT_MIN, Conversation, Statement

DT_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _no_nul(value: str) -> None:
    if "\x00" in (value or ""):
        raise forms.ValidationError(_("The text contains a null character."))


class ConversationForm(forms.Form):
    question = forms.CharField(label=_("Question"), min_length=4, max_length=200,
                               validators=[_no_nul])
    description = forms.CharField(label=_("Background"), required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 4}),
                                  validators=[_no_nul])
    moderation = forms.ChoiceField(label=_("Moderation"), choices=Conversation.Moderation.choices,
                                   initial=Conversation.Moderation.POST)
    voters = forms.ChoiceField(label=_("Who may vote and write"),
                               choices=Conversation.Voters.choices,
                               initial=Conversation.Voters.VERIFIED)
    statement_max_length = forms.IntegerField(label=_("Longest statement (characters)"),
                                              min_value=140, max_value=280, initial=140)
    opens_at = forms.DateTimeField(label=_("Opens"), required=False, widget=DT_WIDGET,
                                   input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    closes_at = forms.DateTimeField(label=_("Closes"), required=False, widget=DT_WIDGET,
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    seeds = forms.CharField(
        label=_("Seed statements"), required=False, validators=[_no_nul],
        widget=forms.Textarea(attrs={"rows": 6}), max_length=20000,
        help_text=_("One per line. A few statements from different sides get the "
                    "conversation going."))

    def clean_seeds(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["seeds"].splitlines()]
        lines = [line for line in lines if line]
        limit = self.data.get("statement_max_length") or 140
        try:
            limit = max(140, min(280, int(limit)))
        except (TypeError, ValueError):
            limit = 140
        too_long = [line for line in lines if len(line) > limit]
        if too_long:
            raise forms.ValidationError(
                _("Each seed statement may have at most %(n)d characters: %(text)s")
                % {"n": limit, "text": too_long[0][:40]})
        return lines


class StatementForm(forms.Form):
    text = forms.CharField(label=_("Your statement"), min_length=STATEMENT_MIN,
                           max_length=280, validators=[_no_nul],
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, max_length: int = 140, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "text", forms.CharField).max_length = max_length
        self.fields["text"].validators.append(MaxLengthValidator(max_length))
        self.fields["text"].widget.attrs["maxlength"] = str(max_length)
        self.fields["text"].help_text = _(
            "One clear opinion others can agree or disagree with, up to %(n)d characters."
        ) % {"n": max_length}


class VoteForm(forms.Form):
    statement = forms.IntegerField(min_value=0)
    value = forms.TypedChoiceField(coerce=int, choices=[(1, "1"), (-1, "-1"), (0, "0")])


class ModerateForm(forms.Form):
    statement = forms.IntegerField(min_value=0)
    status = forms.ChoiceField(choices=[(Statement.Status.ACCEPTED, _("Show")),
                                        (Statement.Status.HIDDEN, _("Hide"))])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300,
                             validators=[_no_nul])


class StateForm(forms.Form):
    state = forms.ChoiceField(choices=Conversation.State.choices)
