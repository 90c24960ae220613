"""`kinerja demo`: a realistic ministry, built idempotently, with a login per role.

The read-only tests share ONE build of the whole demo (`demo_ministry` in `tests/demo/conftest.py`: built once
inside a transaction held open for this module, rolled back at its end); each test runs in its own savepoint,
so a test that mutates (running it again, repairing, resetting) is rolled back to the built demo.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.utils import translation

from kinerja.accounts.models import Role, RoleAssignment
from kinerja.accounts.scope import unit_filter
from kinerja.demo import (
    appraisals,
    appraisals2014,
    build,
    contracts,
    endorsement,
    evaluation,
    history,
    meetings,
    notifications,
    orgfile,
    planning,
    reporting,
    reports,
)
from kinerja.demo import organisation as demo
from kinerja.organisations import services
from kinerja.organisations.models import (
    Assignment,
    Employee,
    Position,
    PositionType,
    Unit,
    UnitKind,
    UnitLevel,
)
from kinerja.organisations.validators import nip_problem

pytestmark = pytest.mark.django_db

MODELS = (Unit, Position, Employee, Assignment, RoleAssignment, get_user_model())


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    found = {model.__name__: model.objects.count() for model in MODELS}
    for model in (Unit, Position, Employee):
        found[f"history of {model.__name__}"] = model.history.count()
    return found


def import_json(folder: Path, *args: str) -> dict:
    """`kinerja import-organisation FOLDER --format json ...`; a file with errors raises (exit status 2)."""
    out = StringIO()
    call_command("import_organisation", str(folder), "--format", "json", *args, stdout=out)
    return json.loads(out.getvalue())


def read_sheet(folder: Path, sheet: str) -> list[dict[str, str]]:
    with (folder / f"{sheet}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def mover_nips() -> dict[str, demo.Move]:
    return {next(p.nip for p in demo.people() if p.slot == m.slot): m for m in demo.MOVES}


def run_organisation() -> str:
    """Only the organisation's steps of the demo (faster than the whole demo), their output in Indonesian."""
    lines: list[str] = []
    with translation.override("id"):
        build.build_demo(steps=demo.STEPS, report=lines.append)
    return "\n".join(lines)


@pytest.fixture
def ministry(demo_ministry: str, db: None) -> str:
    """The output of `kinerja demo`, its data in the database (shared build; this test's changes roll back)."""
    return demo_ministry


# These build from an empty database: they run before the module's shared build exists.


def test_reset_on_an_empty_database_builds_the_demo(db):
    run_demo("--reset")
    assert Employee.objects.count() >= 180


def test_later_modules_add_steps_that_run_after_the_organisation(db):
    seen: list[str] = []

    def build_extra(run: demo.DemoRun) -> demo.Counts:
        seen.append(f"build with {len(run.cache['employees'])} employees")
        return demo.Counts(total=1, created=1)

    def clear(run: demo.DemoRun) -> int:
        seen.append("clear")
        return 0

    extra = demo.DemoStep("extra", "Peta strategi", build_extra, clear)
    lines: list[str] = []
    build.build_demo(reset=True, report=lines.append, steps=[*demo.STEPS, extra])
    assert seen[0] == "clear"
    assert seen[1].startswith("build with ")
    assert lines[-1].startswith(f"[{len(demo.STEPS) + 1}/{len(demo.STEPS) + 1}] Peta strategi: 1")


def test_the_demo_organisation_file_passes_import_organisation_on_an_empty_database(db, tmp_path):
    folder = orgfile.write_organisation_file(tmp_path / "org")
    result = import_json(folder)  # exit status 0: no CommandError
    assert result == {
        "applied": False,
        "units": {"new": len(demo.unit_rows()), "changed": 0, "closed": 0, "unchanged": 0},
        "positions": {"new": len(demo.position_specs()), "changed": 0, "closed": 0, "unchanged": 0},
        "employees": {"new": len(demo.people()), "changed": 0, "moved": 0, "deactivated": 0, "unchanged": 0},
        "errors": [],
    }
    assert not Unit.objects.exists()  # a dry run


