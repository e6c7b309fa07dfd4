"""The kept ``reverse`` (core.urlcache) answers as Django's does, under every key."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import clear_script_prefix, set_script_prefix
from django.urls import reverse as django_reverse

from gongzhi.core import urlcache


@pytest.fixture(autouse=True)
def _fresh():
    urlcache.clear()
    yield
    urlcache.clear()
    clear_script_prefix()


@pytest.mark.parametrize(("name", "args"), [
    ("core:home", None),
    ("core:community", ["b-community"]),
    ("core:area", [7]),
    ("reports:list", ["b-community"]),
])
def test_the_same_url_as_djangos(name, args):
    expected = django_reverse(name, args=args)
    assert urlcache.reverse(name, args) == expected
    assert urlcache.reverse(name, args) == expected  # from the cache the second time
    assert urlcache._kept.cache_info().hits >= 1


def test_a_script_prefix_is_part_of_the_key():
    plain = urlcache.reverse("core:community", ["b"])
    set_script_prefix("/city/")
    prefixed = urlcache.reverse("core:community", ["b"])
    assert prefixed == "/city" + plain
    clear_script_prefix()
    assert urlcache.reverse("core:community", ["b"]) == plain


def test_changing_the_urlconf_clears_what_was_kept():
    urlcache.reverse("core:community", ["b"])
    assert urlcache._kept.cache_info().currsize == 1
    with override_settings(ROOT_URLCONF="gongzhi.urls"):
        assert urlcache._kept.cache_info().currsize == 0


def test_other_arguments_go_to_django_unkept():
    urlcache.reverse("core:community", [True])  # a bool is not a plain int here
    assert urlcache._kept.cache_info().currsize == 0
    from django.utils.functional import lazy
    lazy_slug = lazy(lambda: "b", str)()
    assert urlcache.reverse("core:community", [lazy_slug]) == django_reverse(
        "core:community", args=["b"])
    assert urlcache._kept.cache_info().currsize == 0
