"""Each page of issue 16, one request at a time, at ministry scale beside a small scale, in the same run.

Two PostgreSQL databases built by tests/load/scaledb.py (and reused while their marker matches):

* the subject: `kinerja demo --scale ministry` in `kinerja_load` (the database `make load` uses);
* the baseline: `kinerja demo --scale 0.02` in `kinerja_bench_small` — the same generator, the same logins.

Environment: KINERJA_BENCH_PAGES_BIG / _SMALL choose the scales (`ministry`, `0.02`),
KINERJA_BENCH_PAGES_BIG_DB / _SMALL_DB the database URLs, KINERJA_BENCH_PAGES_BIG_DATA / _SMALL_DATA replace the
data command altogether (e.g. `demo`), KINERJA_BENCH_PAGES_USERS the logins (comma-separated; default the
skala.* logins), KINERJA_BENCH_PAGES_RUNS the timed requests per page (5, after one warm-up). A missing
database is built first (a ministry takes minutes).

In-process, with production settings (DEBUG off, cached templates, `X-Forwarded-Proto: https` as behind
the reverse proxy): each login signed in through `django.test.Client.force_login`, each page of the mix
(tests/load/pages.py) asked for; reported per login and page: the median of the timed requests, the query
count of one more request (CaptureQueriesContext), the page's size, at both scales; and the aims: median at
ministry scale ≤ 2× the small scale's, the same number of queries. The two scales are measured interleaved
(both databases open, swapped in request by request, the order alternating each round: `Databases`), so that
a slower minute of a shared machine weighs on both sides alike.
"""

from __future__ import annotations

import os
import secrets
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "load"))
import pages as page_mix  # noqa: E402
import scaledb  # noqa: E402

AIM_RATIO = 2.0


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def prepare(label: str, scale: str, default_db: str) -> dict[str, Any]:
    """The database of one scale, built when missing; returns its URL, data command and logins."""
    choice = scaledb.data_command(
        scale,
        override=os.environ.get(f"KINERJA_BENCH_PAGES_{label}_DATA", ""),
        logins=os.environ.get("KINERJA_BENCH_PAGES_USERS", ""),
    )
    url = _env(f"KINERJA_BENCH_PAGES_{label}_DB", scaledb.database_url(default_db))
    var_dir = ROOT / "var" / "load" / scaledb._split(url)[1]
    var_dir.mkdir(parents=True, exist_ok=True)
    built = scaledb.ensure(
        url, choice.args, var_dir=var_dir, report=lambda line: print(f"   {line}", flush=True)
    )
    return {
        "url": url,
        "data": "kinerja " + " ".join(choice.args),
        "note": choice.note,
        "logins": choice.logins,
        "reused": built.reused,
        "build_s": round(built.seconds, 1),
        "rows": built.counts,
    }


def setup_django(static_dir: Path, url: str) -> None:
    os.environ["DATABASE_URL"] = url  # both databases are PostgreSQL: `point_at` changes only the name
    os.environ["DJANGO_SETTINGS_MODULE"] = "kinerja.config.settings.production"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
    os.environ["KINERJA_VAR_DIR"] = str(static_dir)
    os.environ["LOG_LEVEL"] = "WARNING"
    sys.path.insert(0, str(scaledb.SRC))
    import django
    from django.conf import settings

    if not settings.configured or not hasattr(settings, "ROOT_URLCONF"):
        django.setup()


class Databases:
    """Both databases open at once, as two connections swapped in as `default` request by request: the two
    scales are measured interleaved (page by page, request by request), so that a slower minute of a shared
    machine slows both sides instead of one. Each side keeps its own cache keys (the page caches are keyed by
    ids, which both databases reuse)."""

    def __init__(self, urls: dict[str, str]) -> None:
        import copy

        import dj_database_url
        from django.db import connections
        from django.db.utils import load_backend

        self.wrappers = {}
        for label, url in urls.items():
            settings_dict = copy.deepcopy(connections.settings["default"])
            parsed = dj_database_url.parse(url)
            settings_dict.update(
                {k: v for k, v in parsed.items() if k in ("NAME", "USER", "PASSWORD", "HOST", "PORT")}
            )
            backend = load_backend(settings_dict["ENGINE"])
            self.wrappers[label] = backend.DatabaseWrapper(settings_dict, "default")

    def use(self, label: str) -> None:
        from django.core.cache import caches
        from django.db import connections

        connections["default"] = self.wrappers[label]
        caches["default"].key_prefix = f"bench-pages-{label}"

    def close(self) -> None:
        for wrapper in self.wrappers.values():
            wrapper.close()


