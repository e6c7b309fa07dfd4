from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.forms import BlankForm, form_field
from gongzhi.core.uploads import ImageUploadField, MultipleImageUploadField
from gongzhi.projects.models import (
    Donation,
    Project,
    ProjectPhoto,
    ProjectTemplate,
    Proposal,
    Result,
    Stakeholder,
    TeamMember,
)

if TYPE_CHECKING:
    from gongzhi.orgs.models import Organisation
    from gongzhi.projects.models import Milestone
    from gongzhi.spaces.models import Space



class ProjectCreateForm(forms.Form):
    template = forms.ModelChoiceField(ProjectTemplate.objects.filter(is_active=True),
                                      label=_("Template"), required=False,
                                      empty_label=_("No template (one open phase)"))
    title = forms.CharField(label=_("Title"), max_length=160)
    summary = forms.CharField(label=_("Summary"), max_length=300, required=False)
    description = forms.CharField(label=_("What and why"), widget=forms.Textarea(
        attrs={"rows": 4}), required=False)
    goals = forms.CharField(label=_("Goals"), help_text=_("One goal per line."),
                            widget=forms.Textarea(attrs={"rows": 3}), required=False)
    budget = forms.DecimalField(label=_("Budget (yuan)"), min_value=0, required=False)
    starts_on = forms.DateField(label=_("Starts on"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    spaces: forms.ModelMultipleChoiceField[Space] = forms.ModelMultipleChoiceField(
        queryset=None, label=_("Spaces"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        from gongzhi.spaces.models import Space

        form_field(self, "spaces", forms.ModelChoiceField).queryset = (
            Space.objects.filter(community=community).order_by(
                "name"))


class ProposalForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Proposal.Kind.choices,
                             initial=Proposal.Kind.PROPOSAL, widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=160)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(
        attrs={"rows": 5}))
    space: forms.ModelChoiceField[Space] = forms.ModelChoiceField(
        queryset=None, label=_("Space"), required=False)
    location_text = forms.CharField(label=_("Where"), max_length=200, required=False)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90,
                           widget=forms.HiddenInput)
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180,
                           max_value=180, widget=forms.HiddenInput)
    cost_estimate = forms.DecimalField(label=_("Cost estimate (yuan)"), min_value=0,
                                       required=False)
    images = MultipleImageUploadField(label=_("Pictures"), required=False,
                                help_text=_("Location data in photos is removed."))

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "space", forms.ModelChoiceField).queryset = project.spaces.all()


class AmendmentForm(forms.Form):
    title = forms.CharField(label=_("New title"), max_length=160)
    description = forms.CharField(label=_("New description"),
                                  widget=forms.Textarea(attrs={"rows": 5}))
    cost_estimate = forms.DecimalField(label=_("New cost estimate (yuan)"), min_value=0,
                                       required=False)
    reason = forms.CharField(label=_("Why this change"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(forms.Form):
    static_html = True  # the same HTML unbound (core/templatetags/gz.py form_html)
    body = forms.CharField(label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=4000)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReportForm(forms.Form):
    reason = forms.CharField(label=_("What is wrong?"), max_length=300)


class ModerateForm(forms.Form):
    static_html = True  # the same HTML unbound (core/templatetags/gz.py form_html)
    decision = forms.ChoiceField(label=_("Decision"), choices=[
        ("hide", _("Hide")), ("restore", _("Show again"))])
    reason = forms.CharField(label=_("Reason"), max_length=500)


class AnswerForm(forms.Form):
    static_html = True  # the same HTML unbound (core/templatetags/gz.py form_html)
    answer = forms.ChoiceField(label=_("Official answer"), choices=[
        (Proposal.Answer.EVALUATING, Proposal.Answer.EVALUATING.label),
        (Proposal.Answer.ACCEPTED, Proposal.Answer.ACCEPTED.label),
        (Proposal.Answer.REJECTED, Proposal.Answer.REJECTED.label),
    ])
    text = forms.CharField(label=_("Explanation"), required=False,
                           help_text=_("Required when rejecting."),
                           widget=forms.Textarea(attrs={"rows": 3}))


class MergeForm(forms.Form):
    static_html = True  # the same HTML unbound (core/templatetags/gz.py form_html)
    target = forms.IntegerField(label=_("Merge into proposal number"), min_value=1)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class TaskForm(BlankForm):
    title = forms.CharField(label=_("What"), max_length=160)
    description = forms.CharField(label=_("Details"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    location_text = forms.CharField(label=_("Where"), max_length=200, required=False)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("Ends"), widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}))
    skills = forms.CharField(label=_("Skills wanted"), max_length=200, required=False)
    capacity = forms.IntegerField(label=_("People needed"), min_value=1, max_value=10000)


class DonationForm(BlankForm):
    item = forms.CharField(label=_("Material"), max_length=120,
                           help_text=_("e.g. old bricks, tyres, planks, pots"))
    quantity = forms.DecimalField(label=_("Quantity"), min_value=0.01, max_digits=10,
                                  decimal_places=2)
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class DonationAdvanceForm(forms.Form):
    condition = forms.ChoiceField(label=_("New state"), choices=Donation.Condition.choices)
    used_for = forms.CharField(label=_("Used for"), max_length=200, required=False)


class PhotoForm(BlankForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=ProjectPhoto.Kind.choices)
    image = ImageUploadField(label=_("Photo"))
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class ResultUpdateForm(forms.Form):
    text = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3}))
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100,
                                  required=False)
    spent_cost = forms.DecimalField(label=_("Spent so far (yuan)"), min_value=0,
                                    required=False)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Keep / from progress"))]
                               + list(Result.Status.choices))
    milestone: forms.ModelChoiceField[Milestone] = forms.ModelChoiceField(
        queryset=None, label=_("Milestone reached"), required=False)
    photo = ImageUploadField(label=_("Photo"), required=False)

    def __init__(self, *args, result: Result, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "milestone", forms.ModelChoiceField).queryset = (
            result.milestones.filter(done_on__isnull=True))


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(label=_("Due"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}))
    progress = forms.IntegerField(label=_("Progress when done (%)"), min_value=0,
                                  max_value=100, initial=0)
    planned_cost = forms.DecimalField(label=_("Planned cost (yuan)"), min_value=0,
                                      required=False)


