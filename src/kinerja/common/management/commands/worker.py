"""`kinerja worker`: the background worker of the configured task backend, one command for every deployment.

- the database backend (the default; KINERJA_TASK_BACKEND=database): django-tasks' `db_worker`;
- the Redis queue (KINERJA_TASK_BACKEND=rq): django-rq's `rqworker` on Kinerja's queues, with the job class
  django-tasks-rq needs and the scheduler that starts deferred tasks on time.

`--burst` runs what is queued and stops (a check after a deployment, the tests); several workers may run at
once, on one machine or many (docs/deploy.md).
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"
RQ_BACKEND = "django_tasks_rq.RQBackend"
RQ_JOB_CLASS = "django_tasks_rq.Job"


def worker_command(backend: str, queues: list[str], *, burst: bool) -> tuple[str, list[str]]:
    """The management command and arguments that run a worker for `backend` (what `kinerja worker` calls)."""
    if backend == RQ_BACKEND:
        args = [*queues, "--job-class", RQ_JOB_CLASS, "--with-scheduler"]
        return "rqworker", [*args, "--burst"] if burst else args
    if backend == DATABASE_BACKEND:
        args = ["--queue-name", ",".join(queues)]
        return "db_worker", [*args, "--batch"] if burst else args
    raise CommandError(
        _("Backend tugas %(backend)s tidak memakai worker: tugas dijalankan langsung.") % {"backend": backend}
    )


class Command(BaseCommand):
    help = _(
        "Menjalankan worker latar belakang untuk backend tugas yang dipilih (KINERJA_TASK_BACKEND): "
        "db_worker untuk basis data, rqworker untuk Redis."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--burst", action="store_true", help=_("jalankan tugas yang sudah antre, lalu berhenti")
        )

    def handle(self, *args: Any, burst: bool, **options: Any) -> None:
        config = cast(dict[str, Any], settings.TASKS)["default"]
        queues = list(config.get("QUEUES") or getattr(settings, "TASK_QUEUES", ["default"]))
        command, arguments = worker_command(config["BACKEND"], queues, burst=burst)
        self.stdout.write(
            _("Worker: %(command)s %(args)s") % {"command": command, "args": " ".join(arguments)}
        )
        call_command(command, *arguments, verbosity=options.get("verbosity", 1))
