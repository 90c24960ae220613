"""The demo ministry: real Kemenkeu units, their sections, positions, about 200 employees and demo logins.

The first steps of `kinerja demo` (`STEPS` here; the whole order is declared in
`kinerja.demo.build`). A step builds its part idempotently (keyed by unit code,
position code, NIP, username: running it again creates nothing new and saves
only what differs) and knows how to clear it for `kinerja demo --reset`, which
clears the steps in reverse order and builds again. The strategy maps
(`kinerja.demo.planning`) and the realizations (`kinerja.demo.reporting`) come
after the organisation built here.

This module defines the organisation (`unit_rows`, `position_specs`, `people`,
`MOVES`); it does not write it itself. The organisation step writes it as an
organisation file (`kinerja.demo.orgfile`) and loads that through
`kinerja import-organisation` (`kinerja.organisations.importing`), the way a
ministry brings its own from its HR system: the import is exercised on every
demo load, and a second load finds nothing to change.

Everything is deterministic: people come from fixed lists of names and a
random generator seeded per position slot, never from Faker (a dev dependency).
The units are the real ones listed in `data/kemenkeu-units.csv` (copied from the
project's shared data) plus realistic directorates, divisions and sections in
`data/demo-units.csv`.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.core.management.base import CommandError
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from kinerja.accounts.models import Role, RoleAssignment
from kinerja.interchange.messages import Lang
from kinerja.organisations.importing import Counts as ImportCounts
from kinerja.organisations.importing import ImportResult, import_organisation
from kinerja.organisations.models import (
    Employee,
    Position,
    PositionType,
    Unit,
    UnitKind,
    UnitLevel,
)
from kinerja.organisations.validators import nip_problem

from .steps import Counts, DemoRun, DemoStep

DATA_DIR = Path(__file__).resolve().parent / "data"
UNIT_FILES = ("kemenkeu-units.csv", "demo-units.csv")
DEMO_PASSWORD = "kinerja-demo"  # printed for everyone to read: a demo password, never a secret
EMAIL_DOMAIN = "kemenkeu.example"  # a reserved domain (RFC 2606): demo mail can never reach a real inbox
SEED = "kinerja-demo"
ASSIGNMENT_SINCE = dt.date(2024, 1, 2)


def _differs(obj: Any, values: dict[str, Any]) -> bool:
    return any(getattr(obj, name) != value for name, value in values.items())


# ---------------------------------------------------------------- units


@dataclass(frozen=True)
class UnitRow:
    code: str
    parent_code: str
    level: str
    kind: str
    owns_map: bool
    name_id: str
    name_en: str


@functools.cache
def unit_rows() -> tuple[UnitRow, ...]:
    """The demo units, parents before children, from the data files."""
    rows: list[UnitRow] = []
    for name in UNIT_FILES:
        with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
            for raw in csv.DictReader(handle):
                rows.append(
                    UnitRow(
                        code=raw["code"].strip(),
                        parent_code=raw["parent_code"].strip(),
                        level=raw["level"].strip(),
                        kind=raw["kind"].strip(),
                        owns_map=raw["owns_map"].strip().lower() in {"yes", "ya", "true", "1"},
                        name_id=raw["name_id"].strip(),
                        name_en=raw["name_en"].strip(),
                    )
                )
    return tuple(rows)


def clear_units(run: DemoRun) -> int:
    codes = [r.code for r in unit_rows()]
    _total, by_model = Unit.objects.filter(code__in=codes).delete()  # with their subtrees
    Unit.history.filter(code__in=codes).delete()
    return by_model.get(Unit._meta.label, 0)


# ---------------------------------------------------------------- positions


@dataclass(frozen=True)
class PositionSpec:
    code: str
    unit_code: str
    title_id: str
    title_en: str
    type: str
    echelon: int | None
    job_grade: int | None
    is_head: bool
    superior_code: str | None
    holders: int
    band: str  # the age band of its holders: "1".."4", "functional", "executor"


ECHELON_BY_LEVEL: dict[str, int] = {UnitLevel.ONE: 1, UnitLevel.TWO: 2, UnitLevel.THREE: 3, UnitLevel.FOUR: 4}
HEAD_GRADE_BY_LEVEL: dict[str, int] = {
    UnitLevel.ONE: 27,
    UnitLevel.TWO: 24,
    UnitLevel.THREE: 20,
    UnitLevel.FOUR: 16,
}

# (title id, title en, job grade, holders) of the functional positions in a kind of unit.
FUNCTIONAL: dict[str, list[tuple[str, str, int, int]]] = {
    UnitKind.KPP: [
        ("Pemeriksa Pajak Ahli Muda", "Tax Auditor (Associate Expert)", 11, 2),
        ("Penyuluh Pajak Ahli Pertama", "Tax Counsellor (First Expert)", 8, 2),
    ],
    UnitKind.KPPBC: [
        ("Pemeriksa Bea dan Cukai Ahli Pertama", "Customs and Excise Inspector (First Expert)", 8, 3),
    ],
    UnitKind.KPPN: [
        ("Pranata Keuangan APBN Penyelia", "State Budget Finance Officer (Supervisor)", 9, 2),
    ],
    UnitKind.KPKNL: [
        ("Pelelang Ahli Pertama", "Auctioneer (First Expert)", 8, 2),
        ("Penilai Pemerintah Ahli Muda", "Government Appraiser (Associate Expert)", 11, 2),
    ],
    UnitKind.DIRECTORATE: [
        ("Analis Kebijakan Ahli Muda", "Policy Analyst (Associate Expert)", 11, 2),
    ],
}
# Echelon-I units whose directorates employ their own functional officials.
FUNCTIONAL_BY_ECHELON_1 = {
    "ITJEN": ("Auditor Ahli Muda", "Auditor (Associate Expert)", 11, 2),
    "BPPK": ("Widyaiswara Ahli Muda", "Instructor (Associate Expert)", 11, 2),
}
# Holders of the executor position (pelaksana) in each kind of unit; in a KPP's supervision sections
# the executors are account representatives.
EXECUTORS: dict[str, int] = {UnitKind.SUBDIRECTORATE: 1, UnitKind.SECTION: 2}


OFFICE_KINDS = frozenset(
    {UnitKind.REGIONAL_OFFICE, UnitKind.KPP, UnitKind.KPPBC, UnitKind.KPPN, UnitKind.KPKNL}
)


def head_titles(row: UnitRow, parent: UnitRow | None) -> tuple[str, str]:
    """The title of a unit's head, in Indonesian and English, from the unit's name.

    Heads of an office's sections and divisions carry the office's name, as their
    decrees do ("Kepala Seksi Pelayanan KPP Madya Malang"): every office has a
    "Subbagian Umum".
    """
    if row.kind == UnitKind.MINISTRY:
        return "Menteri Keuangan", "Minister of Finance"
    name_id, name_en = row.name_id, row.name_en
    rules_id = [
        ("Direktorat Jenderal ", "Direktur Jenderal "),
        ("Sekretariat Jenderal", "Sekretaris Jenderal"),
        ("Inspektorat Jenderal", "Inspektur Jenderal"),
        ("Inspektorat ", "Inspektur "),
        ("Direktorat ", "Direktur "),
    ]
    rules_en = [
        ("Directorate General of ", "Director General of "),
        ("Secretariat General", "Secretary General"),
        ("Inspectorate General", "Inspector General"),
        ("Inspectorate ", "Inspector "),
        ("Directorate of ", "Director of "),
    ]
    title_id = next(
        (new + name_id[len(old) :] for old, new in rules_id if name_id.startswith(old)), f"Kepala {name_id}"
    )
    title_en = next(
        (new + name_en[len(old) :] for old, new in rules_en if name_en.startswith(old)), f"Head of {name_en}"
    )
    return _of_office(title_id, title_en, row, parent)


def _of_office(title_id: str, title_en: str, row: UnitRow, parent: UnitRow | None) -> tuple[str, str]:
    """Add the office's name to a title in one of its sections or divisions."""
    if (
        parent is not None
        and parent.kind in OFFICE_KINDS
        and row.kind in (UnitKind.SECTION, UnitKind.SUBDIRECTORATE)
    ):
        return f"{title_id} {parent.name_id}", f"{title_en}, {parent.name_en}"
    return title_id, title_en


