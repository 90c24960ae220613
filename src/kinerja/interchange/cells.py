"""Cell values of the interchange tables: numbers, keywords, periods, yes/no.

A parser takes the text of one cell and returns its value, or raises `CellError`
with a message key (see `messages.CATALOGUE`) that the reader turns into a
`Problem` naming the file, row and column. Empty cells are blanks (`None`).

This is also the one place that reads numbers people type in the application:
`parse_decimal(raw, style=NumberStyle.HUMAN, decimal_mark=...)` (see its docstring
for the separator rules); the interchange files are its `NumberStyle.FILE`
(`parse_number`, decimal point only).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from enum import StrEnum
from itertools import repeat
from operator import is_, is_not
from typing import Final, Literal

from kinerja.interchange.messages import Lang, choices, text
from kinerja.scoring import (
    Consolidation,
    Controllability,
    DisciplineCategory,
    KpiKind,
    Perspective,
    Polarity,
    RaterGroup,
    Validity,
)


class CellError(ValueError):
    """A cell that cannot be read; `key` and `params` name the message."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def message(self, lang: Lang = "en") -> str:
        """The message in `lang` (`"8o" is not a number`), without the place."""
        params = {k: (v(lang) if callable(v) else v) for k, v in self.params.items()}
        return text(self.key, lang, **params)


_SPACES = re.compile(r"[\s_\-]+")


def name_key(header: str) -> str:
    """A column name as matched: case-insensitive, spaces around ignored, `Kode IKU` = `kode_iku`."""
    return _SPACES.sub("_", header.strip().lower()).strip("_")


def keyword_key(value: str) -> str:
    """A keyword as matched: case-insensitive, `_`, `-` and runs of spaces the same."""
    return _SPACES.sub(" ", value.strip().lower()).strip()


# ---------------------------------------------------------------- numbers

_ZERO: Final = Decimal(0)


def parse_number(raw: str) -> Decimal | None:
    """`85`, ` 85.5 `, `85%`, `-3`, `1e3` → Decimal; blank → None; anything else → CellError."""
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except (InvalidOperation, TypeError):
        return _parse_number_slow(raw)
    if value.is_finite():
        return value
    raise CellError("not_a_number", value=raw.strip())


def _parse_number_slow(raw: str) -> Decimal | None:
    text = raw.strip()
    if not text:
        return None
    body = text[:-1].rstrip() if text.endswith("%") else text
    if body and "_" not in body:
        try:
            value = Decimal(body)
        except InvalidOperation:
            pass
        else:
            if value.is_finite():
                return value
    if "," in body:
        raise CellError("decimal_comma", value=text)
    raise CellError("not_a_number", value=text)


def parse_nonnegative(raw: str) -> Decimal | None:
    value = parse_number(raw)
    if value is not None and value < _ZERO:
        raise CellError("negative", value=raw.strip())
    return value


class NumberStyle(StrEnum):
    """How a number is written: the two styles of `parse_decimal`."""

    FILE = "file"
    """The interchange files (`interchange.md`): a decimal point only, no thousands separators;
    `1e3` is allowed; a decimal comma is refused with `decimal_comma`."""
    HUMAN = "human"
    """What a person types in the application, Indonesian or English: `85,5`, `1.234,5`,
    `1,234.5`, `1 234,5`; no exponent."""


DecimalMark = Literal[",", "."]
DECIMAL_MARK: Final[Mapping[Lang, DecimalMark]] = {"id": ",", "en": "."}
"""The `decimal_mark` hint for a user's language."""

# spaces that group thousands: space, no-break space, figure space, thin space, narrow no-break space
_GROUP_SPACES: Final = " \u00a0\u2007\u2009\u202f"
_HUMAN_BODY = re.compile(f"[0-9.,{_GROUP_SPACES}]+")
_HUMAN_SPLIT = re.compile(f"([.,]|[{_GROUP_SPACES}]+)")
_MINUS: Final = ("-", "\u2212")  # hyphen-minus and the minus sign


