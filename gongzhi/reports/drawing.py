"""The report page's "Next step" forms, worked out and drawn in Python.

Every worker who opens a report sees them, and drawn by the template engine they were most
of the gap between a worker's page and a resident's (two forms, ~1 ms of lookups, tags and
a CSRF token masked for each). Here each action's form is drawn once per process and
language as a skeleton (labels, ids, classes: what depends only on the action) and each
request fills in its own values, escaped: the form's address, the page's one CSRF token
(``core.http.csrf_token``), the errors and the note of a refused submission (what was typed
is kept) and the organisations to choose from. The HTML is the one the template drew
(``tests/test_drawing.py``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from django.utils import translation
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core.http import csrf_token
from gongzhi.core.urlcache import reverse

# what each action's form asks for besides the action itself
_NOTE_LABELS = {"refuse": _("Reason (public)"), "resolve": _("What was done (public)"),
                "reopen": _("What is still wrong?")}
_NO_NOTE = frozenset({"start", "confirm"})
WITH_ORG = frozenset({"accept", "assign"})
_DANGER = frozenset({"refuse", "reopen"})
_SELECTED = mark_safe(" selected")


@dataclass(frozen=True)
class ActionForm:
    """One "next step" form of the report page."""

    action: str
    label: object
    org_options: SafeString | None  # the <option>s of the organisation choice, if asked
    note_label: object | None  # the note's label, if a note is asked for
    photo: bool
    danger: bool
    errors: tuple[str, ...]  # of the submission that failed, with what was typed kept
    note: str


def form_errors(form) -> tuple[str, ...]:
    """A bound form's errors, flattened, in the order of its fields."""
    return tuple(str(e) for errs in form.errors.values() for e in errs)


def action_forms(actions: Iterable, organisations: Sequence, report,
                 failed=None) -> list[ActionForm]:
    """The forms of ``actions`` (workflow transitions) for ``report``. ``failed`` is the
    bound form of a submission that was refused (its ``failed_action`` says which)."""
    forms = []
    for t in actions:
        mine = failed is not None and failed.failed_action == t.action
        options = None
        if t.action in WITH_ORG:
            chosen = str(failed.data.get("organisation", "")) if mine else str(
                report.organisation_id or "")
            options = format_html_join("", '<option value="{}"{}>{}</option>', (
                (o.pk, _SELECTED if str(o.pk) == chosen else "", o.name)
                for o in organisations))
        forms.append(ActionForm(
            action=t.action, label=t.label, org_options=options,
            note_label=None if t.action in _NO_NOTE else _NOTE_LABELS.get(
                t.action, _("Note (public, optional)")),
            photo=t.action == "resolve", danger=t.action in _DANGER,
            errors=form_errors(failed) if mine else (),
            note=str(failed.data.get("note", "")) if mine else ""))
    return forms


def _alert(errors: Sequence[str], cls: str) -> SafeString:
    if not errors:
        return mark_safe("")
    return format_html('<div class="{}" role="alert">{}</div>', cls,
                       format_html_join("", "<p>{}</p>", ((e,) for e in errors)))


def _form(f: ActionForm, url: str, csrf: str, errors: str, note: str) -> SafeString:
    a = f.action
    org = note_field = photo = mark_safe("")
    if f.org_options is not None:
        org = format_html(
            '<div class="field"><label for="org-{}">{}</label><select id="org-{}" '
            'name="organisation" required><option value="">—</option>{}</select></div>',
            a, gettext("Assign to"), a, f.org_options)
    if f.note_label:
        note_field = format_html(
            '<div class="field"><label for="note-{}">{}</label><textarea id="note-{}" '
            'name="note" rows="3">{}</textarea></div>', a, f.note_label, a, note)
    if f.photo:
        photo = format_html(
            '<div class="field"><label for="photo-resolve">{}</label><input type="file" '
            'id="photo-resolve" name="photos" accept="image/jpeg,image/png,image/webp" '
            'multiple></div>', gettext("Photo after the fix (optional)"))
    return format_html(
        '<form method="post" action="{}" enctype="multipart/form-data" '
        'class="card action-form" novalidate aria-labelledby="act-{}-h">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<h3 id="act-{}-h">{}</h3><input type="hidden" name="action" value="{}">'
        '{}{}{}{}<button type="submit" class="{}">{}</button></form>',
        url, a, csrf, a, f.label, a, errors, org, note_field, photo,
        "btn-danger" if f.danger else "btn", f.label)


# An action's form drawn once per process and language, with marks where each request's
# values go (what is drawn besides them depends only on the action): the static pieces
# and the names of the values between them. User text never goes into a skeleton.
_SKELETONS: dict[tuple[str | None, str], tuple[tuple[str, ...], tuple[str, ...]]] = {}
_MARK = "\x00"  # never in a translation or in the markup around the values


def _skeleton(f: ActionForm) -> tuple[tuple[str, ...], tuple[str, ...]]:
    key = (translation.get_language(), f.action)
    found = _SKELETONS.get(key)
    if found is None:
        marks = {name: mark_safe(f"{_MARK}{name}{_MARK}")
                 for name in ("url", "csrf", "errors", "options", "note")}
        blank = replace(f, org_options=None if f.org_options is None else marks["options"])
        parts = str(_form(blank, marks["url"], marks["csrf"], marks["errors"],
                          marks["note"])).split(_MARK)
        found = _SKELETONS[key] = (tuple(parts[0::2]), tuple(parts[1::2]))
    return found


def _drawn(f: ActionForm, url: str, csrf: str) -> str:
    pieces, names = _skeleton(f)
    values = {"url": escape(url), "csrf": escape(csrf),
              "errors": _alert(f.errors, "form-errors"), "options": f.org_options or "",
              "note": escape(f.note)}
    out = [pieces[0]]
    for name, piece in zip(names, pieces[1:], strict=True):
        out += (values[name], piece)
    return "".join(out)


def next_step_html(request, community, report, forms: Sequence[ActionForm],
                   step_errors: Sequence[str] = ()) -> SafeString:
    """The "Next step" section: the errors of a step that has no form any more, then one
    form per action the viewer may take (nothing when there is none)."""
    alert = _alert(step_errors, "notice warn form-errors")
    if not forms:
        return alert
    url = reverse("reports:act", args=[community.slug, report.pk])
    csrf = csrf_token(request)
    return format_html(
        '{}<section aria-labelledby="act-h" class="actions"><h2 id="act-h">{}</h2>{}</section>',
        alert, gettext("Next step"),
        mark_safe("".join(_drawn(f, url, csrf) for f in forms)))
