"""The worked example of scoring.md §4 (shared/data/example-scorecard.csv): NKO 101.25 on the page, the API, the Excel.

The file is read with the interchange reader; its perspectives, objectives and
KPIs become a strategy map; its realizations are imported through the import
service and taken through the workflow to approval; then the scorecard is read
three ways.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from kinerja.accounts.models import Role
from kinerja.interchange.scorecard import read_scorecard
from kinerja.interchange.scoring import score_table
from kinerja.planning.models import Kpi, MapState, Objective, PeriodTarget
from kinerja.reporting import selectors, services
from kinerja.reporting.models import Realization
from tests.planning import builders as b

from .conftest import pdf

D = Decimal
EXAMPLE = Path("/work/shared/data/example-scorecard.csv")
if not EXAMPLE.exists():  # a checkout without the shared folder beside it
    EXAMPLE = Path(__file__).resolve().parents[3] / "shared" / "data" / "example-scorecard.csv"
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not EXAMPLE.exists(), reason="shared/data/example-scorecard.csv not found"),
]


@pytest.fixture
def example(org, make_user, django_capture_on_commit_callbacks):
    table = read_scorecard(EXAMPLE)
    b.plan_year(2025, "kmk-467-2014")
    strategy_map = b.bare_map(org.kpp_a, 2025, MapState.APPROVED)
    perspectives = {p.code: p for p in strategy_map.perspectives.all()}
    objectives: dict[str, Objective] = {}
    for row in table.rows:
        perspective = perspectives[row.perspective.value]
        if row.perspective_weight is not None and perspective.weight != row.perspective_weight:
            perspective.weight = row.perspective_weight
            perspective.save()
        if row.objective_code not in objectives:
            objectives[row.objective_code] = Objective.objects.create(
                map=strategy_map, perspective=perspective, code=row.objective_code, name_id=row.objective_name
            )
        kpi = Kpi.objects.create(
            objective=objectives[row.objective_code],
            code=row.kpi_code,
            name_id=row.kpi_name,
            polarity=row.polarity.value,
            consolidation=row.consolidation.value,
            frequency="yearly",
            validity="proxy",
            controllability="moderate",
            target=row.target,
            target_low=row.target_low,
            target_high=row.target_high,
            worst=row.worst,
            cap_on_target=row.cap_on_target,
            weight=row.kpi_weight,
            unit_of_measure=row.measure_unit,
        )
        in_band = (row.target_low + row.target_high) / 2 if row.target is None else row.target
        PeriodTarget.objects.create(kpi=kpi, period=1, target=in_band)
    employee = make_user(org.kpp_a, Role.EMPLOYEE)
    manager = make_user(org.kpp_a, Role.MANAGER)
    leader = make_user(org.kpp_a, Role.LEADER)
    entry = "kpi_code,period,realization\n" + "".join(
        f"{r.kpi_code},2025,{r.realization}\n" for r in table.rows
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = services.import_realizations(
            source=io.BytesIO(entry.encode()), name="realisasi.csv", strategy_map=strategy_map, by=employee
        )
        assert result.written and result.created == 7, [p.text() for p in result.problems]
        realizations = list(Realization.objects.filter(kpi__objective__map=strategy_map))
        for realization in realizations:
            services.add_evidence(realization=realization, upload=pdf(), by=employee)
            services.submit_realization(realization=realization, by=employee)
        assert all(r.ok for r in services.bulk_verify(realizations=realizations, by=manager))
        assert all(r.ok for r in services.bulk_approve(realizations=realizations, by=leader))
    period = next(p for p in selectors.periods_of(strategy_map.plan_year_id) if p.label == "2025")
    return strategy_map, period, leader


def test_the_snapshot_scores_101_25_baik(example):
    strategy_map, period, _leader = example
    snapshot = selectors.latest_snapshot(strategy_map, period)  # recomputed by the task after approval
    assert snapshot is not None and snapshot.complete
    assert snapshot.nko.quantize(D("0.01")) == D("101.25") and snapshot.predicate == "Baik"
    indices = {k["code"]: D(k["index"]).quantize(D("0.01")) for k in snapshot.result["kpis"]}
    assert indices == {
        "S1.a": D("95.00"),
        "C1.a": D("90.00"),
        "C1.b": D("95.00"),
        "P1.a": D("100.00"),
        "P2.a": D("83.33"),
        "P2.b": D("120.00"),
        "L1.a": D("120.00"),
    }


def test_the_page_shows_101_25(example, client):
    strategy_map, period, leader = example
    client.force_login(leader)
    response = client.get(reverse("reporting:scorecard", args=[strategy_map.pk, period.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="nko"' in html and "101,25" in html and "Baik" in html
    assert "83,33" in html and "100,83" in html  # P2.a and the internal-process perspective


def test_the_api_shows_101_25(example):
    strategy_map, _period, leader = example
    api = APIClient()
    api.force_login(leader)
    response = api.get("/api/scorecards/latest/", {"map": strategy_map.pk, "period": "2025"})
    assert response.status_code == 200, response.content
    assert response.json()["nko_display"] == "101.25"
    assert response.json()["predicate"] == "Baik"
    assert response.json()["result"]["nko"].startswith("101.25")


def test_the_excel_export_shows_101_25_and_scores_back_to_it(example, client, tmp_path):
    strategy_map, period, leader = example
    client.force_login(leader)
    response = client.get(reverse("reporting:export", args=[strategy_map.pk, period.pk, "xlsx"]))
    assert response.status_code == 200
    content = response.content
    book = load_workbook(io.BytesIO(content))
    summary = {row[0]: row[1] for row in book["ringkasan"].iter_rows(values_only=True)}
    assert summary["nko"] == 101.25 and summary["predicate"] == "Baik" and summary["period"] == "2025"
    sheet = book["scorecard"]
    header = [c.value for c in sheet[1]]
    assert {"kpi_code", "realization", "index", "status"} <= set(header)
    path = tmp_path / "skor.xlsx"
    path.write_bytes(content)
    scored = score_table(read_scorecard(path), rules="kmk-467-2014")
    assert len(scored) == 1 and scored[0].result.nko.quantize(D("0.01")) == D("101.25")
    csv = client.get(reverse("reporting:export", args=[strategy_map.pk, period.pk, "csv"]))
    csv_path = tmp_path / "skor.csv"
    csv_path.write_bytes(csv.content)
    assert score_table(read_scorecard(csv_path), rules="kmk-467-2014")[0].result.nko.quantize(D("0.01")) == D(
        "101.25"
    )
