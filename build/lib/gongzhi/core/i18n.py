"""Showing bilingual data in the reader's language.

Seeded data such as project templates and their phases is written "中文 English" (e.g.
"共谋·需求调研 Needs survey") so one row serves both languages; communities may rename them
to anything. ``localized_name`` shows the part for the active language and leaves other
text untouched.
"""

from __future__ import annotations

import re

from django.utils import translation

# Chinese text (with its punctuation), then a space, then text starting with a Latin letter.
_BILINGUAL = re.compile(r"^(?P<zh>[^A-Za-z]*[\u3400-\u9fff][^A-Za-z]*?)\s+(?P<en>[A-Za-z].*)$")


def localized_name(text: str, language: str | None = None) -> str:
    match = _BILINGUAL.match(text or "")
    if not match:
        return text
    language = language or translation.get_language() or "zh-hans"
    return match.group("en") if language.startswith("en") else match.group("zh")