def measure(databases: Databases, logins: tuple[str, ...], runs: int) -> dict[str, dict[str, dict[str, Any]]]:
    """{login: {page: {label: {status, median_ms, queries, kb, url}}}}, the two databases (`small`, `big`)
    measured interleaved: for each page a warm-up on both, then `runs` rounds of one request on each (the
    order alternating), then one more request on each with its queries counted."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    labels = ("small", "big")
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for username in logins:
        clients: dict[str, Client] = {}
        urls: dict[str, dict[str, str]] = {}
        for label in labels:
            databases.use(label)
            clients[label] = Client(HTTP_X_FORWARDED_PROTO="https", raise_request_exception=False)
            clients[label].force_login(get_user_model().objects.get(username=username))
            urls[label] = page_mix.addresses(username)
        found[username] = {}
        for name in sorted(set(urls["small"]) | set(urls["big"])):
            if name == "healthz":
                continue  # in the load mix as the light page; nothing to compare between scales
            page: dict[str, dict[str, Any]] = {}
            times: dict[str, list[float]] = {label: [] for label in labels}
            for label in labels:
                url = urls[label].get(name)
                if url is None:
                    continue
                databases.use(label)
                first = clients[label].get(
                    url
                )  # warm-up: the first request fills caches (templates, translations)
                page[label] = {"url": url, "status": first.status_code}
            measured = [label for label in labels if page.get(label, {}).get("status") == 200]
            for round_number in range(runs):
                for label in measured if round_number % 2 == 0 else measured[::-1]:
                    databases.use(label)
                    started = time.perf_counter()
                    clients[label].get(page[label]["url"])
                    times[label].append((time.perf_counter() - started) * 1000)
            for label in measured:
                databases.use(label)
                with CaptureQueriesContext(connection) as queries:
                    answer = clients[label].get(page[label]["url"])
                page[label].update(
                    status=answer.status_code,
                    median_ms=round(statistics.median(times[label]), 1),
                    queries=len(queries),
                    kb=round(len(answer.content) / 1024, 1),
                )
            found[username][name] = page
    return found


def main() -> dict[str, object]:
    runs = int(_env("KINERJA_BENCH_PAGES_RUNS", "5"))
    scales = {
        "small": _env("KINERJA_BENCH_PAGES_SMALL", "0.02"),
        "big": _env("KINERJA_BENCH_PAGES_BIG", "ministry"),
    }
    databases = {
        "small": prepare("SMALL", scales["small"], "kinerja_bench_small"),
        "big": prepare("BIG", scales["big"], "kinerja_load"),
    }
    static_dir = ROOT / "var" / "load" / "bench-pages"
    static_dir.mkdir(parents=True, exist_ok=True)
    scaledb.collect_static(static_dir)
    setup_django(static_dir, databases["small"]["url"])
    both = Databases({label: databases[label]["url"] for label in ("small", "big")})
    started = time.perf_counter()
    logins = tuple(u for u in databases["big"]["logins"] if u in databases["small"]["logins"])
    measured = measure(both, logins, runs)
    print(f"   both scales measured interleaved in {time.perf_counter() - started:.0f} s", flush=True)
    both.close()

    rows = []
    print(
        f"   {'login':<22} {'page':<19} {'small ms':>9} {'big ms':>9} {'ratio':>6} {'queries':>9}  aims",
        flush=True,
    )
    for username in logins:
        for name, both_pages in measured.get(username, {}).items():
            small, big = both_pages.get("small"), both_pages.get("big", {})
            row: dict[str, Any] = {"login": username, "page": name, "big": big, "small": small}
            if small and big.get("status") == 200 and small.get("status") == 200:
                ratio = big["median_ms"] / max(small["median_ms"], 0.001)
                row.update(
                    ratio=round(ratio, 2),
                    time_aim_met=ratio <= AIM_RATIO,
                    same_queries=big["queries"] == small["queries"],
                )
                print(
                    f"   {username:<22} {name:<19} {small['median_ms']:>9} {big['median_ms']:>9} {ratio:>6.1f} "
                    f"{small['queries']:>4}/{big['queries']:<4}  "
                    f"{'time ok' if ratio <= AIM_RATIO else 'TIME'} {'queries ok' if row['same_queries'] else 'QUERIES'}",
                    flush=True,
                )
            else:
                print(
                    f"   {username:<22} {name:<19} status small {small and small.get('status')}, "
                    f"big {big.get('status')}",
                    flush=True,
                )
            rows.append(row)
    compared = [r for r in rows if "ratio" in r]
    figures: dict[str, object] = {
        "machine_cpus": os.cpu_count(),
        "runs_per_page": runs,
        "scales": scales,
        "databases": {
            k: {**v, "url": v["url"].rsplit("/", 1)[-1], "logins": list(v["logins"])}
            for k, v in databases.items()
        },
        "pages": rows,
        "compared": len(compared),
        "time_aim_met": sum(r["time_aim_met"] for r in compared),
        "same_queries": sum(r["same_queries"] for r in compared),
        "aim_ratio": AIM_RATIO,
    }
    print(
        f"   {len(compared)} page×login pairs: {figures['time_aim_met']} within {AIM_RATIO:.0f}× the small scale's "
        f"median, {figures['same_queries']} with the same query count",
        flush=True,
    )
    return figures


if __name__ == "__main__":
    main()
