from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core import signing
from django.core.files.storage import default_storage
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.forms import form_field
from gongzhi.core.uploads import ACCEPT, ImageUploadField
from gongzhi.decisions.models import EligibilityKind, Method

if TYPE_CHECKING:
    from gongzhi.meetings.models import Meeting
    from gongzhi.places.models import Building
    from gongzhi.projects.models import Project



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


# --------------------------------------------------------------------------- ballot wizard
#
# A community worker picks the kind of decision in plain words, then fills only what that
# kind needs. Keys of options are made from their position (o1, o2, …): nobody types codes.

KINDS: dict[str, dict[str, Any]] = {
    "single": {"method": Method.PLURALITY, "options": True,
               "title": _("Choose one"),
               "text": _("Each voter picks one option; the option with the most votes wins. "
                         "For example: which of three designs for the garden.")},
    "yesno": {"method": Method.MAJORITY, "options": False,
              "title": _("Yes or no"),
              "text": _("One question answered yes, no or abstain; it passes when enough "
                        "people take part and enough say yes.")},
    "multi": {"method": Method.APPROVAL, "options": True,
              "title": _("Choose several"),
              "text": _("Each voter ticks every option they can accept; the options with the "
                        "most ticks win. Good when several options may go ahead.")},
    "rank": {"method": Method.BORDA, "options": True,
             "title": _("Rank in order"),
             "text": _("Each voter puts the options in order of preference. Good for finding "
                       "the option most people can live with.")},
    "score": {"method": Method.SCORE, "options": True,
              "title": _("Give scores"),
              "text": _("Each voter gives every option a score, for example 0 to 5 stars; "
                        "the highest total wins.")},
    "pb": {"method": Method.PB, "options": True, "cost": True,
           "title": _("Community budget"),
           "text": _("Residents decide how to spend a fixed budget on projects with their "
                     "costs (participatory budgeting).")},
    "art278": {"method": Method.ART278, "options": False,
               "title": _("Owners' decision (Civil Code Art. 278)"),
               "text": _("A matter the owners decide together, counted by owners and by floor "
                         "area, with the thresholds of Article 278 — for example installing a "
                         "lift or using the maintenance fund.")},
}

RANK_COUNTS = [
    (Method.BORDA, _("Points by position (Borda): first place gets the most points. Finds a "
                     "broadly acceptable option.")),
    (Method.IRV, _("Instant runoff: the option with the fewest first choices drops out and "
                   "its votes move to the next choice, until one has a majority.")),
    (Method.SCHULZE, _("Head-to-head (Schulze): the option that beats every other one in "
                       "one-to-one comparisons wins.")),
]

PB_BALLOTS = [
    ("approval", _("Tick projects: each voter ticks the projects they support, within the "
                   "budget.")),
    ("cumulative", _("Share points: each voter shares a number of points among the "
                     "projects.")),
    ("ordinal", _("Rank projects: each voter puts projects in order.")),
    ("choose-1", _("Choose one project.")),
]

PB_RULES = [
    ("equalshares/add1", _("Equal shares (recommended): every voter gets an equal part of the "
                           "budget, so projects supported by smaller groups also get a "
                           "fair chance.")),
    ("greedy", _("Most votes first: projects are funded in order of votes until the budget "
                 "runs out; a project that no longer fits is skipped.")),
]

MAJORITY_RULES = {
    "half": ("1/2", True, _("More than half of those voting yes or no say yes")),
    "two_thirds": ("2/3", False, _("At least two thirds say yes")),
    "three_quarters": ("3/4", False, _("At least three quarters say yes")),
}

QUORUMS = {
    "0": _("No minimum turnout"),
    "1/3": _("At least a third of the voters take part"),
    "1/2": _("At least half of the voters take part"),
    "2/3": _("At least two thirds of the voters take part"),
}