def parse_decimal(
    raw: str,
    *,
    style: NumberStyle = NumberStyle.HUMAN,
    decimal_mark: DecimalMark | None = None,
    max_digits: int | None = None,
    decimal_places: int | None = None,
    round_half_up: bool = False,
    min_value: Decimal | int | None = None,
) -> Decimal | None:
    """A number as a person or a file writes it → Decimal; blank → None; anything else → CellError.

    Both styles: spaces around are ignored, a trailing `%` (`85%`, `85 %`) is ignored,
    `NaN`/`Infinity` are refused (`not_a_number`).

    `NumberStyle.FILE` is `parse_number`: decimal point only (`85.5`, `1e3`); `85,5` is
    refused with `decimal_comma`. `decimal_mark` is ignored.

    `NumberStyle.HUMAN` reads Indonesian and English writing alike: an optional sign
    (`-`, `+`, `−`), digits, and separators `.`, `,` or spaces (also no-break and thin
    spaces); no exponent.

    - A space always groups thousands: `1 234,5` = 1234.5.
    - With both `.` and `,`, the last one is the decimal mark and appears once; the other
      groups thousands: `1.234,5` = `1,234.5` = 1234.5.
    - One of them appearing more than once groups thousands: `1.234.567` = `1,234,567` = 1234567.
    - One of them appearing once is the decimal mark (`85,5` = `85.5` = 85.5), except
      the ambiguous case: with a `decimal_mark` hint (`","` for Indonesian users, `"."`
      for English, `DECIMAL_MARK[lang]`), the *other* mark followed by exactly 3 digits
      after 1 to 3 digits not starting with 0 groups thousands. So `1.234` is 1234 with
      `decimal_mark=","` and 1.234 with `"."` or without a hint; `1,234` is 1234 with
      `decimal_mark="."` and 1.234 with `","` or without a hint. The hint decides nothing
      else: `85.5` is 85.5 and `1,234.5` is 1234.5 whatever the hint.
    - Grouped thousands are groups of exactly 3 digits after a first group of 1 to 3;
      anything else (`1,23,4.5`, `1.2.3,4,5`, `12 34`, `1..5`, `5,`) is refused with
      `misplaced_separator`. A leading decimal mark is allowed (`,5` = `.5` = 0.5).

    Limits, both styles, checked in this order:

    - `max_digits` and `decimal_places` (give both, as for a Django `DecimalField`):
      `check_digits`, which refuses a number too large (`too_many_digits`) and one with
      more decimals than `decimal_places` (`too_many_decimals`) unless `round_half_up`,
      which rounds it half-up instead.
    - `min_value`: a smaller number is refused with `negative` when `min_value` is 0,
      with `below_minimum` otherwise.
    """
    if style is NumberStyle.FILE:
        value = parse_number(raw)
    elif style is NumberStyle.HUMAN:
        value = _parse_human(raw, decimal_mark)
    else:  # pragma: no cover - a str passed for the enum
        raise ValueError(f"unknown number style {style!r}")
    if value is None:
        return None
    if max_digits is not None or decimal_places is not None:
        if max_digits is None or decimal_places is None:
            raise TypeError("parse_decimal: give both max_digits and decimal_places")
        value = _check_digits(value, max_digits, decimal_places, round_half_up, raw.strip())
    if min_value is not None and value < min_value:
        if min_value == 0:
            raise CellError("negative", value=raw.strip())
        raise CellError("below_minimum", value=raw.strip(), minimum=format_number(Decimal(min_value)))
    return value


