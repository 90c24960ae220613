"""`kinerja demo --scale ministry|N [--seed S]`: a generated ministry at the Ministry's size (issue 16 item 1).

At `--scale ministry` (1.0): about 3,000 units over the six levels, 80,000
employees with positions and superiors, about 1,000 strategy maps with 40,000
monthly KPIs, the twelve months of the plan year with realizations in mixed
workflow states, and the score snapshots; `--scale 0.1` is a tenth of it, and so
on. Everything comes from one `random.Random` seeded with `--seed` and the
scale, and nothing depends on primary keys, so the same seed and scale on an
empty database give the same data.

Nothing is written around the product: every stage goes through its front door,
with its checks, history and bulk writes —

1. `organisation`: the generated units, positions and employees are written as an
   organisation file (`unit.csv`, `jabatan.csv`, `pegawai.csv`, interchange.md) and
   loaded with `organisations.importing.plan_import` / `apply_plan`, which makes
   everyone's account and automatic roles (`accounts_sync`);
2. `logins`: the named logins of `LOGINS` (password `kinerja-demo`) for the load test
   and the page benchmarks;
3. `plan year`: the Renstra period and plan year (`planning.services`), its reporting
   periods, and the months already past closed (`reporting.services.close_period`);
4. `maps`: per map-owning unit a draft map (`create_map`), a generated planning
   workbook (.xlsx) imported with `planning.workbook.import_map`, then `submit_map` and
   `approve_map` — a few maps stay submitted or draft;
5. `realizations (closed months)`: one realization file per batch of maps, imported
   into the closed months with `import_realizations(historical=…)` (written approved,
   with their workflow step, history and the final snapshots of those months);
6. `realizations (open months)`: draft realizations imported with
   `import_realizations`, then taken through the workflow with `bulk_submit`,
   `bulk_verify` and `bulk_approve`, so the open months hold every state;
7. `scores`: a snapshot (`recompute_period`, set-based) for every approved map and open month
   that has none yet (the task queue may have computed them already);
8. `contracts`: a contract for every employee, as the bulk creation of a year plans it for the whole
   ministry (`contracts.bulk.plan_year_contracts`): the heads of map owners carry their map's KPIs, everyone
   else two or three new IKIs of their line of work (`demo.iki`) supporting an SS of the nearest map above,
   weights totalling 100 — written by `contracts.bulk.apply_plan` (new IKIs with their trajectories included),
   then proposed, agreed and signed with `contracts.services.bulk_step` (the findings checked in bulk,
   trajectories frozen, the next person told); about 93 % signed, the rest agreed, proposed or draft;
9. `behaviour`: every employee's BerAKHLAK score by their superior for the quarters whose months are
   closed (`appraisals.behaviour.save_behaviour_scores`), a few not scored yet in the third quarter;
10. `meetings`: a performance dialogue of every approved map's unit for each of those quarters, with its
   attendance, the KPIs furthest behind on the agenda, their follow-ups in mixed states (done with evidence,
   in progress, open, dropped) and the chair's closing — the third quarter's not all closed
   (`meetings.services.record_dialogues`).

Not generated: cascades between contracts (the IKIs support SS, not a superior's KPI), realizations of the
IKIs, disciplinary sentences and corrections, NKP records, dialogue schedules, the 2025 year and the 360°
campaigns; the contracts' and dialogues' timestamps are those of the build (the normal demo backdates them).

`--scale` needs an empty database (no unit): `--reset` empties it first (`flush`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from kinerja.accounts.models import Role, RoleAssignment
from kinerja.appraisals.models import BehaviourScore
from kinerja.contracts.models import Contract, ContractKpi
from kinerja.meetings.models import Action, Meeting
from kinerja.organisations.accounts_sync import sync_accounts
from kinerja.organisations.importing import apply_plan as apply_organisation_plan
from kinerja.organisations.importing import plan_import
from kinerja.organisations.models import Employee, Unit
from kinerja.planning import services as planning_services
from kinerja.planning.models import Kpi, MapState, Objective, PeriodTarget, PlanYear, StrategyMap
from kinerja.planning.workbook import HUBUNGAN, IKU, PERSPEKTIF, SASARAN, TARGET_PERIODE, import_map
from kinerja.reporting import services as reporting_services
from kinerja.reporting.models import (
    PeriodState,
    Realization,
    RealizationState,
    ReportingPeriod,
    ScoreSnapshot,
)

from .organisation import DEMO_PASSWORD, EMAIL_DOMAIN

# ---------------------------------------------------------------- the size

MINISTRY = 1.0
DEFAULT_SEED = 16
PLAN_YEAR = 2026
RULE_SET = "kmk-127-2026"
PLAN_PERIOD_NAME = "Renstra Kementerian Keuangan 2025–2029"
PLAN_PERIOD_YEARS = (2025, 2029)
CLOSED_MONTHS = 9  # January … September closed; October … December open
PASSWORD = DEMO_PASSWORD

# the Ministry's size at scale 1.0
UNITS_AT = {"two": 140, "three_office": 850, "three_sub": 90, "four": 1500, "five": 408}
EMPLOYEES = 80_000
KPIS_PER_MAP = (30, 50)  # uniform: 40 on average, 40,000 over 1,000 maps
MAP_BATCH = 50  # maps per realization file
ANALYZE_AFTER = {0, 3, 10}  # ANALYZE after these batches of the closed months' import
REASON = "Kementerian skala (dibangkitkan dari seed)"


def parse_scale(value: str) -> float:
    """`ministry` → 1.0, else a positive fraction (at most 1)."""
    if value.strip().lower() == "ministry":
        return MINISTRY
    number = float(value)
    if not 0 < number <= 1:
        raise ValueError(value)
    return number


# ---------------------------------------------------------------- the logins


@dataclass(frozen=True)
class ScaleLogin:
    username: str
    role: str
    sees: str | Promise


LOGINS: tuple[ScaleLogin, ...] = (
    ScaleLogin("skala.admin", Role.ADMIN, gettext_lazy("Seluruh kementerian (administrator)")),
    ScaleLogin("skala.manajer", Role.MANAGER, gettext_lazy("Seluruh DJP (pengelola kinerja unit eselon I)")),
    ScaleLogin("skala.pimpinan", Role.LEADER, gettext_lazy("Satu KPP dengan peta strategi (kepala kantor)")),
    ScaleLogin("skala.pegawai", Role.EMPLOYEE, gettext_lazy("Pelaksana pada KPP yang sama")),
)
USERNAMES = tuple(login.username for login in LOGINS)


# ---------------------------------------------------------------- progress


class Progress:
    """Progress lines per stage: its name, count, rate and elapsed time (a line at most every 2 s)."""

    def __init__(self, report: Callable[[str], None], stages: int) -> None:
        self.report, self.stages = report, stages
        self.number = 0
        self.started = time.perf_counter()
        self.timings: dict[str, dict[str, float]] = {}

    def stage(self, name: str, total: int) -> _Stage:
        self.number += 1
        return _Stage(self, name, total)


class _Stage:
    def __init__(self, progress: Progress, name: str, total: int) -> None:
        self.progress, self.name, self.total = progress, name, total
        self.done = 0
        self.started = self.last = time.perf_counter()

    def __enter__(self) -> _Stage:
        self.progress.report(f"[{self.progress.number}/{self.progress.stages}] {self.name}: {self.total} …")
        return self

    def tick(self, count: int = 1) -> None:
        self.done += count
        now = time.perf_counter()
        if now - self.last >= 2:
            self.last = now
            elapsed = now - self.started
            rate = self.done / elapsed if elapsed else 0.0
            share = 100 * self.done / self.total if self.total else 100.0
            self.progress.report(
                f"    {self.name}: {self.done}/{self.total} ({share:.0f} %) {rate:.1f}/s, {elapsed:.1f} s"
            )

    def __exit__(self, *exc: object) -> None:
        if exc[0] is not None:
            return
        elapsed = time.perf_counter() - self.started
        rate = self.done / elapsed if elapsed else 0.0
        peak = peak_rss_mb()
        self.progress.timings[self.name] = {"seconds": elapsed, "count": self.done, "peak_rss_mb": peak}
        self.progress.report(
            f"[{self.progress.number}/{self.progress.stages}] {self.name}: {self.done} in {elapsed:.1f} s "
            f"({rate:.1f}/s), total {time.perf_counter() - self.progress.started:.1f} s, "
            f"peak RSS {peak:.0f} MB"
        )


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


# ---------------------------------------------------------------- generating the organisation

FIRST = (
    "Agus", "Budi", "Citra", "Dewi", "Eko", "Fajar", "Gita", "Hendra", "Indah", "Joko", "Kartika", "Lestari",
    "Made", "Nur", "Oki", "Putri", "Rahmat", "Sari", "Teguh", "Utami", "Wahyu", "Yudi", "Zainal", "Ayu",
    "Bambang", "Dian", "Fitri", "Hadi", "Ika", "Kurnia", "Lina", "Maya", "Nanda", "Rina", "Siti", "Taufik",
    "Wulan", "Yanti", "Arif", "Bayu", "Dimas", "Galih", "Ratna", "Sinta", "Tri", "Vina", "Wawan", "Yoga",
)  # fmt: skip
LAST = (
    "Pratama", "Santoso", "Wibowo", "Saputra", "Hidayat", "Nugroho", "Kusuma", "Lubis", "Siregar", "Harahap",
    "Simanjuntak", "Sitompul", "Wijaya", "Setiawan", "Gunawan", "Permana", "Rahayu", "Handayani", "Purnomo",
    "Susanto", "Nasution", "Hakim", "Ramadhan", "Firmansyah", "Kurniawan", "Putra", "Maharani", "Anggraini",
    "Pangaribuan", "Tambunan", "Manurung", "Sembiring", "Ginting", "Tarigan", "Halim", "Syahputra",
)  # fmt: skip
PLACES = (
    "Aceh", "Medan", "Padang", "Pekanbaru", "Jambi", "Palembang", "Bengkulu", "Bandar Lampung", "Pangkalpinang",
    "Batam", "Jakarta Pusat", "Jakarta Selatan", "Jakarta Barat", "Jakarta Timur", "Jakarta Utara", "Bogor",
    "Bandung", "Bekasi", "Depok", "Tangerang", "Serang", "Cirebon", "Semarang", "Surakarta", "Yogyakarta",
    "Surabaya", "Malang", "Sidoarjo", "Kediri", "Denpasar", "Mataram", "Kupang", "Pontianak", "Palangka Raya",
    "Banjarmasin", "Samarinda", "Balikpapan", "Tarakan", "Manado", "Gorontalo", "Palu", "Makassar", "Kendari",
    "Mamuju", "Ambon", "Ternate", "Jayapura", "Manokwari", "Sorong", "Merauke", "Purwokerto", "Tegal",
    "Pekalongan", "Magelang", "Madiun", "Jember", "Banyuwangi", "Probolinggo", "Tasikmalaya", "Sukabumi",
)  # fmt: skip
ONES = (  # code, name, name_en, the offices of its regional offices (None: no regional offices)
    ("DJP", "Direktorat Jenderal Pajak", "Directorate General of Taxes", ("kpp", "KPP Pratama")),
    ("DJBC", "Direktorat Jenderal Bea dan Cukai", "Directorate General of Customs and Excise",
     ("kppbc", "KPPBC TMP")),
    ("DJPB", "Direktorat Jenderal Perbendaharaan", "Directorate General of Treasury", ("kppn", "KPPN")),
    ("DJKN", "Direktorat Jenderal Kekayaan Negara", "Directorate General of State Assets", ("kpknl", "KPKNL")),
    ("SETJEN", "Sekretariat Jenderal", "Secretariat General", None),
    ("ITJEN", "Inspektorat Jenderal", "Inspectorate General", None),
    ("DJA", "Direktorat Jenderal Anggaran", "Directorate General of Budget", None),
    ("DJPK", "Direktorat Jenderal Perimbangan Keuangan", "Directorate General of Fiscal Balance", None),
    ("DJPPR", "Direktorat Jenderal Pengelolaan Pembiayaan dan Risiko",
     "Directorate General of Budget Financing and Risk Management", None),
    ("BKF", "Badan Kebijakan Fiskal", "Fiscal Policy Agency", None),
    ("BPPK", "Badan Pendidikan dan Pelatihan Keuangan", "Financial Education and Training Agency",
     ("upt", "Balai Diklat Keuangan")),
)  # fmt: skip
SECTIONS = (
    "Pelayanan", "Pengawasan", "Pemeriksaan", "Penagihan", "Umum", "Kepatuhan Internal", "Data dan Informasi",
    "Perencanaan", "Keuangan", "Sumber Daya Manusia", "Hukum", "Teknologi Informasi",
)  # fmt: skip
GRADE = {"wide": 27, "one": 21, "two": 18, "three": 15, "four": 12, "five": 9}
EMPLOYEE_WEIGHT = {
    "wide": 30,
    "one": 40,
    "two": 45,
    "three_office": 50,
    "three_sub": 20,
    "four": 14,
    "five": 8,
}


@dataclass
class GenUnit:
    code: str
    parent: str | None
    level: str
    kind: str
    owns_map: bool
    name_id: str
    name_en: str
    group: str  # the key of EMPLOYEE_WEIGHT
    one: str  # the code of its eselon-I unit ("" for the ministry)


@dataclass
class GenPerson:
    nip: str
    name: str
    position: str
    unit: str


@dataclass
class Ministry:
    units: list[GenUnit] = field(default_factory=list)
    people: list[GenPerson] = field(default_factory=list)
    maps: list[str] = field(default_factory=list)  # unit codes owning a map, top first
    map_state: dict[str, str] = field(default_factory=dict)
    leader_unit: str = ""  # the office of `skala.pimpinan`
    manager_unit: str = ""  # the eselon-I unit of `skala.manajer`


def _count(base: int, scale: float, minimum: int = 1) -> int:
    return max(minimum, round(base * scale))


def generate_ministry(scale: float, seed: int) -> Ministry:
    """The units, the people and the map owners of a ministry at `scale`, from `seed` alone."""
    rng = random.Random(f"kinerja-scale:{seed}:{scale}")
    ministry = Ministry()
    units = ministry.units
    units.append(
        GenUnit("KEMENKEU", None, "wide", "ministry", True, "Kementerian Keuangan", "Ministry of Finance",
                "wide", "")
    )  # fmt: skip
    ones = ONES[: max(1, min(len(ONES), round(len(ONES) * scale)))]
    for code, name, name_en, _office in ones:
        units.append(GenUnit(code, "KEMENKEU", "one", "echelon_1", True, name, name_en, "one", code))
    ministry.manager_unit = ones[0][0]
    # Kemenkeu-Two: directorates and (for the vertical units) regional offices, round robin over the ones
    twos: list[GenUnit] = []
    per_one: dict[str, int] = {}
    for index in range(_count(UNITS_AT["two"], scale)):
        code, name, name_en, office = ones[index % len(ones)]
        number = per_one[code] = per_one.get(code, 0) + 1
        regional = office is not None and number % 3 != 0
        place = PLACES[(number - 1) % len(PLACES)]
        if regional:
            unit = GenUnit(f"{code}-KW{number:02d}", code, "two", "regional_office", True,
                           f"Kantor Wilayah {code} {place}", f"{code} Regional Office {place}", "two", code)  # fmt: skip
        else:
            unit = GenUnit(f"{code}-DIT{number:02d}", code, "two", "directorate", True,
                           f"Direktorat {SECTIONS[number % len(SECTIONS)]} {code} {number}",
                           f"Directorate of {SECTIONS[number % len(SECTIONS)]} {code} {number}", "two", code)  # fmt: skip
        twos.append(unit)
    units.extend(twos)
    regionals = [u for u in twos if u.kind == "regional_office"] or twos
    directorates = [u for u in twos if u.kind == "directorate"] or twos
    offices_of = {code: office for code, _n, _e, office in ones}
    threes: list[GenUnit] = []
    per_parent: dict[str, int] = {}
    for index in range(_count(UNITS_AT["three_office"], scale)):
        parent = regionals[index % len(regionals)]
        office = offices_of.get(parent.one) or ("upt", "Kantor")
        number = per_parent[parent.code] = per_parent.get(parent.code, 0) + 1
        place = PLACES[(index * 7 + number) % len(PLACES)]
        threes.append(
            GenUnit(f"{parent.code}-K{number:02d}", parent.code, "three", office[0], True,
                    f"{office[1]} {place} {number}", f"{office[1]} {place} {number}", "three_office", parent.one)
        )  # fmt: skip
    for index in range(_count(UNITS_AT["three_sub"], scale, minimum=0)):
        parent = directorates[index % len(directorates)]
        number = per_parent[parent.code] = per_parent.get(parent.code, 0) + 1
        section = SECTIONS[(index + number) % len(SECTIONS)]
        threes.append(
            GenUnit(f"{parent.code}-SD{number:02d}", parent.code, "three", "subdirectorate", False,
                    f"Subdirektorat {section} {number}", f"Subdirectorate of {section} {number}", "three_sub",
                    parent.one)
        )  # fmt: skip
    units.extend(threes)
    fours: list[GenUnit] = []
    for index in range(_count(UNITS_AT["four"], scale)):
        parent = threes[index % len(threes)]
        number = per_parent[parent.code] = per_parent.get(parent.code, 0) + 1
        section = SECTIONS[(index + number) % len(SECTIONS)]
        fours.append(
            GenUnit(f"{parent.code}-S{number:02d}", parent.code, "four", "section", False,
                    f"Seksi {section} {parent.name_id}"[:255], f"{section} Section, {parent.name_en}"[:255],
                    "four", parent.one)
        )  # fmt: skip
    units.extend(fours)
    for index in range(_count(UNITS_AT["five"], scale, minimum=0)):
        parent = fours[index % len(fours)]
        number = per_parent[parent.code] = per_parent.get(parent.code, 0) + 1
        units.append(
            GenUnit(f"{parent.code}-U{number}", parent.code, "five", "other", False,
                    f"Subseksi {number} {parent.name_id}"[:255], f"Subsection {number}, {parent.name_en}"[:255],
                    "five", parent.one)
        )  # fmt: skip
    ministry.maps = [u.code for u in units if u.owns_map]
    for index, code in enumerate(ministry.maps):
        state = MapState.APPROVED
        if index % 97 == 96:
            state = MapState.DRAFT
        elif index % 53 == 52:
            state = MapState.SUBMITTED
        ministry.map_state[code] = state
    offices = [u for u in threes if u.group == "three_office"]
    leader = next(
        (
            u
            for u in offices
            if u.one == ministry.manager_unit and ministry.map_state[u.code] == MapState.APPROVED
        ),
        offices[0],
    )
    ministry.map_state[leader.code] = MapState.APPROVED
    ministry.leader_unit = leader.code
    ministry.people = _people(rng, units, _count(EMPLOYEES, scale, minimum=len(units) * 2))
    return ministry


def _nip(rng: random.Random, taken: set[str]) -> str:
    while True:
        born = dt.date(1962, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 38))
        appointed = min(born.year + rng.randint(19, 30), 2025)
        nip = (
            f"{born:%Y%m%d}{appointed:04d}{rng.randint(1, 12):02d}{rng.choice('12')}{rng.randint(1, 999):03d}"
        )
        if nip not in taken:
            taken.add(nip)
            return nip


def _people(rng: random.Random, units: Sequence[GenUnit], total: int) -> list[GenPerson]:
    """Everyone: the head of every unit, then the rest spread over the units by weight (executors and
    functionals)."""
    weights = [EMPLOYEE_WEIGHT[u.group] for u in units]
    whole = sum(weights)
    rest = total - len(units)
    shares = [rest * w // whole for w in weights]
    for index in range(rest - sum(shares)):
        shares[index % len(units)] += 1
    taken: set[str] = set()
    people: list[GenPerson] = []

    def person(position: str, unit: str) -> GenPerson:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        return GenPerson(_nip(rng, taken), name, position, unit)

    for unit, share in zip(units, shares, strict=True):
        people.append(person(f"{unit.code}-KEPALA", unit.code))
        for index in range(share):
            kind = "FUNGSIONAL" if index % 4 == 3 else "PELAKSANA"
            people.append(person(f"{unit.code}-{kind}", unit.code))
    return people


# ---------------------------------------------------------------- the organisation file


def write_organisation_file(ministry: Ministry, folder: Path) -> Path:
    """`unit.csv`, `jabatan.csv` and `pegawai.csv` of the generated ministry (interchange.md)."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "unit.csv").open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(("code", "parent_code", "level", "kind", "owns_map", "name_id", "name_en"))
        for u in ministry.units:
            out.writerow((u.code, u.parent or "", u.level, u.kind, "yes" if u.owns_map else "no", u.name_id,
                          u.name_en))  # fmt: skip
    with (folder / "jabatan.csv").open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(("code", "unit_code", "name_id", "name_en", "kind", "grade", "heads_unit"))
        for u in ministry.units:
            head = "Menteri Keuangan" if u.level == "wide" else f"Kepala {u.name_id}"
            out.writerow((f"{u.code}-KEPALA", u.code, head[:255], f"Head, {u.name_en}"[:255], "structural",
                          GRADE[u.level], "yes"))  # fmt: skip
            out.writerow((f"{u.code}-PELAKSANA", u.code, f"Pelaksana {u.name_id}"[:255],
                          f"Staff, {u.name_en}"[:255], "executor", 6, "no"))  # fmt: skip
            out.writerow((f"{u.code}-FUNGSIONAL", u.code, f"Analis Kebijakan {u.name_id}"[:255],
                          f"Policy Analyst, {u.name_en}"[:255], "functional", 10, "no"))  # fmt: skip
    with (folder / "pegawai.csv").open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(("nip", "name", "email", "position_code", "assignment", "since", "active"))
        for p in ministry.people:
            local = p.name.lower().replace(" ", ".")
            out.writerow((p.nip, p.name, f"{local}.{p.nip[-6:]}@{EMAIL_DOMAIN}", p.position, "definitive",
                          f"{PLAN_YEAR}-01-01", "yes"))  # fmt: skip
    return folder


