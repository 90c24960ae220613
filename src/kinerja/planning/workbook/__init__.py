"""A unit's strategy map and KPI manuals as an Excel workbook (openpyxl): export, and import with a dry run.

One sheet per entity — `perspektif`, `tema`, `sasaran`, `hubungan`, `iku`,
`target_periode`, `inisiatif`, `risiko` — with Indonesian column headers in
the first row (the English field names are accepted as aliases). Export then
import round-trips: rows are matched by their codes, existing objects are
updated, new ones created; nothing is deleted (a row missing from the file
leaves its object alone).

One module per purpose; this package re-exports the public names, so callers keep
`from kinerja.planning import workbook` / `workbook.import_map(...)`:

- `layout`: the sheets and their columns (`SHEETS`, `IKU`, ...), `CONTENT_TYPE`, `MAX_BYTES`;
- `reading`: typed rows from the file with the shared cell parsers, `Issue`, `ImportReport`;
- `importing`: `import_map`, applying the rows through the services, all or nothing;
- `exporting`: `export_map`, writing a map's workbook.
"""

from .exporting import export_map
from .importing import import_map
from .layout import (
    CONTENT_TYPE,
    HUBUNGAN,
    IKU,
    INISIATIF,
    MAX_BYTES,
    PERSPEKTIF,
    RISIKO,
    SASARAN,
    SHEETS,
    TARGET_PERIODE,
    TEMA,
    Column,
    Sheet,
)
from .reading import ImportReport, Issue, Row, read_workbook

__all__ = [
    "CONTENT_TYPE",
    "HUBUNGAN",
    "IKU",
    "INISIATIF",
    "MAX_BYTES",
    "PERSPEKTIF",
    "RISIKO",
    "SASARAN",
    "SHEETS",
    "TARGET_PERIODE",
    "TEMA",
    "Column",
    "ImportReport",
    "Issue",
    "Row",
    "Sheet",
    "export_map",
    "import_map",
    "read_workbook",
]
