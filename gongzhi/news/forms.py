from __future__ import annotations

from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gongzhi.news.models import Audience


def _no_nul(value: str) -> None:
    if "\x00" in (value or ""):
        raise ValidationError(_("This text contains a character that cannot be stored."))


class BuildingChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return _("Building %(n)s") % {"n": obj.number}


class UnitChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return _("Building %(b)s, unit %(u)s") % {"b": obj.building.number, "u": obj.number}


class AnnouncementForm(forms.Form):
    organisation: forms.ModelChoiceField = forms.ModelChoiceField(label=_("From"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=120, validators=[_no_nul])
    body = forms.CharField(label=_("Text of the notice"), max_length=5000, validators=[_no_nul],
                           widget=forms.Textarea(attrs={"rows": 8}))
    audience = forms.ChoiceField(label=_("For whom"), choices=Audience.choices,
                                 widget=forms.RadioSelect, initial=Audience.COMMUNITY)
    buildings: BuildingChoices = BuildingChoices(label=_("Buildings"), queryset=None,
                                               required=False,
                                               widget=forms.CheckboxSelectMultiple)
    units: UnitChoices = UnitChoices(label=_("Units (entrances)"), queryset=None,
                                           required=False,
                                           widget=forms.CheckboxSelectMultiple)
    important = forms.BooleanField(
        label=_("Important: ask everyone to tap “I have read it”"), required=False,
        help_text=_("Everyone in the audience gets a notification; you see who has read "
                    "it, building by building."))
    pinned = forms.BooleanField(label=_("Pin to the top"), required=False)
    expires_at = forms.DateTimeField(
        label=_("Shown until (optional)"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    publish = forms.BooleanField(label=_("Publish now (otherwise keep as a draft)"),
                                 required=False, initial=True)

    def __init__(self, *args, community, user, **kwargs):
        super().__init__(*args, **kwargs)
        from gongzhi.news.rules import SPEAKING_KINDS, my_org_ids
        from gongzhi.orgs.models import Organisation
        from gongzhi.places.models import Building, Unit

        orgs = Organisation.objects.alive().filter(community=community)
        if user.has_perm("news.pin", community):
            orgs = orgs.filter(kind__in=SPEAKING_KINDS) | orgs.filter(
                pk__in=my_org_ids(user, community))
        else:
            orgs = orgs.filter(pk__in=my_org_ids(user, community))
            del self.fields["pinned"]
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = orgs.order_by(
            "kind", "name")
        buildings = cast(forms.ModelMultipleChoiceField, self.fields["buildings"])
        buildings.queryset = Building.objects.filter(community=community).order_by("number")
        units = cast(forms.ModelMultipleChoiceField, self.fields["units"])
        units.queryset = Unit.objects.filter(building__community=community).select_related(
            "building").order_by("building__number", "number")



class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why is it withdrawn?"), max_length=500,
                             validators=[_no_nul])
