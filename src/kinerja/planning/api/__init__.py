"""API of strategy planning: maps (nested read, workflow, health findings, SVG), objectives, links,
initiatives and risks. One module per purpose:
`maps`, `objectives` (and links), `kpis`, `initiatives`, `risks`; `serializers` and `base` (the
visible maps, the service-backed writes) are shared.

Thin, like the pages: lists come from the selectors (limited to the maps the
user may see, so anything else is a 404), writes go through the services (a
missing permission is a 403, a broken rule a 400 naming it). `RulesPermission`
asks the same rules as the pages; a write on an approved map is a 403 there, or
a 400 from the service saying it changes only through a revision. Routes are
registered in `kinerja.api.urls`.
"""