@functools.cache
def position_specs() -> tuple[PositionSpec, ...]:
    """Every demo position: a head per unit, functional officials in offices and directorates, executors."""
    rows = unit_rows()
    by_code = {r.code: r for r in rows}
    specs: list[PositionSpec] = []
    for row in rows:
        head_code = f"{row.code}-KEPALA"
        parent_head = f"{row.parent_code}-KEPALA" if row.parent_code in by_code else None
        title_id, title_en = head_titles(row, by_code.get(row.parent_code))
        echelon = ECHELON_BY_LEVEL.get(row.level)
        specs.append(
            PositionSpec(
                code=head_code,
                unit_code=row.code,
                title_id=title_id,
                title_en=title_en,
                type=PositionType.STRUCTURAL,
                echelon=echelon,
                job_grade=HEAD_GRADE_BY_LEVEL.get(row.level),
                is_head=True,
                superior_code=parent_head,
                holders=1,
                band=str(echelon or 1),
            )
        )
        functional = list(FUNCTIONAL.get(row.kind, []))
        echelon_1 = row.code.split("-", 1)[0]
        if row.kind == UnitKind.DIRECTORATE and echelon_1 in FUNCTIONAL_BY_ECHELON_1:
            functional = [FUNCTIONAL_BY_ECHELON_1[echelon_1]]
        for number, (f_id, f_en, grade, holders) in enumerate(functional, start=1):
            specs.append(
                PositionSpec(
                    code=f"{row.code}-FUNGSIONAL-{number}",
                    unit_code=row.code,
                    title_id=f_id,
                    title_en=f_en,
                    type=PositionType.FUNCTIONAL,
                    echelon=None,
                    job_grade=grade,
                    is_head=False,
                    superior_code=head_code,
                    holders=holders,
                    band="functional",
                )
            )
        executors = EXECUTORS.get(row.kind, 0)
        if executors:
            if "Pengawasan" in row.name_id and row.kind == UnitKind.SECTION:
                x_id, x_en, grade = (
                    f"Account Representative {row.name_id}",
                    f"Account Representative, {row.name_en}",
                    8,
                )
            else:
                x_id, x_en, grade = f"Pelaksana {row.name_id}", f"Officer, {row.name_en}", 7
            x_id, x_en = _of_office(x_id, x_en, row, by_code.get(row.parent_code))
            specs.append(
                PositionSpec(
                    code=f"{row.code}-PELAKSANA",
                    unit_code=row.code,
                    title_id=x_id,
                    title_en=x_en,
                    type=PositionType.EXECUTOR,
                    echelon=None,
                    job_grade=grade,
                    is_head=False,
                    superior_code=head_code,
                    holders=executors,
                    band="executor",
                )
            )
    return tuple(specs)


