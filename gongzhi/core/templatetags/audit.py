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
from django.utils.translation import pgettext_lazy

from gongzhi.core.audit_actions import action_label

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
    "published": pgettext_lazy("audit key", "published"),
    "actions": pgettext_lazy("audit key", "actions allowed"),
    "balance": pgettext_lazy("audit key", "balance"),
    "child": pgettext_lazy("audit key", "child"),
    "consented": pgettext_lazy("audit key", "consent given"),
    "decision": pgettext_lazy("audit key", "decision"),
    "ends_on": pgettext_lazy("audit key", "ends on"),
    "entries": pgettext_lazy("audit key", "entries"),
    "etag": pgettext_lazy("audit key", "version tag"),
    "files": pgettext_lazy("audit key", "files"),
    "item": pgettext_lazy("audit key", "item"),
    "library": pgettext_lazy("audit key", "from the library"),
    "meeting": pgettext_lazy("audit key", "meeting"),
    "milestone": pgettext_lazy("audit key", "milestone"),
    "name": pgettext_lazy("audit key", "name"),
    "narrator_consent": pgettext_lazy("audit key", "narrator's consent"),
    "notice_version": pgettext_lazy("audit key", "notice version"),
    "notices": pgettext_lazy("audit key", "notes"),
    "occurrence": pgettext_lazy("audit key", "date"),
    "on_behalf": pgettext_lazy("audit key", "recorded on someone's behalf"),
    "organisation": pgettext_lazy("audit key", "organisation"),
    "person": pgettext_lazy("audit key", "person"),
    "photo": pgettext_lazy("audit key", "photo"),
    "proposal": pgettext_lazy("audit key", "proposal"),
    "questions": pgettext_lazy("audit key", "questions"),
    "result": pgettext_lazy("audit key", "result"),
    "rows": pgettext_lazy("audit key", "rows"),
    "skills": pgettext_lazy("audit key", "skills"),
    "starts_at": pgettext_lazy("audit key", "starts at"),
    "starts_on": pgettext_lazy("audit key", "starts on"),
    "state": pgettext_lazy("audit key", "state"),
    "status": pgettext_lazy("audit key", "status"),
    "supports_moved": pgettext_lazy("audit key", "supports moved"),
    "text": pgettext_lazy("audit key", "text"),
}
# Glossary keys that hold the id of an object whose name can be shown (never a person's:
# a user's name is not the audit log's to show beside every entry).
GLOSSARY_MODELS = {"organisation": "orgs.Organisation", "meeting": "meetings.Meeting",
                   "proposal": "projects.Proposal"}


def _model(target_type: str):
    try:
        return apps.get_model(target_type) if "." in target_type else None
    except (LookupError, ValueError):
        return None


def _field(model, key: str):
    if model is None:
        return None
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    # A reverse relation (``meetings`` on an organisation) has no name of its own here.
    return field if getattr(field, "concrete", False) else None


def _related(field, key: str = "") -> Any:
    if field is not None:
        return field.related_model if field.many_to_one else None
    label = GLOSSARY_MODELS.get(key)
    return apps.get_model(label) if label else None


def name_related(entries) -> None:
    """Fetch the names of the objects that entries' foreign keys point to (one query per
    related model for the whole page) so lines read "发布单位：居委会", not "…：3"."""
    wanted: dict[Any, set[Any]] = {}
    for entry in entries:
        model = _model(entry.target_type)
        for data in (entry.before, entry.after):
            if not isinstance(data, dict):
                continue
            for key, value in data.items():
                related = _related(_field(model, key), key)
                if related is not None and isinstance(value, (int, str)) and value != "":
                    wanted.setdefault(related, set()).add(value)
    names = {}
    for related, pks in wanted.items():
        try:
            found = related._base_manager.in_bulk(list(pks))
        except (ValueError, TypeError):
            continue
        names.update({(related, str(pk)): str(obj) for pk, obj in found.items()})
    for entry in entries:
        entry.related_names = names


def _value(value: Any, field=None, names: dict | None = None, key: str = "") -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    related = _related(field, key)
    if related is not None and names is not None:
        return names.get((related, str(value)), str(value))
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
def audit_action(code: str) -> str:
    return action_label(code)


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
        lines.append((str(label), _value(value, field, getattr(entry, "related_names", None), key)))
    return lines
