"""Refresh docs/screenshots/home.png (the README's picture): the home page of the demo ministry as `admin`.

    .venv/bin/python tests/e2e/screenshot_home.py

It runs the screenshot test (a throw-away test database with `kinerja demo`'s data, Debian's
Chromium at 1280×800) and saves the picture in docs/screenshots/ instead of a temporary directory.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    os.chdir(ROOT)
    os.environ["KINERJA_SCREENSHOT_DIR"] = str(ROOT / "docs" / "screenshots")
    os.environ["KINERJA_REQUIRE_BROWSER"] = "1"  # a skipped run would silently leave the old picture
    code = pytest.main(
        [
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/e2e/test_screenshots.py::test_home_page_screenshot_as_the_demo_admin",
        ]
    )
    if code == 0:
        print(f"saved {os.environ['KINERJA_SCREENSHOT_DIR']}/home.png")
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
