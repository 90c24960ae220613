"""DuckDB single passes computing what `kinerja score` and `kinerja nkp` compute, for `bench_score` / `bench_nkp`.

Each query reads the same CSV file(s) as the command, computes every figure the
command prints (scorecard: each KPI's index and status, each objective's and
perspective's index, each perspective's contribution, the NKO and its predicate;
employees under `kmk-127-2026`: each KPI's index, K3, quality value and weight
share, NHK, NPK, both calibrated, NKP before adjustment, discipline, impact,
correction, result, NKO weight, NKP, work result and behaviour with their ratings,
predicate, missing KPIs and flags) and writes them to a file, rounded half-up to
2 decimals as `scoring.md` shows them.

Arithmetic is exact fixed point, not floating point: every figure is a HUGEINT
holding value × 10^24 (`S`), inputs are read as DECIMAL(18, 4) (the bench files
have at most 2 decimals) into value × 10^4, and a division keeps 24 decimals (truncated). A float
pass would put figures on the wrong side of a half cent; this one is within
10^-23 of the exact rational value.

`ties`: a figure whose exact value is a half cent (e.g. 0.7 × (100 + (717/7 − 100) × 0.75) + 0.3 ×
99.6 = 101.155 exactly, or 17.523 / 23 × 100 × 1.15 = 87.615). The pass's truncated divisions leave
such a value up to 10^-23 below the half cent, so the check (`compare_*`, reading the figures
unrounded: `rounded=False`, the same query with the last rounding left off) takes a value within
10^-18 of a half cent as that half cent (no quotient of the bench's inputs — at most 4 decimals,
denominators far below 10^15 — comes that close to a half cent without being one) and rounds it
half-up. Kinerja must show exactly that cent (its `Decimal` figures are settled before they are
shown: `scoring.explain.settle`); the ties are counted and reported. A rating or status whose
figure is within 10^-18 of its bound is accepted either way (the query does not know which side
of the bound the rule counts), and counted.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

S = 10**24  # fixed point: a value v is the HUGEINT v × S
CENT = S // 100
TIE_WINDOW = S // 10**18  # within 10^-18 of a half cent: a tie


# Prepended to the scripts the benchmarks run in a fresh process: `peak_kb()` is the high-water mark of the
# process's own memory (VmHWM), what DuckDB allocates outside Python included. Not `ru_maxrss`: on Linux a
# child started by fork or vfork keeps the parent's high-water mark through exec, so every child of a big
# parent would report the parent's size.
PEAK_KB = """
def peak_kb():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""


class BaselineMismatch(AssertionError):
    """The DuckDB pass and Kinerja disagree on a figure (beyond a half-cent tie)."""


def _num4(column: str) -> str:
    """A cell as a HUGEINT holding value × 10^4 (NULL when blank); `85%` is 85, as in interchange.md."""
    return f"(nullif(trim(replace({column}, '%', '')), '')::DECIMAL(18,4) * 10000)::HUGEINT"


def _num(column: str) -> str:
    """A cell in fixed point (value × S)."""
    return f"({_num4(column)} * {S // 10**4}::HUGEINT)"


def _i(n: int) -> str:
    return f"({n} * {S}::HUGEINT)"


def _show(rounded: bool) -> Callable[[str], str]:
    """The last step of a figure: half-up to cents (as an integer number of cents), or the raw fixed point."""

    def cents(expr: str) -> str:
        if not rounded:
            return f"({expr})"
        half, unit = S // 200, S // 100
        return (
            f"(CASE WHEN ({expr}) < 0 THEN -((-({expr}) + {half}) // {unit}) "
            f"ELSE (({expr}) + {half}) // {unit} END)"
        )

    return cents


# ---------------------------------------------------------------- scorecard (kmk-467-2014, §1-§4)


