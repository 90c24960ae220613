"""Per-map data versions kept by the database, and figures cached under them (issue 16 item 2).

A page for the whole ministry counts over 40,000 KPIs and 430,000 realizations; counting them again on
every request makes its cost what exists, not what it shows. The counts of one map only change when that
map's data changes, so they are kept per map in the cache under the map's **data version**
(`MapDataVersion`), which the database changes in the same transaction as any write to the map's
realizations, KPIs (the individual KPIs supporting its objectives included), objectives or the map row
itself, and to the positions holding those individual KPIs (a position moved to another unit moves them
in the due lists; the triggers are (re)installed after every `migrate`):

* PostgreSQL: one statement-level trigger per table and event (with transition tables), so a bulk import
  of 100,000 realizations changes each of its maps' versions once per statement, not once per row;
* SQLite: one row-level trigger per table and event (SQLite has no statement-level triggers).

Triggers rather than calls in the services: every writer is covered — the forms, the imports, the bulk
steps, `QuerySet.update`, `bulk_create`, the deletion cascades, raw SQL — with nothing to remember when a
new writer appears. A map's version starts at a random number (then grows by one per write), so a
database rebuilt with the same ids never meets an old cache entry.

Reading: `versions_of(maps)` reads the versions (a column of the query that lists the maps in scope),
`cached_per_map` returns per-map figures from the cache (one entry per kind of figure, holding every map's
with the version it was counted for) for every map whose version is unchanged and computes the others in
one set-based pass (whatever their number). A figure is stored under the version
read *before* it was computed: a write committed after that read has changed the version, so no later
request meets the older figure — the cache is never stale, only sometimes fresher than its key.

What else a figure depends on (the period asked for, the plan year's periods and their states, today,
the states the score counts) goes into its key (`key_of`). `kinerja rebuild_map_versions` gives every map
a new version (drops every cached figure at once).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models import BigIntegerField, QuerySet, Value
from django.db.models.functions import Coalesce

T = TypeVar("T")

CACHE_PREFIX = "kinerja:map-figures:v2"  # v2: the due and waiting counts carry the IKIs by unit
CACHE_SECONDS = 24 * 3600
TABLE = "reporting_mapdataversion"

# (table, how its rows name their map: SQL over the rows aliased `r`)
WATCHED: tuple[tuple[str, str], ...] = (
    (
        "reporting_realization",
        "SELECT o.map_id AS map_id FROM {rows} r JOIN planning_kpi k ON k.id = r.kpi_id "
        "JOIN planning_objective o ON o.id = k.objective_id",
    ),
    (
        "planning_kpi",
        "SELECT o.map_id AS map_id FROM {rows} r JOIN planning_objective o ON o.id = r.objective_id",
    ),
    ("planning_objective", "SELECT r.map_id AS map_id FROM {rows} r"),
    ("planning_strategymap", "SELECT r.id AS map_id FROM {rows} r"),
    # a position moved to another unit moves the individual KPIs it holds in the due lists (`selectors._due_kept`)
    (
        "organisations_position",
        "SELECT o.map_id AS map_id FROM {rows} r JOIN planning_kpi k ON k.holder_id = r.id "
        "JOIN planning_objective o ON o.id = k.objective_id",
    ),
)
EVENTS = ("insert", "update", "delete")


def _pg_bump(select: str) -> str:
    return (
        f"INSERT INTO {TABLE} (map_id, version) "
        "SELECT d.map_id, (random() * 1e15)::bigint "
        f"FROM (SELECT DISTINCT m.map_id FROM ({select}) AS m WHERE m.map_id IS NOT NULL) AS d ORDER BY 1 "
        f"ON CONFLICT (map_id) DO UPDATE SET version = {TABLE}.version + 1"
    )


def postgresql_install() -> list[str]:
    """The trigger functions and triggers on PostgreSQL (statement-level, with transition tables)."""
    sql = []
    for table, select in WATCHED:
        for event in EVENTS:
            name = f"kinerja_version_{table}_{event}"
            if event == "insert":
                rows, referencing = select.format(rows="new_rows"), "NEW TABLE AS new_rows"
            elif event == "delete":
                rows, referencing = select.format(rows="old_rows"), "OLD TABLE AS old_rows"
            else:
                rows = f"{select.format(rows='new_rows')} UNION {select.format(rows='old_rows')}"
                referencing = "OLD TABLE AS old_rows NEW TABLE AS new_rows"
            sql.append(
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN {_pg_bump(rows)}; RETURN NULL; END $$"
            )
            sql.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            sql.append(
                f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} REFERENCING {referencing} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
            )
    return sql


def postgresql_uninstall() -> list[str]:
    sql = []
    for table, _select in WATCHED:
        for event in EVENTS:
            name = f"kinerja_version_{table}_{event}"
            sql.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            sql.append(f"DROP FUNCTION IF EXISTS {name}()")
    return sql


def sqlite_install() -> list[str]:
    """The triggers on SQLite (row-level: SQLite has no statement-level triggers)."""
    sql = []
    for table, select in WATCHED:
        for event in EVENTS:
            sides = {"insert": ["NEW"], "delete": ["OLD"], "update": ["NEW", "OLD"]}[event]
            for side in sides:
                name = f"kinerja_version_{table}_{event}_{side.lower()}"
                # the row as a one-row table `r`, so the same select names its map
                columns = {"reporting_realization": "kpi_id", "planning_kpi": "objective_id"}.get(
                    table, "map_id" if table == "planning_objective" else "id"
                )
                rows = f"(SELECT {side}.{columns} AS {columns})"
                sql.append(f"DROP TRIGGER IF EXISTS {name}")
                sql.append(
                    f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} FOR EACH ROW BEGIN "
                    f"INSERT INTO {TABLE} (map_id, version) "
                    f"SELECT m.map_id, abs(random() % 1000000000000000) FROM ({select.format(rows=rows)}) "
                    "AS m WHERE m.map_id IS NOT NULL "
                    f"ON CONFLICT (map_id) DO UPDATE SET version = {TABLE}.version + 1; END"
                )
    return sql


def sqlite_uninstall() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS kinerja_version_{table}_{event}_{side}"
        for table, _select in WATCHED
        for event in EVENTS
        for side in ("new", "old")
    ]


def install(schema_editor: Any) -> None:
    install_on(schema_editor.connection)


def install_on(connection: Any) -> None:
    """(Re)install the triggers (idempotent). Also run after every `migrate` (`apps.ReportingConfig`): on
    SQLite a migration that alters a watched table rebuilds it, and the rebuilt table has no triggers."""
    vendor = connection.vendor
    if TABLE not in connection.introspection.table_names():
        return  # migrated back before the table: nothing to keep current
    statements = (
        postgresql_install() if vendor == "postgresql" else sqlite_install() if vendor == "sqlite" else []
    )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def uninstall(schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    statements = (
        postgresql_uninstall() if vendor == "postgresql" else sqlite_uninstall() if vendor == "sqlite" else []
    )
    for statement in statements:
        schema_editor.execute(statement)


# --------------------------------------------------------------------------- reading


def version_column(map_ref: str = "") -> Coalesce:
    """A map's data version as a column of a queryset of maps (`map_ref`: the path to the map, e.g.
    "strategy_map__"), read through one outer join; 0 before any write."""
    return Coalesce(f"{map_ref}data_version__version", Value(0), output_field=BigIntegerField())


def versions_of(maps: QuerySet[Any]) -> dict[int, int]:
    """{map id: data version} of a queryset of maps (one query)."""
    return dict(maps.order_by().annotate(kept_version=version_column()).values_list("pk", "kept_version"))


def key_of(*parts: object) -> str:
    """A short digest of what a figure depends on besides its map's data (period, periods, today, …)."""
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:20]


