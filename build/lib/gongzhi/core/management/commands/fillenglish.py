"""Fill the English catalogue: our source strings are English, so msgstr = msgid.

Run after ``makemessages`` so the en catalogue is complete and a translator can still
override a wording by editing its msgstr.
"""

from __future__ import annotations

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Copy msgid to empty msgstr in the en catalogues."

    def handle(self, *args, **options):
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in Path(locale_dir).glob("en/LC_MESSAGES/*.po"):
                po = polib.pofile(str(po_path))
                filled = 0
                for entry in po:
                    if entry.obsolete:
                        continue
                    # A fuzzy entry holds makemessages' guess from a similar msgid: wrong.
                    guessed = "fuzzy" in entry.flags
                    if entry.msgid_plural:
                        if guessed or not all(entry.msgstr_plural.values()):
                            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
                            filled += 1
                    elif guessed or not entry.msgstr:
                        entry.msgstr = entry.msgid
                        filled += 1
                    if "fuzzy" in entry.flags:
                        entry.flags.remove("fuzzy")
                po.save()
                self.stdout.write(f"{po_path}: filled {filled}")
