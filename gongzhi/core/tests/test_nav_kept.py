"""The community menu is built once per kind of person (``core.nav._kept``) and drawn
once per current link: the same HTML as built for each request, for every persona and
page, and built afresh when a section wants to know more than the person's answers."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import resolve
from django.utils.module_loading import autodiscover_modules

from gongzhi.core import nav
from gongzhi.core.compiled import ByAnswers

pytestmark = pytest.mark.django_db

PATHS = ["/c/{slug}/", "/c/{slug}/reports/", "/c/{slug}/reports/mine/", "/c/{slug}/projects/",
         "/c/{slug}/verification/", "/c/{slug}/no-such-page/"]


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):
    autodiscover_modules("nav")
    monkeypatch.setattr(nav, "_KEPT", ByAnswers())


def _request(personas, name, path):
    from gongzhi.accounts.models import User

    request = RequestFactory().get(path.format(slug=personas.community.slug))
    request.user = (AnonymousUser() if name == "anonymous"
                    else User.objects.get(pk=personas.user(name).pk))  # a new request's
    try:
        request.resolver_match = resolve(request.path)
    except Exception:
        request.resolver_match = None
    return request


def _per_request(request, community):
    match = request.resolver_match
    return nav._draw(community, nav.community_nav(request, community),
                     match is not None and match.url_name == "community")


@pytest.mark.parametrize("name", ["anonymous", "verified", "worker", "admin"])
def test_the_same_menu_as_built_for_the_request(personas, name, monkeypatch):
    community = personas.community
    for _ in range(2):  # built, then kept
        for path in PATHS:
            kept = nav.render_community_nav(_request(personas, name, path), community)
            with monkeypatch.context() as m:
                m.setattr(nav, "_kept", lambda request, community: None)
                fresh = _per_request(_request(personas, name, path), community)
            assert kept == fresh, path


def test_built_once_for_people_who_answer_alike(personas, monkeypatch):
    calls = []
    inner = nav._section_links
    monkeypatch.setattr(nav, "_section_links",
                        lambda request, community: calls.append(1) or inner(request, community))
    community = personas.community
    for path in PATHS:  # each a new request, its user read afresh
        html = nav.render_community_nav(_request(personas, "worker", path), community)
        assert "nav-work" in html
    assert len(calls) == 1
    # a resident answers otherwise: built for them, without the workbench
    for path in PATHS:
        html = nav.render_community_nav(_request(personas, "verified", path), community)
        assert "nav-work" not in html
    assert len(calls) == 2
    # the same answers in another community: the links are built for its own name
    other = personas.other_community
    html = nav.render_community_nav(_request(personas, "anonymous", "/c/{slug}/"), other)
    assert other.slug in html and len(calls) == 3


def test_a_new_role_shows_on_the_next_request(personas):
    from gongzhi.accounts.models import RoleAssignment

    community = personas.community
    before = nav.render_community_nav(_request(personas, "verified", "/c/{slug}/"), community)
    assert "nav-work" not in before
    RoleAssignment.objects.create(user=personas.user("verified"), community=community,
                                  role="worker")
    after = nav.render_community_nav(_request(personas, "verified", "/c/{slug}/"), community)
    assert "nav-work" in after


def test_a_section_that_wants_the_persons_id_is_built_per_request(personas):
    @nav.nav_section("zz_test_mine")
    def _mine(request, community):
        user = request.user
        if not user.is_authenticated:
            return []
        return [nav.NavLink("Mine", f"/c/{community.slug}/people/{user.pk}/", 99)]

    try:
        community = personas.community
        for name in ("verified", "worker"):
            request = _request(personas, name, "/c/{slug}/")
            html = nav.render_community_nav(request, community)
            assert f"/people/{request.user.pk}/" in html
    finally:
        nav._sections.pop("zz_test_mine")


def test_a_section_that_reads_more_of_the_community_is_built_per_request(personas):
    @nav.nav_section("zz_test_city")
    def _city(request, community):
        return [nav.NavLink(f"Map of {community.description[:0]}x", "/elsewhere/", 99)]

    try:
        html = nav.render_community_nav(_request(personas, "verified", "/c/{slug}/"),
                                        personas.community)
        assert "/elsewhere/" in html
    finally:
        nav._sections.pop("zz_test_city")
