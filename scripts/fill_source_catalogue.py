"""Prepare the catalogues after `makemessages`.

Indonesian is the source language: each msgid is copied into the `id` catalogue, so
it is complete by construction. In the `en` catalogue, msgmerge's fuzzy guesses are
dropped (a guess from a similar string is often wrong), so they show up as untranslated.
`make messages` runs this between makemessages and compilemessages.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[1] / "src" / "kinerja" / "locale"


def main() -> int:
    source = polib.pofile(str(LOCALE / "id" / "LC_MESSAGES" / "django.po"))
    filled = 0
    for entry in source:
        if entry.obsolete or (entry.translated() and "fuzzy" not in entry.flags):
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid_plural}  # Indonesian has one plural form
        else:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        filled += 1
    source.save()
    english = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    dropped = 0
    for entry in english.fuzzy_entries():
        entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        entry.msgstr = ""
        if entry.msgid_plural:
            entry.msgstr_plural = {0: "", 1: ""}
        dropped += 1
    english.save()
    print(f"id: {filled} entries filled from their msgids; en: {dropped} fuzzy guesses dropped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