def _parse_human(raw: str, decimal_mark: DecimalMark | None) -> Decimal | None:
    if decimal_mark not in (None, ",", "."):
        raise ValueError(f"decimal_mark must be ',', '.' or None, not {decimal_mark!r}")
    shown = raw.strip()
    if not shown:
        return None
    body = shown[:-1].rstrip() if shown.endswith("%") else shown
    sign = ""
    if body[:1] in _MINUS:
        sign, body = "-", body[1:].lstrip()
    elif body[:1] == "+":
        body = body[1:].lstrip()
    if not body or not _HUMAN_BODY.fullmatch(body):
        raise CellError("not_a_number", value=shown)  # letters, an exponent, `NaN`, `Infinity`, ...
    # digit runs and the separators between them: [run, sep, run, sep, run, ...]
    parts = _HUMAN_SPLIT.split(body)
    runs = parts[0::2]
    seps = ["." if s == "." else "," if s == "," else " " for s in parts[1::2]]
    if not seps:
        return Decimal(sign + body)
    if not any(runs):
        raise CellError("not_a_number", value=shown)  # `,`, `. .`
    if runs[0] == "" and len(seps) == 1 and seps[0] != " " and runs[1]:
        return Decimal(f"{sign}0.{runs[1]}")  # `,5`, `.5`
    if "" in runs:
        raise CellError("misplaced_separator", value=shown)  # `1..5`, `5,`, `,5.0`, `1 ,5`
    kinds = set(seps)
    last = seps[-1]
    if len(kinds) == 1:
        if last == " " or len(seps) > 1:
            point = None  # `1 234`, `1.234.567`, `1,234,567`: all group thousands
        elif decimal_mark is not None and last != decimal_mark and _is_thousands(runs):
            point = None  # `1.234` to an Indonesian user, `1,234` to an English one
        else:
            point = last  # `85,5`, `85.5`, `1.234` without a hint
    elif len(kinds) == 2 and last != " " and seps.count(last) == 1:
        point = last  # `1.234,5`, `1,234.5`, `1 234,5`
    else:
        raise CellError("misplaced_separator", value=shown)  # `1.2.3,4,5`, `1.234 567`, `1 234.567,8`
    whole = runs[:-1] if point is not None else runs
    if len(whole) > 1 and not _is_thousands(whole, leading_zero=True):
        raise CellError("misplaced_separator", value=shown)  # `1,23,4.5`, `12 34`
    digits = "".join(whole)
    if point is not None:
        digits += "." + runs[-1]
    return Decimal(sign + digits)


def _is_thousands(runs: Sequence[str], *, leading_zero: bool = False) -> bool:
    """Whether digit runs are thousands groups: 1 to 3 digits, then groups of exactly 3."""
    first = runs[0]
    return (
        0 < len(first) <= 3 and (leading_zero or first[0] != "0") and all(len(run) == 3 for run in runs[1:])
    )


def check_digits(
    value: Decimal, max_digits: int, decimal_places: int, *, round_half_up: bool = False
) -> Decimal:
    """`value` if it fits a `DecimalField(max_digits, decimal_places)`, else CellError.

    More than `max_digits - decimal_places` digits before the decimal point:
    `too_many_digits` (naming `whole_digits`, `max_digits`, `decimal_places`).
    More than `decimal_places` decimals (trailing zeros aside): `too_many_decimals`,
    or with `round_half_up` the value rounded half-up to `decimal_places` (and then
    `too_many_digits` if the rounding carried it past the limit). The value returned
    never shows more than `decimal_places` decimals (`85.5000000` → `85.500000`).
    Not finite: `not_a_number`.
    """
    return _check_digits(value, max_digits, decimal_places, round_half_up, format(value, "f"))


def _check_digits(
    value: Decimal, max_digits: int, decimal_places: int, round_half_up: bool, shown: str
) -> Decimal:
    if not 0 <= decimal_places <= max_digits or max_digits < 1:
        raise ValueError(f"bad digit limits: max_digits={max_digits}, decimal_places={decimal_places}")
    if not value.is_finite():
        raise CellError("not_a_number", value=shown)
    whole_digits = max_digits - decimal_places
    limits = {
        "value": shown,
        "max_digits": max_digits,
        "decimal_places": decimal_places,
        "whole_digits": whole_digits,
    }
    # `adjusted()` is the power of ten of the leading digit: 0 for 1..9, 11 for 12 whole digits
    if value and value.adjusted() >= whole_digits:
        raise CellError("too_many_digits", **limits)
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # finite
    if exponent >= -decimal_places:
        return value
    rounded = value.quantize(Decimal(1).scaleb(-decimal_places), ROUND_HALF_UP, Context(prec=max_digits + 1))
    if rounded != value:
        if not round_half_up:
            raise CellError("too_many_decimals", **limits)
        if rounded and rounded.adjusted() >= whole_digits:
            raise CellError("too_many_digits", **limits)  # 999.9995 to 3 decimals, 3 whole digits
    return rounded


def parse_whole_number(
    raw: str, *, style: NumberStyle = NumberStyle.HUMAN, decimal_mark: DecimalMark | None = None
) -> int | None:
    """A whole number (`3`, `3,0`, `1.000` with `decimal_mark=","`) → int; blank → None.

    Read as `parse_decimal` reads it (its refusals unchanged); a number with a fraction
    is refused with `not_a_whole_number`.
    """
    value = parse_decimal(raw, style=style, decimal_mark=decimal_mark)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise CellError("not_a_whole_number", value=raw.strip())
    return int(value)


