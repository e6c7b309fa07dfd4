"""zh-Hans and en catalogues are complete and keep every placeholder."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
CATALOGUES = sorted(Path(settings.LOCALE_PATHS[0]).glob("*/LC_MESSAGES/*.po"))


def _ids(catalogues):
    return [f"{p.parent.parent.name}/{p.name}" for p in catalogues]


def test_both_languages_have_catalogues():
    langs = {p.parent.parent.name for p in CATALOGUES}
    assert {"zh_Hans", "en"} <= langs


@pytest.mark.parametrize("path", CATALOGUES, ids=_ids(CATALOGUES))
def test_catalogue_is_complete(path):
    po = polib.pofile(str(path))
    missing = [e.msgid for e in po.untranslated_entries() if not e.obsolete]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not missing, f"{len(missing)} untranslated, e.g. {missing[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


@pytest.mark.parametrize("path", CATALOGUES, ids=_ids(CATALOGUES))
def test_translations_keep_placeholders(path):
    bad = []
    for entry in polib.pofile(str(path)):
        if entry.obsolete:
            continue
        wanted = sorted(PLACEHOLDER.findall(entry.msgid))
        if entry.msgid_plural:
            for text in entry.msgstr_plural.values():
                got = sorted(PLACEHOLDER.findall(text))
                plural_wanted = sorted(PLACEHOLDER.findall(entry.msgid_plural))
                if text and got not in (wanted, plural_wanted) and set(got) - set(
                        wanted + plural_wanted):
                    bad.append(entry.msgid)
        elif entry.msgstr and sorted(PLACEHOLDER.findall(entry.msgstr)) != wanted:
            bad.append(entry.msgid)
    assert not bad, f"{len(bad)} entries change placeholders, e.g. {bad[:5]}"
