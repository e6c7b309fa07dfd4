"""Personal-data export (PIPL): each app contributes a section through a collector.

Apps register collectors in a ``personal_data.py`` module; ``collect_personal_data`` finds
them all, so a new app cannot forget the export by forgetting to edit this file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

Collector = Callable[[Any], Any]
_collectors: dict[str, Collector] = {}


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