def test_the_ministry_is_built_on_the_real_units(ministry):
    units = {u.code: u for u in Unit.objects.all()}
    for code in ("KEMENKEU", "DJP", "DJBC", "DJPB", "DJKN", "SETJEN", "ITJEN", "BKF", "BPPK"):
        assert code in units
    assert units["KEMENKEU"].level == UnitLevel.WIDE and units["KEMENKEU"].depth == 1
    assert Unit.objects.filter(level=UnitLevel.ONE).count() == 11
    malang = units["DJP-KPP-MADYA-MALANG"]
    assert Unit.objects.get_parent(malang).code == "DJP-KANWIL-JATIM3"
    assert malang.kind == UnitKind.KPP and malang.owns_map
    perak_sections = Unit.objects.get_children(units["DJBC-KPPBC-TANJUNG-PERAK"])
    names = set(perak_sections.values_list("name_id", flat=True))
    assert {"Seksi Penindakan dan Penyidikan", "Seksi Intelijen", "Seksi Perbendaharaan"} <= names
    assert all(s.level == UnitLevel.FOUR and not s.owns_map for s in perak_sections)
    assert units["DJP-DIT-PP1"].name_id == "Direktorat Peraturan Perpajakan I"
    assert units["SETJEN-ROPK"].name_en == "Bureau of Planning and Finance"
    assert Unit.objects.filter(level__in=[UnitLevel.ONE, UnitLevel.TWO, UnitLevel.THREE]).count() >= 20
    assert Unit.objects.filter(kind=UnitKind.SECTION).count() >= 20
    assert not Unit.objects.filter(name_en="").exists()


def test_about_two_hundred_employees_with_valid_unique_nips(ministry):
    nips = list(Employee.objects.values_list("nip", flat=True))
    assert 180 <= len(nips) <= 230
    assert len(set(nips)) == len(nips)
    assert [nip for nip in nips if nip_problem(nip)] == []
    emails = list(Employee.objects.values_list("email", flat=True))
    assert all(e.endswith("@kemenkeu.example") for e in emails)
    assert len(set(emails)) == len(emails)


def test_every_employee_but_the_minister_has_the_holder_of_the_superior_position_as_superior(ministry):
    tops = list(Employee.objects.filter(superior__isnull=True).select_related("position"))
    assert [e.position.title_id for e in tops] == ["Menteri Keuangan"]
    for employee in Employee.objects.exclude(pk=tops[0].pk).select_related("position", "superior__position"):
        assert employee.superior.position_id == employee.position.superior_id, employee


def test_each_employee_has_a_position_in_their_unit_and_one_open_assignment(ministry):
    for employee in Employee.objects.select_related("position"):
        assert employee.position.unit_id == employee.unit_id
        current = Assignment.objects.get(employee=employee, end__isnull=True)
        assert current.position_id == employee.position_id
    # the mid-year moves keep their former post in the history, ended the day before the move
    ended = Assignment.objects.exclude(end__isnull=True)
    assert ended.count() == len(demo.MOVES)
    assert Assignment.objects.count() == Employee.objects.count() + len(demo.MOVES)


def test_every_unit_has_one_structural_head_and_positions_of_each_type(ministry):
    for unit in Unit.objects.all():
        heads = Position.objects.filter(unit=unit, is_head=True)
        assert heads.count() == 1, unit
        assert heads.get().holders.count() == 1, unit
    types = set(Position.objects.values_list("type", flat=True))
    assert {PositionType.STRUCTURAL, PositionType.FUNCTIONAL, PositionType.EXECUTOR} <= types
    head = Position.objects.get(code="DJBC-KPPBC-TANJUNG-PERAK-P2-KEPALA")
    assert head.echelon == 4
    assert head.title_id == "Kepala Seksi Penindakan dan Penyidikan KPPBC Tipe Madya Pabean Tanjung Perak"
    assert head.superior.code == "DJBC-KPPBC-TANJUNG-PERAK-KEPALA"


