"""The WSGI gate: heavy kinds of request take turns, light ones go straight through (kinerja.config.gate)."""

from __future__ import annotations

import os
import threading
import time

import pytest

from kinerja.config import gate
from tests.config.test_settings import run_production


def _burn(seconds: float) -> None:
    """Spend `seconds` of this thread's CPU time."""
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


class App:
    """A WSGI app whose requests cost the CPU time asked for in the path's `cost` map; it records how many of
    them ran at once, and can hold a request until released."""

    def __init__(self, cost: dict[str, float]) -> None:
        self.cost = cost
        self.running = 0
        self.most = 0
        self.lock = threading.Lock()
        self.hold = threading.Event()
        self.hold.set()
        self.entered = threading.Semaphore(0)

    def __call__(self, environ, start_response):
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        self.entered.release()
        try:
            _burn(self.cost.get(environ["PATH_INFO"], 0.0))
            self.hold.wait(5)
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [environ["PATH_INFO"].encode()]
        finally:
            with self.lock:
                self.running -= 1


def _get(app, path: str) -> bytes:
    statuses = []
    body = b"".join(app({"PATH_INFO": path}, lambda status, headers: statuses.append(status)))
    assert statuses == ["200 OK"]
    return body


def test_the_kind_of_a_request_is_its_path_with_the_numbers_written_hash():
    assert gate.kind_of("/peta/12/") == gate.kind_of("/peta/13/") == "/peta/#/"
    assert gate.kind_of("/pegawai/199001012020011001/") == "/pegawai/#/"
    assert gate.kind_of("/laporan/") != gate.kind_of("/dasbor/")


def test_a_kind_takes_turns_until_measured_then_only_when_its_cpu_time_is_above_the_line():
    inner = App({"/laporan/1/": 0.03, "/rumah/": 0.0})
    app = gate.HeavyGate(inner, slots=1, heavy_ms=10)
    assert app.is_heavy("/laporan/#/") and app.is_heavy("/rumah/")  # not measured yet
    assert _get(app, "/laporan/1/") == b"/laporan/1/"
    assert app.is_heavy("/laporan/#/")
    _get(app, "/rumah/")
    assert not app.is_heavy("/rumah/")


def test_the_moving_average_lets_a_kind_that_became_cheap_out_of_the_gate():
    app = gate.HeavyGate(App({}), slots=1, heavy_ms=10)
    app.learn("/a/", 0.050)
    assert app.is_heavy("/a/")
    for _ in range(10):
        app.learn("/a/", 0.001)
    assert not app.is_heavy("/a/")


def test_the_table_of_kinds_is_bounded(monkeypatch):
    monkeypatch.setattr(gate, "MAX_KINDS", 3)
    app = gate.HeavyGate(App({}), slots=1, heavy_ms=10)
    for n in range(10):
        app.learn(f"/k{'x' * n}/", 0.0)
    assert len(app.cost) == 3
    assert app.is_heavy("/kxxxxxxxxx/")  # not kept: it keeps taking turns


def _in_threads(app, paths):
    threads = [threading.Thread(target=_get, args=(app, p)) for p in paths]
    for t in threads:
        t.start()
    return threads


def test_heavy_requests_take_turns_and_a_light_one_passes_them():
    inner = App({"/laporan/": 0.02})
    app = gate.HeavyGate(inner, slots=1, heavy_ms=5)
    _get(app, "/laporan/")  # measured once: heavy from now on
    _get(app, "/ringan/")

    inner.hold.clear()  # every request now waits inside the app until released
    heavy = _in_threads(app, ["/laporan/"] * 3)
    assert inner.entered.acquire(timeout=5)  # the first heavy one is in
    time.sleep(0.1)
    assert inner.running == 1  # the other two wait at the gate

    light = _in_threads(app, ["/ringan/", "/healthz"])
    for _ in light:
        assert inner.entered.acquire(timeout=5)  # both got in beside the heavy one
    assert inner.running == 3

    inner.hold.set()
    for t in heavy + light:
        t.join(5)
    assert inner.running == 0
    assert inner.most == 3  # one heavy + two light at most, never two heavy


def test_two_slots_let_two_heavy_requests_run_at_once():
    inner = App({"/laporan/": 0.02})
    app = gate.HeavyGate(inner, slots=2, heavy_ms=5)
    _get(app, "/laporan/")
    inner.hold.clear()
    heavy = _in_threads(app, ["/laporan/"] * 4)
    for _ in range(2):
        assert inner.entered.acquire(timeout=5)
    time.sleep(0.1)
    assert inner.running == 2
    inner.hold.set()
    for t in heavy:
        t.join(5)
    assert inner.most == 2


def test_an_error_in_a_heavy_request_gives_its_turn_back():
    class Failing:
        def __call__(self, environ, start_response):
            _burn(0.02)
            raise RuntimeError("boom")

    app = gate.HeavyGate(Failing(), slots=1, heavy_ms=5)
    for _ in range(3):  # measured, then gated twice: a lost turn would block the third forever
        with pytest.raises(RuntimeError):
            app({"PATH_INFO": "/x/"}, lambda *a: None)
    assert app.is_heavy("/x/")
    assert app.turns.submit(lambda: "free").result(timeout=1) == "free"


