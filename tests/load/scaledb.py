"""PostgreSQL databases holding a generated ministry, built once and reused (`make load`, tests/bench/bench_pages.py).

A database is built by `kinerja migrate` and the data command (`kinerja demo --scale ministry` by default),
then `ANALYZE`d, and marked with a comment on the database naming the data command
(`COMMENT ON DATABASE … IS 'kinerja-load: demo --scale ministry'`). A later run that asks for the same data
finds the marker and only migrates (fast); a different marker means a rebuild, which drops the database only
when its name starts with `kinerja_load` or `kinerja_bench` (ours) or LOAD_REBUILD=1 says so.

`kinerja demo --scale` is new in issue 16; where the demo command does not know it yet, `data_command`
falls back to the normal demo (`kinerja demo`) and its logins, and says so.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
MARKER_PREFIX = "kinerja-load: "
OWN_PREFIXES = ("kinerja_load", "kinerja_bench")
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432"
SCALE_LOGINS = ("skala.admin", "skala.manajer", "skala.pimpinan", "skala.pegawai")
DEMO_LOGINS = ("admin", "pengelola.djp", "pimpinan.kpp.malang", "pegawai.kpp.malang")
PASSWORD = "kinerja-demo"


@dataclass
class DataChoice:
    args: list[str]  # the kinerja command that builds the data, e.g. ["demo", "--scale", "ministry"]
    logins: tuple[str, ...]
    note: str = ""


@dataclass
class Built:
    url: str
    marker: str
    reused: bool
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)


def python_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment with src/ on the path (the worktree's code, not an installed copy)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH", "")]))
    env.update(extra or {})
    return env


def kinerja(args: list[str], env: dict[str, str], *, quiet: bool = False) -> subprocess.CompletedProcess[str]:
    """Run `kinerja ARGS` (python -m kinerja.cli) with this worktree's code; raise with its output on failure."""
    done = subprocess.run(
        [sys.executable, "-m", "kinerja.cli", *args],
        env=python_env(env),
        cwd=ROOT,
        text=True,
        stdout=subprocess.PIPE if quiet else None,
        stderr=subprocess.STDOUT if quiet else None,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"kinerja {' '.join(args)} failed ({done.returncode}):\n{done.stdout or ''}")
    return done


def collect_static(var_dir: Path) -> None:
    """`kinerja collectstatic` with the production settings (hashed names and their manifest) into VAR_DIR,
    unless its manifest is newer than every static file of the project (a rerun)."""
    import secrets

    manifest = var_dir / "staticfiles" / "staticfiles.json"
    if manifest.exists():
        newest = max(
            (f.stat().st_mtime for f in SRC.glob("kinerja/**/static/**/*") if f.is_file()), default=0
        )
        if newest < manifest.stat().st_mtime:
            return

    production = {
        "DJANGO_SETTINGS_MODULE": "kinerja.config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "KINERJA_VAR_DIR": str(var_dir),
    }
    kinerja(["collectstatic", "--no-input"], production, quiet=True)


def scale_supported() -> bool:
    done = kinerja(["demo", "--help"], {}, quiet=True)
    return "--scale" in done.stdout


def data_command(scale: str, *, override: str = "", logins: str = "") -> DataChoice:
    """The data command and the logins: LOAD_DATA / LOAD_USERS when given, else `demo --scale SCALE` and the
    skala.* logins, else (no --scale yet) the normal demo and its logins."""
    users = tuple(x.strip() for x in logins.split(",") if x.strip())
    if override:
        return DataChoice(override.split(), users or DEMO_LOGINS)
    if scale_supported():
        return DataChoice(["demo", "--scale", scale], users or SCALE_LOGINS)
    return DataChoice(
        ["demo"],
        users or DEMO_LOGINS,
        note=f"`kinerja demo` has no --scale here: the normal demo instead of --scale {scale}",
    )


def database_url(name: str) -> str:
    return f"{DEFAULT_SERVER}/{name}"


def _split(url: str) -> tuple[str, str]:
    """(the maintenance database's URL on the same server, the database name)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or parts.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"not a PostgreSQL database URL: {url}")
    return urlunsplit(parts._replace(path="/postgres")), name


def _connect(url: str):  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(url, autocommit=True)


def marker_of(url: str) -> str | None:
    """The database's comment, or None when the database does not exist."""
    admin, name = _split(url)
    with _connect(admin) as conn:
        row = conn.execute(
            "SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
    return None if row is None else row[0]


def _recreate(url: str, *, drop: bool) -> None:
    from psycopg import sql

    admin, name = _split(url)
    with _connect(admin) as conn:
        if drop:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _mark(url: str, marker: str) -> None:
    from psycopg import sql

    _admin, name = _split(url)
    with _connect(url) as conn:
        conn.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), sql.Literal(marker))
        )
        conn.execute("ANALYZE")


def counts(url: str) -> dict[str, int]:
    """Rows of the tables that say how big the ministry is."""
    tables = {
        "units": "organisations_unit",
        "employees": "organisations_employee",
        "maps": "planning_strategymap",
        "kpis": "planning_kpi",
        "realizations": "reporting_realization",
        "snapshots": "reporting_scoresnapshot",
    }
    found = {}
    with _connect(url) as conn:
        for label, table in tables.items():
            try:
                found[label] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            except Exception:  # a table this version does not have
                found[label] = -1
    return found


def ensure(url: str, data_args: list[str], *, var_dir: Path, report: Callable[[str], None] = print) -> Built:
    """The database at `url` holding what `kinerja DATA_ARGS` builds: reused when its marker says so, else built."""
    wanted = MARKER_PREFIX + " ".join(data_args)
    env = {
        "DATABASE_URL": url,
        "KINERJA_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "kinerja.config.settings.local",
    }
    started = time.perf_counter()
    existing = marker_of(url)
    _admin, name = _split(url)
    if existing == wanted:
        report(f"database {name}: reused ({wanted}); migrating")
        kinerja(["migrate", "--no-input"], env, quiet=True)
        return Built(url, wanted, True, time.perf_counter() - started, counts(url))
    if existing is not None:
        if not (name.startswith(OWN_PREFIXES) or os.environ.get("LOAD_REBUILD") == "1"):
            raise RuntimeError(
                f"database {name} holds {existing or 'something unmarked'!r}, not {wanted!r}; "
                "set LOAD_REBUILD=1 to drop and rebuild it"
            )
        report(f"database {name}: holds {existing or 'no marker'!r}; dropping and rebuilding")
    _recreate(url, drop=existing is not None)
    report(f"database {name}: kinerja migrate, then kinerja {' '.join(data_args)}")
    kinerja(["migrate", "--no-input"], env, quiet=True)
    kinerja(data_args, env)
    _mark(url, wanted)
    seconds = time.perf_counter() - started
    report(f"database {name}: built in {seconds:.0f} s")
    return Built(url, wanted, False, seconds, counts(url))