def score_query(path: Path, *, rounded: bool = True) -> str:
    """One row per figure: (level, unit, code, value, label, extra), levels kpi / objective / perspective / unit."""
    c = _show(rounded)
    return f"""
WITH rows AS (
  SELECT
    coalesce(nullif(trim(unit), ''), '') AS unit,
    lower(trim(perspective)) AS perspective,
    trim(objective_code) AS objective,
    trim(kpi_code) AS kpi,
    lower(trim(polarity)) AS polarity,
    {_num4("perspective_weight")} AS pw, {_num4("kpi_weight")} AS kw,
    {_num4("target")} AS t, {_num4("target_low")} AS lo, {_num4("target_high")} AS hi,
    {_num4("worst")} AS w, {_num4("realization")} AS r
  FROM read_csv('{path}', header = true, all_varchar = true)
),
kpis AS (
  SELECT *,
    CASE WHEN r IS NULL THEN NULL ELSE greatest(0::HUGEINT, least({_i(120)},
      CASE
        WHEN polarity = 'max' AND t > 0 THEN r * {_i(100)} // t
        WHEN polarity = 'max' THEN {_i(200)} - r * {_i(100)} // t
        WHEN polarity = 'min' AND t > 0 THEN {_i(200)} - r * {_i(100)} // t
        WHEN polarity = 'min' AND t < 0 THEN r * {_i(100)} // t
        WHEN polarity = 'min' THEN (w - r) * {_i(100)} // w
        WHEN r < coalesce(lo, t) THEN r * {_i(100)} // coalesce(lo, t)
        WHEN r > coalesce(hi, t) THEN {_i(200)} - r * {_i(100)} // coalesce(hi, t)
        ELSE {_i(100)}
      END)) END AS idx
  FROM rows
),
objectives AS (
  SELECT unit, objective, any_value(perspective) AS perspective, any_value(pw) AS pw,
    CASE WHEN count(kw) > 0
      THEN sum(kw * idx) // nullif(sum(kw) FILTER (WHERE idx IS NOT NULL), 0)
      ELSE sum(idx) // nullif(count(idx), 0) END AS idx,
    count(*) - count(idx) AS missing
  FROM kpis GROUP BY unit, objective
),
perspectives AS (
  SELECT unit, perspective, any_value(pw) AS pw,
    sum(idx) // nullif(count(idx), 0) AS idx, sum(missing) AS missing
  FROM objectives GROUP BY unit, perspective
),
shares AS (
  SELECT *, CASE WHEN count(pw) OVER (PARTITION BY unit) > 0 THEN coalesce(pw, 0) ELSE 1 END AS raw_w
  FROM perspectives
),
weighted AS (
  SELECT *, sum(CASE WHEN idx IS NULL THEN 0 ELSE raw_w END) OVER (PARTITION BY unit) AS total FROM shares
),
units AS (
  SELECT unit, sum(raw_w * idx) // nullif(any_value(total), 0) AS nko,
    sum(missing) AS missing
  FROM weighted GROUP BY unit
)
SELECT 'kpi' AS level, unit, kpi AS code, {c("idx")} AS value,
  CASE WHEN idx IS NULL THEN NULL WHEN idx >= {_i(100)} THEN 'green' WHEN idx >= {_i(80)} THEN 'yellow' ELSE 'red' END
    AS label,
  NULL::HUGEINT AS extra
FROM kpis
UNION ALL SELECT 'objective', unit, objective, {c("idx")}, perspective, NULL FROM objectives
UNION ALL SELECT 'perspective', unit, perspective, {c("idx")}, NULL,
  {c("raw_w * idx // nullif(total, 0)")} FROM weighted
UNION ALL SELECT 'unit', unit, NULL, {c("nko")},
  CASE WHEN nko IS NULL THEN NULL WHEN nko >= {_i(110)} THEN 'Sangat Baik' WHEN nko >= {_i(100)} THEN 'Baik'
       WHEN nko >= {_i(90)} THEN 'Cukup' WHEN nko >= {_i(80)} THEN 'Kurang' ELSE 'Buruk' END, missing
FROM units
"""


# ---------------------------------------------------------------- employees (kmk-127-2026, §7)


