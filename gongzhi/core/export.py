"""Personal data (PIPL): each app contributes to the export and to account deletion.

Apps register in a ``personal_data.py`` module: ``@register("section")`` for a section of
the export, ``@on_delete("section")`` for what happens to the app's rows when an account
is deleted (wipe, anonymise or keep under the licence the person chose).
``collect_personal_data`` and ``delete_personal_data`` find them all, so a new app cannot
forget either by forgetting to edit accounts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

Collector = Callable[[Any], Any]
_collectors: dict[str, Collector] = {}
Deleter = Callable[[Any], None]
_deleters: dict[str, Deleter] = {}


def register(section: str) -> Callable[[Collector], Collector]:
    def decorator(fn: Collector) -> Collector:
        _collectors[section] = fn
        return fn

    return decorator


def collect_personal_data(user) -> dict[str, Any]:
    autodiscover_modules("personal_data")
    data: dict[str, Any] = {
        "format": "gongzhi-personal-data/1",
        "exported_at": timezone.now().isoformat(),
    }
    for section, fn in sorted(_collectors.items()):
        data[section] = fn(user)
    return data


def on_delete(section: str) -> Callable[[Deleter], Deleter]:
    """Register what ``section`` does with a user's rows when the account is deleted.

    The function runs inside the deletion's transaction, before the user row is
    anonymised; it must leave no name, phone or free text that identifies the person
    except where the person chose a licence that keeps their work public (attributed
    anonymously).
    """

    def decorator(fn: Deleter) -> Deleter:
        _deleters[section] = fn
        return fn

    return decorator


def delete_personal_data(user) -> list[str]:
    """Run every app's deletion hook for ``user``; return the sections run, in order."""
    autodiscover_modules("personal_data")
    done = []
    for section, fn in sorted(_deleters.items()):
        fn(user)
        done.append(section)
    return done
