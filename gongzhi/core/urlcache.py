"""``reverse()`` with its answers kept, for the links every page draws.

Django's ``reverse`` walks its resolver's tables on every call (about 20 µs); the header's
community menu alone asks it twenty times a page, and the answer for the same name and
arguments never changes while the URL configuration stays the same. This one keeps the
answers (a bounded LRU per process) under everything a URL depends on: the name, the
arguments, the thread's URL configuration (``set_urlconf``), ``settings.ROOT_URLCONF`` and
the script prefix (a deployment under a sub-path). A change of the URL configuration in
tests (``override_settings(ROOT_URLCONF=...)``) clears it as it clears Django's caches.

Only names with positional arguments that are plain ``str`` or ``int`` are kept; anything
else (keyword arguments, ``bool``, lazy objects) goes to Django's ``reverse`` unchanged.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse


@functools.lru_cache(maxsize=8192)
def _kept(viewname: str, args: tuple, urlconf, root: str, prefix: str) -> str:
    # urlconf, root and prefix are the key: django_reverse reads the same three itself
    return django_reverse(viewname, urlconf=urlconf, args=args or None)


def reverse(viewname: str, args: Sequence[object] | None = None) -> str:
    """``django.urls.reverse(viewname, args=args)``, kept (see the module)."""
    key = tuple(args) if args else ()
    if not isinstance(viewname, str) or not all(
            type(a) is str or type(a) is int for a in key):
        return django_reverse(viewname, args=args)
    return _kept(viewname, key, get_urlconf(), settings.ROOT_URLCONF, get_script_prefix())


def clear() -> None:
    _kept.cache_clear()


@receiver(setting_changed)
def _urlconf_changed(*, setting: str, **kwargs) -> None:
    if setting in ("ROOT_URLCONF", "FORCE_SCRIPT_NAME"):
        clear()