def _q_kpi() -> str:
    """Q_kpi in thousandths by validity/controllability (scoring.md §7.2; the two pairs not allowed are absent)."""
    table = {
        "exact/low": 1200,
        "exact/moderate": 1150,
        "proxy/low": 1100,
        "proxy/moderate": 1000,
        "proxy/high": 900,
        "activity/moderate": 800,
        "activity/high": 600,
    }
    return (
        "CASE validity || '/' || control "
        + " ".join(f"WHEN '{k}' THEN {v}" for k, v in table.items())
        + " END"
    )


def _clamp(x: str) -> str:
    return f"greatest(0::HUGEINT, least({_i(120)}, {x}))"


def _rating(x: str) -> str:
    return f"CASE WHEN {x} > {_i(100)} THEN 'above' WHEN {x} >= {_i(90)} THEN 'meets' ELSE 'below' END"


def _blend_weight(x: str) -> str:
    """The NKO's weight in tenths (§7.3): 5 / 3 for tier 1 / 2 when x ≥ NKO, else 1."""
    return f"CASE WHEN {x} < nko THEN 1 WHEN tier = 1 THEN 5 ELSE 3 END"


def _calibrated(x: str) -> str:
    return f"CASE WHEN {x} <= {_i(100)} THEN {x} ELSE {_i(100)} + (least({x}, {_i(120)}) - {_i(100)}) * 3 // 4 END"