# ---------------------------------------------------------------- the maps as planning workbooks

PERSPECTIVES = (  # code, name, name_en, weight, objective letter, share of the objectives
    ("stakeholder", "Pemangku Kepentingan", "Stakeholder", 30, "S", 0.2),
    ("customer", "Pelanggan", "Customer", 25, "C", 0.25),
    ("internal_process", "Proses Bisnis Internal", "Internal Process", 25, "P", 0.35),
    ("learning_growth", "Pembelajaran dan Pertumbuhan", "Learning and Growth", 20, "L", 0.2),
)
OBJECTIVE_WORDS = (
    "Penerimaan negara yang optimal", "Kepatuhan pengguna layanan yang tinggi", "Layanan yang prima",
    "Pengawasan yang efektif", "Proses bisnis yang efisien", "Pengelolaan risiko yang andal",
    "Data dan informasi yang berkualitas", "SDM yang kompeten", "Organisasi yang adaptif",
    "Sistem informasi yang terintegrasi", "Pengelolaan anggaran yang berkualitas", "Tata kelola yang baik",
)  # fmt: skip
KPI_WORDS = (
    ("Persentase realisasi penerimaan", "%"), ("Indeks kepuasan pengguna layanan", "indeks"),
    ("Persentase layanan tepat waktu", "%"), ("Jumlah pemeriksaan yang diselesaikan", "dokumen"),
    ("Persentase rekomendasi yang ditindaklanjuti", "%"), ("Rata-rata waktu penyelesaian layanan", "hari"),
    ("Persentase kualitas data", "%"), ("Jumlah jam pelatihan per pegawai", "jam"),
    ("Persentase penyerapan anggaran", "%"), ("Indeks kesehatan organisasi", "indeks"),
)  # fmt: skip
CENT = Decimal("0.01")


