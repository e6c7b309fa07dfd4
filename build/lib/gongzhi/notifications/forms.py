from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.notifications.models import NotificationPreference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["email_delivery", "sms_enabled", "sms_more_than_daily"]
        widgets = {"email_delivery": forms.RadioSelect}
        labels = {"email_delivery": _("E-mail copies")}
        help_texts = {
            "email_delivery": _("Every message is always in your inbox here. Choose whether "
                                "you also want e-mail: each message at once, or one summary "
                                "a day."),
            "sms_enabled": _("Only important messages (for example a meeting you registered "
                             "for was moved) are sent by SMS."),
            "sms_more_than_daily": _("Without this, you get at most one SMS a day."),
        }
