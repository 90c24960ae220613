"""The `kinerja` console script: Django's manage.py with our settings set, plus our own commands.

`kinerja score` and `kinerja nkp` need no database and no Django set-up: they go
straight to the scoring core through `kinerja.interchange.commands`, so they run
right after `make install` and start fast. Every other command is a Django
management command (`kinerja migrate`, `kinerja demo`, `kinerja runserver`, ...).
"""

from __future__ import annotations

import os
import sys

STANDALONE = {"score", "nkp"}
# the spelling the documentation uses for a management command whose module name has an underscore
ALIASES = {"import-organisation": "import_organisation", "import-history": "import_history"}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and args[1] in ALIASES:
        args[1] = ALIASES[args[1]]
    if len(args) > 1 and args[1] in STANDALONE:
        # `kinerja score` / `kinerja nkp` start without Django (no settings, no database): imported here on purpose.
        from kinerja.interchange.commands import run_standalone

        return run_standalone(args[1], args[2:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinerja.config.settings.local")
    from django.core.management import execute_from_command_line  # after the settings module is set

    execute_from_command_line(args)
    if len(args) == 1 or args[1:] in (["help"], ["--help"], ["-h"]):
        print("\n[kinerja: no database needed]\n    nkp\n    score")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
