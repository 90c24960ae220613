"""Background work of the organisations app (django-tasks; the database backend by default, no broker).

`run_organisation_import` (defined in `import_jobs.py`, beside the code that enqueues it) previews or
applies an organisation file of more than `KINERJA_IMPORT_BACKGROUND_ROWS` employee rows, its progress
saved on the `OrganisationImport`.
"""

from __future__ import annotations

from .import_jobs import run_organisation_import

__all__ = ["run_organisation_import"]
