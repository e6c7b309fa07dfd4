from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def get(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def sum_values(values) -> int:
    return sum(values)


@register.filter
def share_for(shares, group):
    return next((s for s in shares if s.group == group), None)


@register.filter
def pct(value) -> str:
    """0.4234 → '42%'; None → '—'."""
    if value is None:
        return "—"
    return f"{round(float(value) * 100):d}%"


@register.filter
def dec(value, digits: int = 2) -> str:
    if value is None:
        return "—"
    return f"{float(value):.{int(digits)}f}"


@register.filter
def category_cell(summary, code):
    """The category entry of an access summary, by code (None if absent)."""
    if not summary:
        return None
    return next((c for c in summary.get("categories", []) if c["code"] == code), None)


@register.filter
def per_thousand(count, residents):
    if not residents:
        return None
    return count * 1000 / residents


@register.filter
def index(values, i):
    try:
        return values[int(i)]
    except (IndexError, TypeError, ValueError):
        return None
