"""The round trip issue 13 asks for: the employees' inputs exported as `interchange.md`'s employee workbook
and scored by `kinerja nkp` give, per employee, exactly the application's stored NKP (and the same JSON)."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest

from kinerja.appraisals import inputs, services
from kinerja.appraisals.models import DisciplinarySentence, ScoreRecord
from kinerja.interchange.commands import run_standalone
from kinerja.interchange.employees import write_workbook
from tests.appraisals.test_scores import _more_people, worked_example

pytestmark = pytest.mark.django_db


def _kinerja_nkp(folder, rules: str, period: str) -> list[dict]:
    import contextlib

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run_standalone("nkp", [str(folder), "--rules", rules, "--period", period, "--format", "json"])
    assert code == 0, err.getvalue()
    data = json.loads(out.getvalue())
    return data if isinstance(data, list) else data["employees"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_kinerja_nkp_on_the_exported_workbook_gives_the_stored_nkp(office, tmp_path, fmt):
    year = worked_example(office)
    _more_people(office, 3)
    DisciplinarySentence.objects.create(  # the head of section's subordinate: impact on him
        employee=office.staff[0], category="medium", severity=Decimal(12), start_year=2026, start_quarter=3
    )
    services.compute_scores(unit=office.org.kpp_a, plan_year=year, by=office.manager)
    gathered = inputs.gather(office.org.kpp_a, year)
    target = tmp_path / ("pegawai.xlsx" if fmt == "xlsx" else "pegawai")
    write_workbook(target, inputs.workbook_of(gathered))

    scored = {row["nip"]: row for row in _kinerja_nkp(target, year.rule_set, gathered.as_of)}
    stored = {r.employee.nip: r for r in ScoreRecord.objects.select_related("employee")}
    assert set(scored) == set(stored) and len(stored) == 8
    assert sum(r.nkp is not None for r in stored.values()) == 4
    for nip, record in stored.items():
        cli = scored[nip]
        assert (None if cli["nkp"] is None else Decimal(str(cli["nkp"]))) == record.nkp, nip
        assert cli == {k: v for k, v in record.result.items() if k != "explanation"}, nip
    assert stored[office.kasi.nip].result["impact"] > 0