@dataclass
class GenKpi:
    code: str
    objective: str
    name: str
    uom: str
    polarity: str
    consolidation: str
    target: Decimal
    trajectory: list[Decimal]
    weight: Decimal


@dataclass
class GenMap:
    unit: str
    objectives: list[tuple[str, str, str, Decimal]]  # code, perspective, name, weight
    links: list[tuple[str, str]]
    kpis: list[GenKpi]


def _split(total: int, parts: int) -> list[Decimal]:
    """`parts` whole weights totalling `total` (the remainder on the first ones)."""
    base, extra = divmod(total, parts)
    return [Decimal(base + (1 if i < extra else 0)) for i in range(parts)]


def _kpi_values(rng: random.Random) -> tuple[str, str, Decimal, list[Decimal]]:
    """Polarity, consolidation, yearly target and the twelve monthly targets that consolidate to it."""
    kind = rng.random()
    if kind < 0.55:  # a cumulative percentage: the last month is the year's target
        target = Decimal(rng.choice((80, 85, 90, 95, 100)))
        trajectory = [(target * m / 12).quantize(CENT, ROUND_HALF_UP) for m in range(1, 13)]
        trajectory[-1] = target
        return "max", "last", target, trajectory
    if kind < 0.8:  # a count: the months add up to the year
        month = Decimal(rng.randint(5, 200))
        return "max", "sum", month * 12, [month] * 12
    target = Decimal(rng.randint(2, 10))  # a time to minimise: the average month is the year
    return "min", "average", target, [target] * 12


