"""The planning workbook's format: its sheets and their columns, in the order they are read and written.

One sheet per entity — `perspektif`, `tema`, `sasaran`, `hubungan`, `iku`,
`target_periode`, `inisiatif`, `risiko` — with Indonesian column headers in
the first row (the English field names are accepted as aliases).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import DecimalField, Model

from kinerja.planning.models import (
    ConsolidationChoice,
    ControllabilityChoice,
    Frequency,
    Initiative,
    Kpi,
    LeadLag,
    Objective,
    PeriodTarget,
    Perspective,
    PerspectiveCode,
    PolarityChoice,
    ValidityChoice,
)

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    """A column: the model field it fills (also its English alias), its Indonesian header, its type."""

    key: str
    header: str
    kind: str = "text"  # text | decimal | int | bool | date | choice | list
    required: bool = False
    choices: tuple[str, ...] = ()
    default: Any = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sheet:
    name: str
    alias: str  # the English sheet name, also accepted
    columns: tuple[Column, ...]
    model: type[Model] | None = None  # the model whose DecimalFields bound the sheet's decimal columns

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    def digits(self, column: Column) -> tuple[int, int] | None:
        """(max_digits, decimal_places) of the model field a decimal column fills, when it has one."""
        if column.kind != "decimal" or self.model is None:
            return None
        try:
            model_field = self.model._meta.get_field(column.key)
        except FieldDoesNotExist:
            return None
        if not isinstance(model_field, DecimalField):
            return None
        return int(model_field.max_digits or 0), int(model_field.decimal_places or 0)


def _values(choices: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in choices.values)


PERSPEKTIF = Sheet(
    "perspektif",
    "perspectives",
    (
        Column("code", "kode", "choice", True, _values(PerspectiveCode)),
        Column("name_id", "nama", required=True),
        Column("name_en", "nama_inggris"),
        Column("weight", "bobot", "decimal"),
    ),
    model=Perspective,
)
TEMA = Sheet(
    "tema",
    "themes",
    (
        Column("code", "kode", required=True),
        Column("name_id", "nama", required=True),
        Column("name_en", "nama_inggris"),
    ),
)
SASARAN = Sheet(
    "sasaran",
    "objectives",
    (
        Column("code", "kode", required=True),
        Column("perspective", "perspektif", "choice", True, _values(PerspectiveCode)),
        Column("name_id", "nama", required=True),
        Column("name_en", "nama_inggris"),
        Column("description", "deskripsi"),
        Column("theme", "tema"),
        Column("owner_position", "penanggung_jawab"),
        Column("weight", "bobot", "decimal"),
    ),
    model=Objective,
)
HUBUNGAN = Sheet(
    "hubungan",
    "links",
    (Column("cause", "sebab", required=True), Column("effect", "akibat", required=True)),
)
IKU = Sheet(
    "iku",
    "kpis",
    (
        Column("objective", "kode_ss", required=True),
        Column("code", "kode", required=True),
        Column("name_id", "nama", required=True),
        Column("name_en", "nama_inggris"),
        Column("description", "deskripsi"),
        Column("formula", "formula"),
        Column("unit_of_measure", "satuan"),
        Column("validity", "jenis", "choice", True, _values(ValidityChoice)),
        Column("controllability", "kendali", "choice", True, _values(ControllabilityChoice)),
        Column("lead_lag", "leading_lagging", "choice", False, _values(LeadLag), LeadLag.LAG.value),
        Column("polarity", "polaritas", "choice", True, _values(PolarityChoice)),
        Column("consolidation", "konsolidasi", "choice", True, _values(ConsolidationChoice)),
        Column("frequency", "periode_pelaporan", "choice", True, _values(Frequency)),
        Column("data_source", "sumber_data"),
        Column("measured_by", "pihak_pengukur"),
        Column("owner_position", "penanggung_jawab"),
        Column("owner_text", "penanggung_jawab_teks"),
        Column("baseline", "baseline", "decimal"),
        Column("worst", "nilai_terburuk", "decimal"),
        Column("cap_on_target", "target_maksimal", "bool", default=False),
        Column("mandatory", "mandatory", "bool", default=False),
        # ya: block a submission without evidence; tidak: warn only; blank: the global setting (rule 21)
        Column("evidence_required", "wajib_data_dukung", "bool", default=None),
        Column("weight", "bobot", "decimal"),
        Column("target", "target", "decimal"),
        Column("target_low", "target_bawah", "decimal"),
        Column("target_high", "target_atas", "decimal"),
    ),
    model=Kpi,
)
TARGET_PERIODE = Sheet(
    "target_periode",
    "period_targets",
    (
        Column("kpi", "kode_iku", required=True),
        Column("period", "periode", "int", True),
        Column("target", "target", "decimal", True),
    ),
    model=PeriodTarget,
)
INISIATIF = Sheet(
    "inisiatif",
    "initiatives",
    (
        Column("code", "kode", required=True),
        Column("name_id", "nama", required=True),
        Column("name_en", "nama_inggris"),
        Column("description", "deskripsi"),
        Column("objectives", "sasaran", "list"),
        Column("owner_position", "penanggung_jawab"),
        Column("owner_text", "penanggung_jawab_teks"),
        Column("budget", "anggaran", "decimal"),
        Column("start", "mulai", "date"),
        Column("end", "selesai", "date"),
    ),
    model=Initiative,
)
RISIKO = Sheet(
    "risiko",
    "risks",
    (
        Column("objective", "kode_ss", required=True),
        Column("code", "kode", required=True),
        Column("description", "uraian", required=True),
        Column("likelihood", "kemungkinan", "int", True),
        Column("impact", "dampak", "int", True),
        Column("mitigation", "mitigasi"),
        Column("owner_position", "pemilik", aliases=("penanggung_jawab",)),
        Column("owner_text", "pemilik_teks", aliases=("penanggung_jawab_teks",)),
    ),
)
SHEETS: tuple[Sheet, ...] = (PERSPEKTIF, TEMA, SASARAN, HUBUNGAN, IKU, TARGET_PERIODE, INISIATIF, RISIKO)
