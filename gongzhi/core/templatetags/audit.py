"""The audit log in words: each entry's before/after as "field: value" lines.

An entry stores plain JSON (``core.audit.audit_record``). Shown raw it reads like Python
(``{'ballots': 1, 'winners': ['b']}``) with English keys and codes. Here each key is named by
the target model's field (its translated ``verbose_name``) and a coded value by the field's
choices (``borda`` → 波达计数); keys that are not model fields come from a short glossary;
anything else is shown as it is, as code.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

register = template.Library()

# Keys that several apps put in their audit entries without being a field of the target.
GLOSSARY = {
    "ballots": _("ballots counted"),
    "winners": _("selected options"),
    "user": _("person"),
    "role": _("role"),
    "via": _("signed up with"),
    "version": _("version"),
    "source": _("source"),
    "reason": _("reason"),
    "created": _("created"),
    "reports": _("reports"),
    "memberships": _("memberships"),
}


def _model(target_type: str):
    try:
        return apps.get_model(target_type) if "." in target_type else None
    except (LookupError, ValueError):
        return None


def _field(model, key: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        return None


def _value(value: Any, field=None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if field is not None and getattr(field, "choices", None):
        shown = dict(field.flatchoices)
        if isinstance(value, list):
            return "、".join(str(shown.get(v, v)) for v in value)
        return str(shown.get(value, value))
    if isinstance(value, list):
        return "、".join(_value(v) for v in value) or "—"
    if isinstance(value, dict):
        return "；".join(f"{k}: {_value(v)}" for k, v in value.items())
    return str(value)


@register.simple_tag
def audit_lines(entry, which: str) -> list[tuple[str, str]]:
    """``[(label, value)]`` for ``entry.before`` or ``entry.after``."""
    data = getattr(entry, which, None)
    if data in (None, "", {}, []):
        return []
    if not isinstance(data, dict):
        return [("", _value(data))]
    model = _model(entry.target_type)
    lines = []
    for key, value in data.items():
        field = _field(model, key)
        label = field.verbose_name if field is not None else GLOSSARY.get(key, key)
        lines.append((str(label), _value(value, field)))
    return lines