def generate_map(unit: str, rng: random.Random) -> GenMap:
    count = rng.randint(*KPIS_PER_MAP)
    objective_count = max(4, round(count / 3))
    objectives: list[tuple[str, str, str, Decimal]] = []
    left = objective_count
    for index, (code, _name, _en, _weight, letter, share) in enumerate(PERSPECTIVES):
        n = left if index == len(PERSPECTIVES) - 1 else max(1, round(objective_count * share))
        left -= n
        for number, weight in enumerate(_split(100, n), start=1):
            objectives.append((f"{letter}{number}", code, OBJECTIVE_WORDS[rng.randrange(len(OBJECTIVE_WORDS))],
                               weight))  # fmt: skip
    per_objective: dict[str, int] = {}
    for index in range(count):
        code = objectives[index % len(objectives)][0]
        per_objective[code] = per_objective.get(code, 0) + 1
    kpis: list[GenKpi] = []
    for code, _perspective, _name, _objective_weight in objectives:
        for number, weight in enumerate(_split(100, per_objective[code]), start=1):
            polarity, consolidation, target, trajectory = _kpi_values(rng)
            name, uom = KPI_WORDS[rng.randrange(len(KPI_WORDS))]
            if polarity == "min":
                name, uom = "Rata-rata waktu penyelesaian layanan", "hari"
            kpis.append(GenKpi(f"{code}.{number}", code, f"{name} ({code}.{number})", uom, polarity,
                               consolidation, target, trajectory, weight))  # fmt: skip
    codes = [o[0] for o in objectives]
    by_letter: dict[str, list[str]] = {}
    for c in codes:
        by_letter.setdefault(c[0], []).append(c)
    links = [(cause, effect) for lower, upper in (("L", "P"), ("P", "C"), ("C", "S"))
             for cause, effect in zip(by_letter.get(lower, []), by_letter.get(upper, []), strict=False)]  # fmt: skip
    return GenMap(unit, objectives, links, kpis)


def _headers(sheet: Any) -> list[str]:
    return [column.header for column in sheet.columns]


def workbook_bytes(gen: GenMap, owner_text: str) -> bytes:
    """The generated map as a Kinerja planning workbook (the format `import_map` reads)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(PERSPEKTIF.name)
    sheet.append(_headers(PERSPEKTIF))
    for code, name, name_en, weight, _letter, _share in PERSPECTIVES:
        sheet.append([code, name, name_en, weight])
    sheet = book.create_sheet(SASARAN.name)
    sheet.append(_headers(SASARAN))
    for code, perspective, name, objective_weight in gen.objectives:
        sheet.append([code, perspective, f"{name} ({code})", None, None, None, None, float(objective_weight)])
    sheet = book.create_sheet(HUBUNGAN.name)
    sheet.append(_headers(HUBUNGAN))
    for cause, effect in gen.links:
        sheet.append([cause, effect])
    sheet = book.create_sheet(IKU.name)
    headers = _headers(IKU)
    sheet.append(headers)
    for kpi in gen.kpis:
        row = {
            "kode_ss": kpi.objective, "kode": kpi.code, "nama": kpi.name,
            "deskripsi": f"Mengukur {kpi.name.lower()} setiap bulan.",
            "formula": "Realisasi ÷ target × 100%", "satuan": kpi.uom, "jenis": "exact", "kendali": "moderate",
            "leading_lagging": "lag", "polaritas": kpi.polarity, "konsolidasi": kpi.consolidation,
            "periode_pelaporan": "monthly", "sumber_data": "Aplikasi unit", "pihak_pengukur": "Subbagian Umum",
            "penanggung_jawab_teks": owner_text, "target_maksimal": "tidak", "mandatory": "tidak",
            "wajib_data_dukung": "tidak", "bobot": float(kpi.weight), "target": float(kpi.target),
        }  # fmt: skip
        sheet.append([row.get(h) for h in headers])
    sheet = book.create_sheet(TARGET_PERIODE.name)
    sheet.append(_headers(TARGET_PERIODE))
    for kpi in gen.kpis:
        for month, value in enumerate(kpi.trajectory, start=1):
            sheet.append([kpi.code, month, float(value)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- realizations

# the state of an open month's realization, by month: (state, share) — the rest is missing
OPEN_MIX: dict[int, tuple[tuple[str, float], ...]] = {
    10: (("approved", 0.5), ("verified", 0.2), ("submitted", 0.15), ("draft", 0.1)),
    11: (("approved", 0.2), ("verified", 0.2), ("submitted", 0.25), ("draft", 0.2)),
    12: (("submitted", 0.1), ("draft", 0.3)),
}
CLOSED_MISSING = 0.02


def _draw_state(rng: random.Random, month: int) -> str | None:
    if month <= CLOSED_MONTHS:
        return None if rng.random() < CLOSED_MISSING else "approved"
    roll, upto = rng.random(), 0.0
    for state, share in OPEN_MIX[month]:
        upto += share
        if roll < upto:
            return state
    return None


def _value(rng: random.Random, target: Decimal) -> Decimal:
    factor = Decimal(str(round(min(1.3, max(0.55, rng.gauss(1.0, 0.1))), 3)))
    return (target * factor).quantize(CENT, ROUND_HALF_UP)


@dataclass
class Planned:
    """The realizations of a batch of maps: the rows of the closed months, the open months' rows with the
    state each must reach."""

    closed: list[tuple[str, str, str, Decimal]] = field(default_factory=list)  # unit, period, kpi, value
    open: list[tuple[str, str, str, Decimal, str]] = field(default_factory=list)  # … and the state


def plan_realizations(gens: Sequence[GenMap], seed: int, scale: float) -> Planned:
    planned = Planned()
    for gen in gens:
        rng = random.Random(f"kinerja-scale-realizations:{seed}:{scale}:{gen.unit}")
        for kpi in gen.kpis:
            for month in range(1, 13):
                state = _draw_state(rng, month)
                value = _value(rng, kpi.trajectory[month - 1])
                if state is None:
                    continue
                period = f"{PLAN_YEAR}-{month:02d}"
                if month <= CLOSED_MONTHS:
                    planned.closed.append((gen.unit, period, kpi.code, value))
                else:
                    planned.open.append((gen.unit, period, kpi.code, value, state))
    return planned


def realization_file(rows: Sequence[tuple[Any, ...]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(("unit", "period", "kpi_code", "realization"))
    for row in rows:
        writer.writerow((row[0], row[1], row[2], f"{row[3]:f}"))
    return out.getvalue().encode("utf-8")


# ---------------------------------------------------------------- the build


class ScaleError(RuntimeError):
    """A front door refused the generated data (a bug of the generator), or the database is not empty."""


def database_in_use() -> bool:
    return Unit.objects.exists() or StrategyMap.objects.exists()


def reset_database() -> None:
    """Empty every table (the generated ministry, or the normal demo, with everything else)."""
    deferred = connection.vendor == "postgresql" and connection.in_atomic_block
    if deferred:  # PostgreSQL refuses to TRUNCATE a table with foreign-key checks still pending: run them now
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    if deferred:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


STAGES = 10


@dataclass
class ScaleResult:
    scale: float
    seed: int
    counts: dict[str, int]
    timings: dict[str, dict[str, float]]
    logins: list[dict[str, str]]
    seconds: float


def build_scale(
    *, scale: float, seed: int = DEFAULT_SEED, reset: bool = False, report: Callable[[str], None] = print
) -> ScaleResult:
    """Generate the ministry at `scale` from `seed` through the front doors; see the module's docstring."""
    if database_in_use():
        if not reset:
            raise ScaleError(
                _(
                    "Basis data ini sudah berisi organisasi (demo biasa atau kementerian skala lain). "
                    "Kementerian skala dibangun pada basis data kosong: tambahkan --reset untuk mengosongkan "
                    "basis data ini lebih dahulu (SEMUA datanya dihapus)."
                )
            )
        report(_("Mengosongkan basis data (--reset) …"))
        reset_database()
    started = time.perf_counter()
    progress = Progress(report, STAGES)
    ministry = generate_ministry(scale, seed)
    report(
        f"Kementerian skala {scale:g} (seed {seed}): {len(ministry.units)} unit, {len(ministry.people)} pegawai, "
        f"{len(ministry.maps)} peta"
    )
    _organisation(ministry, progress)
    logins = _logins(ministry, progress)
    plan_year = _plan_year(progress)
    gens = _maps(ministry, plan_year, seed, scale, progress)
    _closed_realizations(gens, ministry, plan_year, seed, scale, progress)
    _open_realizations(gens, ministry, plan_year, seed, scale, progress)
    _scores(plan_year, progress)
    _contracts(ministry, plan_year, seed, scale, progress)
    _behaviour(plan_year, seed, scale, progress)
    _meetings(ministry, plan_year, seed, scale, progress)
    analyze()
    counts = {
        "units": Unit.objects.count(),
        "employees": Employee.objects.count(),
        "maps": StrategyMap.objects.count(),
        "kpis": sum(len(g.kpis) for g in gens),
        "realizations": Realization.objects.count(),
        "snapshots": ScoreSnapshot.objects.count(),
        "contracts": Contract.objects.count(),
        "contract_kpis": ContractKpi.objects.count(),
        "behaviour_scores": BehaviourScore.objects.count(),
        "meetings": Meeting.objects.count(),
        "follow_ups": Action.objects.count(),
    }
    return ScaleResult(scale, seed, counts, progress.timings, logins, time.perf_counter() - started)


