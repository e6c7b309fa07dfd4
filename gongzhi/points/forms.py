from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.uploads import ImageUploadField
from gongzhi.points.models import PointsRules, Reward


class RulesForm(forms.ModelForm):
    class Meta:
        model = PointsRules
        fields = ["enabled", "per_volunteer_hour", "per_meeting", "per_care_log",
                  "per_proposal", "per_activity", "daily_cap", "monthly_cap"]
        widgets = {f: forms.NumberInput(attrs={"min": 0, "max": 1000, "inputmode": "numeric"})
                   for f in fields[1:6]}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.Meta.fields[1:6]:
            self.fields[name].validators.append(_max(1000))
        for name in ("daily_cap", "monthly_cap"):
            self.fields[name].validators.append(_max(100000))


def _max(n):
    from django.core.validators import MaxValueValidator

    return MaxValueValidator(n)


class AdjustForm(forms.Form):
    person = forms.CharField(label=_("Person (mobile number or name)"), max_length=50)
    amount = forms.IntegerField(label=_("Points (negative to take away)"), min_value=-10000,
                                max_value=10000)
    reason = forms.CharField(label=_("Reason"), max_length=300,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Everyone on the audit log can read it."))

    def clean_amount(self):
        value = self.cleaned_data["amount"]
        if value == 0:
            raise forms.ValidationError(_("Give a number of points other than 0."))
        return value


class RewardForm(forms.ModelForm):
    picture = ImageUploadField(label=_("Picture"), required=False)

    class Meta:
        model = Reward
        fields = ["title", "description", "price", "stock", "provider", "pickup",
                  "available_from", "available_until", "per_person_limit", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}),
                   "available_from": forms.DateInput(attrs={"type": "date"}),
                   "available_until": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        from gongzhi.orgs.models import Organisation

        provider = self.fields["provider"]
        assert isinstance(provider, forms.ModelChoiceField)
        provider.queryset = (Organisation.objects.filter(
            community=community, deleted_at__isnull=True).order_by("kind", "name"))
        from django.core.validators import MaxValueValidator, MinValueValidator

        self.fields["price"].validators += [MinValueValidator(1), MaxValueValidator(1_000_000)]
        self.fields["stock"].validators += [MinValueValidator(0), MaxValueValidator(1_000_000)]

    def clean(self):
        data = super().clean() or {}
        start, end = data.get("available_from"), data.get("available_until")
        if start and end and end < start:
            self.add_error("available_until", _("The end is before the start."))
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