def nkp_query(folder: Path, *, rounded: bool = True) -> str:
    """One row per employee, in the order of pegawai.csv, with a list of its KPIs (the shape of `kinerja nkp`)."""
    c = _show(rounded)
    values = " + ".join(
        _num(v)
        for v in ("service", "accountable", "competent", "harmonious", "loyal", "adaptive", "collaborative")
    )
    predicates = {
        "above/below": "Kurang",
        "above/meets": "Baik",
        "above/above": "Sangat Baik",
        "meets/below": "Kurang",
        "meets/meets": "Baik",
        "meets/above": "Baik",
        "below/below": "Sangat Kurang",
        "below/meets": "Butuh Perbaikan",
        "below/above": "Butuh Perbaikan",
    }
    predicate = (
        "CASE work_rating || '/' || behaviour_rating "
        + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in predicates.items())
        + " END"
    )
    return f"""
WITH peg AS (
  SELECT row_number() OVER () AS pos, trim(nip) AS nip, nullif(trim(nip_atasan), '') AS sup,
    trim(tier)::INTEGER AS tier, {_num("nko")} AS nko,
    CASE lower(trim(hukdis)) WHEN 'ringan' THEN 10 WHEN 'light' THEN 10 WHEN 'sedang' THEN 25
      WHEN 'medium' THEN 25 WHEN 'berat' THEN 40 WHEN 'severe' THEN 40 END AS rate,
    {_num4("skor_hukdis")} AS score4, coalesce({_num("koreksi")}, 0::HUGEINT) AS corr
  FROM read_csv('{folder}/pegawai.csv', header = true, all_varchar = true)
),
disc AS (
  SELECT *, CASE WHEN rate IS NULL OR score4 IS NULL THEN 0::HUGEINT
    ELSE score4 * rate * {S // 10**6}::HUGEINT END AS penalty FROM peg
),
impact AS (
  SELECT sup AS nip, least({_i(5)}, sum(penalty) * 5 // 100) AS impact FROM disc WHERE sup IS NOT NULL GROUP BY sup
),
iki AS (
  SELECT row_number() OVER () AS pos, trim(nip) AS nip, trim(kode_iki) AS code,
    CASE WHEN lower(trim(polaritas)) = 'min' THEN -1 ELSE 1 END AS sign,
    {_num4("target")} AS t, {_num4("realisasi")} AS r, {_num4("target_prev")} AS t1,
    {_num4("realization_prev")} AS r1,
    lower(trim(jenis_iku)) AS validity, lower(trim(controllability)) AS control, lower(trim(jenis)) AS kind
  FROM read_csv('{folder}/iki.csv', header = true, all_varchar = true)
),
quality AS (
  SELECT pos, nip, code,
    CASE WHEN r IS NULL THEN NULL ELSE {_clamp(f"CASE WHEN sign = 1 AND t > 0 THEN r * {_i(100)} // t WHEN sign = 1 THEN {_i(200)} - r * {_i(100)} // t WHEN t > 0 THEN {_i(200)} - r * {_i(100)} // t ELSE r * {_i(100)} // t END")} END AS idx,
    ({_q_kpi()} + CASE WHEN kind = 'new' THEN 1000
         WHEN kind <> 'existing' THEN error('the baseline knows KPI kinds existing and new only')
         WHEN sign * t < sign * t1 THEN 800
         WHEN t = t1 AND sign * r1 > sign * t1 THEN 900
         WHEN t = t1 THEN 1000
         WHEN sign * t < sign * r1 THEN 1000
         WHEN t = r1 THEN 1100
         ELSE 1200 END) // 2 AS k3,
    kind <> 'new' AND t = t1 AND r1 = t1 AS silent
  FROM iki
),
kpis AS (
  SELECT *, CASE WHEN idx IS NULL THEN NULL ELSE least({_i(120)}, idx * k3 // 1000) END AS v,
    sum(k3) FILTER (WHERE idx IS NOT NULL) OVER (PARTITION BY nip) AS den
  FROM quality
),
nhk AS (
  SELECT nip,
    least({_i(120)}, sum(v * k3) // nullif(any_value(den), 0)) AS nhk,
    list({{'code': code, 'index': {c("idx")}, 'k3': {c(f"k3 * {S // 1000}::HUGEINT")}, 'value': {c("v")},
          'weight': CASE WHEN idx IS NULL THEN NULL ELSE {c(f"k3 * {_i(100)} // den")} END}} ORDER BY pos) AS kpis,
    list(code ORDER BY pos) FILTER (WHERE idx IS NULL) AS missing,
    list('q_target_silent:' || code ORDER BY pos) FILTER (WHERE silent) AS flags
  FROM kpis GROUP BY nip
),
npk AS (
  SELECT trim(nip) AS nip, sum(({values}) // 7) // count(*) AS npk
  FROM read_csv('{folder}/perilaku.csv', header = true, all_varchar = true) GROUP BY trim(nip)
),
cal AS (
  SELECT d.pos, d.nip, d.tier, d.nko, d.penalty AS discipline, coalesce(im.impact, 0::HUGEINT) AS impact, d.corr,
    h.nhk, h.kpis, h.missing, h.flags, n.npk, {_calibrated("h.nhk")} AS nhk_cal, {_calibrated("n.npk")} AS npk_cal
  FROM disc d LEFT JOIN impact im USING (nip) LEFT JOIN nhk h USING (nip) LEFT JOIN npk n USING (nip)
),
adjusted AS (
  SELECT *, (3 * nhk_cal + npk_cal) // 4 AS before,
    {_clamp("(3 * nhk_cal + npk_cal) // 4 - discipline - impact + corr")} AS result,
    {_clamp("nhk_cal - discipline - impact + corr")} AS work_adj,
    {_clamp("npk_cal - discipline - impact + corr")} AS behaviour_adj
  FROM cal
),
blended AS (
  SELECT *, {_blend_weight("result")} AS w, {_blend_weight("work_adj")} AS ww, {_blend_weight("behaviour_adj")} AS bw FROM adjusted
),
rated AS (
  SELECT *,
    {_clamp("((10 - w) * result + w * nko) // 10")} AS nkp,
    {_clamp("((10 - ww) * work_adj + ww * nko) // 10")} AS work,
    {_clamp("((10 - bw) * behaviour_adj + bw * nko) // 10")} AS behaviour
  FROM blended
),
named AS (
  SELECT *, {_rating("work")} AS work_rating, {_rating("behaviour")} AS behaviour_rating FROM rated
)
SELECT nip, kpis, {c("nhk")} AS nhk, {c("nhk_cal")} AS nhk_calibrated, {c("npk")} AS npk,
  {c("npk_cal")} AS npk_calibrated, {c("before")} AS nkp_before, {c("discipline")} AS discipline,
  {c("impact")} AS impact, {c("corr")} AS correction, {c("result")} AS result,
  {c(f"w * {S // 10}::HUGEINT")} AS nko_weight, {c("nkp")} AS nkp,
  {{'value': {c("work")}, 'rating': work_rating}} AS work_result,
  {{'value': {c("behaviour")}, 'rating': behaviour_rating}} AS behaviour,
  {predicate} AS predicate,
  coalesce(len(missing), 0) = 0 AS complete, coalesce(missing, []) AS missing, coalesce(flags, []) AS flags
FROM named ORDER BY pos
"""