def parse_optional_text(raw: str) -> str | None:
    """The cell's text without surrounding spaces; blank → None."""
    return raw.strip() or None


# ---------------------------------------------------------------- formulas in downloads

# What a spreadsheet reads as the start of a formula (OWASP, "CSV injection").
FORMULA_START: Final = frozenset("=+-@\t\r")


def _plain_number(text: str) -> bool:
    try:
        return Decimal(text.strip()).is_finite()
    except (InvalidOperation, ValueError):
        return False


def looks_like_formula(text: str) -> bool:
    """A text a spreadsheet would evaluate: it starts with `= + - @`, a tab or a CR, and is not a number."""
    return bool(text) and text[0] in FORMULA_START and not _plain_number(text)


def neutralise(value: object) -> object:
    """The one rule every download follows: a text that looks like a formula gets a leading `'`, so a
    spreadsheet shows it as text; numbers (`-5`) and everything else pass unchanged. The .xlsx writers keep
    such text in a text-typed cell instead (see `sources.write_xlsx_sheets`)."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def restore_neutralised(text: str) -> str:
    """`neutralise` undone when Kinerja reads its own CSV back: `'=x` → `=x` (a `'` before anything else stays)."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_START:
        return text[1:]
    return text


# ---------------------------------------------------------------- keywords


class Keywords:
    """A closed set of keyword values with their aliases (case and spacing ignored).

    `Keywords({"max": ["maximize"], ...})` maps `MAX`, ` Maximize `, ... to `max`;
    with `enum`, to the scoring core's enum member (`Polarity.MAX`, which is also `"max"`).
    """

    def __init__(self, table: Mapping[str, Iterable[str]], enum: type[StrEnum] | None = None) -> None:
        self.values: tuple[str, ...] = tuple(table)
        self._lookup: dict[str, str | None] = {"": None}
        for name, aliases in table.items():
            canonical = enum(name) if enum is not None else name
            for alias in (name, *aliases):
                key = keyword_key(alias)
                self._lookup[key] = canonical
                # the raw spellings a spreadsheet most often holds, for a lookup without normalising
                for spelling in {alias, alias.lower(), alias.upper(), alias.title(), alias.capitalize()}:
                    self._lookup.setdefault(spelling, canonical)

    def parse(self, raw: str) -> str | None:
        """The canonical value; blank → None; an unknown word → CellError."""
        try:
            return self._lookup[raw]
        except KeyError:
            pass
        key = keyword_key(raw)
        if not key:
            return None
        found = self._lookup.get(key)
        if found is None:
            raise CellError("not_a_keyword", value=raw.strip(), choices=self.describe)
        return found

    def describe(self, lang: Lang = "en") -> str:
        return choices(self.values, lang)


PERSPECTIVE = Keywords(
    {
        "stakeholder": ["pemangku kepentingan", "stakeholders"],
        "customer": ["pelanggan", "customers"],
        "internal_process": ["proses bisnis internal", "internal business process", "proses internal"],
        "learning_growth": [
            "learning and growth",
            "learning & growth",
            "pembelajaran dan pertumbuhan",
            "pembelajaran & pertumbuhan",
        ],
    },
    Perspective,
)
POLARITY = Keywords(
    {
        "max": ["maximize", "maximise", "maksimal", "maksimalisasi", "higher is better"],
        "min": ["minimize", "minimise", "minimal", "minimalisasi", "lower is better"],
        "stabilize": ["stabilise", "stabilisasi", "stabil", "stable"],
    },
    Polarity,
)
CONSOLIDATION = Keywords(
    {
        "sum": ["jumlah", "total", "sum of"],
        "average": ["avg", "mean", "rata rata", "rerata"],
        "last": ["take last known value", "last known value", "latest", "terakhir", "nilai terakhir"],
    },
    Consolidation,
)
VALIDITY = Keywords(
    {
        "exact": ["eksak", "exact kpi"],
        "proxy": ["proksi"],
        "activity": ["aktivitas", "kegiatan"],
        "project": ["proyek"],
    },
    Validity,
)
CONTROLLABILITY = Keywords(
    {
        "high": ["tinggi"],
        "moderate": ["sedang", "medium"],
        "low": ["rendah"],
    },
    Controllability,
)
KPI_KIND = Keywords(
    {
        "existing": ["lama", "existing kpi"],
        "new": ["baru", "new kpi", "new without history", "baru tanpa riwayat"],
        "new_with_history": ["new with history", "baru dengan riwayat"],
        "mandatory": ["wajib", "iku mandatory"],
    },
    KpiKind,
)
RATER_GROUP = Keywords(
    {
        "superior": ["atasan"],
        "peer": ["peers", "rekan", "rekan kerja", "sejawat"],
        "subordinate": ["subordinates", "bawahan"],
        "self": ["diri sendiri", "sendiri"],
    },
    RaterGroup,
)
DISCIPLINE = Keywords(
    {
        "light": ["ringan"],
        "medium": ["moderate", "sedang"],
        "severe": ["heavy", "berat"],
    },
    DisciplineCategory,
)
YES_NO = Keywords(
    {"yes": ["y", "ya", "true", "1", "x", "benar"], "no": ["n", "tidak", "t", "false", "0", "salah"]}
)


