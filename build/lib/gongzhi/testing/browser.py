"""Browser-test helpers: Playwright driving Debian's Chromium, and an axe WCAG check.

Usage in a test module::

    pytestmark = pytest.mark.browser

    def test_something(live_server, phone_page):
        phone_page.goto(live_server.url + "/")
        assert_accessible(phone_page)

Tests run with ``make test-browser`` (``pytest -m browser``). Chromium comes from Debian
(``/usr/bin/chromium``; override with ``CHROMIUM``): Playwright's own browser download is
not reachable on our machines.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

PHONE_VIEWPORT = {"width": 360, "height": 740}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium",
                      shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator:
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: .ci/run must install Debian's chromium")
        pytest.skip("Chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; Django's ORM calls from the
    # test body are still synchronous, so its async-safety guard does not apply here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def phone_page(browser, settings) -> Iterator:
    """A 360-px-wide page with Chinese as the browser language."""
    settings.OTP_RESEND_SECONDS = 0
    context = browser.new_context(viewport=PHONE_VIEWPORT, locale="zh-CN",
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def axe_violations(page, *, exclude: list[str] | None = None) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    context = {"exclude": [[sel] for sel in exclude]} if exclude else None
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = Axe().run(page, context=context, options=options)
    return results.response.get("violations", [])


def assert_accessible(page, *, exclude: list[str] | None = None) -> None:
    violations = axe_violations(page, exclude=exclude)
    if violations:
        lines = []
        for v in violations:
            targets = [", ".join(n.get("target", [])) for n in v.get("nodes", [])][:5]
            lines.append(f"{v['id']} ({v.get('impact')}): {v.get('help')} -> {targets}")
        raise AssertionError(f"axe found {len(violations)} WCAG violation(s) on {page.url}:\n"
                             + "\n".join(lines))


def login_with_password(page, base_url: str, login: str, password: str) -> None:
    page.goto(base_url + "/accounts/login/password/")
    page.fill("#id_login", login)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
