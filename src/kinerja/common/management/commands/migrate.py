"""Django's `migrate`, refusing first a database made by the layout before the layers (see common/apps.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.commands import migrate

from kinerja.common.apps import refuse_old_layout


class Command(migrate.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        refuse_old_layout(options.get("database") or "default")
        super().handle(*args, **options)