def analyze() -> None:
    """Refresh the planner's statistics after a big load (issue 16: on tables never analysed, the score's
    realization query turns into a scan of the year). PostgreSQL and SQLite both know `ANALYZE`."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _organisation(ministry: Ministry, progress: Progress) -> None:
    total = len(ministry.units) + 3 * len(ministry.units) + len(ministry.people)
    with progress.stage(_("organisasi (impor berkas organisasi)"), total) as stage:
        with tempfile.TemporaryDirectory(prefix="kinerja-scale-") as tmp:
            folder = write_organisation_file(ministry, Path(tmp) / "organisation")
            plan = plan_import(folder)
        if not plan.result.valid:
            raise ScaleError("; ".join(p.text("id") for p in plan.result.problems[:10]))
        apply_organisation_plan(plan, by=None)
        analyze()
        stage.tick(total)


def _logins(ministry: Ministry, progress: Progress) -> list[dict[str, str]]:
    user_model = get_user_model()
    with progress.stage(_("akun skala"), len(LOGINS)) as stage:
        password = make_password(PASSWORD)
        units = {u.code: u for u in Unit.objects.filter(code__in=["KEMENKEU", ministry.manager_unit,
                                                                    ministry.leader_unit])}  # fmt: skip
        head = Employee.objects.get(position__code=f"{ministry.leader_unit}-KEPALA")
        staff = (
            Employee.objects.filter(position__code=f"{ministry.leader_unit}-PELAKSANA")
            .order_by("nip")
            .first()
        )
        linked = {"skala.pimpinan": head, "skala.pegawai": staff}
        # the account the sync made for a linked employee (username = NIP, never used) gives way to the login
        user_model.objects.filter(employee__in=[e for e in linked.values() if e is not None]).delete()
        rows = []
        for login in LOGINS:
            employee = linked.get(login.username)
            first, _sep, last = (employee.name if employee else login.username).partition(" ")
            user = user_model.objects.create(
                username=login.username,
                password=password,
                email=f"{login.username}@{EMAIL_DOMAIN}",
                first_name=first,
                last_name=last,
                is_superuser=login.role == Role.ADMIN,
                is_staff=login.role == Role.ADMIN,
                employee=employee,
            )
            unit_code = {
                str(Role.ADMIN): "KEMENKEU",
                str(Role.MANAGER): ministry.manager_unit,
            }.get(str(login.role), ministry.leader_unit)
            if employee is None:
                RoleAssignment.objects.create(user=user, unit=units[unit_code], role=login.role)
            rows.append(
                {
                    "username": login.username,
                    "password": PASSWORD,
                    "role": str(Role(login.role).label),
                    "unit": unit_code,
                    "sees": str(login.sees) + (f"; NIP {employee.nip}" if employee else ""),
                }
            )
            stage.tick()
        # the linked logins take their automatic roles (employee, and leader of the office) from the sync
        sync_accounts(employee_ids=[e.pk for e in linked.values() if e is not None])
    return rows


def _plan_year(progress: Progress) -> PlanYear:
    with progress.stage(_("tahun rencana dan periode"), 12) as stage:
        period = planning_services.create_plan_period(
            name=PLAN_PERIOD_NAME, start_year=PLAN_PERIOD_YEARS[0], end_year=PLAN_PERIOD_YEARS[1], by=None
        )
        plan_year = planning_services.create_plan_year(
            plan_period=period, year=PLAN_YEAR, rule_set=RULE_SET, by=None
        )
        reporting_services.ensure_periods(plan_year)
        # the months already past are closed before any map is approved: nothing to snapshot yet; their
        # realizations come through the import of closed months (historical), which stores the final snapshots
        months = ReportingPeriod.objects.filter(plan_year=plan_year, frequency="monthly").order_by("start")
        for month in months[:CLOSED_MONTHS]:
            reporting_services.close_period(period=month, by=None)
        stage.tick(12)
    return plan_year


def _maps(
    ministry: Ministry, plan_year: PlanYear, seed: int, scale: float, progress: Progress
) -> list[GenMap]:
    rng = random.Random(f"kinerja-scale-maps:{seed}:{scale}")
    gens = [generate_map(code, rng) for code in ministry.maps]
    units = Unit.objects.in_bulk([g.unit for g in gens], field_name="code")
    with progress.stage(_("peta strategi (impor buku kerja perencanaan)"), len(gens)) as stage:
        for gen in gens:
            unit = units[gen.unit]
            strategy_map = planning_services.create_map(unit=unit, plan_year=plan_year, by=None)
            report = import_map(
                strategy_map=strategy_map,
                content=workbook_bytes(gen, f"Kepala {unit.name_id}"[:255]),
                by=None,
                dry_run=False,
            )
            if not report.applied:
                raise ScaleError(f"{gen.unit}: " + "; ".join(str(i) for i in report.issues[:10]))
            state = ministry.map_state[gen.unit]
            if state in (MapState.SUBMITTED, MapState.APPROVED):
                planning_services.submit_map(strategy_map=strategy_map, by=None)
            if state == MapState.APPROVED:
                planning_services.approve_map(strategy_map=strategy_map, by=None)
            stage.tick()
            if _doubled(stage.done):
                # the planning tables grow from nothing: statistics taken when they were empty make every
                # foreign-key check at commit a scan of the KPIs and targets so far (a map's commit took 1.8 s
                # at 600 maps); analysed each time they double, each map costs the same
                analyze()
        analyze()
    return gens


def _doubled(count: int) -> bool:
    """True at 8, 16, 32 … (a table growing from nothing has doubled since the last time)."""
    return count >= 8 and count & (count - 1) == 0


def _batches(gens: Sequence[GenMap], ministry: Ministry) -> Iterator[list[GenMap]]:
    approved = [g for g in gens if ministry.map_state[g.unit] == MapState.APPROVED]
    for start in range(0, len(approved), MAP_BATCH):
        yield approved[start : start + MAP_BATCH]


def _closed_realizations(
    gens: Sequence[GenMap],
    ministry: Ministry,
    plan_year: PlanYear,
    seed: int,
    scale: float,
    progress: Progress,
) -> None:
    total = sum(len(g.kpis) for g in gens if ministry.map_state[g.unit] == MapState.APPROVED) * CLOSED_MONTHS
    historical = reporting_services.Historical(REASON)
    with progress.stage(_("realisasi bulan tertutup (impor, disetujui)"), total) as stage:
        for number, batch in enumerate(_batches(gens, ministry)):
            rows = plan_realizations(batch, seed, scale).closed
            result = reporting_services.import_realizations(
                source=io.BytesIO(realization_file(rows)),
                name="realisasi-tertutup.csv",
                plan_year=plan_year,
                by=None,
                historical=historical,
            )
            if result.problems:
                raise ScaleError("; ".join(str(p) for p in result.problems[:10]))
            if number in ANALYZE_AFTER:  # the realizations table grows from nothing: tell the planner early
                analyze()
            stage.tick(sum(len(g.kpis) for g in batch) * CLOSED_MONTHS)


def _open_realizations(
    gens: Sequence[GenMap],
    ministry: Ministry,
    plan_year: PlanYear,
    seed: int,
    scale: float,
    progress: Progress,
) -> None:
    batches = list(_batches(gens, ministry))
    total = sum(len(g.kpis) for batch in batches for g in batch) * (12 - CLOSED_MONTHS)
    with progress.stage(_("realisasi bulan terbuka (impor dan alur kerja)"), total) as stage:
        for batch in batches:
            rows = plan_realizations(batch, seed, scale).open
            # one transaction per batch; each (map, month) recomputed once after it, not once per step
            with transaction.atomic(), reporting_services.recompute_once("scale"):
                result = reporting_services.import_realizations(
                    source=io.BytesIO(realization_file(rows)),
                    name="realisasi-terbuka.csv",
                    plan_year=plan_year,
                    by=None,
                )
                if result.problems:
                    raise ScaleError("; ".join(str(p) for p in result.problems[:10]))
                _steps(rows, plan_year)
            stage.tick(sum(len(g.kpis) for g in batch) * (12 - CLOSED_MONTHS))


STEP_ORDER = ("submitted", "verified", "approved")


def _steps(rows: Sequence[tuple[str, str, str, Decimal, str]], plan_year: PlanYear) -> None:
    """Take the drafts just imported to the state each row asks, through the bulk workflow steps."""
    wanted = {(unit, period, kpi): state for unit, period, kpi, _value, state in rows if state != "draft"}
    if not wanted:
        return
    drafts = (
        Realization.objects.filter(
            period__plan_year=plan_year,
            kpi__objective__map__unit__code__in={unit for unit, _p, _k in wanted},
            state=RealizationState.DRAFT,
        )
        .select_related("kpi__objective__map__unit", "kpi__objective__map__plan_year", "period")
        .order_by("pk")
    )
    reach: dict[str, list[Realization]] = {state: [] for state in STEP_ORDER}
    for realization in drafts:
        key = (realization.kpi.objective.map.unit.code, realization.period.label, realization.kpi.code)
        state = wanted.get(key)
        if state is None:
            continue
        for step in STEP_ORDER[: STEP_ORDER.index(state) + 1]:
            reach[step].append(realization)
    for step, action in zip(STEP_ORDER, ("submit", "verify", "approve"), strict=True):
        if not reach[step]:
            continue
        results = reporting_services.bulk_step(realizations=reach[step], action=action, by=None)
        refused = [r for r in results if not r.ok]
        if refused:
            raise ScaleError(f"{action}: {refused[0].message} ({len(refused)} ditolak)")


SCORE_CHUNK = 200  # maps scored together: a fixed number of queries each, bounded memory


def _scores(plan_year: PlanYear, progress: Progress) -> None:
    """A snapshot for every scored map and open month begun that has none yet (with the immediate task
    backend the imports' and steps' recomputes made them already; with a queue, they are made here)."""
    months = list(
        ReportingPeriod.objects.filter(
            plan_year=plan_year, frequency="monthly", state=PeriodState.OPEN, start__lte=dt.date.today()
        ).order_by("start")
    )
    maps = list(
        StrategyMap.objects.filter(plan_year=plan_year, state=MapState.APPROVED)
        .select_related("unit", "plan_year")
        .order_by("pk")
    )
    done = set(
        ScoreSnapshot.objects.filter(period__in=months).values_list("strategy_map_id", "period_id").distinct()
    )
    todo = [(month, [m for m in maps if (m.pk, month.pk) not in done]) for month in months]
    with progress.stage(_("nilai (snapshot)"), sum(len(chosen) for _month, chosen in todo)) as stage:
        for month, chosen in todo:
            for start in range(0, len(chosen), SCORE_CHUNK):  # set-based, a chunk of maps at a time
                part = chosen[start : start + SCORE_CHUNK]
                reporting_services.recompute_period(month, maps=part, trigger="scale")
                stage.tick(len(part))


def summary(result: ScaleResult) -> str:
    counts = ", ".join(f"{k} {v}" for k, v in result.counts.items())
    return f"{counts}; {result.seconds:.1f} s, peak RSS {peak_rss_mb():.0f} MB"


# ---------------------------------------------------------------- contracts

# the state each generated contract reaches (by a seeded draw): most signed in January, a few still on the way
CONTRACT_MIX = (("signed", 0.93), ("agreed", 0.03), ("proposed", 0.02), ("draft", 0.02))
CONTRACT_STEPS = ("propose", "agree", "sign")
CONTRACT_REACHES = {"draft": 0, "proposed": 1, "agreed": 2, "signed": 3}
IKI_PER_HOLDER = {True: 3, False: 2}  # heads of units without a map carry three IKIs, the others two


def _contract_state(rng: random.Random) -> str:
    roll, upto = rng.random(), 0.0
    for state, share in CONTRACT_MIX:
        upto += share
        if roll < upto:
            return state
    return "signed"


def _equal_weights(count: int) -> list[Decimal]:
    """`count` weights of two decimals totalling exactly 100 (the rest on the first)."""
    base = (Decimal(100) / count).quantize(CENT, rounding="ROUND_FLOOR")
    weights = [base] * count
    weights[0] += Decimal(100) - base * count
    return weights


def _iki_manual(template: Any, title: str) -> dict[str, Any]:
    from .contracts import template_manual

    description = f"{template.name_id} yang menjadi tanggung jawab {title}"[:1000]
    return {
        **template_manual(template, description=description, measured_by="Atasan langsung"),
        "owner_text": title[:255],
    }


def plan_contracts(
    ministry: Ministry, plan_year: PlanYear, seed: int, scale: float
) -> tuple[Any, dict[int, str]]:
    """The year's contracts of everyone, as the bulk creation of a new year plans them for the ministry
    (`contracts.bulk.plan_year_contracts`), completed the way a performance manager would: the map KPIs of
    the heads of map owners weighted, everybody else two or three IKIs of their line of work (`demo.iki`)
    supporting an SS of the nearest map at or above their unit. Returns the plan and the state each
    employee's contract reaches."""
    from kinerja.contracts import bulk as contract_bulk
    from kinerja.contracts.models import ContractKpiSource, KpiKind

    from . import contracts as demo_contracts
    from . import iki

    root = Unit.objects.get(code="KEMENKEU")
    plan = contract_bulk.plan_year_contracts(root, plan_year, by=None)
    parents = {u.code: u.parent for u in ministry.units}
    objectives: dict[str, list[int]] = {}
    for pk, unit_code in (
        Objective.objects.filter(map__plan_year=plan_year)
        .order_by("map__unit__code", "perspective__order", "code")
        .values_list("pk", "map__unit__code")
    ):
        objectives.setdefault(unit_code, []).append(pk)

    def map_above(code: str | None) -> list[int]:
        while code is not None and code not in objectives:
            code = parents.get(code)
        return objectives[code] if code is not None else objectives["KEMENKEU"]

    rng = random.Random(f"kinerja-scale-contracts:{seed}:{scale}")
    manuals: dict[tuple[Any, str], dict[str, Any]] = {}  # shared by the holders of a post (memory at 80,000)
    trajectories: dict[Any, list[Decimal]] = {}
    states: dict[int, str] = {}
    holders: dict[int, int] = {}  # holders of each position so far: keeps their IKI codes apart
    for planned in plan.contracts:  # in the plan's order (unit path, heads first, name): reproducible
        states[planned.employee_id] = _contract_state(rng)
        if planned.kpis:  # the head of a map owner: the whole map, equal weights, no history yet (K3: new)
            for kpi, weight in zip(planned.kpis, _equal_weights(len(planned.kpis)), strict=True):
                kpi.weight, kpi.kind = weight, KpiKind.NEW
            continue
        number = holders[planned.position_id] = holders.get(planned.position_id, 0) + 1
        templates = iki.templates_for(planned.position_title)
        head = planned.position_title.startswith("Kepala")
        count = min(IKI_PER_HOLDER[head], len(templates))
        start = rng.randrange(len(templates))
        chosen = [templates[(start + i) % len(templates)] for i in range(count)]
        choices = map_above(planned.unit_code)
        planned.kpis = [
            contract_bulk.PlannedKpi(
                source=ContractKpiSource.INDIVIDUAL,
                code=f"IKI-{number}.{i}",
                name=template.name_id,
                order=i,
                target=template.target,
                objective_id=choices[rng.randrange(len(choices))],
                weight=weight,
                kind=KpiKind.NEW,
                manual=manuals.setdefault(
                    (template, planned.position_title), _iki_manual(template, planned.position_title)
                ),
                trajectory=trajectories.setdefault(template, demo_contracts._trajectory(template)),
            )
            for i, (template, weight) in enumerate(zip(chosen, _equal_weights(count), strict=True), start=1)
        ]
        planned.warnings = []
    # the logins' own contracts are signed: the pages they open show a signed contract
    logins = Employee.objects.filter(user__username__in=USERNAMES).values_list("pk", flat=True)
    for pk in logins:
        if pk in states:
            states[pk] = "signed"
    return plan, states


