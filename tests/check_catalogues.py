"""Fail when a translation catalogue is incomplete or its compiled .mo does not match the .po.

Indonesian is the source language (msgids are Indonesian); the English catalogue
must translate every msgid, and no catalogue may carry fuzzy entries.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[1] / "src" / "kinerja" / "locale"


def problems_of(lang: str) -> list[str]:
    po_path = LOCALE / lang / "LC_MESSAGES" / "django.po"
    mo_path = po_path.with_suffix(".mo")
    if not po_path.exists():
        return [f"{po_path}: missing (run `make messages`)"]
    po = polib.pofile(str(po_path))
    found = [f"{lang}: fuzzy entry {e.msgid[:70]!r}" for e in po.fuzzy_entries()]
    if lang == "en":
        found += [f"{lang}: untranslated {e.msgid[:70]!r}" for e in po.untranslated_entries()]
    if not mo_path.exists():
        return [*found, f"{mo_path}: missing (run `make messages`)"]
    compiled = {
        (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in polib.mofile(str(mo_path))
    }
    for entry in po.translated_entries():
        key = (entry.msgctxt, entry.msgid)
        if compiled.get(key) != (entry.msgstr, tuple(sorted(entry.msgstr_plural.items()))):
            found.append(f"{lang}: .mo is stale for {entry.msgid[:70]!r} (run `make messages`)")
            break
    return found


def main() -> int:
    problems = problems_of("id") + problems_of("en")
    for problem in problems[:50]:
        print(problem)
    print(f"catalogues: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