def clear_positions(run: DemoRun) -> int:
    codes = [s.code for s in position_specs()]
    Position.objects.filter(code__in=codes).update(superior=None)
    _total, by_model = Position.objects.filter(code__in=codes).delete()
    Position.history.filter(code__in=codes).delete()
    return by_model.get(Position._meta.label, 0)


# ---------------------------------------------------------------- employees


@dataclass(frozen=True)
class Move:
    """A job change in the plan year: the person in `slot` holds `to_position` from `on` (rule 16).

    The employee's current position is the new one; the assignment history keeps the old one, ended the day
    before (the organisation import records the move: `build_organisation`). The contracts demo
    (`kinerja.demo.contracts`) gives each mover a replacement contract.
    """

    slot: str
    to_position: str
    on: dt.date


# Two mid-year moves of the demo: one whose replacement contract was made in time, one made late (rule 17).
MOVES: tuple[Move, ...] = (
    Move(
        "DJP-KPP-MADYA-MALANG-PENGAWASAN-I-PELAKSANA#2",
        "DJP-KPP-MADYA-MALANG-PKD-PELAKSANA",
        dt.date(2026, 7, 1),  # between sections of KPP Madya Malang
    ),
    Move(
        "DJKN-KPKNL-MALANG-PIUTANG-PELAKSANA#2",
        "DJKN-KPKNL-MALANG-LELANG-PELAKSANA",
        dt.date(2026, 4, 1),  # between sections of KPKNL Malang
    ),
)


