from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import Role, User
from gongzhi.core.phone import normalize_phone, validate_mobile
from gongzhi.places.models import Tenure


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile number"), max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel",
                                      "placeholder": "13812345678"}),
    )

    def clean_phone(self) -> str:
        phone = normalize_phone(self.cleaned_data["phone"])
        validate_mobile(phone)
        return phone


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code"), min_length=6, max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                      "pattern": "[0-9]{6}"}),
        error_messages={"min_length": _("The code has 6 digits."),
                        "max_length": _("The code has 6 digits.")},
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise ValidationError(_("The code has 6 digits."))
        return code


class PasswordLoginForm(forms.Form):
    login = forms.CharField(label=_("Mobile number or e-mail"), max_length=254,
                            widget=forms.TextInput(attrs={"autocomplete": "username"}))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete":
                                                                 "current-password"}))


class EmailSignupForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(
        attrs={"autocomplete": "email"}))
    display_name = forms.CharField(label=_("Name shown to others"), max_length=50,
                                   required=False)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits."))

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("This e-mail is already registered. Sign in instead."))
        return email

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        password = data.get("password")
        if password:
            from django.contrib.auth.password_validation import validate_password

            try:
                validate_password(password, User(email=data.get("email")))
            except ValidationError as exc:
                self.add_error("password", exc)
        return data


class ConsentForm(forms.Form):
    agree = forms.BooleanField(
        label=_("I have read the privacy notice and agree to it."), required=True,
        error_messages={"required": _("Tick the box to agree, or leave the site.")},
    )


class JoinForm(forms.Form):
    building = forms.CharField(label=_("Building"), max_length=30,
                               help_text=_("e.g. 3 for 3号楼"))
    unit = forms.CharField(label=_("Unit (entrance)"), max_length=20, required=False,
                           help_text=_("Leave empty if your building has no units."))
    room = forms.CharField(label=_("Room"), max_length=20, help_text=_("e.g. 502"))
    tenure = forms.ChoiceField(label=_("I live here as"), choices=Tenure.choices)
    moved_in_year = forms.IntegerField(label=_("Year you moved in"), required=False,
                                       min_value=1949)

    def clean_moved_in_year(self):
        year = self.cleaned_data.get("moved_in_year")
        if year and year > timezone.now().year:
            raise ValidationError(_("The year cannot be in the future."))
        return year


class InviteRedeemForm(forms.Form):
    code = forms.CharField(label=_("Invitation code"), max_length=12,
                           widget=forms.TextInput(attrs={"autocapitalize": "characters",
                                                         "autocomplete": "off"}))


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Reason (sent to the resident)"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}))


class ApproveForm(forms.Form):
    household = forms.IntegerField(label=_("Household in the ledger"), required=False)


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Name shown to others"), max_length=50,
                                   required=False)
    real_name = forms.CharField(label=_("Real name"), max_length=50, required=False,
                                help_text=_("Seen only by community workers for verification."))
    email = forms.EmailField(label=_("E-mail"), required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = (self.cleaned_data.get("email") or "").lower()
        if email and User.objects.filter(email__iexact=email).exclude(pk=self.user.pk).exists():
            raise ValidationError(_("This e-mail is used by another account."))
        return email


class DeleteAccountForm(forms.Form):
    """Confirmation in the person's own words: 注销 (the word on the button), or their
    mobile number. English accounts may type "delete"."""

    confirm = forms.CharField(
        label=_("To confirm, type the word 注销 or your mobile number"), max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off"}))

    def __init__(self, *args, user: User | None = None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_confirm(self):
        value = self.cleaned_data["confirm"].strip().replace(" ", "").replace("-", "")
        accepted = {"注销", "删除", "delete"}
        phone = getattr(self.user, "phone", "") or ""
        if phone:
            accepted |= {phone, phone.removeprefix("+86")}
        if value.lower() not in accepted:
            raise ValidationError(_("Type 注销 or your mobile number to confirm."))
        return value


class RoleForm(forms.Form):
    user_id = forms.IntegerField(widget=forms.HiddenInput)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("What the token is for"), max_length=60,
                           help_text=_("e.g. the subdistrict's reporting system"))
