"""The page mix of `make load` (tests/load/run_load.py starts locust with this file; not a test module).

Each simulated user takes one of the signed-in sessions the runner prepared (one per role, through the
real login form) and the pages that role reaches, then asks for one page after another with 0.5–1.5 s of
think time. Every request goes as it would through the reverse proxy in front of production
(`X-Forwarded-Proto: https`), with the session cookie sent explicitly (the production cookies are
`Secure`, which a client's cookie jar keeps back on plain http). Any answer but 200 is a failure.

Input: the JSON file named by LOAD_PLAN (written by the runner): {"sessions": [{"role", "username",
"cookie", "pages": {name: url}}]}. Output: every request's (name, milliseconds, error or null) as JSON lines to the
file named by LOAD_SAMPLES, so that the runner computes exact medians and percentiles itself.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from typing import Any

from locust import FastHttpUser, between, events, task

PLAN = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
SESSIONS: list[dict[str, Any]] = PLAN["sessions"]
_next_session = itertools.count()
_samples = open(os.environ["LOAD_SAMPLES"], "w", encoding="utf-8")  # noqa: SIM115


@events.request.add_listener
def _record(name: str, response_time: float, exception: Any = None, **_: Any) -> None:
    error = None if exception is None else str(exception)[:300]
    _samples.write(json.dumps([name, round(response_time, 3), error]) + "\n")


@events.quitting.add_listener
def _close(**_: Any) -> None:
    _samples.close()


class PageUser(FastHttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        session = SESSIONS[next(_next_session) % len(SESSIONS)]
        self.role = session["role"]
        self.pages: list[tuple[str, str]] = sorted(session["pages"].items())
        self.headers = {"Cookie": session["cookie"], "X-Forwarded-Proto": "https"}

    @task
    def page(self) -> None:
        name, url = random.choice(self.pages)
        with self.client.get(
            url, name=name, headers=self.headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{self.role}: {url} answered {response.status_code}")