def moves() -> dict[str, Move]:
    return {m.slot: m for m in MOVES}


def current_position_code(person: Person) -> str:
    """The position the person holds now: the one of their slot, or where a move took them."""
    move = moves().get(person.slot)
    return move.to_position if move is not None else person.position_code


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


MALE_NAMES = _words(
    "Agus Ahmad Andi Arief Bambang Budi Dedi Dimas Eko Fajar Gilang Hadi Hendra Ilham Irfan Joko "
    "Rizky Rudi Slamet Surya Taufik Teguh Wahyu Yudi Aditya Bayu Fikri Galih Hasan Reza"
)
FEMALE_NAMES = _words(
    "Anisa Ayu Dewi Diah Endah Fitri Indah Kartika Lestari Maya Novita Nur Putri Ratih Ratna Rina "
    "Siti Sri Wulan Yuni Citra Dian Intan Mega Nadia Rahmi"
)
FAMILY_NAMES = _words(
    "Santoso Wibowo Hidayat Nugroho Kurniawan Setiawan Wijaya Susanto Hakim Siregar Nasution Harahap "
    "Simanjuntak Sitompul Lubis Manurung Tanjung Hutapea Purba Rahman Gunawan Sembiring Ginting "
    "Pangaribuan Pardede Situmorang Sinaga Syahputra Firmansyah Prasetyo Hartono Sulistyo Utomo "
    "Wahyudi Suryadi Munthe"
)
MALE_FAMILY_NAMES = ("Saputra", "Pratama", "Ramadhan", "Nugraha")
FEMALE_FAMILY_NAMES = ("Handayani", "Rahayu", "Wulandari", "Permatasari", "Kusumawati", "Puspitasari")
# Birth years of each band of holders.
BIRTH_YEARS = {
    "1": (1966, 1972),
    "2": (1969, 1977),
    "3": (1974, 1983),
    "4": (1980, 1989),
    "functional": (1980, 1995),
    "executor": (1988, 2000),
}


@dataclass(frozen=True)
class Person:
    slot: str  # "<position code>#<n>": who this is, stable across versions of the demo
    position_code: str
    unit_code: str
    nip: str
    name: str
    email: str


def _person(slot: str, band: str, taken_nips: set[str]) -> tuple[str, str, str]:
    """(NIP, name, e-mail local part) for a slot, from a generator seeded by the slot alone."""
    rng = random.Random(f"{SEED}:{slot}")
    female = rng.random() < 0.45
    given = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
    family = rng.choice(FAMILY_NAMES + (FEMALE_FAMILY_NAMES if female else MALE_FAMILY_NAMES))
    first, last = BIRTH_YEARS[band]
    born = dt.date(rng.randint(first, last), 1, 1) + dt.timedelta(days=rng.randint(0, 364))
    appointed = min(born.year + rng.randint(22, 27), 2023)
    month = rng.choice((1, 3, 3, 12, 2, 4))
    gender = "2" if female else "1"
    sequence = rng.randint(1, 999)
    nip = f"{born:%Y%m%d}{appointed}{month:02d}{gender}{sequence:03d}"
    while nip in taken_nips:  # rare; deterministic because slots are visited in a fixed order
        sequence = sequence % 999 + 1
        nip = f"{born:%Y%m%d}{appointed}{month:02d}{gender}{sequence:03d}"
    problem = nip_problem(nip)
    if problem:  # the generator's own guarantee; fail loudly rather than load a bad NIP
        raise ValueError(f"demo NIP {nip}: {problem}")
    taken_nips.add(nip)
    return nip, f"{given} {family}", f"{given}.{family}".lower()


@functools.cache
def people() -> tuple[Person, ...]:
    """Everyone in the demo, one per holder slot of each position, in a fixed order."""
    found: list[Person] = []
    nips: set[str] = set()
    emails: dict[str, int] = {}
    for spec in position_specs():
        for number in range(1, spec.holders + 1):
            slot = f"{spec.code}#{number}"
            nip, name, local = _person(slot, spec.band, nips)
            emails[local] = emails.get(local, 0) + 1
            suffix = "" if emails[local] == 1 else str(emails[local])
            found.append(
                Person(
                    slot=slot,
                    position_code=spec.code,
                    unit_code=spec.unit_code,
                    nip=nip,
                    name=name,
                    email=f"{local}{suffix}@{EMAIL_DOMAIN}",
                )
            )
    return tuple(found)


