"""Excel export and import of a map: round trip, dry run listing every error, all or nothing, approved maps refused."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kinerja.accounts.models import Role
from kinerja.planning import services, workbook
from kinerja.planning.models import Initiative, Kpi, MapState, Objective, Risk, StrategyMap
from tests.factories import PositionFactory
from tests.planning import builders as b

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(org, make_user):
    return make_user(org.kpp_a, Role.MANAGER)


@pytest.fixture
def full_map(org, manager):
    """A sound map with a theme, weights, an owner position, a quarterly KPI, an initiative and a risk."""
    strategy_map = b.sound_map(org.kpp_a)
    head = PositionFactory(unit=org.kpp_a, code="KPP-A-KEPALA")
    theme = services.save_theme(strategy_map=strategy_map, code="T1", name_id="Kepatuhan", by=manager)
    services.update_perspectives(
        strategy_map=strategy_map,
        values={
            p.pk: {"weight": D(w)}
            for p, w in zip(strategy_map.perspectives.order_by("order"), (30, 25, 25, 20), strict=True)
        },
        by=manager,
    )
    s1 = strategy_map.objectives.get(code="S1")
    services.save_objective(
        strategy_map=strategy_map,
        objective=s1,
        perspective=s1.perspective,
        code="S1",
        name_id="Penerimaan pajak yang optimal",
        theme=theme,
        owner_position=head,
        by=manager,
    )
    b.kpi_via_service(
        strategy_map.objectives.get(code="P1"),
        "P1.2",
        manager,
        trajectory=[D(10), D(20), D(30), D("40.5")],
        frequency="quarterly",
        consolidation="sum",
        target=D("100.5"),
        unit_of_measure="dokumen",
        cap_on_target=True,
    )
    services.save_initiative(
        strategy_map=strategy_map,
        code="IS1",
        name_id="Digitalisasi layanan",
        budget=D("1250000000.50"),
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 12, 31),
        owner_position=head,
        objectives=list(strategy_map.objectives.filter(code__in=["P1", "L1"])),
        by=manager,
    )
    services.save_risk(
        objective=s1,
        code="R1",
        description="Penerimaan tidak tercapai",
        likelihood=3,
        impact=5,
        mitigation="Pengawasan intensif",
        owner_text="Kepala Seksi Pengawasan",
        by=manager,
    )
    return strategy_map


def sheets(content: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(content), data_only=True)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def xlsx(data: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in data.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def headers(sheet) -> list[str]:
    return [c.header for c in sheet.columns]


def test_export_has_one_sheet_per_entity_with_indonesian_headers(full_map):
    content = sheets(workbook.export_map(full_map))
    assert list(content) == [s.name for s in workbook.SHEETS]
    assert content["iku"][0][:3] == ("kode_ss", "kode", "nama")
    assert content["sasaran"][1][:2] == ("S1", "stakeholder")
    assert ("P1.2", 4, 40.5) in content["target_periode"]
    assert content["inisiatif"][1][4] == "L1, P1"


def test_export_then_import_round_trips(org, full_map, manager):
    exported = workbook.export_map(full_map)
    again = workbook.import_map(strategy_map=full_map, content=exported, by=manager, dry_run=False)
    assert again.ok and again.applied and sum(again.created.values()) == 0
    assert sheets(workbook.export_map(full_map)) == sheets(exported)
    # into an empty map of the next year: the same content comes back out
    target = services.create_map(unit=org.kpp_a, plan_year=b.plan_year(2027), by=manager)
    report = workbook.import_map(strategy_map=target, content=exported, by=manager, dry_run=False)
    assert report.ok, [str(i) for i in report.issues]
    assert report.created["sasaran"] == 8 and report.created["inisiatif"] == 1
    target = StrategyMap.objects.get(pk=target.pk)
    assert sheets(workbook.export_map(target)) == sheets(exported)
    assert Initiative.objects.get(map=target).budget == D("1250000000.50")
    assert Kpi.objects.get(objective__map=target, code="P1.2").cap_on_target is True


def test_dry_run_lists_every_error_across_sheets_and_writes_nothing(full_map, manager):
    before = (
        Objective.objects.count(),
        Kpi.objects.count(),
        Risk.objects.count(),
        Initiative.objects.count(),
    )
    content = xlsx(
        {
            "sasaran": [
                headers(workbook.SASARAN),
                ["C9", "customer", "Layanan baru yang prima", "", "", "", "", None],
                ["X1", "pelanggan", "Salah perspektif", "", "", "", "", None],
            ],
            "iku": [
                headers(workbook.IKU),
                [
                    "C9",
                    "C9.1",
                    "IKU baru",
                    "",
                    "",
                    "",
                    "%",
                    "proxy",
                    "moderate",
                    "lag",
                    "max",
                    "last",
                    "yearly",
                ]
                + [""] * 12,
                [
                    "S1",
                    "S1.9",
                    "Polaritas salah",
                    "",
                    "",
                    "",
                    "%",
                    "proxy",
                    "moderate",
                    "lag",
                    "maks",
                    "last",
                    "yearly",
                ]
                + [""] * 12,
                [
                    "S1",
                    "S1.8",
                    "Target nol",
                    "",
                    "",
                    "",
                    "%",
                    "proxy",
                    "moderate",
                    "",
                    "max",
                    "last",
                    "yearly",
                ]
                + [""] * 9
                + [0, "", ""],
                [
                    "S1",
                    "S1.7",
                    "Jenis salah",
                    "",
                    "",
                    "",
                    "%",
                    "kira-kira",
                    "moderate",
                    "",
                    "max",
                    "last",
                    "yearly",
                ]
                + [""] * 12,
            ],
            "risiko": [
                headers(workbook.RISIKO),
                ["S1", "R2", "Risiko baru", 3, 7, "", "", ""],
                ["Z9", "R3", "SS tidak ada", 1, 1, "", "", ""],
            ],
        }
    )
    report = workbook.import_map(strategy_map=full_map, content=content, by=manager, dry_run=True)
    messages = [str(i) for i in report.issues]
    assert 'iku, baris 3, kolom polaritas: "maks" bukan nilai yang dikenal (max, min, stabilize)' in messages
    assert any(
        m.startswith('sasaran, baris 3, kolom perspektif: "pelanggan" bukan nilai yang dikenal')
        for m in messages
    )
    assert any(m.startswith('iku, baris 5, kolom jenis: "kira-kira"') for m in messages)
    assert any(
        m.startswith("iku, baris 4") for m in messages
    )  # max with target 0: the service refuses (rule 11)
    assert any(m.startswith("risiko, baris 2, kolom dampak") for m in messages)
    assert 'risiko, baris 3, kolom kode_ss: SS "Z9" tidak ada pada peta ini' in messages
    assert [i.sheet for i in report.issues] == sorted(
        (i.sheet for i in report.issues), key=[s.name for s in workbook.SHEETS].index
    )
    assert not report.applied
    after = (Objective.objects.count(), Kpi.objects.count(), Risk.objects.count(), Initiative.objects.count())
    assert after == before
    # the same file for real: still nothing (all or nothing)
    report = workbook.import_map(strategy_map=full_map, content=content, by=manager, dry_run=False)
    assert not report.applied and not Objective.objects.filter(code="C9").exists()


def test_a_clean_dry_run_writes_nothing_and_the_real_run_writes(full_map, manager):
    content = xlsx(
        {"risiko": [headers(workbook.RISIKO), ["S1", "R2", "Risiko baru", 2, 2, "Mitigasi", "", ""]]}
    )
    report = workbook.import_map(strategy_map=full_map, content=content, by=manager)
    assert report.ok and report.created["risiko"] == 1 and not Risk.objects.filter(code="R2").exists()
    report = workbook.import_map(strategy_map=full_map, content=content, by=manager, dry_run=False)
    assert report.applied and Risk.objects.get(code="R2").level == 4


def test_english_aliases_are_accepted_and_unknown_columns_reported(full_map, manager):
    content = xlsx(
        {
            "risks": [
                ["objective", "code", "description", "likelihood", "impact"],
                ["S1", "R5", "Alias", 1, 2],
            ],
            "hubungan": [["sebab", "akibat", "warna"], ["L1", "S1", "merah"]],
        }
    )
    report = workbook.import_map(strategy_map=full_map, content=content, by=manager)
    assert [str(i) for i in report.issues] == ["hubungan, baris 1, kolom warna: judul kolom tidak dikenal"]


def test_not_a_workbook(full_map, manager):
    report = workbook.import_map(strategy_map=full_map, content=b"bukan excel", by=manager)
    assert not report.ok and "xlsx" in str(report.issues[0])


def test_import_into_an_approved_map_is_refused(org, manager):
    approved = b.sound_map(org.kpp_a, state=MapState.APPROVED)
    with pytest.raises(ValidationError) as error:
        workbook.import_map(strategy_map=approved, content=workbook.export_map(approved), by=manager)
    assert error.value.code == "map_read_only"


def test_pages_export_and_import_with_confirm(client, full_map, manager, org, make_user):
    client.force_login(manager)
    response = client.get(reverse("strategy:map-export", args=[full_map.pk]))
    assert response.status_code == 200 and response["Content-Type"] == workbook.CONTENT_TYPE
    content = xlsx({"risiko": [headers(workbook.RISIKO), ["S1", "R2", "Risiko baru", 2, 2, "", "", ""]]})
    url = reverse("strategy:map-import", args=[full_map.pk])
    response = client.post(url, {"file": io.BytesIO(content)}, format="multipart")
    assert response.status_code == 200 and response.context["report"].ok
    assert not Risk.objects.filter(code="R2").exists()
    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 302 and Risk.objects.filter(code="R2").exists()
    bad = xlsx({"risiko": [headers(workbook.RISIKO), ["S1", "R3", "x", 9, 2, "", "", ""]]})
    response = client.post(url, {"file": io.BytesIO(bad)})
    assert response.status_code == 400 and b"kemungkinan" in response.content
    client.force_login(make_user(org.kpp_a, Role.EMPLOYEE))
    assert client.get(url).status_code == 403
    assert client.get(reverse("strategy:map-export", args=[full_map.pk])).status_code == 200
    client.force_login(make_user(org.kpp_b, Role.MANAGER))
    assert client.get(url).status_code == 404


def test_numbers_are_read_as_people_write_them_and_too_large_ones_refused(full_map, manager):
    """Issue 10 items 5-6: the shared parser reads `85,5` and `1.234,5`; a value beyond the model's digits
    is an issue with its sheet, row and column, never a database error."""
    code = full_map.objectives.order_by("code").first().code
    keys = [c.key for c in workbook.INISIATIF.columns]

    def row(initiative: str, budget: str) -> list:
        values = dict(code=initiative, name_id=f"Inisiatif {initiative}", objectives=code, budget=budget)
        return [values.get(key, "") for key in keys]

    content = xlsx({"inisiatif": [headers(workbook.INISIATIF), row("I8", "1.234,5"), row("I9", "9" * 30)]})
    report = workbook.import_map(strategy_map=full_map, content=content, by=manager)
    messages = [str(i) for i in report.issues]
    assert len(messages) == 1 and messages[0].startswith("inisiatif, baris 3, kolom anggaran"), messages
    assert workbook.reading._parse(workbook.INISIATIF.column("budget"), "85,5") == Decimal("85.5")
    assert workbook.reading._parse(workbook.INISIATIF.column("budget"), "1.234,5") == Decimal("1234.5")


def test_cells_are_read_by_the_shared_parsers():
    """Whole numbers, yes/no and choices go through `interchange.cells`; the workbook's messages stay."""
    parse = workbook.reading._parse
    likelihood = workbook.RISIKO.column("likelihood")
    cap = workbook.IKU.column("cap_on_target")
    polarity = workbook.IKU.column("polarity")
    assert parse(likelihood, "3") == 3 and parse(likelihood, "3,0") == 3 and parse(likelihood, 4.0) == 4
    for bad in ("3,5", "tiga", True):
        with pytest.raises(workbook.reading._Bad, match="bukan bilangan bulat"):
            parse(likelihood, bad)
    assert [parse(cap, raw) for raw in ("ya", "Benar", "x", "TRUE", 1, True)] == [True] * 6
    assert [parse(cap, raw) for raw in ("tidak", "salah", "N", "false", 0, False)] == [False] * 6
    with pytest.raises(workbook.reading._Bad, match="bukan nilai ya/tidak"):
        parse(cap, "mungkin")
    assert parse(polarity, " MAX ") == "max"
    assert parse(workbook.IKU.column("lead_lag"), "") == "lag"
    with pytest.raises(workbook.reading._Bad, match=r"bukan nilai yang dikenal \(max, min, stabilize\)"):
        parse(polarity, "maks")


def test_a_name_that_looks_like_a_formula_is_exported_as_text(full_map):
    """Formula injection (issue 11 item 2): a stored name starting with `=` is never a live formula."""
    objective = full_map.objectives.get(code="S1")
    objective.name_id = '=HYPERLINK("http://jahat.example","klik")'
    objective.save(update_fields=["name_id"])
    book = load_workbook(io.BytesIO(workbook.export_map(full_map)))
    cells = [c for row in book["sasaran"].iter_rows(min_row=2) for c in row if c.value == objective.name_id]
    assert cells and all(c.data_type == "s" for c in cells)