def test_the_demo_obeys_the_organisation_rules(ministry):
    for unit in Unit.objects.all():
        services.check_unit(
            code=unit.code,
            level=unit.level,
            owns_map=unit.owns_map,
            parent=Unit.objects.get_parent(unit),
            unit=unit,
        )
    for employee in Employee.objects.select_related("unit", "position", "superior"):
        services.check_employee(
            nip=employee.nip,
            unit=employee.unit,
            position=employee.position,
            superior=employee.superior,
            employee=employee,
        )
    # The Minister heads Kemenkeu-Wide above every echelon: the rules accept a position with none there.
    for position in Position.objects.select_related("unit", "superior__unit"):
        services.check_position(
            unit=position.unit,
            code=position.code,
            type=position.type,
            echelon=position.echelon,
            superior=position.superior,
            is_head=position.is_head,
            position=position,
        )


def test_the_demo_logins_authenticate_and_hold_their_roles(ministry):
    for login in demo.LOGINS:
        user = authenticate(username=login.username, password=demo.DEMO_PASSWORD)
        assert user is not None, login.username
        assert user.roles.filter(role=login.role, unit__code=login.unit_code).exists()
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    linked = [login for login in demo.LOGINS if login.employee_slot]
    assert {x.username for x in linked} >= {"pegawai.kpp.malang", "pimpinan.kpp.malang"}
    for login in linked:
        user = get_user_model().objects.get(username=login.username)
        assert authenticate(username=user.employee.nip, password=demo.DEMO_PASSWORD) == user
    pegawai = get_user_model().objects.get(username="pegawai.kpp.malang")
    assert pegawai.employee.unit.code.startswith("DJP-KPP-MADYA-MALANG")
    pimpinan = get_user_model().objects.get(username="pimpinan.kpp.malang")
    assert pimpinan.employee.position.code == "DJP-KPP-MADYA-MALANG-KEPALA"


def test_a_role_on_the_kpp_reaches_its_sections_only(ministry):
    pegawai = get_user_model().objects.get(username="pegawai.kpp.malang")
    codes = set(Unit.objects.filter(unit_filter(pegawai)).values_list("code", flat=True))
    assert "DJP-KPP-MADYA-MALANG" in codes
    assert all(code.startswith("DJP-KPP-MADYA-MALANG") for code in codes)
    assert len(codes) > 5


def test_the_command_prints_progress_and_the_login_table(ministry):
    assert "[1/" in ministry and "Unit organisasi, jabatan dan pegawai" in ministry
    assert "Impor organisasi" in ministry
    for login in demo.LOGINS:
        assert login.username in ministry
    assert demo.DEMO_PASSWORD in ministry
    pegawai = get_user_model().objects.get(username="pegawai.kpp.malang")
    assert pegawai.employee.nip in ministry


def test_running_it_again_changes_nothing(ministry):
    before = counts()
    names = dict(Employee.objects.values_list("nip", "name"))
    password = get_user_model().objects.get(username="admin").password
    with translation.override("id"):
        output = run_demo()
    assert counts() == before
    assert dict(Employee.objects.values_list("nip", "name")) == names
    assert get_user_model().objects.get(username="admin").password == password
    # one import (the movers are known already), which finds nothing to change
    imports = [line for line in output.splitlines() if line.startswith("Impor organisasi")]
    assert imports == [
        f"Impor organisasi — unit: 0 baru, 0 berubah, 0 ditutup, {len(demo.unit_rows())} tetap; "
        f"jabatan: 0 baru, 0 berubah, 0 ditutup, {len(demo.position_specs())} tetap; "
        f"pegawai: 0 baru, 0 berubah, 0 pindah, 0 nonaktif, {len(demo.people())} tetap"
    ]
    assert output.count("(baru 0, diperbarui 0)") == len(build.STEPS), output