# ---------------------------------------------------------------- running and checking


def run(query: str, out: Path, fmt: str) -> None:
    """The pass: `COPY (query) TO out` in a fresh in-memory DuckDB (default settings: every core)."""
    import duckdb  # a dev dependency, imported by the benchmarks only

    with duckdb.connect() as con:
        con.execute(f"COPY ({query}) TO '{out}' (FORMAT {fmt}{', HEADER' if fmt == 'csv' else ''})")


class Checker:
    """Compares Kinerja's shown figures (Decimal, 2 decimals) with the pass's unrounded fixed-point values."""

    def __init__(self) -> None:
        self.figures = 0
        self.ties = 0

    @staticmethod
    def _cents(raw: int) -> tuple[int, bool]:
        """(the exact value's cents rounded half-up, whether the value is a half-cent tie)."""
        half, unit = S // 200, S // 100
        size = -raw if raw < 0 else raw
        tie = abs(size % unit - half) <= TIE_WINDOW
        cents = size // unit + 1 if tie else (size + half) // unit
        return (-cents if raw < 0 else cents), tie

    @staticmethod
    def near(raw: int, bound: int) -> bool:
        return abs(raw - bound) <= TIE_WINDOW

    def number(self, what: str, shown: Decimal | None, raw: int | str | None) -> None:
        self.figures += 1
        if shown is None or raw is None:
            if shown is None and raw is None:
                return
            raise BaselineMismatch(f"{what}: kinerja {shown}, duckdb {raw}")
        raw = int(raw)
        mine = int(shown * 100)
        exact, tie = self._cents(raw)
        self.ties += tie
        if mine != exact:
            kind = "a half-cent tie, " if tie else ""
            raise BaselineMismatch(
                f"{what}: kinerja {shown}, duckdb {Decimal(raw) / S} ({kind}exact cents {exact})"
            )

    def label(
        self, what: str, shown: object, theirs: object, raw: int | str | None, bounds: tuple[int, ...]
    ) -> None:
        self.figures += 1
        if shown == theirs:
            return
        if raw is not None and any(self.near(int(raw), b * S) for b in bounds):
            self.ties += 1
            return
        raise BaselineMismatch(f"{what}: kinerja {shown!r}, duckdb {theirs!r}")


def compare_score(kinerja_json: str, baseline_csv: Path) -> dict[str, int]:
    """Every figure of `kinerja score --format json` (a JSON array) against the pass's unrounded output."""
    data = json.loads(kinerja_json, parse_float=Decimal)
    if isinstance(data, dict):
        data = [data]
    theirs: dict[tuple[str, str, str], tuple[str, str, str]] = {}
    with baseline_csv.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            theirs[(row["level"], row["unit"], row["code"])] = (row["value"], row["label"], row["extra"])
    check = Checker()
    seen = 0

    def get(level: str, unit: str, code: str) -> tuple[str | None, str | None, str | None]:
        found = theirs.get((level, unit, code))
        if found is None:
            raise BaselineMismatch(f"{level} {unit} {code}: in kinerja's output, not in the baseline's")
        return tuple(v if v != "" else None for v in found)  # type: ignore[return-value]

    for u in data:
        unit = u["unit"] or ""
        value, predicate, missing = get("unit", unit, "")
        check.number(f"NKO {unit}", u["nko"], value)
        check.label(f"predicate {unit}", u["predicate"], predicate, value, (110, 100, 90, 80))
        if int(missing or 0) != len(u["missing"]) or u["complete"] != (len(u["missing"]) == 0):
            raise BaselineMismatch(f"missing KPIs of {unit}: kinerja {u['missing']}, duckdb {missing}")
        for p in u["perspectives"]:
            value, _, contribution = get("perspective", unit, p["code"])
            check.number(f"perspective {unit} {p['code']}", p["index"], value)
            check.number(f"contribution {unit} {p['code']}", p["contribution"], contribution)
        for o in u["objectives"]:
            value, perspective, _ = get("objective", unit, o["code"])
            check.number(f"objective {unit} {o['code']}", o["index"], value)
            if perspective != o["perspective"]:
                raise BaselineMismatch(
                    f"objective {unit} {o['code']}: perspective {o['perspective']} / {perspective}"
                )
        for k in u["kpis"]:
            value, status, _ = get("kpi", unit, k["code"])
            check.number(f"KPI {unit} {k['code']}", k["index"], value)
            check.label(f"status {unit} {k['code']}", k["status"], status, value, (100, 80))
        seen += 1 + len(u["perspectives"]) + len(u["objectives"]) + len(u["kpis"])
    if seen != len(theirs):
        raise BaselineMismatch(f"kinerja printed {seen} rows of figures, the baseline {len(theirs)}")
    return {"figures": check.figures, "ties": check.ties}