def clear_employees(run: DemoRun) -> int:
    nips = [p.nip for p in people()]
    Employee.objects.filter(nip__in=nips).update(superior=None)
    _total, by_model = Employee.objects.filter(nip__in=nips).delete()  # assignments go with them
    Employee.history.filter(nip__in=nips).delete()
    return by_model.get(Employee._meta.label, 0)


# ---------------------------------------------------------------- the import


def _import(folder: Path) -> ImportResult:
    """Import the organisation file in `folder` (applied; `partial`: the demo syncs only its own rows, and
    never closes a unit or deactivates an employee someone added beside it); every problem stops the demo."""
    result = import_organisation(folder, apply=True, partial=True)
    if not result.valid:
        lang: Lang = "en" if (get_language() or "id").startswith("en") else "id"
        raise CommandError(
            _(
                "Organisasi demo tidak dapat dimuat melalui impor organisasi: data yang ditambahkan di luar "
                "demo bertentangan dengan berkasnya. Pindahkan atau nonaktifkan data itu dahulu.\n%(problems)s"
            )
            % {"problems": "\n".join(p.text(lang) for p in result.problems)}
        )
    return result


def _summary(result: ImportResult) -> str:
    """One line of what an import did, for the progress of `kinerja demo`."""

    def part(counts: ImportCounts, moved: bool = False) -> str:
        values = vars(counts)  # new, changed, gone (closed or deactivated), moved, unchanged
        if moved:
            return (
                _(
                    "%(new)d baru, %(changed)d berubah, %(moved)d pindah, %(gone)d nonaktif, %(unchanged)d tetap"
                )
                % values
            )
        return _("%(new)d baru, %(changed)d berubah, %(gone)d ditutup, %(unchanged)d tetap") % values

    return _("Impor organisasi — unit: %(units)s; jabatan: %(positions)s; pegawai: %(employees)s") % {
        "units": part(result.units),
        "positions": part(result.positions),
        "employees": part(result.employees, moved=True),
    }


def build_organisation(run: DemoRun) -> Counts:
    """Write the demo's organisation file (`kinerja.demo.orgfile`) and load it through the import.

    Movers the database does not know yet come in first in the post they held before their move, then the
    final file moves them (from the date of the move, as a real HR export would): on a fresh database that is
    two imports, on a rerun one, which finds nothing to change.
    """
    from .orgfile import write_organisation_file  # it reads this module's units, positions and people

    persons = people()
    mover_nips = {p.nip: p.slot for p in persons if p.slot in moves()}
    known = set(Employee.objects.filter(nip__in=mover_nips).values_list("nip", flat=True))
    newcomers = [slot for nip, slot in mover_nips.items() if nip not in known]
    counts = Counts(total=len(unit_rows()) + len(position_specs()) + len(persons))
    with tempfile.TemporaryDirectory(prefix="kinerja-demo-organisation-") as tmp:
        files = []
        if newcomers:
            files.append(write_organisation_file(Path(tmp) / "before-moves", before_moves=newcomers))
        files.append(write_organisation_file(Path(tmp) / "organisation"))
        for folder in files:
            result = _import(folder)
            run.report(_summary(result))
            for part in (result.units, result.positions, result.employees):
                counts.created += part.new
                counts.updated += part.changed + part.moved + part.gone

    units = Unit.objects.filter(code__in=[r.code for r in unit_rows()])
    positions = Position.objects.filter(code__in=[s.code for s in position_specs()])
    run.cache["units"] = {u.code: u for u in units}
    run.cache["positions"] = {p.code: p for p in positions}
    run.cache["employees"] = {e.nip: e for e in Employee.objects.filter(nip__in=[p.nip for p in persons])}
    run.cache["people"] = persons
    return counts


def clear_organisation(run: DemoRun) -> int:
    """Delete the demo's employees (their assignments with them), positions and units, with their history."""
    return clear_employees(run) + clear_positions(run) + clear_units(run)


