"""Community navigation: each app contributes links from its own ``nav.py``.

An app registers a function ``(request, community) -> list[NavLink]`` with ``@nav_section``;
it decides by itself (with permissions) which links a user sees.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass
class NavLink:
    label: str
    url: str
    order: int = 50
    current: bool = False


_sections: dict[str, Callable] = {}


def nav_section(name: str) -> Callable[[Callable], Callable]:
    def decorator(fn: Callable) -> Callable:
        _sections[name] = fn
        return fn

    return decorator


def community_nav_links(request: HttpRequest, community) -> list[NavLink]:
    links: list[NavLink] = []
    for fn in _sections.values():
        links.extend(fn(request, community))
    # Only the most specific link is current ("My reports" rather than also "Reports").
    matches = [link for link in links if request.path.startswith(link.url)]
    if matches:
        max(matches, key=lambda link: len(link.url)).current = True
    return sorted(links, key=lambda link: link.order)


@nav_section("core")
def _core_links(request: HttpRequest, community) -> list[NavLink]:
    user = request.user
    links = [NavLink(_("Organisations"), reverse("orgs:list", args=[community.slug]), 80)]
    if user.has_perm("accounts.view_verification_queue", community):
        links.append(NavLink(_("Verification"), reverse("members:queue", args=[community.slug]),
                             90))
    if user.has_perm("places.view_ledger", community):
        links.append(NavLink(_("Ledger"), reverse("places:ledger", args=[community.slug]), 91))
    if user.has_perm("accounts.manage_roles", community):
        links.append(NavLink(_("People"), reverse("members:members", args=[community.slug]), 92))
    if user.has_perm("core.view_audit_log", community):
        links.append(NavLink(_("Audit log"), reverse("core:audit_log", args=[community.slug]),
                             93))
    return links