def _json_lines(path: Path) -> Iterator[dict[str, object]]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def compare_nkp(kinerja_json: Path, baseline_json: Path) -> dict[str, int]:
    """Every figure of `kinerja nkp --format json` against the pass's unrounded output (one object a line)."""
    with kinerja_json.open(encoding="utf-8") as f:
        data = json.load(f, parse_float=Decimal)
    theirs = {str(o["nip"]): o for o in _json_lines(baseline_json)}
    if len(theirs) != len(data):
        raise BaselineMismatch(f"kinerja scored {len(data)} employees, the baseline {len(theirs)}")
    check = Checker()
    fields = (
        "nhk",
        "nhk_calibrated",
        "npk",
        "npk_calibrated",
        "nkp_before",
        "discipline",
        "impact",
        "correction",
    )
    for e in data:
        nip = e["nip"]
        o = theirs.get(nip)
        if o is None:
            raise BaselineMismatch(f"employee {nip}: in kinerja's output, not in the baseline's")
        kpis = o["kpis"]
        assert isinstance(kpis, list)
        if [k["code"] for k in e["kpis"]] != [k["code"] for k in kpis]:
            raise BaselineMismatch(f"employee {nip}: KPIs differ")
        for mine, other in zip(e["kpis"], kpis, strict=True):
            for name in ("index", "k3", "value", "weight"):
                check.number(f"{nip} {mine['code']} {name}", mine[name], other[name])
        for name in fields:
            check.number(f"{nip} {name}", e[name], o[name])  # type: ignore[arg-type]
        check.number(f"{nip} result", e["result"], o["result"])  # type: ignore[arg-type]
        if e["nko_weight"] != Decimal(int(o["nko_weight"])) / S:  # type: ignore[call-overload]
            check.label(f"{nip} nko_weight", e["nko_weight"], o["nko_weight"], None, ())
        check.number(f"{nip} nkp", e["nkp"], o["nkp"])  # type: ignore[arg-type]
        for part in ("work_result", "behaviour"):
            mine, other = e[part], o[part]
            assert isinstance(other, dict)
            check.number(f"{nip} {part}", mine["value"], other["value"])
            check.label(f"{nip} {part} rating", mine["rating"], other["rating"], other["value"], (100, 90))
        tied = e["work_result"]["rating"] != o["work_result"]["rating"] or (  # type: ignore[index]
            e["behaviour"]["rating"] != o["behaviour"]["rating"]  # type: ignore[index]
        )
        if e["predicate"] != o["predicate"] and not tied:  # (a rating on a tie was counted above)
            raise BaselineMismatch(f"{nip} predicate: kinerja {e['predicate']}, duckdb {o['predicate']}")
        if e["missing"] != o["missing"] or e["complete"] != o["complete"]:
            raise BaselineMismatch(f"{nip} missing: kinerja {e['missing']}, duckdb {o['missing']}")
        if e.get("flags", []) != o["flags"]:
            raise BaselineMismatch(f"{nip} flags: kinerja {e.get('flags')}, duckdb {o['flags']}")
    return {"figures": check.figures, "ties": check.ties}