# ---------------------------------------------------------------- demo logins


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    unit_code: str
    sees: str | Promise
    superuser: bool = False
    employee_slot: str | None = None  # link the account to the employee in this slot (NIP login)
    first_name: str = ""
    last_name: str = ""


LOGINS = (
    Login(
        "admin",
        Role.ADMIN,
        "KEMENKEU",
        gettext_lazy("Seluruh kementerian; mengubah organisasi dan pengguna"),
        superuser=True,
        first_name="Administrator",
        last_name="Kinerja",
    ),
    Login(
        "pengelola.djp",
        Role.MANAGER,
        "DJP",
        gettext_lazy(
            "Seluruh DJP: direktorat, kanwil, KPP; menyusun peta, memverifikasi capaian, mengelola pegawai; "
            "mengelola penilaian perilaku 360° KPP Madya Malang (2025)"
        ),
        first_name="Pengelola Kinerja",
        last_name="DJP",
    ),
    Login(
        "pimpinan.kpp.malang",
        Role.LEADER,
        "DJP-KPP-MADYA-MALANG",
        gettext_lazy(
            "KPP Madya Malang dan seksi-seksinya; pemilik peta strategi; menyetujui peta dan capaian; melihat "
            "rekap nilai kinerja pegawai kantor (2026, dan 2025 menurut KMK 467/2014) dan memberi koreksi "
            "pimpinan"
        ),
        employee_slot="DJP-KPP-MADYA-MALANG-KEPALA#1",
    ),
    Login(
        "pegawai.kpp.malang",
        Role.EMPLOYEE,
        "DJP-KPP-MADYA-MALANG",
        gettext_lazy(
            "KPP Madya Malang dan seksi-seksinya; pelaksana pemegang IKI: mengisi dan mengajukan capaian IKU "
            "dan IKI dengan data dukung, menandatangani kontrak kinerjanya, melihat nilai kinerja dan nilai "
            "BerAKHLAK-nya; telah menilai atasan, rekan dan dirinya sendiri pada penilaian perilaku 360° 2025"
        ),
        employee_slot="DJP-KPP-MADYA-MALANG-PELAYANAN-PELAKSANA#1",
    ),
    Login(
        "kasi.pelayanan.kpp.malang",
        Role.EMPLOYEE,
        "DJP-KPP-MADYA-MALANG-PELAYANAN",
        gettext_lazy(
            "Seksi Pelayanan KPP Madya Malang; kepala seksi: menyetujui kontrak kinerja pelaksananya, "
            "menandatangani kontraknya sendiri, memberi nilai BerAKHLAK timnya dan melihat nilai kinerja mereka; "
            "telah menilai atasan, bawahan dan dirinya sendiri pada penilaian perilaku 360° 2025"
        ),
        employee_slot="DJP-KPP-MADYA-MALANG-PELAYANAN-KEPALA#1",
    ),
    Login(
        "auditor.itjen",
        Role.AUDITOR,
        "KEMENKEU",
        gettext_lazy("Seluruh kementerian, hanya baca (termasuk riwayat perubahan)"),
        first_name="Auditor",
        last_name="Itjen",
    ),
    Login(
        "pimpinan.djp",
        Role.LEADER,
        "DJP",
        gettext_lazy("Seluruh DJP; pemilik peta DJP; menyetujui peta dan capaian DJP"),
        employee_slot="DJP-KEPALA#1",
    ),
    Login(
        "pengelola.kemenkeu",
        Role.MANAGER,
        "KEMENKEU",
        gettext_lazy(
            "Seluruh kementerian (pengelola kinerja organisasi pusat); memverifikasi capaian, menutup periode"
        ),
        first_name="Pengelola Kinerja",
        last_name="Kemenkeu",
    ),
    Login(
        "pengelola.kppbc.perak",
        Role.MANAGER,
        "DJBC-KPPBC-TANJUNG-PERAK",
        gettext_lazy("KPPBC TMP Tanjung Perak dan seksi-seksinya; mengelola pegawai"),
        first_name="Pengelola Kinerja",
        last_name="KPPBC Tanjung Perak",
    ),
    Login(
        "pimpinan.kanwil.jatim3",
        Role.LEADER,
        "DJP-KANWIL-JATIM3",
        gettext_lazy(
            "Kanwil DJP Jawa Timur III dan kantor-kantornya; kepala kantor wilayah: mengesahkan NKO akhir tahun "
            "KPP Madya Malang (satu tingkat di atas) dan memutuskan usulan penghargaan kantor"
        ),
        employee_slot="DJP-KANWIL-JATIM3-KEPALA#1",
    ),
)