ART278_ITEMS = [
    (1, _("1. Adopting or changing the rules of procedure of the owners' assembly")),
    (2, _("2. Adopting or changing the management statute")),
    (3, _("3. Electing the owners' committee or replacing its members")),
    (4, _("4. Hiring or dismissing the property-management company or other manager")),
    (5, _("5. Using the maintenance fund of the building and its facilities")),
    (6, _("6. Raising the maintenance fund (special matter: three quarters)")),
    (7, _("7. Rebuilding or altering the building and its facilities, e.g. installing a lift "
          "(special matter: three quarters)")),
    (8, _("8. Changing the use of common parts or running a business with them (special "
          "matter: three quarters)")),
    (9, _("9. Other important matters of common ownership and management")),
]

ELIGIBILITY_FOR_KIND = {
    "art278": [EligibilityKind.OWNERS, EligibilityKind.BUILDING_OWNERS],
}

ELIGIBILITY_HELP = {
    EligibilityKind.VERIFIED_RESIDENTS: _("every resident verified against the ledger"),
    EligibilityKind.HOUSEHOLDS: _("one vote per household in the ledger"),
    EligibilityKind.OWNERS: _("owners in the ledger, weighted by floor area where it counts"),
    EligibilityKind.BUILDING_OWNERS: _("owners of one building (or one unit)"),
    EligibilityKind.ORG_REPRESENTATIVES: _("one representative per organisation"),
    EligibilityKind.MEETING_ATTENDEES: _("the people checked in at one meeting"),
}

MAX_OPTIONS = 50


def _described(choices) -> list[tuple[str, str]]:
    return [(str(value), text) for value, text in choices]


