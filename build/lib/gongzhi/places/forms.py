from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class LedgerUploadForm(forms.Form):
    file = forms.FileField(label=_("Ledger file (.xlsx or .csv)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".xlsx", ".csv")):
            raise ValidationError(_("Upload a .csv or .xlsx file."))
        if f.size > settings.UPLOAD_MAX_BYTES:
            raise ValidationError(_("The file is larger than %(mb)s MB.")
                                  % {"mb": settings.UPLOAD_MAX_BYTES // 1_048_576})
        return f


class InviteForm(forms.Form):
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=365,
                              initial=30)
    max_uses = forms.IntegerField(label=_("How many people may use it"), min_value=1,
                                  max_value=20, initial=4)
