"""The message catalogue of the interchange formats, in English and Indonesian.

Every problem a reader finds is a `Problem`: where it is (file or sheet, row as a
spreadsheet numbers it, column as written in the header) and what is wrong (a
message key with its parameters). The text is made only when it is shown, in the
language asked for, so the web application can show the same problems in
Indonesian that the command line prints in English.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

Lang = Literal["en", "id"]
LANGS: tuple[Lang, ...] = ("en", "id")

CATALOGUE: dict[str, dict[Lang, str]] = {
    # cells
    "not_a_number": {
        "en": '"{value}" is not a number',
        "id": '"{value}" bukan angka',
    },
    "decimal_comma": {
        "en": '"{value}" is not a number (use a decimal point)',
        "id": '"{value}" bukan angka (gunakan titik sebagai pemisah desimal)',
    },
    "misplaced_separator": {
        "en": '"{value}" is not a number (misplaced thousands or decimal separator)',
        "id": '"{value}" bukan angka (pemisah ribuan atau desimal salah tempat)',
    },
    "too_many_digits": {
        "en": "{value} has too many digits (at most {whole_digits} before the decimal point)",
        "id": "{value} memiliki terlalu banyak digit (paling banyak {whole_digits} digit sebelum tanda desimal)",
    },
    "too_many_decimals": {
        "en": "{value} has too many decimal places (at most {decimal_places})",
        "id": "{value} memiliki terlalu banyak angka desimal (paling banyak {decimal_places})",
    },
    "not_a_whole_number": {
        "en": '"{value}" is not a whole number',
        "id": '"{value}" bukan bilangan bulat',
    },
    "below_minimum": {
        "en": "{value} must be at least {minimum}",
        "id": "{value} tidak boleh kurang dari {minimum}",
    },
    "required": {
        "en": "is required",
        "id": "wajib diisi",
    },
    "not_a_keyword": {
        "en": '"{value}" is not one of {choices}',
        "id": '"{value}" bukan salah satu dari {choices}',
    },
    "not_a_period": {
        "en": '"{value}" is not a period (2026, 2026-Q2, 2026-S1 or 2026-06)',
        "id": '"{value}" bukan periode (2026, 2026-Q2, 2026-S1 atau 2026-06)',
    },
    "negative": {
        "en": "{value} must not be negative",
        "id": "{value} tidak boleh negatif",
    },
    "out_of_range": {
        "en": "{value} is outside {low}..{high}",
        "id": "{value} di luar rentang {low}..{high}",
    },
    "not_a_tier": {
        "en": '"{value}" is not 1 or 2',
        "id": '"{value}" bukan 1 atau 2',
    },
    # columns and sheets
    "missing_column": {
        "en": "missing required column {name}",
        "id": "kolom wajib {name} tidak ada",
    },
    "duplicate_column": {
        "en": "columns {first} and {second} both give {name}",
        "id": "kolom {first} dan {second} sama-sama berisi {name}",
    },
    "empty_file": {
        "en": "no header row: the file is empty",
        "id": "tidak ada baris judul: berkas kosong",
    },
    "no_rows": {
        "en": "no data rows",
        "id": "tidak ada baris data",
    },
    "missing_sheet": {
        "en": "missing sheet {sheet}",
        "id": "lembar {sheet} tidak ada",
    },
    "missing_file": {
        "en": "missing file {file}",
        "id": "berkas {file} tidak ada",
    },
    "unreadable": {
        "en": "cannot be read: {detail}",
        "id": "tidak dapat dibaca: {detail}",
    },
    # upload limits (sources.Limits): each names the limit and its setting
    "too_large": {
        "en": "the file is {size} bytes; the limit is {limit} bytes (KINERJA_IMPORT_MAX_BYTES)",
        "id": "berkas berukuran {size} bita; batasnya {limit} bita (KINERJA_IMPORT_MAX_BYTES)",
    },
    "too_large_unzipped": {
        "en": "the workbook unpacks to {size} bytes; the limit is {limit} bytes (KINERJA_IMPORT_MAX_UNZIPPED_BYTES)",
        "id": "buku kerja ini terurai menjadi {size} bita; batasnya {limit} bita (KINERJA_IMPORT_MAX_UNZIPPED_BYTES)",
    },
    "too_compressed": {
        "en": "the workbook is compressed {ratio} times; the limit is {limit} times (KINERJA_IMPORT_MAX_RATIO)",
        "id": "buku kerja ini dimampatkan {ratio} kali; batasnya {limit} kali (KINERJA_IMPORT_MAX_RATIO)",
    },
    "too_many_rows": {
        "en": "more than {limit} data rows; the limit is {limit} rows (KINERJA_IMPORT_MAX_ROWS)",
        "id": "lebih dari {limit} baris data; batasnya {limit} baris (KINERJA_IMPORT_MAX_ROWS)",
    },
    # scorecard rules
    "band_incomplete": {
        "en": "a band needs both target_low and target_high",
        "id": "rentang target memerlukan target_low dan target_high",
    },
    "target_required": {
        "en": "KPI {kpi}: a target (or a band target_low..target_high) is required",
        "id": "IKU {kpi}: target (atau rentang target_low..target_high) wajib diisi",
    },
    "band_not_stabilize": {
        "en": "KPI {kpi}: a band target_low..target_high is only for polarity stabilize",
        "id": "IKU {kpi}: rentang target_low..target_high hanya untuk polaritas stabilize",
    },
    "target_and_band": {
        "en": "KPI {kpi}: give either a target or a band, not both",
        "id": "IKU {kpi}: isi target atau rentang, tidak keduanya",
    },
    "scoring": {
        "en": "{detail}",
        "id": "{detail}",
    },
    "duplicate_kpi": {
        "en": "KPI {kpi} appears twice in {scope} (also row {other})",
        "id": "IKU {kpi} muncul dua kali pada {scope} (juga baris {other})",
    },
    "kpi_changes": {
        "en": "KPI {kpi} has {value} here but {other} on row {other_row}",
        "id": "IKU {kpi} bernilai {value} di sini tetapi {other} pada baris {other_row}",
    },
    "objective_two_perspectives": {
        "en": "objective {objective} is in perspective {value} here but {other} on row {other_row}",
        "id": "sasaran strategis {objective} berada pada perspektif {value} di sini "
        "tetapi {other} pada baris {other_row}",
    },
    "perspective_weight_differs": {
        "en": "perspective {perspective} weighs {value} here but {other} on row {other_row}",
        "id": "bobot perspektif {perspective} {value} di sini tetapi {other} pada baris {other_row}",
    },
    "perspective_weight_partial": {
        "en": "perspective {perspective} has no weight while other perspectives have one",
        "id": "perspektif {perspective} tidak berbobot padahal perspektif lain berbobot",
    },
    "perspective_weights_total": {
        "en": "perspective weights{scope} total {total} %, not 100 %",
        "id": "jumlah bobot perspektif{scope} {total} %, bukan 100 %",
    },
    "kpi_weight_partial": {
        "en": "KPI {kpi} has no weight while other KPIs of objective {objective} have one",
        "id": "IKU {kpi} tidak berbobot padahal IKU lain pada sasaran strategis {objective} berbobot",
    },
    "kpi_weights_total": {
        "en": "KPI weights of objective {objective}{scope} total {total} %, not 100 %",
        "id": "jumlah bobot IKU pada sasaran strategis {objective}{scope} {total} %, bukan 100 %",
    },
    "scope_unit_period": {
        "en": " (unit {unit}, period {period})",
        "id": " (unit {unit}, periode {period})",
    },
    "scope_unit": {
        "en": " (unit {unit})",
        "id": " (unit {unit})",
    },
    "scope_period": {
        "en": " (period {period})",
        "id": " (periode {period})",
    },
    "in_unit_period": {
        "en": "unit {unit}, period {period}",
        "id": "unit {unit}, periode {period}",
    },
    "in_unit": {
        "en": "unit {unit}",
        "id": "unit {unit}",
    },
    "in_period": {
        "en": "period {period}",
        "id": "periode {period}",
    },
    "in_file": {
        "en": "the file",
        "id": "berkas ini",
    },
    # employee workbook rules
    "required_with": {
        "en": "is required (with {other})",
        "id": "wajib diisi (bersama {other})",
    },
    "duplicate_nip": {
        "en": "NIP {nip} appears twice (also row {other})",
        "id": "NIP {nip} muncul dua kali (juga baris {other})",
    },
    "unknown_nip": {
        "en": "NIP {nip} is not in sheet pegawai",
        "id": "NIP {nip} tidak ada pada lembar pegawai",
    },
    "duplicate_iki": {
        "en": "KPI {kpi} of NIP {nip} appears twice{scope} (also row {other})",
        "id": "IKI {kpi} milik NIP {nip} muncul dua kali{scope} (juga baris {other})",
    },
    "duplicate_behaviour": {
        "en": "NIP {nip} has two behaviour rows for period {period} (also row {other})",
        "id": "NIP {nip} memiliki dua baris perilaku untuk periode {period} (juga baris {other})",
    },
    "duplicate_rating": {
        "en": "rater {rater} rates NIP {nip} twice in semester {period} (also row {other})",
        "id": "penilai {rater} menilai NIP {nip} dua kali pada semester {period} (juga baris {other})",
    },
    "iki_weights_total": {
        "en": "KPI weights of NIP {nip}{scope} total {total} %, not 100 %",
        "id": "jumlah bobot IKI milik NIP {nip}{scope} {total} %, bukan 100 %",
    },
    "iki_weight_partial": {
        "en": "KPI {kpi} of NIP {nip} has no weight while other KPIs of the employee have one",
        "id": "IKI {kpi} milik NIP {nip} tidak berbobot padahal IKI lain pegawai tersebut berbobot",
    },
    "iki_needs_input": {
        "en": "KPI {kpi}: give an index, or a polarity with a target",
        "id": "IKI {kpi}: isi capaian, atau polaritas beserta target",
    },
    "not_a_semester": {
        "en": '"{value}" is not a semester (such as 2026-S1)',
        "id": '"{value}" bukan semester (misalnya 2026-S1)',
    },
    "leadership_not_structural": {
        "en": "leadership is given for NIP {nip} but not on every rating of the employee",
        "id": "kepemimpinan diisi untuk NIP {nip} tetapi tidak pada setiap penilaian pegawai tersebut",
    },
    "rules_sheet": {
        "en": "sheet perilaku has the columns of rule set {found}, not of {rules}",
        "id": "lembar perilaku memiliki kolom aturan {found}, bukan {rules}",
    },
    "summary": {
        "en": "{count} errors; nothing scored",
        "id": "{count} kesalahan; tidak ada yang dinilai",
    },
    "summary_one": {
        "en": "1 error; nothing scored",
        "id": "1 kesalahan; tidak ada yang dinilai",
    },
    # places
    "where_row": {
        "en": "row {row}",
        "id": "baris {row}",
    },
    "where_column": {
        "en": "column {column}",
        "id": "kolom {column}",
    },
    "where_sheet": {
        "en": "sheet {sheet}",
        "id": "lembar {sheet}",
    },
    "or": {
        "en": "or",
        "id": "atau",
    },
}


def text(key: str, lang: Lang = "en", /, **params: object) -> str:
    """The message `key` in `lang` (English when the language is unknown), filled in."""
    entry = CATALOGUE[key]
    template = entry.get(lang) or entry["en"]
    return template.format(**params)


def choices(values: Iterable[str], lang: Lang = "en") -> str:
    """`a, b or c` for a list of keyword choices."""
    items = list(values)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {text('or', lang)} {items[-1]}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a file: where it is and what is wrong.

    `source` is the file name (`example.csv`), `sheet` the sheet of a workbook
    when there is one, `row` the row as a spreadsheet numbers it (the header is
    row 1), `column` the column as its header is written in the file.
    """

    source: str
    key: str
    params: Mapping[str, object] = field(default_factory=dict)
    row: int | None = None
    column: str | None = None
    sheet: str | None = None

    def where(self, lang: Lang = "en") -> str:
        parts = [self.source] if self.source else []
        if self.sheet:
            parts.append(text("where_sheet", lang, sheet=self.sheet))
        if self.row is not None:
            parts.append(text("where_row", lang, row=self.row))
        if self.column:
            parts.append(text("where_column", lang, column=self.column))
        return ", ".join(parts)

    def message(self, lang: Lang = "en") -> str:
        """Only the "what is wrong" part."""
        params = {k: (v(lang) if callable(v) else v) for k, v in self.params.items()}
        return text(self.key, lang, **params)

    def text(self, lang: Lang = "en") -> str:
        """`example.csv, row 7, column target: "8o" is not a number`."""
        where = self.where(lang)
        return f"{where}: {self.message(lang)}" if where else self.message(lang)

    def __str__(self) -> str:
        return self.text()


class InterchangeError(Exception):
    """Something stopped a file from being read or scored (the base of the errors here)."""


class InvalidFileError(InterchangeError):
    """A file broke the rules of its format; `problems` holds every one of them."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        # In row order within each file or sheet, files and sheets in the order met.
        found = list(problems)
        groups: dict[tuple[str, str], int] = {}
        for p in found:
            groups.setdefault((p.source, p.sheet or ""), len(groups))
        self.problems: list[Problem] = sorted(
            found, key=lambda p: (groups[(p.source, p.sheet or "")], p.row or 0)
        )
        super().__init__(self.text())

    def lines(self, lang: Lang = "en") -> list[str]:
        return [p.text(lang) for p in self.problems]

    def text(self, lang: Lang = "en") -> str:
        return "\n".join(self.lines(lang))