class BallotBasicsForm(forms.Form):
    """What every kind needs: the question, who votes, when."""

    title = forms.CharField(label=_("Title"), max_length=200,
                            help_text=_("Short, e.g. “Which design for the boiler-room "
                                        "garden?”"))
    question = forms.CharField(label=_("Explanation for voters"), required=False,
                               max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    eligibility = forms.ChoiceField(label=_("Who may vote"), widget=forms.RadioSelect)
    building: forms.ModelChoiceField[Building] = forms.ModelChoiceField(
        label=_("Building"), queryset=None, required=False,
        help_text=_("Only for the owners of one building."))
    meeting: forms.ModelChoiceField[Meeting] = forms.ModelChoiceField(
        label=_("Meeting"), queryset=None, required=False,
        help_text=_("Only when the attendees of a meeting " "vote."))
    project: forms.ModelChoiceField[Project] = forms.ModelChoiceField(
        label=_("Project (optional)"), queryset=None, required=False)
    secret = forms.BooleanField(
        label=_("Secret ballot: nobody, not even the workers, can see who chose what"),
        required=False, initial=True)
    allow_change = forms.BooleanField(
        label=_("Voters may change or withdraw their vote until it closes"), required=False,
        initial=True)
    opens_at = forms.DateTimeField(
        label=_("Opens"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Empty: you open it by hand."))
    closes_at = forms.DateTimeField(
        label=_("Closes"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Empty: you close it by hand."))

    def __init__(self, *args, kind: str, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        allowed = ELIGIBILITY_FOR_KIND.get(kind, list(EligibilityKind))
        form_field(self, "eligibility", forms.ChoiceField).choices = [
            (str(k), f"{EligibilityKind(k).label}：{ELIGIBILITY_HELP[k]}") for k in allowed]
        self.fields["eligibility"].initial = str(allowed[0])
        form_field(self, "building", forms.ModelChoiceField).queryset = community.buildings.all()
        from gongzhi.meetings.models import Meeting
        from gongzhi.projects.models import Project

        form_field(self, "meeting", forms.ModelChoiceField).queryset = (
            Meeting.objects.filter(community=community))
        form_field(self, "project", forms.ModelChoiceField).queryset = (
            Project.objects.filter(community=community))
        if kind == "art278":  # Article 278 votes are open by law (signed ballots)
            del self.fields["secret"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The closing time must be after the opening time."))
        if closes and closes <= timezone.now():
            self.add_error("closes_at", _("The closing time is already past."))
        kind = data.get("eligibility")
        if kind == EligibilityKind.BUILDING_OWNERS and not data.get("building"):
            self.add_error("building", _("Choose the building whose owners vote."))
        if kind == EligibilityKind.MEETING_ATTENDEES and not data.get("meeting"):
            self.add_error("meeting", _("Choose the meeting whose attendees vote."))
        return data


class BallotMethodForm(forms.Form):
    """Only the settings of the chosen kind, each choice with a sentence on what it does."""

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        f = self.fields
        if kind == "multi":
            f["max_choices"] = forms.IntegerField(
                label=_("At most how many ticks per voter"), required=False, min_value=1,
                max_value=MAX_OPTIONS, help_text=_("Empty: as many as they like."))
        elif kind == "rank":
            f["count"] = forms.ChoiceField(label=_("How the rankings are counted"),
                                           choices=_described(RANK_COUNTS),
                                           initial=Method.BORDA, widget=forms.RadioSelect)
        elif kind == "score":
            f["min_score"] = forms.IntegerField(label=_("Lowest score"), initial=0,
                                                min_value=-10, max_value=10)
            f["max_score"] = forms.IntegerField(label=_("Highest score"), initial=5,
                                                min_value=1, max_value=100)
        elif kind == "yesno":
            f["rule"] = forms.ChoiceField(
                label=_("When does it pass"), initial="half", widget=forms.RadioSelect,
                choices=[(k, v[2]) for k, v in MAJORITY_RULES.items()])
            f["quorum"] = forms.ChoiceField(label=_("Minimum turnout"), initial="0",
                                            choices=list(QUORUMS.items()),
                                            widget=forms.RadioSelect)
        elif kind == "pb":
            f["budget"] = forms.DecimalField(
                label=_("Budget (yuan)"), min_value=Decimal("1"), max_digits=14,
                decimal_places=2, help_text=_("The money to share among the projects."))
            f["pb_vote_type"] = forms.ChoiceField(label=_("How residents vote"),
                                                  choices=_described(PB_BALLOTS),
                                                  initial="approval",
                                                  widget=forms.RadioSelect)
            f["points_total"] = forms.IntegerField(
                label=_("Points per voter (only when sharing points)"), initial=10,
                min_value=1, max_value=1000)
            f["pb_rule"] = forms.ChoiceField(label=_("How the budget is shared out"),
                                             choices=_described(PB_RULES),
                                             initial="equalshares/add1",
                                             widget=forms.RadioSelect)
        elif kind == "art278":
            f["art278_item"] = forms.TypedChoiceField(
                label=_("Which matter of Article 278"), coerce=int,
                choices=[(str(n), t) for n, t in ART278_ITEMS], widget=forms.RadioSelect,
                help_text=_("Every matter needs two thirds of the area and of the owners to "
                            "take part; items 6–8 need three quarters of those taking part "
                            "to agree, the others more than half."))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        lo, hi = data.get("min_score"), data.get("max_score")
        if lo is not None and hi is not None and hi <= lo:
            self.add_error("max_score", _("The highest score must be above the lowest."))
        return data

    def params(self) -> dict[str, Any]:
        """Service parameters for ``ballot_create``: method and its settings."""
        d = self.cleaned_data
        kind = self.kind
        out: dict[str, Any] = {"method": KINDS[kind]["method"]}
        if kind == "multi":
            out["max_choices"] = d.get("max_choices")
        elif kind == "rank":
            out["method"] = d["count"]
        elif kind == "score":
            out.update(min_score=d["min_score"], max_score=d["max_score"])
        elif kind == "yesno":
            share, strict, _label = MAJORITY_RULES[d["rule"]]
            out.update(approval_threshold=share, strict_majority=strict, quorum=d["quorum"])
        elif kind == "pb":
            out.update(budget=d["budget"], pb_vote_type=d["pb_vote_type"],
                       points_total=d["points_total"], pb_rule=d["pb_rule"])
        elif kind == "art278":
            out["art278_item"] = d["art278_item"]
        return out


IMAGE_TOKEN_SALT = "decisions.option-image"
IMAGE_TOKEN_MAX_AGE = 2 * 24 * 3600  # a wizard left open over a weekend still works


def image_token(name: str) -> str:
    """A signed reference to a staged option picture, carried by the wizard between the
    preview and the draft (a file input cannot keep its file across a round trip)."""
    return signing.dumps(name, salt=IMAGE_TOKEN_SALT)


def image_name(token: str) -> str | None:
    try:
        return signing.loads(token, salt=IMAGE_TOKEN_SALT, max_age=IMAGE_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None


class OptionRowForm(forms.Form):
    label = forms.CharField(label=_("Option"), max_length=200, required=False)
    description = forms.CharField(label=_("Description (optional)"), max_length=2000,
                                  required=False, widget=forms.Textarea(attrs={"rows": 2}))
    cost = forms.DecimalField(label=_("Cost (yuan)"), required=False, min_value=Decimal("0"),
                              max_digits=14, decimal_places=2)
    image = ImageUploadField(label=_("Picture (optional)"), required=False,
                             help_text=_("A photo or drawing of this option: JPEG, PNG or "
                                         "WebP. Residents see it on the ballot."))
    image_token = forms.CharField(required=False, widget=forms.HiddenInput, max_length=500)
    image_clear = forms.BooleanField(label=_("Remove the picture"), required=False)

    def __init__(self, *args, with_cost: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_cost:
            del self.fields["cost"]
        self.fields["image"].widget = forms.FileInput(attrs={"accept": ACCEPT})

    def staged_image(self) -> str | None:
        """The stored name of this row's picture, from the signed token it carries."""
        raw = self.data.get(self.add_prefix("image_token"), "") if self.is_bound else ""
        return image_name(raw) if raw else None

    def staged_image_url(self) -> str | None:
        name = self.staged_image()
        return default_storage.url(name) if name else None

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        if d.get("image_token") and self.staged_image() is None:
            self.add_error("image", _("The picture could not be kept. Choose it again."))
        return d


class BaseOptionFormSet(forms.BaseFormSet):
    def __init__(self, *args, with_cost: bool = False, **kwargs):
        self.with_cost = with_cost
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        # Django's empty_form (the template row the page's script copies) asks for these too.
        return {**super().get_form_kwargs(index), "with_cost": self.with_cost}

    def _removed(self, form: forms.Form) -> bool:
        """Whether the person ticked "remove" on this row."""
        return self.can_delete and bool(
            (getattr(form, "cleaned_data", None) or {}).get(DELETION_FIELD_NAME))

    def clean(self):
        if any(self.errors):
            return
        rows = self.options()
        labels = [r["label"] for r in rows]
        if len(rows) < 2:
            raise forms.ValidationError(_("Give at least two options."))
        if len(set(labels)) != len(labels):
            raise forms.ValidationError(_("Two options have the same name."))
        for form in self.forms:
            if self._removed(form):
                continue
            d = getattr(form, "cleaned_data", {})
            if d.get("label") and self.with_cost and d.get("cost") in (None, ""):
                form.add_error("cost", _("Give the cost of this project."))
            if not d.get("label") and (d.get("description") or d.get("cost")
                                       or form.staged_image()):
                form.add_error("label", _("Give this option a name, or remove the row."))

    def options(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for form in self.forms:
            if self._removed(form):
                continue
            d = getattr(form, "cleaned_data", None) or {}
            if not d.get("label"):
                continue
            image = "" if d.get("image_clear") else (form.staged_image() or "")
            rows.append({"key": f"o{len(rows) + 1}", "label": d["label"].strip(),
                         "description": (d.get("description") or "").strip(),
                         "cost": d.get("cost") or Decimal(0), "image": image})
        return rows


# formset_factory returns a subclass of the formset class it is given (typed as the base).
OptionFormSet = cast(type[BaseOptionFormSet], forms.formset_factory(
    OptionRowForm, formset=BaseOptionFormSet, extra=0, can_delete=True, max_num=MAX_OPTIONS,
    validate_max=True, absolute_max=MAX_OPTIONS))