def _contracts(ministry: Ministry, plan_year: PlanYear, seed: int, scale: float, progress: Progress) -> None:
    from kinerja.contracts import bulk as contract_bulk
    from kinerja.contracts import services as contract_services
    from kinerja.contracts.models import Contract

    total = Employee.objects.filter(is_active=True, position__isnull=False).count()
    with progress.stage(
        _("kontrak kinerja (pembuatan massal, ajukan, setujui, tanda tangan)"),
        total * (1 + len(CONTRACT_STEPS)),
    ) as stage:
        plan, states = plan_contracts(ministry, plan_year, seed, scale)  # the plan's time counts too
        steps = sum(CONTRACT_REACHES[state] for state in states.values())
        stage.total = len(plan.contracts) + steps
        total = len(plan.contracts)
        done = [0]

        def created(count: int, _total: int) -> None:
            stage.tick(max(0, count - done[0]))
            done[0] = max(done[0], count)

        applied = contract_bulk.apply_plan(plan, by=None, progress=created)
        if applied.contracts != total:
            raise ScaleError(f"kontrak: {applied.contracts} dibuat dari {total}")
        stage.tick(total - done[0])
        analyze()  # the contracts were written into empty tables: the steps below read them
        by_employee = dict(Contract.objects.filter(plan_year=plan_year).values_list("employee_id", "pk"))
        for level, action in enumerate(CONTRACT_STEPS, start=1):
            ids = sorted(by_employee[e] for e, state in states.items() if CONTRACT_REACHES[state] >= level)
            for start in range(0, len(ids), CONTRACT_STEP_BATCH):
                part = [Contract(pk=pk) for pk in ids[start : start + CONTRACT_STEP_BATCH]]
                results = contract_services.bulk_step(contracts=part, action=action, by=None)
                refused = [r for r in results if not r.ok]
                if refused:
                    raise ScaleError(f"{action}: {refused[0].message} ({len(refused)} ditolak)")
                stage.tick(len(part))
        analyze()