def cached_per_map(
    kind: str,
    context: str,
    versions: Mapping[int, int],
    compute: Callable[[list[int]], Mapping[int, T]],
    default: Callable[[int], T],
) -> dict[int, T]:
    """{map id: figures} for every map of `versions`: kept where the map's version (and `context`) is
    unchanged, else `compute(missed map ids)` (one set-based pass) and kept for the next request.

    One cache entry per kind and context holds every map's figures with the version they were counted
    for ({map id: (version, figures)}): one read whatever the number of maps (a cache with a bounded
    number of entries, like local memory's, keeps them all), and an entry is used only when its version
    is the map's current one. Two requests writing it at once lose one's work, never correctness."""
    if not versions:
        return {}
    key = f"{CACHE_PREFIX}:{kind}:{context}"
    kept: dict[int, tuple[int, T]] = cache.get(key) or {}
    result: dict[int, T] = {}
    missed: list[int] = []
    for pk, version in versions.items():
        entry = kept.get(pk)
        if entry is not None and entry[0] == version:
            result[pk] = entry[1]
        else:
            missed.append(pk)
    if missed:
        fresh = compute(missed)
        renewed = dict(kept)
        for pk in missed:
            value = fresh.get(pk, default(pk))
            renewed[pk] = (versions[pk], value)
            result[pk] = value
        cache.set(key, renewed, CACHE_SECONDS)
    return result


def periods_key(periods: Iterable[Any]) -> tuple[tuple[object, ...], ...]:
    """What of the periods a figure can depend on: id, frequency, dates and state."""
    return tuple(
        sorted((p.pk, p.plan_year_id, p.frequency, p.start, p.end, p.due_date, p.state) for p in periods)
    )


def bump_all() -> int:
    """Give every map a new version (drops every cached figure and the rows of deleted maps); returns how many
    maps."""
    from kinerja.planning.models import StrategyMap

    from .models import MapDataVersion

    ids: Sequence[int] = list(StrategyMap.objects.values_list("pk", flat=True))
    MapDataVersion.objects.all().delete()  # the rows of maps deleted since go too
    import random

    MapDataVersion.objects.bulk_create(
        [MapDataVersion(map_id=pk, version=random.randrange(10**15)) for pk in ids], batch_size=2000
    )
    return len(ids)


def on_post_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    from django.db import connections

    install_on(connections[using])
