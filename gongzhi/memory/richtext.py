"""Stories as a small, safe subset of HTML (server-side, with nh3 / Ammonia).

A story comes from a plain textarea: people type paragraphs (blank lines) and may use a
few tags from the toolbar — bold, italic, quote, list, subheading, link. Whatever arrives
is cleaned by nh3 (the Python binding of the Rust sanitiser Ammonia, maintained and used
by PyPI's readme renderer) to the tags below; links keep only http(s) URLs and get
``rel="noopener noreferrer nofollow"``. Only the cleaned HTML is stored and rendered; the
plain text beside it feeds search and summaries. Text without tags is escaped and turned
into paragraphs, so "<script>" typed as text shows as text.
"""

from __future__ import annotations

import html
import re

import nh3

TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "blockquote", "h3", "h4",
        "a"}
ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https"}
HAS_TAG = re.compile(r"</?(p|br|strong|b|em|i|u|ul|ol|li|blockquote|h3|h4|a)\b", re.I)


def clean_html(raw: str) -> str:
    return nh3.clean(raw, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer nofollow", strip_comments=True).strip()


def story_html(raw: str) -> str:
    """The safe HTML of what was typed: paragraphs for plain text, cleaned markup else."""
    raw = (raw or "").replace("\x00", "").replace("\r\n", "\n").strip()
    if not raw:
        return ""
    if not HAS_TAG.search(raw):
        paras = [p.strip() for p in re.split(r"\n\s*\n", raw) if p.strip()]
        raw = "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paras)
    return clean_html(raw)


def plain_text(safe_html: str) -> str:
    """Text of cleaned HTML, paragraphs on their own lines (for search and summaries)."""
    text = re.sub(r"<(br|/p|/li|/h3|/h4|/blockquote)\s*/?>", "\n", safe_html or "", flags=re.I)
    text = nh3.clean(text, tags=set())
    text = html.unescape(text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def summary(text: str, length: int = 80) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[:length - 1] + "…"
