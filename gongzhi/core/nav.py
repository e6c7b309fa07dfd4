"""Community navigation: each app contributes links from its own ``nav.py``.

An app registers a function ``(request, community) -> list[NavLink]`` with ``@nav_section``;
it decides by itself (with permissions) which links a user sees.

Each link says where it belongs (``group``) and how important it is (``order``, lower
first). On a phone only a handful fit, so the bar shows the ``PRIMARY`` links (at most
``PRIMARY_MAX``; any beyond that move to "more"), then a "More" menu (``MORE``, the default
for a new app) and, for staff, a "Workbench" menu (``WORK``). Both menus are native
``<details>`` disclosures: keyboard and screen-reader accessible, no script needed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core.urlcache import reverse

PRIMARY = "primary"
MORE = "more"
WORK = "work"
PRIMARY_MAX = 4


@dataclass
class NavLink:
    label: str | Promise  # usually a gettext_lazy text, rendered in the page's language
    url: str
    order: int = 50
    current: bool = False
    group: str = MORE


@dataclass
class CommunityNav:
    primary: list[NavLink]
    more: list[NavLink]
    work: list[NavLink]

    @property
    def more_current(self) -> bool:
        return any(link.current for link in self.more)

    @property
    def work_current(self) -> bool:
        return any(link.current for link in self.work)


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


def community_nav(request: HttpRequest, community) -> CommunityNav:
    """The links grouped for the bar: primary (at most ``PRIMARY_MAX``), more, workbench."""
    links = community_nav_links(request, community)
    primary = [link for link in links if link.group == PRIMARY]
    overflow = primary[PRIMARY_MAX:]
    primary = primary[:PRIMARY_MAX]
    more = sorted(overflow + [link for link in links if link.group not in (PRIMARY, WORK)],
                  key=lambda link: link.order)
    work = [link for link in links if link.group == WORK]
    return CommunityNav(primary=primary, more=more, work=work)


_CURRENT = mark_safe(' aria-current="page"')


def _items(links: list[NavLink]) -> SafeString:
    return format_html_join("", '<li><a href="{}"{}>{}</a></li>',
                            ((link.url, _CURRENT if link.current else "", link.label)
                             for link in links))


def _menu(css: str, title: str, links: list[NavLink], current: bool) -> SafeString:
    """A "More" or "Workbench" disclosure: native ``<details>``, no script."""
    return format_html(
        '<li class="nav-menu"><details class="{}"{}><summary>{}<span class="visually-hidden">'
        '{}</span></summary><ul class="nav-dropdown">{}</ul></details></li>',
        css, mark_safe(" data-current") if current else "", title,
        " " + gettext("(current page is in this menu)") if current else "", _items(links))


def render_community_nav(request: HttpRequest, community) -> SafeString:
    """The community menu's HTML (``community_nav`` drawn): built here rather than in a
    template, as it is on every community page and a template costs ~0.5 ms a page for
    its twenty links. Every text is escaped by ``format_html``."""
    nav = community_nav(request, community)
    match = getattr(request, "resolver_match", None)
    home = format_html('<li><a href="{}"{}>{}</a></li>',
                       reverse("core:community", args=[community.slug]),
                       _CURRENT if match is not None and match.url_name == "community" else "",
                       gettext("Home"))
    more = (_menu("nav-details", gettext("More"), nav.more, nav.more_current)
            if nav.more else "")
    work = (_menu("nav-details nav-work", gettext("Workbench"), nav.work, nav.work_current)
            if nav.work else "")
    return format_html(
        '<nav class="community-nav" aria-label="{}"><ul class="nav-primary">{}{}{}{}</ul></nav>',
        gettext("%(c)s: community menu") % {"c": community.name}, home,
        _items(nav.primary), more, work)


@nav_section("core")
def _core_links(request: HttpRequest, community) -> list[NavLink]:
    user = request.user
    links = [NavLink(_("Organisations"), reverse("orgs:list", args=[community.slug]), 80)]
    if user.has_perm("accounts.view_verification_queue", community):
        links.append(NavLink(_("Verification"), reverse("members:queue", args=[community.slug]),
                             90, group=WORK))
    if user.has_perm("places.view_ledger", community):
        links.append(NavLink(_("Ledger"), reverse("places:ledger", args=[community.slug]), 91,
                             group=WORK))
    if user.has_perm("accounts.manage_roles", community):
        links.append(NavLink(_("People"), reverse("members:members", args=[community.slug]), 92,
                             group=WORK))
    if user.has_perm("core.view_audit_log", community):
        links.append(NavLink(_("Audit log"), reverse("core:audit_log", args=[community.slug]),
                             93, group=WORK))
    return links
