"""Export the English catalogue's untranslated msgids to JSON chunks, or merge translated chunks back.

python scripts/i18n_chunks.py export DIR N     # DIR/chunk-1.json ... chunk-N.json: [{"msgid", "plural", "where"}]
python scripts/i18n_chunks.py merge DIR        # reads DIR/done-*.json: {msgid: english or [singular, plural]}
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parents[1] / "src" / "kinerja" / "locale" / "en" / "LC_MESSAGES" / "django.po"


def export(folder: Path, parts: int) -> None:
    po = polib.pofile(str(PO))
    items = [
        {"msgid": e.msgid, "plural": e.msgid_plural or None, "where": [f for f, _ in e.occurrences][:2]}
        for e in po.untranslated_entries()
    ]
    folder.mkdir(parents=True, exist_ok=True)
    size = -(-len(items) // parts)
    for n in range(parts):
        chunk = items[n * size : (n + 1) * size]
        (folder / f"chunk-{n + 1}.json").write_text(json.dumps(chunk, ensure_ascii=False, indent=1))
    print(f"{len(items)} untranslated entries in {parts} chunks under {folder}")


def merge(folder: Path) -> None:
    done: dict[str, object] = {}
    for path in sorted(folder.glob("done-*.json")):
        done.update(json.loads(path.read_text()))
    po = polib.pofile(str(PO))
    filled = 0
    for entry in po:
        # A key "context\x04msgid" translates an entry with a context (pgettext); else the msgid alone.
        value = done.get(f"{entry.msgctxt}\x04{entry.msgid}") if entry.msgctxt else None
        value = value if value is not None else done.get(entry.msgid)
        if value is None or entry.translated():
            continue
        if entry.msgid_plural:
            singular, plural = value if isinstance(value, list) else (value, value)
            entry.msgstr_plural = {0: singular, 1: plural}
        else:
            entry.msgstr = value if isinstance(value, str) else value[0]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        filled += 1
    po.save()
    print(f"{filled} entries translated; {len(po.untranslated_entries())} still untranslated")


if __name__ == "__main__":
    if sys.argv[1] == "export":
        export(Path(sys.argv[2]), int(sys.argv[3]))
    else:
        merge(Path(sys.argv[2]))
