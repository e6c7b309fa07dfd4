"""Chinese mobile numbers: normalising, validating and masking."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalize_phone(raw: str) -> str:
    """Strip spaces, dashes and a +86 / 0086 prefix."""
    digits = re.sub(r"[\s\-()]", "", raw or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits


def validate_mobile(value: str) -> None:
    if not _MOBILE.match(value or ""):
        raise ValidationError(
            _("Enter an 11-digit mainland mobile number starting with 1, e.g. 13812345678."),
            code="invalid_phone",
        )


def mask_phone(phone: str | None) -> str:
    """138****1234, so others see that a number exists but not which."""
    if not phone:
        return ""
    if len(phone) >= 11:
        return phone[:3] + "****" + phone[-4:]
    if "@" in phone:
        local, _sep, domain = phone.partition("@")
        return local[:2] + "***@" + domain
    return phone[:2] + "****"
