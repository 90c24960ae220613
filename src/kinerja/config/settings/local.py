"""Settings of `make run` and of `kinerja` without DJANGO_SETTINGS_MODULE: one machine, no worker.

- Debug pages are off, as a user sees the product: out-of-scope links and crashes show Kinerja's own
  403/404/500 pages in the user's language. A developer asks for Django's debug pages with `DEBUG=1`
  (`make dev`).
- Background work runs at once (django-tasks' ImmediateBackend) after the transaction commits: an
  approved realization recomputes its scorecard before the page answers, with no worker to start.
  Production queues it in the database for `kinerja db_worker` (see docs/decisions/0006-tasks-locally.md).
"""

from .base import *  # noqa: F403
from .env import env_bool

DEBUG = env_bool("DEBUG", False)
STORAGES = {  # no manifest needed while developing
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # static files straight from the apps, no collectstatic, debug or not
WHITENOISE_AUTOREFRESH = True
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
