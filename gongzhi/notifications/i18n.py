"""Notifications in each recipient's language.

A service usually runs in the language of the person acting (a worker in English), while
the people it notifies read Chinese. ``Message`` keeps the untranslated text and its
parameters; ``render`` translates it for each recipient. Mark texts with ``gettext_noop`` so
``makemessages`` finds them::

    notification_send(users=..., title=Message(gettext_noop("Report #%(id)s: %(step)s"),
                                               {"id": report.pk, "step": Status(s).label}))

Parameters may be lazy (e.g. a choice's ``.label``); they are translated too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext


@dataclass(frozen=True)
class Message:
    """A text to translate later, for each recipient (see the module docstring)."""

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return render(self)


def render(value: Any) -> str:
    """Text of ``value`` in the active language (Message, lazy string or plain value)."""
    if isinstance(value, Message):
        text = gettext(value.msgid)
        if not value.params:
            return text
        return text % {k: render(v) if isinstance(v, Message | Promise) else v
                       for k, v in value.params.items()}
    if isinstance(value, Promise):
        return str(value)
    return "" if value is None else str(value)


def render_for(user, value: Any) -> str:
    """Text of ``value`` in ``user``'s saved language (else the site default)."""
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        return render(value)


# What a notification's title or body may be: plain text, a lazy translation (``gettext_lazy``)
# or a ``Message``; each is rendered in the recipient's language.
Text = str | Promise | Message
