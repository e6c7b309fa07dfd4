"""The Content-Security-Policy and the rules that let pages live under it (issue 8, item 3)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gongzhi.core.middleware import basemap_hosts, content_security_policy

ROOT = Path(__file__).resolve().parents[2]  # the gongzhi package


def _templates() -> list[Path]:
    return list(ROOT.rglob("templates/**/*.html"))


def _our_js() -> list[Path]:
    return [p for p in ROOT.rglob("static/**/*.js") if "vendor" not in p.parts]


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/api/v1/openapi.json",
                                  "/does-not-exist/", "/api/v1/spaces/?community=%00"])
def test_every_response_has_the_strict_policy(db, client, path):
    header = client.get(path)["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'",
                      "object-src 'none'", "base-uri 'self'", "frame-ancestors 'none'",
                      "form-action 'self'", "img-src 'self' data: blob:"):
        assert directive in header
    assert "unsafe-eval" not in header and "unsafe-inline" not in header


@pytest.mark.parametrize("basemap, url, host", [
    ("tianditu", "", "https://*.tianditu.gov.cn"),
    ("amap", "", "https://*.is.autonavi.com"),
    ("osm", "", "https://tile.openstreetmap.org"),
    ("osm", "https://tiles.example.org/{z}/{x}/{y}.png", "https://tiles.example.org"),
    ("osm", "/tiles/{z}/{x}/{y}.png", None),  # our own origin: nothing to add
])
def test_basemap_hosts_are_allowed_for_images_and_fetches(settings, basemap, url, host):
    settings.MAP_BASEMAP, settings.MAP_TILE_URL, settings.TIANDITU_KEY = basemap, url, "k"
    policy = content_security_policy()
    if host is None:
        assert basemap_hosts() == []
    else:
        assert host in basemap_hosts()
        img = next(d for d in policy.split("; ") if d.startswith("img-src"))
        connect = next(d for d in policy.split("; ") if d.startswith("connect-src"))
        assert host in img and host in connect
        assert host not in next(d for d in policy.split("; ") if d.startswith("script-src"))


def test_extra_hosts_setting(settings):
    settings.MAP_BASEMAP = "none"
    settings.CSP_EXTRA_HOSTS = ["https://tiles.district.example"]
    assert "https://tiles.district.example" in content_security_policy()


def test_no_inline_script_handler_or_style_in_templates():
    bad = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"<script\b([^>]*)>", text):
            attrs = m.group(1)
            if "src=" not in attrs and "application/json" not in attrs:
                bad.append(f"{path}: inline <script>")
        if re.search(r"\son[a-z]+\s*=", re.sub(r"<script\b.*?</script>", "", text, flags=re.S)):
            bad.append(f"{path}: on*= handler")
        if re.search(r"\sstyle\s*=", text) or "<style" in text:
            bad.append(f"{path}: style attribute or element")
        if "javascript:" in text:
            bad.append(f"{path}: javascript: URL")
    assert not bad, "\n".join(bad)


def test_our_javascript_puts_no_markup_into_the_page():
    """HTML sinks are banned; Leaflet tooltips/popups get a node or an escaped string."""
    bad = []
    for path in _our_js():
        text = path.read_text(encoding="utf-8")
        # A line that was reviewed carries "gz-safe: <why>" (a DOM node built with
        # textContent, a number, an escaped string); every other use fails.
        reviewed = "\n".join(line for line in text.splitlines() if "gz-safe:" not in line)
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                     "eval(", "new Function", "setHTMLUnsafe"):
            if sink in text:
                bad.append(f"{path}: {sink}")
        for m in re.finditer(r"\.(bindTooltip|bindPopup|setTooltipContent|setPopupContent)"
                             r"\(([^)]*)", reviewed):
            arg = m.group(2).strip()
            if not re.match(r"(GZ\.(textNode|escapeHtml)|popupHtml|esc\(|a\b)", arg):
                bad.append(f"{path}: {m.group(1)}({arg}) is not escaped")
        if re.search(r"formatter\s*:", reviewed):
            bad.append(f"{path}: ECharts formatter (escape with GZ.escapeHtml, or mark the "
                       "reviewed line gz-safe)")
    assert not bad, "\n".join(bad)
