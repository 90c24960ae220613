"""Indonesian is the source language: copy each msgid into the empty msgstr of the `id` catalogue.

`make messages` runs it between makemessages and compilemessages, so the Indonesian
catalogue is complete by construction and only the English one needs translating.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parents[1] / "src" / "kinerja" / "locale" / "id" / "LC_MESSAGES" / "django.po"


def main() -> int:
    po = polib.pofile(str(PO))
    filled = 0
    for entry in po.untranslated_entries():
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid_plural}  # Indonesian has one plural form
        else:
            entry.msgstr = entry.msgid
        filled += 1
    po.save()
    print(f"{PO.name}: {filled} Indonesian entries filled from their msgids")
    return 0


if __name__ == "__main__":
    sys.exit(main())