def test_running_it_again_repairs_what_was_changed(ministry):
    employee = Employee.objects.get(position__code="DJP-KPP-MADYA-MALANG-KEPALA")
    employee.name = "Diubah"
    employee.save()
    user = get_user_model().objects.get(username="auditor.itjen")
    user.set_password("lain-sekali")
    user.save()
    run_demo()
    employee.refresh_from_db()
    assert employee.name != "Diubah"
    assert authenticate(username="auditor.itjen", password=demo.DEMO_PASSWORD) is not None


def test_reset_deletes_and_rebuilds(ministry):
    before = {model.__name__: model.objects.count() for model in MODELS}
    old_pk = Employee.objects.get(position__code="DJP-KPP-MADYA-MALANG-KEPALA").pk
    output = run_demo("--reset")
    assert {model.__name__: model.objects.count() for model in MODELS} == before
    assert Employee.objects.get(position__code="DJP-KPP-MADYA-MALANG-KEPALA").pk != old_pk
    assert "Dihapus" in output
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def test_reset_refuses_while_other_data_hangs_on_the_demo_units(ministry, employee_in):
    employee_in(Unit.objects.get(code="DJKN-KPKNL-MALANG"))
    with pytest.raises(CommandError):
        run_demo("--reset")
    assert Unit.objects.filter(code="KEMENKEU").exists()  # one transaction: nothing was removed


def test_demo_people_are_deterministic():
    demo.people.cache_clear()
    first = demo.people()
    demo.people.cache_clear()
    assert demo.people() == first
    assert len({p.slot for p in first}) == len(first)
    assert Role.EMPLOYEE in {login.role for login in demo.LOGINS}


def test_steps_run_in_their_declared_order():
    assert [s.key for s in build.STEPS] == [
        "organisation",
        "logins",
        "accounts",
        "strategy",
        "contracts",
        "appraisals",
        "reporting",
        "appraisal-scores",
        "meetings",
        "year-2025",
        "appraisal-360-2025",
        "history",
        "endorsement",
        "evaluation",
        "reports",
        "notifications",
    ]
    assert build.STEPS[: len(demo.STEPS)] == demo.STEPS
    assert build.STEPS[-13:] == (
        planning.STEP,
        contracts.STEP,
        appraisals.STEP,
        reporting.STEP,
        appraisals.SCORES_STEP,
        meetings.STEP,
        appraisals2014.YEAR_STEP,
        appraisals2014.CAMPAIGN_STEP,
        history.STEP,
        endorsement.STEP,
        evaluation.STEP,
        reports.STEP,
        notifications.STEP,
    )


# ---------------------------------------------------------------- the organisation file and the import


def test_the_organisation_file_holds_the_demo_units_positions_and_people(tmp_path):
    folder = orgfile.write_organisation_file(tmp_path / "org")
    units, positions, people = (read_sheet(folder, s) for s in ("unit", "jabatan", "pegawai"))
    assert [u["code"] for u in units] == [r.code for r in demo.unit_rows()]
    assert [p["code"] for p in positions] == [s.code for s in demo.position_specs()]
    assert [p["nip"] for p in people] == [p.nip for p in demo.people()]
    heads = {p["unit_code"]: p["code"] for p in positions if p["heads_unit"] == "yes"}
    assert heads == {s.unit_code: s.code for s in demo.position_specs() if s.is_head}
    assert len(heads) == len(units)  # one head a unit
    # the movers in their new post since the day of the move; everyone else since the demo's first day
    moves = mover_nips()
    assert len(moves) == len(demo.MOVES)
    for row in people:
        move = moves.get(row["nip"])
        if move is not None:
            assert row["position_code"] == move.to_position
        assert row["since"] == (move.on if move else demo.ASSIGNMENT_SINCE).isoformat()
    # the file a fresh database imports first: the movers in the post they held before the move
    before = orgfile.write_organisation_file(tmp_path / "before", before_moves=[m.slot for m in demo.MOVES])
    earlier = {r["nip"]: r for r in read_sheet(before, "pegawai")}
    for nip, move in moves.items():
        mover = next(p for p in demo.people() if p.nip == nip)
        assert earlier[nip]["position_code"] == mover.position_code != move.to_position
        assert earlier[nip]["since"] == demo.ASSIGNMENT_SINCE.isoformat()


