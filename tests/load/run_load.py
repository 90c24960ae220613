"""`make load`: 50 users for 60 s against Kinerja's own production server on PostgreSQL (issue 16).

A benchmark, not a test (`make test` never runs it). In order:

1. the database (default postgresql://postgres@127.0.0.1:5432/kinerja_load, DATABASE_URL overrides):
   `kinerja demo --scale ${LOAD_SCALE:-ministry}`, built once and reused while its marker matches
   (tests/load/scaledb.py); LOAD_DATA replaces the data command (e.g. LOAD_DATA=demo), LOAD_USERS the logins;
2. `kinerja collectstatic` into the run's own var directory (var/load/<database>/);
3. the server, with production settings (DEBUG off, a random SECRET_KEY, ALLOWED_HOSTS=127.0.0.1,localhost)
   on a free port: LOAD_SERVER=granian (the production choice, docs/decisions/0014-app-server.md: 4 workers ×
   16 threads), gthread (gunicorn, 2 × 32 threads) or gunicorn-sync (the old 4 sync workers); several,
   comma-separated, run one after another; LOAD_WORKERS / LOAD_THREADS change the workers and threads;
4. one sign-in per login through the login form (CSRF, as a browser does), each page of the mix asked for once
   per login (a page a role does not reach, 403/404, leaves that role's mix; anything else but 200 is an error);
5. `/healthz` idle: 200 sequential requests (LOAD_IDLE_REQUESTS);
6. locust, headless: LOAD_USERS_COUNT=50 users spawned at once, LOAD_DURATION=60 s, 0.5–1.5 s think time,
   the page mix of tests/load/locustfile.py;
7. the server stopped — always, also when a step fails.

Reported (printed, and written to LOAD_OUT=bench-results/load.json): requests/s, every page's median and p95,
/healthz p95 under load beside its idle p95 (aim ≤ 5×), the errors (0 required: the exit status is 1
otherwise), the machine's load average before and after. Every request is sent as through the reverse proxy
in front of production (`X-Forwarded-Proto: https`).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pages as page_mix
import scaledb

ROOT = scaledb.ROOT
BIN = Path(sys.executable).parent
DEFAULT_SERVER = "granian"
WORKERS = {"gunicorn-sync": 4, "gthread": 2, "granian": 4}
THREADS = {"gthread": 32, "granian": 16}
PROXY = {"X-Forwarded-Proto": "https"}
AIM_HEALTHZ_RATIO = 5.0


def env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100), linear between closest ranks; the value itself for one sample."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(values: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(values), 1),
        "p95_ms": round(percentile(values, 95), 1),
        "max_ms": round(max(values), 1),
    }


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# --------------------------------------------------------------------------- the server


def server_command(kind: str, port: int) -> list[str]:
    workers = env("LOAD_WORKERS", str(WORKERS.get(kind, 2)))
    threads = env("LOAD_THREADS", str(THREADS.get(kind, 8)))
    if kind == "gunicorn-sync":
        return [
            str(BIN / "gunicorn"),
            "kinerja.config.wsgi",
            "--workers",
            workers,
            "--bind",
            f"127.0.0.1:{port}",
        ]
    if kind == "gthread":
        return [
            str(BIN / "gunicorn"),
            "kinerja.config.wsgi",
            "--worker-class",
            "gthread",
            "--workers",
            workers,
            "--threads",
            threads,
            "--bind",
            f"127.0.0.1:{port}",
        ]
    if kind == "granian":
        return [
            str(BIN / "granian"),
            "--interface",
            "wsgi",
            "--workers",
            workers,
            "--blocking-threads",
            threads,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-ws",
            "--log-level",
            "warning",
            "kinerja.config.wsgi:application",
        ]
    raise SystemExit(f"LOAD_SERVER={kind!r}: choose gunicorn-sync, gthread or granian")


class Server:
    """The application server in its own process group, stopped (TERM, then KILL) by `stop`."""

    def __init__(self, kind: str, server_env: dict[str, str], log: Path) -> None:
        self.kind = kind
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.command = server_command(kind, self.port)
        self.log = log
        self._log_file = log.open("w")
        self.process = subprocess.Popen(
            self.command,
            env=scaledb.python_env(server_env),
            cwd=ROOT,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 90) -> None:
        import requests

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.kind} exited ({self.process.returncode}); see {self.log}")
            try:
                if requests.get(self.base + "/healthz", headers=PROXY, timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{self.kind} did not answer /healthz within {timeout:.0f} s; see {self.log}")

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            except ProcessLookupError:
                pass
        self._log_file.close()


# --------------------------------------------------------------------------- sessions and pages


def sign_in(base: str, username: str, password: str) -> str:
    """Sign in through the login form as a browser does; returns the Cookie header of the signed-in session."""
    import requests

    login = base + "/accounts/login/"
    page = requests.get(login, headers=PROXY, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    csrf = page.cookies.get("csrftoken")
    if page.status_code != 200 or token is None or csrf is None:
        raise RuntimeError(f"the login page answered {page.status_code} without a CSRF token")
    answer = requests.post(
        login,
        data={"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)},
        headers={**PROXY, "Cookie": f"csrftoken={csrf}", "Referer": login.replace("http://", "https://")},
        allow_redirects=False,
        timeout=60,
    )
    session = answer.cookies.get("sessionid")
    if answer.status_code != 302 or session is None:
        raise RuntimeError(f"sign-in as {username} failed (HTTP {answer.status_code})")
    return f"sessionid={session}; csrftoken={csrf}"


def discover(logins: tuple[str, ...], server_env: dict[str, str]) -> dict[str, dict[str, str]]:
    """Each login's address of every page of the mix (tests/load/pages.py), read from the server's database."""
    for key, value in server_env.items():
        os.environ[key] = value
    sys.path.insert(0, str(scaledb.SRC))
    import django

    django.setup()
    from django.db import connections

    found = {username: page_mix.addresses(username) for username in logins}
    connections.close_all()
    return found


def probe(base: str, cookie: str, addresses: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Each page asked for once (it also warms the server up): status, milliseconds, kilobytes."""
    import requests

    results = {}
    with requests.Session() as http:
        for name, url in sorted(addresses.items()):
            headers = {**PROXY, "Cookie": cookie}
            started = time.perf_counter()
            answer = http.get(base + url, headers=headers, allow_redirects=False, timeout=120)
            results[name] = {
                "url": url,
                "status": answer.status_code,
                "ms": round((time.perf_counter() - started) * 1000, 1),
                "kb": round(len(answer.content) / 1024, 1),
            }
    return results


