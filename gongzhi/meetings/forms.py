from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.forms import form_field
from gongzhi.meetings.models import ActionItem, AgeBand, Invitation, Meeting, MeetingKind
from gongzhi.places.models import Tenure

if TYPE_CHECKING:
    from gongzhi.meetings.models import AgendaItem, MeetingDecision
    from gongzhi.orgs.models import Organisation
    from gongzhi.projects.models import Proposal


DT_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
AGE_CHOICES = [("", _("Prefer not to say"))] + list(AgeBand.choices)


def _org_qs(community):
    from gongzhi.orgs.models import Organisation

    return Organisation.objects.alive().filter(community=community).order_by("kind", "name")


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["kind", "title", "description", "starts_at", "ends_at", "space", "place",
                  "online_url", "project", "audience", "capacity", "registration_open"]
        widgets = {"starts_at": DT_WIDGET, "ends_at": DT_WIDGET,
                   "description": forms.Textarea(attrs={"rows": 4})}

    online_url = forms.URLField(label=_("online link"), required=False, assume_scheme="https")

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        from gongzhi.projects.models import Project
        from gongzhi.spaces.models import Space

        form_field(self, "space", forms.ModelChoiceField).queryset = (
            Space.objects.filter(community=community).order_by(
                "name"))
        form_field(self, "project", forms.ModelChoiceField).queryset = (
            Project.objects.filter(community=community))
        self.fields["audience"].help_text = _(
            "Councils (居民议事会, 党群互助会) are normally for verified residents; coordination "
            "meetings for invited organisations. Members of invited organisations may always "
            "register.")
        self.fields["audience"].required = False
        for name in ("starts_at", "ends_at"):
            form_field(self, name, forms.DateTimeField).input_formats = (
                ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Item"), max_length=200)
    description = forms.CharField(label=_("Details"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    proposal: forms.ModelChoiceField[Proposal] = forms.ModelChoiceField(
        label=_("Proposal"), queryset=None, required=False)

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        from gongzhi.projects.models import Proposal

        form_field(self, "proposal", forms.ModelChoiceField).queryset = (
            Proposal.objects.filter(community=community))


class InvitationForm(forms.Form):
    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("Organisation"), queryset=None)
    role = forms.ChoiceField(label=_("Invited as"), choices=Invitation.Role.choices)

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "organisation", forms.ModelChoiceField).queryset = _org_qs(community)


class ManualAttendanceForm(forms.Form):
    phone = forms.CharField(label=_("Mobile number of a registered person"), max_length=20,
                            required=False)
    name = forms.CharField(label=_("Or the name of a walk-in"), max_length=60, required=False)
    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("Representing"), queryset=None, required=False)
    age_band = forms.ChoiceField(label=_("Age group"), choices=AGE_CHOICES, required=False)
    tenure = forms.ChoiceField(label=_("Tenure (walk-ins)"),
                               choices=[("", _("Unknown"))] + list(Tenure.choices),
                               required=False)
    moved_in_year = forms.IntegerField(label=_("Year moved in (walk-ins)"), required=False,
                                       min_value=1900, max_value=2100)

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "organisation", forms.ModelChoiceField).queryset = _org_qs(community)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("phone") and not (data.get("name") or "").strip():
            raise forms.ValidationError(_("Give a mobile number or a name."))
        return data


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), required=False,
                              widget=forms.Textarea(attrs={"rows": 10}))
    publish = forms.BooleanField(label=_("Publish the minutes for everyone"), required=False)


class DecisionForm(forms.Form):
    agenda_item: forms.ModelChoiceField[AgendaItem] = forms.ModelChoiceField(
        label=_("Agenda item"), queryset=None, required=False)
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 3}))
    votes_for = forms.IntegerField(label=_("For"), min_value=0, required=False)
    votes_against = forms.IntegerField(label=_("Against"), min_value=0, required=False)
    votes_abstain = forms.IntegerField(label=_("Abstentions"), min_value=0, required=False)
    responsible_org: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("Responsible organisation"), queryset=None, required=False)
    due_on = forms.DateField(label=_("Due"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "agenda_item", forms.ModelChoiceField).queryset = (
            meeting.agenda_items.all())
        form_field(self, "responsible_org", forms.ModelChoiceField).queryset = (
            _org_qs(meeting.community))


class ActionItemForm(forms.Form):
    title = forms.CharField(label=_("What"), max_length=200)
    responsible_org: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("Responsible organisation"), queryset=None, required=False)
    due_on = forms.DateField(label=_("Due"), required=False, widget=DATE_WIDGET)
    decision: forms.ModelChoiceField[MeetingDecision] = forms.ModelChoiceField(
        label=_("Follows from decision"), queryset=None, required=False)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "responsible_org", forms.ModelChoiceField).queryset = (
            _org_qs(meeting.community))
        form_field(self, "decision", forms.ModelChoiceField).queryset = meeting.decisions.all()


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionItem.Status.choices)


class CheckInForm(forms.Form):
    code = forms.CharField(label=_("Check-in code"), max_length=12,
                           help_text=_("The code shown at the meeting or on the notice."))
    age_band = forms.ChoiceField(
        label=_("Age group (optional)"), choices=AGE_CHOICES, required=False,
        help_text=_("Helps the community see whether all ages take part. Never shown with "
                    "your name."))


class RegisterForm(forms.Form):
    age_band = forms.ChoiceField(label=_("Age group (optional)"), choices=AGE_CHOICES,
                                 required=False)


class MeetingSetForm(forms.Form):
    proposal: forms.ModelChoiceField[Proposal] = forms.ModelChoiceField(
        label=_("Proposal"), queryset=None)
    hearing_at = forms.DateTimeField(label=_("Hearing (听证会)"), widget=DT_WIDGET,
                                     input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    coordination_at = forms.DateTimeField(label=_("Coordination meeting (协调会)"),
                                          widget=DT_WIDGET,
                                          input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    evaluation_at = forms.DateTimeField(label=_("Evaluation meeting (评议会)"),
                                        widget=DT_WIDGET,
                                        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    place = forms.CharField(label=_("Place"), max_length=200, required=False,
                            help_text=_("Leave empty to use the proposal's location."))
    stakeholders: forms.ModelMultipleChoiceField[Organisation] = forms.ModelMultipleChoiceField(
        label=_("Stakeholders invited to the hearing"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple)
    concerned: forms.ModelMultipleChoiceField[Organisation] = forms.ModelMultipleChoiceField(
        label=_("Organisations concerned (coordination meeting)"), queryset=None,
        required=False, widget=forms.CheckboxSelectMultiple)
    implementers: forms.ModelMultipleChoiceField[Organisation] = forms.ModelMultipleChoiceField(
        label=_("Implementers invited to the evaluation"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple)
    use_defaults = forms.BooleanField(
        label=_("Invite the project's stakeholders automatically (ignore the lists above)"),
        required=False, initial=True)
    publish = forms.BooleanField(label=_("Announce the three meetings now"), required=False)

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        from gongzhi.projects.models import Proposal

        form_field(self, "proposal", forms.ModelChoiceField).queryset = (
            Proposal.objects.filter(community=community))
        for name in ("stakeholders", "concerned", "implementers"):
            form_field(self, name, forms.ModelChoiceField).queryset = _org_qs(community)


KIND_CHOICES = MeetingKind.choices
