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

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core.compiled import ByAnswers, NotCompilable, Viewer
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


def _section_links(request: Any, community) -> list[NavLink]:
    links: list[NavLink] = []
    for fn in _sections.values():
        links.extend(fn(request, community))
    return sorted(links, key=lambda link: link.order)


class _NavViewer(Viewer):
    """The person, while the menu is built for keeping: answers ``is_authenticated``,
    ``has_perm`` and the roles (``core.compiled.Viewer``); unlike a query's viewer it has
    no stand-in id (a link with the person's id in it is not the same for everyone)."""

    __slots__ = ()

    @property
    def pk(self) -> int | None:
        self.missed.append("pk")
        raise AttributeError("the menu is built for every person alike: no id")

    id = pk

    def __int__(self) -> int:
        self.missed.append("pk")
        raise NotCompilable("the menu is built for every person alike: no id")


class _Asking:
    """The request a section sees while the menu is built for keeping: its user only."""

    __slots__ = ("user",)

    def __init__(self, user: Any) -> None:
        self.user = user


@dataclass
class _Kept:
    links: tuple[NavLink, ...]
    html: dict[tuple, SafeString] = field(default_factory=dict)


_KEPT = ByAnswers(limit=5000)
_BY_REQUEST = "per request"


def _kept(request: HttpRequest, community) -> _Kept | None:
    """The menu's links for this kind of person in this community, built once: the
    sections run with a person who answers only ``has_perm``, the roles and whether they
    are signed in, and a community that gives only its id, short name, subdistrict and
    name. Anyone who gives the same answers gets the same links; a section that wants to
    know more (the person's id, a query, another field) makes the menu be built for each
    request (None)."""
    from django.conf import settings
    from django.db import connections
    from django.urls import get_script_prefix, get_urlconf
    from django.utils import translation

    from gongzhi.core.compiled import building

    fields = {"id": community.pk, "slug": community.slug, "name": community.name,
              "subdistrict_id": community.subdistrict_id}
    key = ("nav", *fields.values(), translation.get_language(), get_script_prefix(),
           get_urlconf(), settings.ROOT_URLCONF, tuple(_sections))
    found = _KEPT.find(key, request.user, community)
    if found is None:
        # from_db takes the values in the model's field order
        names = [f.attname for f in community._meta.concrete_fields if f.attname in fields]
        fake = type(community).from_db(None, names, [fields[name] for name in names])

        def refuse(*args: Any, fields: Any = None, **kwargs: Any) -> None:
            raise NotCompilable(f"the menu read the community's {sorted(fields or [])}")

        fake.refresh_from_db = refuse
        viewer = _NavViewer(request.user, community, fake)
        try:
            with building(viewer, list(connections)):
                found = _Kept(tuple(_section_links(_Asking(viewer), fake)))
        except NotCompilable:
            found = _BY_REQUEST
        _KEPT.add(key, viewer, found)
    return None if isinstance(found, str) else found


def _current(request: HttpRequest, links: Sequence[NavLink]) -> int | None:
    """The index of the link of the page shown: only the most specific one ("My reports"
    rather than also "Reports")."""
    path = request.path
    current, length = None, -1
    for i, link in enumerate(links):
        if len(link.url) > length and path.startswith(link.url):
            current, length = i, len(link.url)
    return current


def _mark_current(request: HttpRequest, links: list[NavLink]) -> int | None:
    current = _current(request, links)
    if current is not None:
        links[current].current = True
    return current


def community_nav_links(request: HttpRequest, community) -> list[NavLink]:
    kept = _kept(request, community)
    links = ([dataclasses.replace(link) for link in kept.links] if kept is not None
             else _section_links(request, community))
    _mark_current(request, links)
    return links


def community_nav(request: HttpRequest, community) -> CommunityNav:
    """The links grouped for the bar: primary (at most ``PRIMARY_MAX``), more, workbench."""
    return _grouped(community_nav_links(request, community))


def _grouped(links: list[NavLink]) -> CommunityNav:
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
    its twenty links. Every text is escaped by ``format_html``. Kept with the links it
    draws (``_kept``), once for each current link."""
    match = getattr(request, "resolver_match", None)
    home_current = match is not None and match.url_name == "community"
    kept = _kept(request, community)
    if kept is None:
        return _draw(community, community_nav(request, community), home_current)
    current = _current(request, kept.links)
    variant = (current, home_current)
    html = kept.html.get(variant)
    if html is None:  # the kept links copied, so that marking one current keeps them as kept
        links = [dataclasses.replace(link) for link in kept.links]
        if current is not None:
            links[current].current = True
        html = kept.html[variant] = _draw(community, _grouped(links), home_current)
    return html


def _draw(community, nav: CommunityNav, home_current: bool) -> SafeString:
    home = format_html('<li><a href="{}"{}>{}</a></li>',
                       reverse("core:community", args=[community.slug]),
                       _CURRENT if home_current else "", gettext("Home"))
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
