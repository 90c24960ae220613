"""Admission control in the WSGI layer: heavy pages take turns, light requests go straight through.

On a machine whose cores are busy, a worker's threads share one interpreter lock and the cores share every
thread: a light request (`/healthz`, a small page) that lands beside ten threads rendering reports gets a tenth
of a tenth of a core and waits as long as they do. No number of threads fixes that; fewer heavy requests at
once does. The gate lets at most `slots` requests of the heavy kinds run per worker process at once (the others
wait their turn, first come first served); light ones never wait for it. The total work is the same, so heavy
pages lose little (they queued for the lock and the cores anyway) while a light request finds at most `slots`
others in its process.

What is heavy is learned, not listed: each kind of request (its path with the numbers in it written `#`, so
`/peta/12/` and `/peta/13/` are one kind) keeps a moving average of the CPU time its thread spent
(`time.thread_time`, so waiting for the lock, the database or the gate does not count); a kind whose average is
above `heavy_ms` goes through the gate from its next request on. A kind never seen before takes its turn
like a heavy one until it has been measured once (after a restart fifty users asking for the reports at once
would otherwise all run together). `/healthz`, `/readyz` and `/static/` are always light. The table of kinds
is bounded (`MAX_KINDS`); beyond it an unknown kind keeps taking turns.

Heavy requests also yield the cores. They run on the worker's own heavy threads (`slots` of them, the turns),
which lower their scheduling priority once, when they start (`nice`, default 10: the kernel then gives a
runnable light thread — of any worker, of the database, of the proxy — the core first). A request thread hands
its heavy request over and waits for the answer (without the interpreter lock); a finished, non-streaming
response is closed on the heavy thread too (Django's `request_finished` runs where its `request_started` did).
Lowering is all an unprivileged process may do, so the heavy threads are kept, never given back to light work.

Light pages yield to the probes. With `light_threads` (default 16) light requests run on the worker's own light
threads too, lowered by `light_nice` (default 5, less than the heavy ones): only `/healthz`, `/readyz` and
`/static/` keep the request thread's own priority. On saturated cores the kernel then favours a waking health
probe over any page, light pages over heavy ones. A probe still waits for its worker's interpreter lock, held
in turns by the page threads (decision 0014 measures both). `light_threads` also bounds the light pages
running at once.

Settings (environment, read once at start): `KINERJA_HEAVY_SLOTS` (default 1; 0 switches the gate off),
`KINERJA_HEAVY_MS` (default 25), `KINERJA_HEAVY_NICE` (default 10; 0 keeps the priority),
`KINERJA_LIGHT_THREADS` (default 16; 0 runs light pages on the request's thread) and `KINERJA_LIGHT_NICE`
(default 5). The measurement is in docs/decisions/0014-app-server.md.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

ALWAYS_LIGHT = ("/healthz", "/readyz", "/static/")
MAX_KINDS = 2000
WEIGHT = 0.3  # of a new measurement in the moving average
_NUMBER = re.compile(r"\d+")
logger = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def kind_of(path: str) -> str:
    """The kind of a request: its path with every run of digits written `#`."""
    return _NUMBER.sub("#", path)


def lower_priority(nice: int) -> None:
    """Raise this thread's nice value by `nice` (Linux: a thread's own priority; elsewhere, or when the system
    refuses, nothing changes)."""
    if nice <= 0 or not hasattr(os, "setpriority"):
        return
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, min(os.getpriority(os.PRIO_PROCESS, tid) + nice, 19))
    except OSError as error:  # pragma: no cover - a system that does not allow it
        logger.warning("heavy requests keep their priority: %s", error)


def _threads(count: int, name: str, nice: int) -> ThreadPoolExecutor | None:
    """`count` threads (none for 0) that lower their own priority by `nice` when they start."""
    if count <= 0:
        return None
    return ThreadPoolExecutor(
        max_workers=count, thread_name_prefix=name, initializer=lower_priority, initargs=(nice,)
    )


class _Finished:
    """A non-streaming response already closed on the heavy thread: its body, and a `close` that does nothing."""

    def __init__(self, body: list[bytes]) -> None:
        self.body = body

    def __iter__(self) -> Any:
        return iter(self.body)

    def close(self) -> None:
        pass


class HeavyGate:
    """A WSGI application that runs `app` with at most `slots` heavy requests at once, on threads of lower
    priority (see the module)."""

    def __init__(
        self,
        app: WSGIApp,
        *,
        slots: int,
        heavy_ms: float,
        nice: int = 0,
        light_threads: int = 0,
        light_nice: int = 0,
    ) -> None:
        self.app = app
        self.slots = slots
        self.heavy_seconds = heavy_ms / 1000
        self.turns = _threads(slots, "kinerja-heavy", nice)
        self.light = _threads(light_threads, "kinerja-light", light_nice) if self.turns else None
        self.cost: dict[str, float] = {}  # kind → moving average of its CPU seconds

    def is_heavy(self, kind: str) -> bool:
        cost = self.cost.get(kind)
        return cost is None or cost > self.heavy_seconds

    def learn(self, kind: str, seconds: float) -> None:
        known = self.cost.get(kind)
        if known is None:
            if len(self.cost) < MAX_KINDS:
                self.cost[kind] = seconds
        else:
            self.cost[kind] = known + WEIGHT * (seconds - known)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        if self.turns is None or path.startswith(ALWAYS_LIGHT):
            return self.app(environ, start_response)
        kind = kind_of(path)
        if not self.is_heavy(kind):
            if self.light is None:
                return self._measured(kind, environ, start_response)
            return self.light.submit(self._handed_over, kind, environ, start_response).result()
        # first come, first served: the executor's queue is the line, its threads are the turns
        return self.turns.submit(self._handed_over, kind, environ, start_response).result()

    def _handed_over(
        self, kind: str, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        """A request run on one of the gate's own threads: a non-streaming answer is finished there."""
        answer = self._measured(kind, environ, start_response)
        if getattr(answer, "streaming", True):
            return answer  # read (and closed) by the server on the request's own thread
        body = list(answer)  # an HttpResponse: its content is already in memory
        close = getattr(answer, "close", None)
        if close is not None:
            close()
        return _Finished(body)

    def _measured(
        self, kind: str, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        started = time.thread_time()
        try:
            return self.app(environ, start_response)
        finally:
            self.learn(kind, time.thread_time() - started)


def from_environment(app: WSGIApp) -> WSGIApp:
    """`app` behind the gate the environment asks for (`KINERJA_HEAVY_SLOTS`, `KINERJA_HEAVY_MS`)."""
    slots = int(os.environ.get("KINERJA_HEAVY_SLOTS", "1") or "0")
    if slots <= 0:
        return app
    return HeavyGate(
        app,
        slots=slots,
        heavy_ms=float(os.environ.get("KINERJA_HEAVY_MS", "25") or "25"),
        nice=int(os.environ.get("KINERJA_HEAVY_NICE", "10") or "0"),
        light_threads=int(os.environ.get("KINERJA_LIGHT_THREADS", "16") or "0"),
        light_nice=int(os.environ.get("KINERJA_LIGHT_NICE", "5") or "0"),
    )
