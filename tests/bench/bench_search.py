"""Employee and unit search at ministry size on PostgreSQL: trigram indexes and a capped count (issue 16).

Needs PostgreSQL: KINERJA_BENCH_DATABASE_URL (or DATABASE_URL) naming a database of its own, migrated
(`kinerja migrate`); skipped on SQLite, where search keeps its plain LIKE. When the database has fewer than
80,000 employees it is filled first with plain bulk inserts (a fixture, not what is measured): 3,000 units
over five levels (ministry, 12 echelon I units, 240 regional offices, 2,640 offices, 107 sections) and
80,000 employees with seeded Indonesian names spread over them; then ANALYZE.

Measured, each the median of RUNS runs of what the employee and unit pages do for a search (the page's
rows and its count):

* baseline, in the same run: the trigram indexes and the (name, NIP) index dropped inside a transaction
  (rolled back afterwards) and Django's Paginator (a full COUNT(*)) — the state before issue 16;
* the indexes with the full COUNT(*);
* trigram indexes with `CappedPaginator` (what the pages do now).

Each case reports whether PostgreSQL's plan (EXPLAIN of the page query) uses a trigram index. The unit
search (3,000 rows) is left to the planner, which may well prefer reading the small table.
`KINERJA_BENCH_EMPLOYEES=N` changes the size (the database is filled only up to it).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
EMPLOYEES = int(os.environ.get("KINERJA_BENCH_EMPLOYEES", "80000"))
RUNS = 15
PAGE = 50
CAP = 1000
SEED = 16
FIRST = [
    "Budi", "Siti", "Agus", "Dewi", "Rahmat", "Sri", "Andi", "Nur", "Eko", "Fitri", "Hendra", "Indah", "Joko",
    "Kartika", "Lukman", "Maya", "Nanda", "Oktavia", "Putra", "Ratna", "Slamet", "Tri", "Umar", "Wahyu",
    "Yusuf", "Zahra", "Ahmad", "Bambang", "Citra", "Dian",
]  # fmt: skip
LAST = [
    "Santoso", "Wijaya", "Hidayat", "Saputra", "Kurniawan", "Pratama", "Setiawan", "Susanto", "Nugroho",
    "Rahayu", "Lestari", "Siregar", "Nasution", "Harahap", "Simanjuntak", "Purnomo", "Hakim", "Firmansyah",
    "Gunawan", "Wibowo", "Ramadhan", "Syahputra", "Utami", "Permata", "Maulana", "Hasibuan", "Sitompul",
    "Manurung", "Effendi", "Halim",
]  # fmt: skip
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _step(n: int) -> str:
    digits = ""
    for _ in range(4):
        n, r = divmod(n, 36)
        digits = ALPHABET[r] + digits
    return digits


def _setup() -> Any:
    url = os.environ.get("KINERJA_BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return None
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinerja.config.settings.local")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.db import connection

    # another benchmark of the same `run_all.py` may have set Django up on its own database first
    return connection if connection.vendor == "postgresql" else None


def _fill(connection: Any) -> dict[str, int]:
    from kinerja.organisations.models import Employee, Unit, UnitKind, UnitLevel

    rng = random.Random(SEED)
    if not Unit.objects.exists():
        units: list[Unit] = []

        def add(code: str, name: str, path: str, level: str, kind: str, children: int) -> str:
            units.append(
                Unit(
                    code=code, name_id=name, level=level, kind=kind, path=path, depth=len(path) // 4,
                    numchild=children, owns_map=level in ("wide", "one", "two", "three"),
                )
            )  # fmt: skip
            return path

        root = add("KEMENKEU", "Kementerian Keuangan", _step(1), UnitLevel.WIDE, UnitKind.MINISTRY, 12)
        sections_left = 107
        for e in range(12):
            e1 = add(f"E1-{e:02d}", f"Direktorat Jenderal {e + 1}", root + _step(e + 1), UnitLevel.ONE,
                     UnitKind.ECHELON_1, 20)  # fmt: skip
            for r in range(20):
                kanwil = add(f"KW-{e:02d}-{r:02d}", f"Kantor Wilayah {e + 1}.{r + 1}", e1 + _step(r + 1),
                             UnitLevel.TWO, UnitKind.REGIONAL_OFFICE, 11)  # fmt: skip
                for k in range(11):
                    section = sections_left > 0
                    office = add(f"KPP-{e:02d}-{r:02d}-{k:02d}", f"KPP Pratama {e + 1}.{r + 1}.{k + 1}",
                                 kanwil + _step(k + 1), UnitLevel.THREE, UnitKind.KPP, int(section))  # fmt: skip
                    if section:
                        sections_left -= 1
                        add(f"SEKSI-{e:02d}-{r:02d}-{k:02d}", f"Seksi Pelayanan {e + 1}.{r + 1}.{k + 1}",
                            office + _step(1), UnitLevel.FOUR, UnitKind.SUBDIRECTORATE, 0)  # fmt: skip
        Unit.objects.bulk_create(units, batch_size=1000)
    unit_ids = list(Unit.objects.values_list("pk", flat=True))
    have = Employee.objects.count()
    if have < EMPLOYEES:
        batch = []
        for n in range(have, EMPLOYEES):
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            if rng.random() < 0.3:
                name = f"{rng.choice(FIRST)} {name}"
            nip = f"1980{n:014d}"
            batch.append(Employee(nip=nip, name=name, unit_id=unit_ids[n % len(unit_ids)], is_active=True))
        Employee.objects.bulk_create(batch, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE organisations_unit; ANALYZE organisations_employee")
    return {"units": Unit.objects.count(), "employees": Employee.objects.count()}


def _median_ms(fn: Any) -> float:
    fn()  # warm
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2)


def _cases() -> dict[str, Any]:
    from django.db.models import Q

    from kinerja.organisations.models import Employee, Unit
    from kinerja.organisations.selectors import filter_employees, filter_units

    echelon_one = Unit.objects.get(code="E1-03").path
    everyone = Employee.objects.filter(Q())
    return {
        "employees, no search (all, first page)": filter_employees(everyone, q=""),
        "employees 'santoso' (all)": filter_employees(everyone, q="santoso"),
        "employees 'rahmat hidayat' (all)": filter_employees(everyone, q="rahmat hidayat"),
        "employees 'zzqx' (none, all)": filter_employees(everyone, q="zzqx"),
        "employees 'wijaya' (one echelon I)": filter_employees(
            Employee.objects.filter(unit__path__startswith=echelon_one), q="wijaya"
        ),
        "units 'pratama 7.1'": filter_units(Unit.objects.all(), q="pratama 7.1").order_by("path"),
    }


def _run(connection: Any, capped: bool) -> dict[str, Any]:
    from django.core.paginator import Paginator

    from kinerja.common.search import CappedPaginator

    figures: dict[str, Any] = {}
    for label, queryset in _cases().items():

        def page(queryset: Any = queryset) -> tuple[int, int]:
            paginator = (
                CappedPaginator(queryset, PAGE, number=1, cap=CAP) if capped else Paginator(queryset, PAGE)
            )
            current = paginator.get_page(1)
            return paginator.count, len(list(current.object_list))

        sql, params = queryset[:PAGE].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        count, rows = page()
        figures[label] = {
            "ms": _median_ms(page),
            "count shown": count,
            "rows": rows,
            "trigram index used": "_trgm" in plan,
        }
    return figures


def main() -> dict[str, Any]:
    connection = _setup()
    if connection is None:
        print("   skipped: needs PostgreSQL (KINERJA_BENCH_DATABASE_URL or DATABASE_URL)")
        return {"skipped": "needs PostgreSQL"}
    from django.db import transaction

    from kinerja.common.search import trigram_index_name

    started = time.perf_counter()
    size = _fill(connection)
    print(
        f"   data: {size['units']} units, {size['employees']} employees ({time.perf_counter() - started:.1f} s)"
    )
    indexes = ["employee_name_nip", trigram_index_name("organisations_employee", "name")] + [
        trigram_index_name("organisations_unit", c) for c in ("code", "name_id", "name_en")
    ]
    with transaction.atomic():
        with connection.cursor() as cursor:
            for name in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
        baseline = _run(connection, capped=False)
        transaction.set_rollback(True)  # the indexes come back
    trigram_full = _run(connection, capped=False)
    trigram_capped = _run(connection, capped=True)
    result: dict[str, Any] = {"size": size, "runs": RUNS, "cases": {}}
    for label in baseline:
        row = {
            "baseline (no trigram index, full count) ms": baseline[label]["ms"],
            "trigram, full count ms": trigram_full[label]["ms"],
            "trigram, capped count ms": trigram_capped[label]["ms"],
            "matches (full count)": trigram_full[label]["count shown"],
            "count shown (capped)": trigram_capped[label]["count shown"],
            "index used before / after": (
                baseline[label]["trigram index used"],
                trigram_capped[label]["trigram index used"],
            ),
        }
        result["cases"][label] = row
        print(
            f"   {label}: {row['baseline (no trigram index, full count) ms']} ms before, "
            f"{row['trigram, full count ms']} ms with the index, {row['trigram, capped count ms']} ms capped "
            f"({row['matches (full count)']} matches; index used {row['index used before / after']})"
        )
    return result


if __name__ == "__main__":
    import json

    print(json.dumps(main(), indent=2))
