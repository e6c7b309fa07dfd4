"""Every <button> in a template says its type: without it a browser treats it as a submit
button but our styles (``button[type=submit]``) do not apply, so a red "close the ballot"
button drew black text on dark red (axe color-contrast, the browser tour)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUTTON = re.compile(r"<button\b[^>]*>", re.S)


def test_every_template_button_has_a_type():
    missing = []
    for path in ROOT.rglob("templates/**/*.html"):
        for tag in BUTTON.findall(path.read_text(encoding="utf-8")):
            if "type=" not in tag:
                missing.append(f"{path.relative_to(ROOT)}: {tag[:80]}")
    assert not missing, "\n".join(missing)
