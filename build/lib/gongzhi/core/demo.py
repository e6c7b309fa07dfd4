"""The demo data registry. Each app adds its part in its own ``demo.py`` with
``@demo_step(order)``; ``gongzhi demo`` runs them in order in one transaction.

Steps share a ``DemoContext``: the communities, named accounts and a seeded RNG, so the
demo is the same on every machine.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.module_loading import autodiscover_modules


@dataclass
class DemoContext:
    rng: random.Random = field(default_factory=lambda: random.Random(20231))
    communities: dict[str, Any] = field(default_factory=dict)
    accounts: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    small: bool = False

    def log_login(self, who: str, login: str, password: str) -> None:
        self.logins.append((who, login, password))


Step = Callable[[DemoContext], None]
_steps: list[tuple[int, str, Step]] = []


def demo_step(order: int) -> Callable[[Step], Step]:
    def decorator(fn: Step) -> Step:
        key = f"{fn.__module__}.{fn.__name__}"
        if all(name != key for _o, name, _f in _steps):
            _steps.append((order, key, fn))
        return fn

    return decorator


def demo_steps() -> list[tuple[int, str, Step]]:
    autodiscover_modules("demo")
    return sorted(_steps)