CONTRACT_STEP_BATCH = 5000


# ---------------------------------------------------------------- BerAKHLAK scores

# the quarters whose months are closed, and the share of the employees their superior has scored in each
SCORED_QUARTERS = {1: 0.99, 2: 0.98, 3: 0.9}
BEHAVIOUR_BATCH = 20_000


def plan_behaviour(plan_year: PlanYear, seed: int, scale: float) -> list[Any]:
    """The superiors' BerAKHLAK scores of their direct subordinates for the quarters already past: each
    employee a level of their own (about 92 of 120), each value drawn around it; a few not scored yet."""
    from kinerja.appraisals import behaviour
    from kinerja.appraisals.models import CORE_VALUE_FIELDS

    quarters = {
        p.number: p
        for p in behaviour.behaviour_periods(plan_year).select_related("plan_year")
        if p.number in SCORED_QUARTERS
    }
    people = {e.pk: e for e in Employee.objects.only("pk", "nip", "name", "superior_id", "unit_id")}
    rng = random.Random(f"kinerja-scale-behaviour:{seed}:{scale}")
    rows = []
    for employee in sorted(people.values(), key=lambda e: e.nip):
        if employee.superior_id is None:
            continue
        level = rng.gauss(92, 8)
        for number, share in SCORED_QUARTERS.items():
            if rng.random() >= share:
                continue
            values = {
                name: Decimal(max(60, min(120, round(rng.gauss(level, 5))))) for name in CORE_VALUE_FIELDS
            }
            rows.append(
                behaviour.BehaviourRow(employee, quarters[number], people[employee.superior_id], values)
            )
    return rows


def _behaviour(plan_year: PlanYear, seed: int, scale: float, progress: Progress) -> None:
    from kinerja.appraisals import behaviour

    rows = plan_behaviour(plan_year, seed, scale)
    with progress.stage(_("nilai perilaku BerAKHLAK (triwulan I–III)"), len(rows)) as stage:
        for start in range(0, len(rows), BEHAVIOUR_BATCH):
            part = rows[start : start + BEHAVIOUR_BATCH]
            behaviour.save_behaviour_scores(rows=part, by=None)
            stage.tick(len(part))
        analyze()


# ---------------------------------------------------------------- performance dialogues