def test_the_demo_organisation_file_is_the_whole_organisation_of_the_built_demo(ministry, tmp_path):
    """Imported again (dry run, the whole organisation, not partial) on the built demo: nothing to change or close;
    and the demo holds exactly the file's units, positions and employees."""
    result = import_json(orgfile.write_organisation_file(tmp_path / "org"))
    assert result == {
        "applied": False,
        "units": {"new": 0, "changed": 0, "closed": 0, "unchanged": len(demo.unit_rows())},
        "positions": {"new": 0, "changed": 0, "closed": 0, "unchanged": len(demo.position_specs())},
        "employees": {"new": 0, "changed": 0, "moved": 0, "deactivated": 0, "unchanged": len(demo.people())},
        "errors": [],
    }
    assert Unit.objects.count() == len(demo.unit_rows())
    assert Position.objects.count() == len(demo.position_specs())
    assert Employee.objects.count() == len(demo.people())


def test_the_moves_go_through_the_import_and_keep_their_history(ministry):
    for nip, move in mover_nips().items():
        mover = next(p for p in demo.people() if p.nip == nip)
        employee = Employee.objects.get(nip=nip)
        assert employee.position.code == move.to_position
        spans = list(
            Assignment.objects.filter(employee=employee)
            .order_by("start")
            .values_list("position__code", "start", "end")
        )
        assert spans == [
            (mover.position_code, demo.ASSIGNMENT_SINCE, move.on - dt.timedelta(days=1)),
            (move.to_position, move.on, None),
        ]
        reasons = set(employee.history.values_list("history_change_reason", flat=True))
        assert f"Pindah ke {employee.unit.code}" in reasons, reasons


def test_the_demo_repairs_its_units_positions_and_employees_through_the_import(ministry):
    unit = Unit.objects.get(code="DJP-KPP-MADYA-MALANG-PELAYANAN")
    name = unit.name_id
    unit.name_id = "Seksi Diubah"
    unit.save()
    Position.objects.filter(code="DJP-KPP-MADYA-MALANG-PELAYANAN-PELAKSANA").update(job_grade=3)
    employee = Employee.objects.get(position__code="DJP-KPP-MADYA-MALANG-PELAYANAN-KEPALA")
    email = employee.email
    Employee.objects.filter(pk=employee.pk).update(email="lain@example.org")
    output = run_organisation()
    assert "unit: 0 baru, 1 berubah, 0 ditutup" in output, output
    assert "jabatan: 0 baru, 1 berubah, 0 ditutup" in output, output
    assert "pegawai: 0 baru, 1 berubah, 0 pindah" in output, output
    unit.refresh_from_db()
    employee.refresh_from_db()
    assert unit.name_id == name != "Seksi Diubah"
    assert Position.objects.get(code="DJP-KPP-MADYA-MALANG-PELAYANAN-PELAKSANA").job_grade == 7
    assert employee.email == email


def test_the_demo_leaves_what_was_added_beside_it_alone(ministry, employee_in):
    """The demo syncs only its own rows (a partial import): an employee added by hand stays active."""
    head = Position.objects.get(code="DJKN-KPKNL-MALANG-KEPALA")
    stranger = employee_in(head.unit, position=Position.objects.get(code="DJKN-KPKNL-MALANG-FUNGSIONAL-1"))
    run_organisation()
    stranger.refresh_from_db()
    assert stranger.is_active


def test_the_demo_names_what_conflicts_with_its_organisation_file(ministry, employee_in):
    """Someone else made head of a demo unit by hand: the import refuses, row and all, and nothing changes."""
    head = Position.objects.get(code="DJKN-KPKNL-MALANG-KEPALA")
    stranger = employee_in(head.unit, position=head)
    before = counts()
    with translation.override("en"), pytest.raises(CommandError) as raised:
        build.build_demo(steps=demo.STEPS, report=lambda line: None)
    message = str(raised.value)
    assert "pegawai" in message and "row" in message and stranger.nip in message, message
    assert "two heads" in message, message
    assert counts() == before