def _login_employee(login: Login) -> Employee | None:
    if login.employee_slot is None:
        return None
    person = next(p for p in people() if p.slot == login.employee_slot)
    return Employee.objects.get(nip=person.nip)


def build_logins(run: DemoRun) -> Counts:
    user_model = get_user_model()
    counts = Counts(total=len(LOGINS))
    existing = {u.username: u for u in user_model.objects.filter(username__in=[x.username for x in LOGINS])}
    # Hash the demo password once and check each distinct stored hash once: hashing is slow on purpose.
    valid_hashes = {h for h in {u.password for u in existing.values()} if check_password(DEMO_PASSWORD, h)}
    fresh_hash: str | None = None
    units = {u.code: u for u in Unit.objects.filter(code__in={x.unit_code for x in LOGINS})}
    for login in LOGINS:
        employee = _login_employee(login)
        first_name, last_name = login.first_name, login.last_name
        if employee is not None:
            first_name, _sep, last_name = employee.name.partition(" ")
        values = {
            "first_name": first_name,
            "last_name": last_name,
            "email": f"{login.username}@{EMAIL_DOMAIN}",
            "is_superuser": login.superuser,
            "is_staff": login.superuser,
            "is_active": True,
            "employee_id": employee.pk if employee else None,
        }
        if employee is not None:
            # the account the organisation's sync made for the employee (username = NIP, never used) gives
            # way to the demo login, which is linked to the employee instead (an employee has one account)
            user_model.objects.filter(
                employee=employee, username=employee.nip, last_login__isnull=True
            ).exclude(username=login.username).delete()
        user = existing.get(login.username)
        if user is None:
            fresh_hash = fresh_hash or make_password(DEMO_PASSWORD)
            user = user_model.objects.create(username=login.username, password=fresh_hash, **values)
            counts.created += 1
        else:
            dirty = _differs(user, values) or user.password not in valid_hashes
            if dirty:
                for name, value in values.items():
                    setattr(user, name, value)
                if user.password not in valid_hashes:
                    fresh_hash = fresh_hash or make_password(DEMO_PASSWORD)
                    user.password = fresh_hash
                user.save()
                counts.updated += 1
        _created_role, role_created = RoleAssignment.objects.get_or_create(
            user=user, unit=units[login.unit_code], role=login.role
        )
        if role_created and login.username in existing:
            counts.updated += 1
    return counts


def clear_logins(run: DemoRun) -> int:
    user_model = get_user_model()
    _total, by_model = user_model.objects.filter(username__in=[x.username for x in LOGINS]).delete()
    return by_model.get(user_model._meta.label, 0)


def login_table() -> list[dict[str, str]]:
    """The demo logins with what each sees, for the end of `kinerja demo`."""
    rows = []
    for login in LOGINS:
        sees = str(login.sees)
        employee = _login_employee(login)
        if employee is not None:
            sees = _("%(sees)s; masuk juga dengan NIP %(nip)s") % {"sees": sees, "nip": employee.nip}
        rows.append(
            {
                "username": login.username,
                "password": DEMO_PASSWORD,
                "role": str(Role(login.role).label),
                "unit": login.unit_code,
                "sees": sees,
            }
        )
    return rows


# The organisation's steps, in order; `kinerja.demo.build.STEPS` puts planning and reporting after them.
STEPS: tuple[DemoStep, ...] = (
    DemoStep(
        "organisation",
        gettext_lazy("Unit organisasi, jabatan dan pegawai (impor berkas organisasi)"),
        build_organisation,
        clear_organisation,
    ),
    DemoStep("logins", gettext_lazy("Akun demo"), build_logins, clear_logins),
)
