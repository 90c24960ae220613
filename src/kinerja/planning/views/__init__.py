"""Planning pages, one module per purpose: `maps`, `objectives` (and links), `kpis`, `initiatives`,
`risks`, `themes` (and the Renstra plan), `excel` (the planning workbook); `access` holds the
lookups they share. Thin views over `selectors`, `services`, `validation` and `drawing`.

A map the user may not see answers 404 (its existence is not disclosed); an
action the user may not take answers 403. Both questions go to the one
permission layer (`accounts/rules.py`).
"""
