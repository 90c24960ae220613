"""`kinerja worker`: one command starts the worker of whichever task backend is configured."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tasks import TaskResultStatus

from kinerja.common.management.commands.worker import worker_command
from kinerja.notifications.tasks import send_notification_emails


def test_the_command_for_each_backend():
    assert worker_command("django_tasks_rq.RQBackend", ["default"], burst=False) == (
        "rqworker",
        ["default", "--job-class", "django_tasks_rq.Job", "--with-scheduler"],
    )
    assert worker_command("django_tasks_db.DatabaseBackend", ["default"], burst=True) == (
        "db_worker",
        ["--queue-name", "default", "--batch"],
    )
    with pytest.raises(CommandError):
        worker_command("django_tasks.backends.immediate.ImmediateBackend", ["default"], burst=True)


@pytest.mark.django_db(transaction=True)  # db_worker closes the connections it used, as between its batches
def test_kinerja_worker_runs_the_database_queue(settings, capsys):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    result = send_notification_emails.enqueue([])
    assert result.status == TaskResultStatus.READY
    call_command("worker", "--burst", verbosity=0)
    assert "db_worker --queue-name default --batch" in capsys.readouterr().out
    result.refresh()
    assert (result.status, result.return_value) == (TaskResultStatus.SUCCESSFUL, 0)