class EvaluationForm(BlankForm):
    score = forms.TypedChoiceField(label=_("Your score"), coerce=int, widget=forms.RadioSelect,
                                   choices=[(i, str(i)) for i in range(5, 0, -1)])
    comment = forms.CharField(label=_("What worked, what should change?"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class ProjectEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160)
    summary = forms.CharField(label=_("Summary"), max_length=300, required=False)
    description = forms.CharField(label=_("What and why"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    goals = forms.CharField(label=_("Goals"), help_text=_("One goal per line."),
                            required=False, widget=forms.Textarea(attrs={"rows": 3}))
    budget = forms.DecimalField(label=_("Budget (yuan)"), min_value=0, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Project.Status.choices)
    report_threshold = forms.IntegerField(
        label=_("Reports before hiding"), min_value=1, max_value=100,
        help_text=_("Content reported by this many people is hidden until reviewed."))
    spaces: forms.ModelMultipleChoiceField[Space] = forms.ModelMultipleChoiceField(
        queryset=None, label=_("Spaces"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        from gongzhi.spaces.models import Space

        form_field(self, "spaces", forms.ModelChoiceField).queryset = (
            Space.objects.filter(community=community).order_by(
                "name"))


class StakeholderForm(forms.Form):
    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        queryset=None, label=_("Organisation"))
    role = forms.ChoiceField(label=_("Role"), choices=Stakeholder.Role.choices)

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        from gongzhi.orgs.models import Organisation

        form_field(self, "organisation", forms.ModelChoiceField).queryset = (
            Organisation.objects.alive().filter(
                community=community))


class TeamMemberForm(forms.Form):
    phone = forms.CharField(label=_("Mobile number"), max_length=20)
    role = forms.ChoiceField(label=_("Role"), choices=TeamMember.Role.choices)


def _action_field(code: str) -> str:
    return "act_" + code.replace(".", "__")


class PhaseForm(forms.Form):
    """A phase's dates and, per registered phase action, the audiences it is open to."""

    name = forms.CharField(label=_("Name"), max_length=80)
    starts_on = forms.DateField(label=_("Starts"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, phase=None, **kwargs):
        from gongzhi.projects import phase_actions
        from gongzhi.projects.models import Audience

        registered = phase_actions.registered()
        if phase is not None:
            initial = {"name": phase.name, "starts_on": phase.starts_on,
                       "ends_on": phase.ends_on}
            initial.update({_action_field(a.code): phase.audiences(a.code) for a in registered})
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self._codes = {}
        for action in registered:
            name = _action_field(action.code)
            self._codes[name] = action.code
            self.fields[name] = forms.MultipleChoiceField(
                label=action.label, help_text=action.help_text, required=False,
                choices=Audience.choices, widget=forms.CheckboxSelectMultiple)

    def actions(self) -> dict[str, list[str]]:
        """``{code: [audience, …]}`` for the codes open to someone."""
        return {code: self.cleaned_data.get(name) or [] for name, code in self._codes.items()}


class ProposalEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160)
    description = forms.CharField(label=_("Description"),
                                  widget=forms.Textarea(attrs={"rows": 5}))
    cost_estimate = forms.DecimalField(label=_("Cost estimate (yuan)"), min_value=0,
                                       required=False)
