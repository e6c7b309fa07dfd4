from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.core.phone import normalize_phone
from gongzhi.orgs.models import Organisation


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["kind", "name", "description", "contact_name", "contact_phone",
                  "contact_email", "address"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean_contact_phone(self) -> str:
        return normalize_phone(self.cleaned_data.get("contact_phone", ""))


class MemberForm(forms.Form):
    phone = forms.CharField(label=_("Member's mobile number"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))
    title = forms.CharField(label=_("Position"), max_length=60, required=False)
    is_contact = forms.BooleanField(label=_("Contact person"), required=False)
    is_representative = forms.BooleanField(label=_("Representative (may vote for the "
                                                   "organisation)"), required=False)
