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
