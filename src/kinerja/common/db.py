"""Database upkeep the services call themselves.

`analyze(*models)` refreshes the planner's statistics of the models' tables (``ANALYZE``, on PostgreSQL and
SQLite alike) after a bulk load: a table filled in one go and never analysed keeps the statistics of its empty
self until autovacuum comes by, and the planner then picks a scan where an index would do (issue 16: the
realization query of a scorecard went from 37 to 251 ms per map). `analyze_if_many` does it only when a load
wrote at least `ANALYZE_AFTER_ROWS` rows (a small change is left to autovacuum), and `analyze_after_commit`
once the load's transaction has committed (ANALYZE inside it would hold its table lock until the end).
"""

from __future__ import annotations

from django.db import connections, router, transaction
from django.db.models import Model

# A load writing at least this many rows is followed by ANALYZE of the tables it wrote.
ANALYZE_AFTER_ROWS = 1000


def analyze(*models: type[Model]) -> list[str]:
    """``ANALYZE`` each model's table (and its history table when it has one); returns the tables analysed.

    Safe inside a transaction (PostgreSQL's ANALYZE, unlike VACUUM, runs in one); a backend without ANALYZE is
    skipped.
    """
    done: list[str] = []
    for model in models:
        tables = [model]
        history = getattr(model, "history", None)
        if history is not None and hasattr(history, "model"):
            tables.append(history.model)
        for table_model in tables:
            alias = router.db_for_write(table_model)
            connection = connections[alias]
            if connection.vendor not in ("postgresql", "sqlite"):
                continue
            table = table_model._meta.db_table
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
            done.append(table)
    return done


def analyze_if_many(rows: int, *models: type[Model]) -> list[str]:
    """`analyze` the models' tables when a load wrote at least `ANALYZE_AFTER_ROWS` rows; else nothing."""
    if rows < ANALYZE_AFTER_ROWS:
        return []
    return analyze(*models)


def analyze_after_commit(rows: int, *models: type[Model]) -> None:
    """`analyze_if_many` once the current transaction commits (at once outside one)."""
    if rows >= ANALYZE_AFTER_ROWS:
        transaction.on_commit(lambda: analyze(*models))