def parse_yes_no(raw: str, default: bool) -> bool:
    value = YES_NO.parse(raw)
    return default if value is None else value == "yes"


# ---------------------------------------------------------------- periods

_KIND_ORDER: Final = {"M": 0, "Q": 1, "S": 2, "Y": 3}


@dataclass(frozen=True, slots=True)
class Period:
    """A reporting period: a year (`2026`), semester (`2026-S1`), quarter (`2026-Q2`) or month (`2026-06`).

    Periods sort by the month they end, shorter ones first; the score *as of*
    a period takes the periods of the same year that end no later than it.
    """

    year: int
    kind: str  # "Y", "S", "Q" or "M"
    number: int  # 1 for a year; the semester, quarter or month number otherwise

    @property
    def first_month(self) -> int:
        return self.last_month - {"Y": 12, "S": 6, "Q": 3, "M": 1}[self.kind] + 1

    @property
    def last_month(self) -> int:
        return {"Y": 12, "S": 6 * self.number, "Q": 3 * self.number, "M": self.number}[self.kind]

    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.last_month, _KIND_ORDER[self.kind])

    def __lt__(self, other: Period) -> bool:
        return self.sort_key() < other.sort_key()

    def includes(self, other: Period) -> bool:
        """Whether `other` counts towards the score as of this period (same year, ended by then)."""
        return other.year == self.year and other.last_month <= self.last_month

    def __str__(self) -> str:
        if self.kind == "Y":
            return f"{self.year:04d}"
        if self.kind == "M":
            return f"{self.year:04d}-{self.number:02d}"
        return f"{self.year:04d}-{self.kind}{self.number}"


_PERIOD = re.compile(
    r"""^\s*(?P<year>\d{4})
        (?:\s*[-/_.\s]\s*
           (?:(?P<kind>[QqSs])\s*(?P<n>\d{1,2})
             |(?P<month>\d{1,2})(?:[-/]01)?))?\s*$""",
    re.VERBOSE,
)
_PERIOD_CACHE: dict[str, Period] = {}


def parse_period(raw: str) -> Period | None:
    """`2026`, `2026-Q2`, `2026-S1`, `2026-06` (and `2026-06-01`, as Excel turns a typed month into a date)."""
    found = _PERIOD_CACHE.get(raw)
    if found is not None:
        return found
    if not raw.strip():
        return None
    match = _PERIOD.match(raw)
    if match is None:
        raise CellError("not_a_period", value=raw.strip())
    year = int(match["year"])
    if match["kind"]:
        kind, number = match["kind"].upper(), int(match["n"])
        if not 1 <= number <= (4 if kind == "Q" else 2):
            raise CellError("not_a_period", value=raw.strip())
    elif match["month"]:
        kind, number = "M", int(match["month"])
        if not 1 <= number <= 12:
            raise CellError("not_a_period", value=raw.strip())
    else:
        kind, number = "Y", 1
    period = Period(year, kind, number)
    if len(_PERIOD_CACHE) < 4096:
        _PERIOD_CACHE[raw] = period
    return period


