"""What an uploaded spreadsheet may cost: the `KINERJA_IMPORT_*` settings, read in one place.

| setting | default | meaning |
| --- | --- | --- |
| `KINERJA_IMPORT_MAX_BYTES` | 20 MB | largest file an import accepts, as uploaded |
| `KINERJA_IMPORT_MAX_UNZIPPED_BYTES` | 200 MB | an .xlsx's members unpacked (read from the zip directory before openpyxl opens it) |
| `KINERJA_IMPORT_MAX_RATIO` | 100 | unpacked ÷ packed size of an .xlsx above 1 MB unpacked (a zip bomb is ~1000) |
| `KINERJA_IMPORT_MAX_ROWS` | 200,000 | data rows of a sheet, counted as they are streamed |
| `KINERJA_IMPORT_BACKGROUND_ROWS` | 5,000 | a realization import of more rows runs as a background job with its progress shown |

Every import path of the web and the API asks `limits()` and hands the result to the readers
(`kinerja.interchange.sources.Limits`); a breach is refused with a message naming the limit and
its setting. The command line (`kinerja score`, the demo) reads without limits.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from kinerja.interchange.sources import Limits

DEFAULTS: dict[str, int] = {
    "KINERJA_IMPORT_MAX_BYTES": 20 * 1024 * 1024,
    "KINERJA_IMPORT_MAX_UNZIPPED_BYTES": 200 * 1024 * 1024,
    "KINERJA_IMPORT_MAX_RATIO": 100,
    "KINERJA_IMPORT_MAX_ROWS": 200_000,
    "KINERJA_IMPORT_BACKGROUND_ROWS": 5_000,
}


def get(name: str) -> Any:
    """The setting `name`, or its default."""
    return getattr(settings, name, DEFAULTS[name])


def limits() -> Limits:
    """The limits of an uploaded file, from the settings."""
    return Limits(
        max_bytes=int(get("KINERJA_IMPORT_MAX_BYTES")),
        max_unzipped=int(get("KINERJA_IMPORT_MAX_UNZIPPED_BYTES")),
        max_ratio=int(get("KINERJA_IMPORT_MAX_RATIO")),
        max_rows=int(get("KINERJA_IMPORT_MAX_ROWS")),
    )


def background_rows() -> int:
    """Above this many rows a realization import runs as a background job."""
    return int(get("KINERJA_IMPORT_BACKGROUND_ROWS"))