def idle_healthz(base: str, count: int) -> list[float]:
    import requests

    times = []
    with requests.Session() as http:
        for _ in range(5):
            http.get(base + "/healthz", headers=PROXY, timeout=10)
        for _ in range(count):
            started = time.perf_counter()
            answer = http.get(base + "/healthz", headers=PROXY, timeout=10)
            times.append((time.perf_counter() - started) * 1000)
            if answer.status_code != 200:
                raise RuntimeError(f"/healthz answered {answer.status_code} with no load")
    return times


def run_locust(base: str, plan: Path, samples: Path, users: int, duration: int, log: Path) -> float:
    command = [
        str(BIN / "locust"),
        "-f",
        str(Path(__file__).with_name("locustfile.py")),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{duration}s",
        "--stop-timeout",
        "30",
        "--host",
        base,
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    started = time.perf_counter()
    with log.open("w") as out:
        subprocess.run(
            command,
            env={**os.environ, "LOAD_PLAN": str(plan), "LOAD_SAMPLES": str(samples)},
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    return time.perf_counter() - started


# --------------------------------------------------------------------------- one run


def run_one(kind: str, built: scaledb.Built, logins: tuple[str, ...], folder: Path) -> dict[str, Any]:
    var_dir = ROOT / "var" / "load" / scaledb._split(built.url)[1]
    server_env = {
        "DJANGO_SETTINGS_MODULE": "kinerja.config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": built.url,
        "KINERJA_VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
    }
    users = int(env("LOAD_USERS_COUNT", "50"))
    duration = int(env("LOAD_DURATION", "60"))
    password = env("LOAD_PASSWORD", scaledb.PASSWORD)
    result: dict[str, Any] = {"server": kind, "load_average_before": loadavg()}
    server = Server(kind, server_env, folder / f"server-{kind}.log")
    result["server_command"] = " ".join(
        Path(server.command[0]).name if i == 0 else x for i, x in enumerate(server.command)
    )
    try:
        server.wait_ready()
        addresses = discover(logins, server_env)
        sessions, reachable, errors = [], {}, []
        for username in logins:
            started = time.perf_counter()
            cookie = sign_in(server.base, username, password)
            login_ms = round((time.perf_counter() - started) * 1000)
            probed = probe(server.base, cookie, addresses[username])
            reachable[username] = {"sign_in_ms": login_ms, "pages": probed}
            pages = {}
            for name, page in probed.items():
                if page["status"] in (403, 404):
                    continue  # not this role's page
                if page["status"] != 200:
                    errors.append(f"{username}: {page['url']} answered {page['status']}")
                pages[name] = page["url"]
            sessions.append({"role": username, "username": username, "cookie": cookie, "pages": pages})
        result["probe"] = reachable
        in_mix = {name for s in sessions for name in s["pages"]}
        result["pages_in_no_mix"] = [name for name in page_mix.PAGES if name not in in_mix]

        idle = idle_healthz(server.base, int(env("LOAD_IDLE_REQUESTS", "200")))
        result["healthz_idle"] = {"requests": len(idle), **summary(idle)}

        plan, samples = folder / "plan.json", folder / f"samples-{kind}.jsonl"
        plan.write_text(json.dumps({"sessions": sessions}))
        result["load_average_start"] = loadavg()
        elapsed = run_locust(server.base, plan, samples, users, duration, folder / f"locust-{kind}.log")
        result["load_average_after"] = loadavg()
        by_page: dict[str, list[float]] = {}
        failures: dict[str, int] = {}
        for line in samples.read_text().splitlines():
            name, ms, error = json.loads(line)
            by_page.setdefault(name, []).append(ms)
            if error:
                failures[name] = failures.get(name, 0) + 1
                if len(errors) < 20:
                    errors.append(f"{name}: {error}")
        total = sum(len(v) for v in by_page.values())
        result["load"] = {
            "users": users,
            "duration_s": duration,
            "think_time_s": [0.5, 1.5],
            "locust_seconds": round(elapsed, 1),
            "requests": total,
            "failures": sum(failures.values()),
            "requests_per_s": round(total / duration, 1),
            "pages": {
                name: {"requests": len(v), "failures": failures.get(name, 0), **summary(v)}
                for name, v in sorted(by_page.items())
            },
        }
        under_load = result["load"]["pages"].get("healthz", {}).get("p95_ms")
        if under_load is not None:
            ratio = under_load / max(result["healthz_idle"]["p95_ms"], 0.001)
            result["healthz_p95_ratio"] = round(ratio, 1)
            result["healthz_aim_met"] = ratio <= AIM_HEALTHZ_RATIO
        result["errors"] = errors
    except Exception as exc:
        result["errors"] = [*result.get("errors", []), f"{type(exc).__name__}: {exc}"]
    finally:
        server.stop()
    return result


def print_run(result: dict[str, Any]) -> None:
    print(f"\n== {result['server']}: {result.get('server_command', '')}")
    load = result.get("load")
    if load:
        idle = result["healthz_idle"]
        print(
            f"   {load['users']} users, {load['duration_s']} s: {load['requests']} requests, "
            f"{load['requests_per_s']} requests/s, {load['failures']} failures "
            f"(load average {result['load_average_start']} -> {result['load_average_after']})"
        )
        print(f"   {'page':<20} {'requests':>8} {'median ms':>10} {'p95 ms':>9} {'max ms':>9}")
        for name, page in load["pages"].items():
            print(
                f"   {name:<20} {page['requests']:>8} {page['median_ms']:>10} {page['p95_ms']:>9} {page['max_ms']:>9}"
            )
        print(
            f"   /healthz p95: idle {idle['p95_ms']} ms (median {idle['median_ms']}), under load "
            f"{load['pages'].get('healthz', {}).get('p95_ms')} ms = {result.get('healthz_p95_ratio')}× "
            f"(aim ≤ {AIM_HEALTHZ_RATIO:.0f}×: {'met' if result.get('healthz_aim_met') else 'NOT MET'})"
        )
    for error in result.get("errors", [])[:10]:
        print(f"   ERROR {error}")


def _stop_on_term(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)  # so that `finally` stops the server when the run is killed


def main() -> int:
    signal.signal(signal.SIGTERM, _stop_on_term)
    signal.signal(signal.SIGHUP, _stop_on_term)
    scale = env("LOAD_SCALE", "ministry")
    choice = scaledb.data_command(
        scale, override=os.environ.get("LOAD_DATA", ""), logins=os.environ.get("LOAD_USERS", "")
    )
    if choice.note:
        print(f"NOTE: {choice.note}")
    url = env("DATABASE_URL", scaledb.database_url("kinerja_load"))
    name = scaledb._split(url)[1]
    var_dir = ROOT / "var" / "load" / name
    var_dir.mkdir(parents=True, exist_ok=True)
    built = scaledb.ensure(url, choice.args, var_dir=var_dir)
    scaledb.collect_static(var_dir)

    kinds = [k.strip() for k in env("LOAD_SERVER", DEFAULT_SERVER).split(",") if k.strip()]
    for kind in kinds:
        server_command(kind, 0)  # an unknown name stops here, before anything starts
    runs = []
    with tempfile.TemporaryDirectory(prefix="kinerja-load-") as tmp:
        folder = Path(env("LOAD_LOG_DIR", tmp))
        folder.mkdir(parents=True, exist_ok=True)
        for kind in kinds:
            result = run_one(kind, built, choice.logins, folder)
            print_run(result)
            runs.append(result)
    report = {
        "machine": {"cpus": os.cpu_count(), "host": socket.gethostname()},
        "data": {
            "command": "kinerja " + " ".join(choice.args),
            "note": choice.note,
            "database": name,
            "reused": built.reused,
            "build_s": round(built.seconds, 1),
            "rows": built.counts,
            "logins": list(choice.logins),
        },
        "runs": runs,
    }
    out = Path(env("LOAD_OUT", str(ROOT / "bench-results" / "load.json")))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"\ndata: {report['data']['command']} {built.counts}; figures written to {out}")
    failed = [r["server"] for r in runs if r.get("errors") or r.get("load", {}).get("failures", 1)]
    if failed:
        print(f"FAILED: errors with {', '.join(failed)} (0 required)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
