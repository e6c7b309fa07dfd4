from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def pct(value) -> str:
    """0.4234 → '42%' (empty for None)."""
    if value is None:
        return "–"
    return f"{round(float(value) * 100):d}%"


@register.filter
def metres(value) -> str:
    if value is None:
        return "–"
    return number_format(round(float(value)), 0, use_l10n=True, force_grouping=True)


@register.filter
def num(value, digits: int = 3) -> str:
    if value is None:
        return "–"
    return f"{float(value):.{int(digits)}f}"


@register.filter
def minutes(value, speed) -> str:
    """Walking minutes for a distance at `speed` m/s."""
    if value is None or not speed:
        return "–"
    return f"{float(value) / float(speed) / 60:.0f}"


@register.simple_tag(takes_context=True)
def project_access_effect(context, project):
    """What a project would do for walking access (None when nothing to show). Costs no
    query unless the community has a walking network and the project has spaces."""
    from gongzhi.spatial.selectors import project_access_effect as effect

    request = context.get("request")
    user = getattr(request, "user", None)
    return effect(project, user)
