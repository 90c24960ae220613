"""Fill English msgstrs from a JSON table {msgid: msgstr}: `python scripts/set_translations.py table.json`,
then `make messages` compiles. Only empty or fuzzy entries are written."""

import json
import sys

import polib

po = polib.pofile("src/kinerja/locale/en/LC_MESSAGES/django.po")
table = json.load(open(sys.argv[1]))
n = 0
for e in po:
    if e.msgid in table and (not e.msgstr or "fuzzy" in e.flags):
        e.msgstr = table[e.msgid]
        n += 1
        if "fuzzy" in e.flags:
            e.flags.remove("fuzzy")
    elif e.msgid_plural and e.msgid in table:
        pass
po.save()
print(n, "set")
