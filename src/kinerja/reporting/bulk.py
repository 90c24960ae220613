"""Inserting many new rows of a model with their django-simple-history rows, fast.

`QuerySet.bulk_create` builds a model instance per row and compiles every
value of every row through the ORM (`pre_save`, `get_db_prep_save`, a
placeholder per value), which made it the largest cost of importing 100 000
realizations (tests/bench/bench_import.py). Here a row is a tuple of the
values that differ from row to row; every other field takes one value for the
whole batch (given, or the field's default), prepared for the database once.
The rows are written with the driver's `executemany`, the new ids read back in
one query (rows above the last id before, matched by their natural key), and the history rows (`history_type` "+", the
same values, one author and time) written the same way.

The columns come from the models' own field lists, so a field added to the
model or its historical model is written too (with its default), or refused
when the historical model has a field this does not know. Everything runs in
the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import connection, models

from kinerja.common.history import HISTORY_REASON_MAX, Actor

BATCH = 5000
HISTORY_FIELDS = frozenset(
    {"history_id", "history_date", "history_change_reason", "history_type", "history_user_id"}
)


def _preparer(field: Any) -> Callable[[Any], Any]:
    """How a value of `field` is handed to the driver (as `get_db_prep_save` does), skipping the no-ops."""
    if isinstance(field, models.ForeignKey | models.IntegerField | models.CharField | models.TextField):
        return lambda value: value
    return lambda value: field.get_db_prep_save(value, connection)


def insert_with_history(
    model: type[models.Model],
    rows: Sequence[tuple[Any, ...]],
    *,
    varying: Sequence[str],
    constant: Mapping[str, Any],
    key: Sequence[str],
    user: Actor,
    now: dt.datetime,
    reason: str | None = None,
) -> dict[tuple[Any, ...], int]:
    """Insert `rows` (tuples of the `varying` attnames' values) and one history row each.

    Fields not in `varying` take their value from `constant`, else `now` for
    `auto_now`/`auto_now_add` fields, else the field's default. `key` (a subset
    of `varying`, a unique constraint) reads the new ids back; `reason` is the
    history rows' change reason. Returns {natural key: new id}.
    """
    if not rows:
        return {}
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    columns = [f.attname for f in fields]
    unknown = set(varying) - set(columns)
    if unknown:
        raise ValueError(f"not fields of {meta.label}: {sorted(unknown)}")
    template: list[Any] = []
    for f in fields:
        if f.attname in constant:
            value = constant[f.attname]
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = now
        else:
            value = f.get_default()
        template.append(f.get_db_prep_save(value, connection))
    at = {name: columns.index(name) for name in varying}
    steps = [(at[name], _preparer(fields[at[name]]), i) for i, name in enumerate(varying)]
    prepared: list[list[Any]] = []
    for values in rows:
        row = template.copy()
        for position, prep, i in steps:
            row[position] = prep(values[i])
        prepared.append(row)
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column or f.attname) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    manager = model._default_manager
    before = manager.aggregate(last=models.Max("pk"))["last"] or 0
    with connection.cursor() as cursor:
        for start in range(0, len(prepared), BATCH):
            cursor.executemany(sql, prepared[start : start + BATCH])

    # the new ids: rows above the last id before, matched by natural key (unique, so only ours match)
    key_at = [varying.index(name) for name in key]
    naturals = [tuple(values[i] for i in key_at) for values in rows]
    wanted = set(naturals)
    ids: dict[tuple[Any, ...], int] = {}
    for found in manager.filter(pk__gt=before).values_list(*key, "pk").iterator(chunk_size=BATCH):
        natural = tuple(found[:-1])
        if natural in wanted:
            ids[natural] = found[-1]

    history = getattr(model, "history", None)
    if history is None:
        return ids
    historical = history.model._meta
    hfields = [f for f in historical.concrete_fields if f.attname != "history_id"]
    strange = {f.attname for f in hfields} - set(columns) - HISTORY_FIELDS - {meta.pk.attname}
    if strange:
        raise RuntimeError(f"historical fields insert_with_history does not know: {sorted(strange)}")
    hcolumns = [f.attname for f in hfields]
    extra = {
        "history_date": next(f for f in hfields if f.attname == "history_date").get_db_prep_save(
            now, connection
        ),
        "history_change_reason": reason[:HISTORY_REASON_MAX] if reason else None,
        "history_type": "+",
        "history_user_id": getattr(user, "pk", None),
    }
    source = [columns.index(name) if name in columns else -1 for name in hcolumns]
    id_at = hcolumns.index(meta.pk.attname)
    hrows: list[list[Any]] = []
    for natural, row in zip(naturals, prepared, strict=True):
        hrow = [row[i] if i >= 0 else extra.get(name) for i, name in zip(source, hcolumns, strict=True)]
        hrow[id_at] = ids[natural]
        hrows.append(hrow)
    hsql = (
        f"INSERT INTO {quote(historical.db_table)} ({', '.join(quote(f.column or f.attname) for f in hfields)}) "
        f"VALUES ({', '.join(['%s'] * len(hfields))})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(hrows), BATCH):
            cursor.executemany(hsql, hrows[start : start + BATCH])
    return ids
