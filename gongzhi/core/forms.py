from __future__ import annotations

from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_noop

# Django's message for a NUL typed into a form field (ProhibitNullCharactersValidator). It is
# listed here so that our catalogue carries a clear Chinese text: the project's translations
# come before Django's, whose zh-Hans text reads "empty strings are not allowed".
gettext_noop("Null characters are not allowed.")


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: per field where it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


_F = TypeVar("_F", bound=forms.Field)


def form_field(form: forms.BaseForm, name: str, kind: type[_F]) -> _F:
    """``form.fields[name]`` as the field class it is, to set its queryset, choices, etc.

    ``form.fields`` holds plain ``Field`` objects as far as the type checker knows; this
    checks the class once (a wrong name or class fails loudly) and returns it typed.
    """
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is a {type(field).__name__}, "
                        f"not a {kind.__name__}")
    return field


class BlankForm(forms.Form):
    """A form whose empty rendering is the same for everyone (fixed fields, labels and
    choices; nothing read from the request, the community or the database): the
    ``blank_form`` template tag renders it unbound once per process, language, prefix and
    id scheme, and gives later pages that HTML. Bound or given initial values, it renders
    as any form does."""

    def renders_blank(self) -> bool:
        return (not self.is_bound and not self.initial
                and all(field.initial is None for field in self.fields.values()))