def format_number(value: Decimal | None) -> str:
    """A number as written back to a table: plain notation, no exponent, no trailing zeros."""
    if value is None:
        return ""
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_cell(value: object) -> str:
    """A value as written to a cell: None blank, a number by `format_number`, anything else its text."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format_number(value)
    return str(value)


def shown_value(value: object) -> str:
    """A value as a problem message names it: `blank` for None, `yes`/`no` for a flag."""
    if value is None:
        return "blank"
    if isinstance(value, Decimal):
        return format_number(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


# ---------------------------------------------------------------- whole columns at once
#
# Each takes the cells of one column and returns their values, or raises (anything)
# when some cell needs the cell-by-cell parser, which then names each bad cell.

_is_finite = Decimal.is_finite
_NONE = repeat(None)


def has_none(values: Iterable[object]) -> bool:
    """`None in values`, by identity and in C. `in` calls each value's `__eq__`, and a Decimal's, given
    None, asks the `numbers` ABCs what None is: a microsecond a value, a second for a big file's columns."""
    return not all(map(is_not, values, _NONE))


def count_none(values: Iterable[object]) -> int:
    """`values.count(None)`, by identity and in C (see `has_none`)."""
    return sum(map(is_, values, _NONE))


def text_column(cells: Sequence[str]) -> list[str]:
    # codes and NIPs repeat down a column: keep one string of each (names, each its own, are kept as
    # they are: a sample tells which)
    stripped = list(map(str.strip, cells))
    sample = stripped[:1000]
    if len(set(sample)) * 10 >= len(sample) * 9:
        return stripped
    shared: dict[str, str] = {}
    return list(map(shared.setdefault, stripped, stripped))


def optional_text_column(cells: Sequence[str]) -> list[str | None]:
    # units repeat down a column: one string of each (a set of (unit, code) pairs then hashes and
    # compares the same object, twice as fast as 100 000 equal strings)
    shared: dict[str, str] = {}
    return [shared.setdefault(value, value) if value else None for value in map(str.strip, cells)]


def number_column(cells: Sequence[str]) -> list[Decimal | None]:
    return _numbers(cells)[0]


def nonnegative_column(cells: Sequence[str]) -> list[Decimal | None]:
    values, distinct = _numbers(cells)
    # Decimal(0) is false and not negative: `filter` may leave it out of the test
    if min(filter(None, distinct), default=_ZERO) < _ZERO:
        raise ValueError("negative")
    return values


def _numbers(cells: Sequence[str]) -> tuple[list[Decimal | None], Iterable[Decimal | None]]:
    """The values of a column of numbers, and an iterable holding each distinct value (some twice)."""
    sample = cells[:1000]  # both ways give the same values: a sample chooses the faster
    if len(set(sample)) * 10 < len(sample) * 9:
        # repeated values (blanks, round targets): parse each once, share the Decimal (immutable)
        parsed = {raw: parse_number(raw) for raw in set(cells)}
        return list(map(parsed.__getitem__, cells)), parsed.values()
    texts: Sequence[str] = cells
    joined = "".join(cells)
    if "%" in joined:
        # `85%` is 85 (`parse_number`): drop the sign in C rather than fail over to the per-cell
        # parser; that parser refuses `_` in such a cell, so a column with both goes to it whole
        if "_" in joined:
            raise ValueError("digit separators beside percent signs")
        texts = list(map(str.removesuffix, cells, repeat("%")))
    # with blanks (not reported): None, the others in one pass; else all in C
    values: list[Decimal | None] = (
        [Decimal(text) if text else None for text in texts] if "" in cells else list(map(Decimal, texts))
    )
    # Decimal(0) is false and finite: `filter` may leave it out of the test
    if not all(map(_is_finite, filter(None, values))):
        raise ValueError("not a finite number")
    return values, values


def keyword_column(keywords: Keywords, default: object = None) -> Callable[[Sequence[str]], list[object]]:
    lookup = keywords._lookup.__getitem__

    def parse(cells: Sequence[str]) -> list[object]:
        try:
            values: list[object] = list(map(lookup, cells))  # the usual spellings: all in C
        except KeyError:
            values = list(map(keywords.parse, cells))
        if default is not None and None in values:
            values = [default if v is None else v for v in values]
        return values

    return parse


def period_column(cells: Sequence[str]) -> list[Period | None]:
    return list(map(parse_period, cells))


def yes_no_column(default: bool) -> Callable[[Sequence[str]], list[bool]]:
    lookup = YES_NO._lookup.__getitem__

    def parse(cells: Sequence[str]) -> list[bool]:
        try:
            found: list[str | None] = list(map(lookup, cells))
        except KeyError:
            found = list(map(YES_NO.parse, cells))
        return [default if v is None else v == "yes" for v in found]

    return parse
