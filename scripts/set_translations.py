"""Fill English msgstrs from a JSON table {msgid: msgstr, plural msgid: [singular, plural]}: `python scripts/set_translations.py table.json`.

Only empty or fuzzy entries are written; run `make messages` first (new msgids) and after (compile).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parent.parent / "src/kinerja/locale/en/LC_MESSAGES/django.po"


def main(table_path: str) -> int:
    table = json.loads(Path(table_path).read_text(encoding="utf-8"))
    po = polib.pofile(str(CATALOGUE))
    written = 0
    for entry in po:
        if entry.msgid not in table:
            continue
        if entry.msgid_plural:  # a plural: the table gives [singular, plural]
            if not entry.msgstr_plural.get(0) or "fuzzy" in entry.flags:
                one, many = table[entry.msgid]
                entry.msgstr_plural = {0: one, 1: many}
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                written += 1
            continue
        if not entry.msgstr or "fuzzy" in entry.flags:
            entry.msgstr = table[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            written += 1
    po.save()
    print(f"{written} translation(s) written to {CATALOGUE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