def _priority() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def _where_it_ran(seen: dict[str, tuple[int, str]]):
    """A WSGI app noting the priority and the thread each path ran on (`/laporan/` costs 20 ms of CPU)."""

    def app(environ, start_response):
        seen[environ["PATH_INFO"]] = (_priority(), threading.current_thread().name)
        _burn(0.02 if environ["PATH_INFO"] == "/laporan/" else 0.0)
        start_response("200 OK", [])
        return [b"ok"]

    return app


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="thread priorities are a Linux matter")
def test_heavy_requests_run_at_a_lower_priority_and_light_ones_keep_theirs():
    seen: dict[str, tuple[int, str]] = {}
    app = _where_it_ran(seen)
    gated = gate.HeavyGate(app, slots=1, heavy_ms=5, nice=7)
    for path in ("/laporan/", "/ringan/", "/laporan/", "/ringan/", "/healthz"):
        assert _get(gated, path) == b"ok"
    mine = _priority()
    assert seen["/laporan/"][0] == min(mine + 7, 19)
    assert seen["/laporan/"][1].startswith("kinerja-heavy")
    assert seen["/ringan/"] == (mine, threading.current_thread().name)  # no light threads: straight through
    assert seen["/healthz"][0] == mine
    assert _priority() == mine  # the request's own thread was never lowered


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="thread priorities are a Linux matter")
def test_with_light_threads_probes_come_first_light_pages_second_and_heavy_ones_last():
    seen: dict[str, tuple[int, str]] = {}
    app = _where_it_ran(seen)
    gated = gate.HeavyGate(app, slots=1, heavy_ms=5, nice=7, light_threads=2, light_nice=3)
    for path in ("/laporan/", "/ringan/", "/laporan/", "/ringan/", "/healthz", "/readyz", "/static/a.css"):
        assert _get(gated, path) == b"ok"
    mine = _priority()
    assert seen["/laporan/"][0] == min(mine + 7, 19) and seen["/laporan/"][1].startswith("kinerja-heavy")
    assert seen["/ringan/"][0] == min(mine + 3, 19) and seen["/ringan/"][1].startswith("kinerja-light")
    for probe in ("/healthz", "/readyz", "/static/a.css"):
        assert seen[probe] == (mine, threading.current_thread().name)
    assert _priority() == mine


def test_light_threads_bound_the_light_pages_running_at_once():
    inner = App({})
    app = gate.HeavyGate(inner, slots=1, heavy_ms=50, light_threads=2)
    _get(app, "/ringan/")  # measured: light from now on
    inner.hold.clear()
    light = _in_threads(app, ["/ringan/"] * 4)
    for _ in range(2):
        assert inner.entered.acquire(timeout=5)
    time.sleep(0.1)
    assert inner.running == 2  # the other two wait for a light thread
    probe = _in_threads(app, ["/healthz"])
    assert inner.entered.acquire(timeout=5)  # a probe never waits for them
    assert inner.running == 3
    inner.hold.set()
    for t in light + probe:
        t.join(5)
    assert inner.most == 3


class Response:
    """A Django-like response: `streaming` False, its content in memory, `close` sends request_finished."""

    streaming = False

    def __init__(self) -> None:
        self.closed_on: str | None = None

    def __iter__(self):
        return iter([b"a", b"b"])

    def close(self) -> None:
        self.closed_on = threading.current_thread().name


def test_a_handed_over_response_is_closed_on_the_thread_that_made_it_and_a_streaming_one_is_left_to_the_server():
    made: list[Response] = []

    def app(environ, start_response):
        start_response("200 OK", [])
        response = Response()
        response.streaming = environ["PATH_INFO"] == "/unduh/"
        made.append(response)
        return response

    gated = gate.HeavyGate(app, slots=1, heavy_ms=5, light_threads=1)
    answer = gated({"PATH_INFO": "/laporan/"}, lambda *a: None)
    assert made[0].closed_on.startswith("kinerja-heavy")
    assert b"".join(answer) == b"ab"
    answer.close()  # the server's close: nothing more to do
    streamed = gated({"PATH_INFO": "/unduh/"}, lambda *a: None)
    assert streamed is made[1] and made[1].closed_on is None  # the server reads and closes it
    gated.cost["/ringan/"] = 0.0  # measured light
    light = gated({"PATH_INFO": "/ringan/"}, lambda *a: None)
    assert made[2].closed_on.startswith("kinerja-light") and b"".join(light) == b"ab"


@pytest.mark.parametrize(("slots", "gated"), [(None, True), ("2", True), ("0", False)])
def test_the_production_application_is_gated_as_the_environment_says(slots, gated):
    code = (
        "import kinerja.config.wsgi as w, kinerja.config.gate as g; "
        "a = w.application; print(isinstance(a, g.HeavyGate), getattr(a, 'slots', 0))"
    )
    is_gate, count = run_production(code, "KINERJA_HEAVY_SLOTS", slots).split()
    assert is_gate == str(gated)
    assert int(count) == (0 if not gated else int(slots or "1"))


@pytest.mark.parametrize(("threads", "expected"), [(None, 16), ("4", 4), ("0", None)])
def test_the_light_threads_are_as_the_environment_says(monkeypatch, threads, expected):
    monkeypatch.delenv("KINERJA_HEAVY_SLOTS", raising=False)
    if threads is None:
        monkeypatch.delenv("KINERJA_LIGHT_THREADS", raising=False)
    else:
        monkeypatch.setenv("KINERJA_LIGHT_THREADS", threads)
    gated = gate.from_environment(App({}))
    assert isinstance(gated, gate.HeavyGate)
    light = gated.light
    assert (light._max_workers if light is not None else None) == expected