MEETING_QUARTERS = (1, 2, 3)  # a dialogue per map owner for each quarter past, about ten days after it
MEETING_MEMBERS = 6  # the heads of the unit's first sub-units take part
RED_ITEMS = 2  # the KPIs furthest behind their target at the quarter's end are on the agenda
Q3_STILL_OPEN = 0.15  # of the third quarter's dialogues, minuted but not closed yet
# the state each quarter's follow-ups have reached: (state, share)
ACTION_MIX: dict[int, tuple[tuple[str, float], ...]] = {
    1: (("done", 0.6), ("dropped", 0.1), ("in_progress", 0.2), ("open", 0.1)),
    2: (("done", 0.35), ("dropped", 0.05), ("in_progress", 0.35), ("open", 0.25)),
    3: (("done", 0.1), ("in_progress", 0.3), ("open", 0.6)),
}
ATTENDANCE_MIX = (("present", 0.85), ("represented", 0.07), ("excused", 0.05), ("absent", 0.03))
MEETING_BATCH = 500


def _draw(rng: random.Random, mix: Sequence[tuple[str, float]]) -> str:
    roll, upto = rng.random(), 0.0
    for value, share in mix:
        upto += share
        if roll < upto:
            return value
    return mix[0][0]


def _behind(plan_year: PlanYear) -> dict[tuple[str, int], list[tuple[Decimal, int, str]]]:
    """{(map unit, month): [(achievement, KPI id, code)]} at the end of each quarter past: the approved
    realization against the month's target (inverted for a KPI to minimise). Two queries."""
    months = [3 * q for q in MEETING_QUARTERS]
    targets = {
        (kpi_id, period): target
        for kpi_id, period, target in PeriodTarget.objects.filter(
            kpi__objective__map__plan_year=plan_year, kpi__holder__isnull=True, period__in=months
        ).values_list("kpi_id", "period", "target")
    }
    found: dict[tuple[str, int], list[tuple[Decimal, int, str]]] = {}
    for kpi_id, code, polarity, unit, month, value in Realization.objects.filter(
        period__plan_year=plan_year,
        period__frequency="monthly",
        period__number__in=months,
        state=RealizationState.APPROVED,
        kpi__holder__isnull=True,
    ).values_list(
        "kpi_id", "kpi__code", "kpi__polarity", "kpi__objective__map__unit__code", "period__number", "value"
    ):
        target = targets.get((kpi_id, month))
        if not target or value is None or not value:
            continue
        ratio = target / value if polarity == "min" else value / target
        found.setdefault((unit, month), []).append((ratio, kpi_id, code))
    return found


def plan_dialogues(ministry: Ministry, plan_year: PlanYear, seed: int, scale: float) -> list[Any]:
    """The dialogues of every approved map's unit for the quarters past: chaired by the head, minuted by a
    staff member, the heads of the first sub-units taking part; on the agenda the KPIs furthest behind and a
    strategic issue; a follow-up for each KPI, owned by a participant, in the state its quarter makes likely.
    The first two quarters' dialogues are closed, most of the third's too."""
    from kinerja.appraisals import behaviour
    from kinerja.meetings import services as meeting_services
    from kinerja.meetings.models import AgendaKind

    from .meetings import EVIDENCE_PDF

    quarters = {
        p.number: p
        for p in behaviour.behaviour_periods(plan_year).select_related("plan_year")
        if p.number in MEETING_QUARTERS
    }
    owners = [code for code in ministry.maps if ministry.map_state[code] == MapState.APPROVED]
    units = Unit.objects.in_bulk(owners, field_name="code")
    children: dict[str, list[str]] = {}
    for u in ministry.units:
        if u.parent is not None:
            children.setdefault(u.parent, []).append(u.code)
    wanted = set(owners) | {c for code in owners for c in children.get(code, [])[:MEETING_MEMBERS]}
    heads: dict[str, Employee] = {}
    staff: dict[str, Employee] = {}
    for employee in (
        Employee.objects.filter(unit__code__in=wanted, position__isnull=False)
        .select_related("unit", "position")
        .order_by("nip")
    ):
        if employee.position.is_head:  # type: ignore[union-attr]
            heads[employee.unit.code] = employee
        elif employee.position.code.endswith("-PELAKSANA"):  # type: ignore[union-attr]
            staff.setdefault(employee.unit.code, employee)
    behind = _behind(plan_year)
    rng = random.Random(f"kinerja-scale-meetings:{seed}:{scale}")
    records = []
    for code in owners:
        unit = units[code]
        chair = heads[code]
        secretary = staff.get(code)
        members = [heads[c] for c in children.get(code, [])[:MEETING_MEMBERS] if c in heads]
        for number in MEETING_QUARTERS:
            period = quarters[number]
            day = period.end + dt.timedelta(days=8 + rng.randrange(5))
            while day.weekday() >= 5:
                day += dt.timedelta(days=1)
            starts_at = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
            people = [chair, *([secretary] if secretary else []), *members]
            attendance = {chair.pk: "present"}
            if secretary is not None:
                attendance[secretary.pk] = "present"
            attendance.update({m.pk: _draw(rng, ATTENDANCE_MIX) for m in members})
            worst = sorted(behind.get((code, 3 * number), []))[:RED_ITEMS]
            items = []
            for ratio, kpi_id, kpi_code in worst:
                owner = members[rng.randrange(len(members))] if members else (secretary or chair)
                state = _draw(rng, ACTION_MIX[number])
                action = meeting_services.ActionRecord(
                    description=f"Menyusun dan menjalankan langkah percepatan capaian IKU {kpi_code}",
                    owner=owner,
                    due_date=day + dt.timedelta(days=30),
                    state=state,
                    note="Langkah percepatan sedang dijalankan." if state == "in_progress" else "",
                    reason="Digantikan oleh tindak lanjut triwulan berikutnya." if state == "dropped" else "",
                    evidence=(f"bukti-{code}-{number}-{kpi_code}.pdf", EVIDENCE_PDF)
                    if state == "done"
                    else None,
                )
                items.append(
                    meeting_services.ItemRecord(
                        kind=AgendaKind.RED_KPI,
                        title=f"IKU {kpi_code} di bawah target ({ratio * 100:.0f}%)",
                        kpi=Kpi(pk=kpi_id, code=kpi_code),
                        discussion=f"Capaian IKU {kpi_code} {ratio * 100:.0f}% dari target akhir triwulan.",
                        decision="Pemilik IKU menyusun langkah percepatan dan melaporkannya pada dialog berikutnya.",
                        actions=[action],
                    )
                )
            items.append(
                meeting_services.ItemRecord(
                    kind=AgendaKind.STRATEGIC_ISSUE,
                    title="Isu strategis unit dan dukungan yang diperlukan",
                    discussion="Pembahasan kendala lintas unit dan kebutuhan dukungan kantor atasan.",
                    decision="Dicatat untuk dibahas bersama unit atasan.",
                )
            )
            close = number < 3 or rng.random() >= Q3_STILL_OPEN
            records.append(
                meeting_services.DialogueRecord(
                    unit=unit,
                    period=period,
                    starts_at=starts_at,
                    chair=chair,
                    secretary=secretary,
                    participants=people,
                    place=f"Ruang rapat {unit.name_id}"[:255],
                    attendance=attendance,
                    items=items,
                    summary="Dialog kinerja triwulan: capaian IKU, tindak lanjut dan isu strategis.",
                    close=close,
                )
            )
    return records


def _meetings(ministry: Ministry, plan_year: PlanYear, seed: int, scale: float, progress: Progress) -> None:
    from kinerja.meetings import services as meeting_services

    records = plan_dialogues(ministry, plan_year, seed, scale)
    with progress.stage(_("dialog kinerja dan tindak lanjut (triwulan I–III)"), len(records)) as stage:
        for start in range(0, len(records), MEETING_BATCH):
            part = records[start : start + MEETING_BATCH]
            meeting_services.record_dialogues(dialogues=part, by=None)
            stage.tick(len(part))
        analyze()
