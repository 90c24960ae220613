#!/usr/bin/env python
"""Django's manage.py; the installed `kinerja` console script does the same (see src/kinerja/cli.py)."""

import sys

from kinerja.cli import main

if __name__ == "__main__":
    sys.exit(main())
