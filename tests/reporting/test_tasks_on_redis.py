"""The background tasks on the Redis queue (KINERJA_TASK_BACKEND=rq): django-tasks-rq with real Redis and RQ.

Redis at KINERJA_TEST_REDIS_URL (redis://127.0.0.1:6379/14 by default, a database of its own). Without a
reachable Redis these tests are skipped — unless KINERJA_REQUIRE_REDIS=1 (CI), which makes that a failure.
Each test run uses queue keys of its own (a random prefix), so parallel runs and pytest-xdist workers never
take each other's jobs; the keys are deleted afterwards.
"""

from __future__ import annotations

import os
import uuid
from decimal import Decimal

import pytest
from django.core.management import call_command
from django_tasks import TaskResultStatus, task

from kinerja.reporting import tasks
from kinerja.reporting.models import PeriodState, ReportingPeriod, ScoreSnapshot

from .conftest import approved

REDIS_URL = os.environ.get("KINERJA_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
pytestmark = [pytest.mark.redis, pytest.mark.django_db]


@task()
def add(a: int, b: int) -> int:
    """A task without the database, for the forking worker of `kinerja worker`."""
    return a + b


def _redis():
    import redis

    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError as exc:
        if os.environ.get("KINERJA_REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis is required (KINERJA_REQUIRE_REDIS=1) but {REDIS_URL} answers: {exc}")
        pytest.skip(f"no Redis at {REDIS_URL} (KINERJA_REQUIRE_REDIS=1 makes this a failure)")
    return connection


@pytest.fixture
def rq_queue(settings):
    """TASKS on the RQ backend, the `default` queue on the test Redis under a prefix of this test's own."""
    from django_rq.queues import DjangoRQ, get_queue

    connection = _redis()
    prefix = f"kinerja-test-{uuid.uuid4().hex}:"
    queue_class = type("TestQueue", (DjangoRQ,), {"redis_queue_namespace_prefix": f"rq:queue:{prefix}"})
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL, "QUEUE_CLASS": queue_class, "DEFAULT_TIMEOUT": 60}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    queue = get_queue("default")
    assert queue.key == f"rq:queue:{prefix}default"
    yield queue
    job_ids = set(queue.get_job_ids())
    for registry in (queue.finished_job_registry, queue.failed_job_registry, queue.started_job_registry):
        job_ids.update(registry.get_job_ids())
    registries = [
        registry.key
        for registry in (queue.finished_job_registry, queue.failed_job_registry, queue.started_job_registry)
    ]
    for job_id in job_ids:
        connection.delete(f"rq:job:{job_id}", f"rq:results:{job_id}")
        for key in registries:
            connection.zrem(key, job_id)
    queue.delete(delete_jobs=True)
    for key in connection.scan_iter(match=f"rq:queue:{prefix}*"):
        connection.delete(key)


def _work(queue) -> None:
    """A burst worker in this process (it sees the test's transaction), with django-tasks-rq's job class."""
    from django_rq import get_worker
    from rq.worker import SimpleWorker

    worker = get_worker("default", worker_class=SimpleWorker, job_class="django_tasks_rq.Job")
    assert [q.key for q in worker.queues] == [queue.key]
    worker.work(burst=True)


def test_a_project_task_runs_on_the_redis_queue_with_its_result(world, rq_queue):
    result = tasks.close_periods.enqueue("2026-05-01")
    assert result.status == TaskResultStatus.READY
    assert rq_queue.count == 1  # waiting in Redis: nothing ran in the request
    assert not ReportingPeriod.objects.filter(state=PeriodState.CLOSED).exists()
    _work(rq_queue)
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL, result.errors
    closed = set(ReportingPeriod.objects.filter(state=PeriodState.CLOSED).values_list("pk", flat=True))
    assert closed and set(result.return_value) == closed
    assert world.period("2026-Q1").pk in closed
    assert rq_queue.count == 0


def test_an_approval_recomputes_the_scorecard_on_a_redis_worker(
    world, rq_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        approved(world, world.quarterly, "2026-Q1", "90")
    q1 = world.period("2026-Q1")
    assert rq_queue.count >= 1  # the recompute is queued, not run in the request
    assert not ScoreSnapshot.objects.filter(strategy_map=world.map, period=q1).exists()
    _work(rq_queue)
    snapshot = ScoreSnapshot.objects.filter(strategy_map=world.map, period=q1).latest("pk")
    assert Decimal(snapshot.result["kpis"][0]["index"]) == Decimal(90)


def test_a_failing_task_is_reported_failed_with_its_error(world, rq_queue):
    result = tasks.close_periods.enqueue("not a date")
    _work(rq_queue)
    result.refresh()
    assert result.status == TaskResultStatus.FAILED
    assert result.errors and result.errors[-1].exception_class_path == "builtins.ValueError"


def test_kinerja_worker_runs_the_redis_worker_in_burst(rq_queue, capsys):
    """`kinerja worker --burst` picks rqworker for the rq backend; its forked job runs the task."""
    results = [add.enqueue(2, 3), add.enqueue(40, 2)]
    call_command("worker", "--burst", verbosity=0)
    assert (
        "rqworker default --job-class django_tasks_rq.Job --with-scheduler --burst" in capsys.readouterr().out
    )
    for result in results:
        result.refresh()
    assert [(r.status, r.return_value) for r in results] == [
        (TaskResultStatus.SUCCESSFUL, 5),
        (TaskResultStatus.SUCCESSFUL, 42),
    ]
