import json, re, sys
chunk = json.load(open(sys.argv[1])); done = json.load(open(sys.argv[2]))
ph = re.compile(r"%\([a-z_0-9]+\)[sdif]|%\([a-z_0-9]+\)\.\d+f|%[sd]|\{[a-z_0-9]*\}|<[^>]+>")
bad = 0
for item in chunk:
    m = item["msgid"]
    if m not in done:
        print("MISSING", repr(m[:80])); bad += 1; continue
    v = done[m]
    texts = v if isinstance(v, list) else [v]
    if item["plural"] and not isinstance(v, list):
        print("NEEDS [singular, plural]", repr(m[:60])); bad += 1
    for t in texts:
        src = m if t is texts[0] else (item["plural"] or m)
        if sorted(ph.findall(src)) != sorted(ph.findall(t)):
            print("PLACEHOLDERS", repr(m[:60]), "->", repr(t[:60])); bad += 1
        if not t.strip() and m.strip():
            print("EMPTY", repr(m[:60])); bad += 1
print(f"{len(chunk)} entries, {bad} problems"); sys.exit(1 if bad else 0)
