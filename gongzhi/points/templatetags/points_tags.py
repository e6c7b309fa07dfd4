from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def share(value, top) -> int:
    """``value`` as a share of ``top``, rounded to the nearest 10 % (a CSS width class)."""
    try:
        value, top = int(value), int(top)
    except (TypeError, ValueError):
        return 0
    if top <= 0:
        return 0
    return max(0, min(100, round(value * 10 / top) * 10))
