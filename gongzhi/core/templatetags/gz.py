from __future__ import annotations

from django import template
from django.utils.module_loading import autodiscover_modules

from gongzhi.core.nav import community_nav, community_nav_links
from gongzhi.core.phone import mask_phone

register = template.Library()


_nav_discovered = False


@register.simple_tag(takes_context=True)
def community_links(context, community):
    global _nav_discovered
    if not _nav_discovered:  # import every app's nav.py once, not on every page
        autodiscover_modules("nav")
        _nav_discovered = True
    return community_nav_links(context["request"], community)


@register.simple_tag(takes_context=True)
def community_menu(context, community):
    """The grouped navigation (primary links, "more", workbench) for the bar."""
    global _nav_discovered
    if not _nav_discovered:
        autodiscover_modules("nav")
        _nav_discovered = True
    return community_nav(context["request"], community)


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()


@register.filter
def masked(phone: str) -> str:
    return mask_phone(phone)


@register.filter
def percent(part, whole) -> str:
    try:
        return f"{100 * float(part) / float(whole):.0f}%"
    except (TypeError, ValueError, ZeroDivisionError):
        return "—"


@register.filter
def tenure_label(code: str) -> str:
    """A stored tenure code (``owner``) in the reader's words (业主)."""
    from gongzhi.places.models import Tenure

    try:
        return str(Tenure(code).label)
    except ValueError:
        return code or "—"
