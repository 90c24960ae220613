"""Contracts as an Excel workbook: export, import with a dry run, errors by sheet/row/column, rule 19."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kinerja.contracts import services, workbook
from kinerja.contracts.models import Contract, ContractKpi, ContractState
from kinerja.interchange.sources import write_xlsx_sheets
from kinerja.planning.models import Kpi, PeriodTarget

from .test_bulk import IKI

D = Decimal
pytestmark = pytest.mark.django_db


def _drafts(office):
    year = office.map.plan_year
    head = services.create_contract(employee=office.head, plan_year=year, by=office.manager)
    kasi = services.create_contract(employee=office.kasi, plan_year=year, by=office.manager)
    entry = services.add_individual_kpi(
        contract=kasi,
        objective=office.kpi_sum.objective,
        code="IKI-1",
        fields=IKI,
        trajectory=[D(25)] * 4,
        by=office.manager,
        entry_fields={"weight": D(100)},
    )
    return head, kasi, entry


def _sheets(data: bytes) -> dict[str, list[list[object]]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    found = {}
    for ws in book.worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        width = len(rows[0])
        found[ws.title] = [r + [None] * (width - len(r)) for r in rows]
    return found


def _book(sheets: dict[str, list[list[object]]]) -> io.BytesIO:
    out = io.BytesIO()
    write_xlsx_sheets(out, [(name, rows[0], rows[1:]) for name, rows in sheets.items()])  # type: ignore[arg-type]
    out.seek(0)
    return out


def _import(office, data, dry_run=False):
    return workbook.import_contracts(
        source=data,
        name="kontrak.xlsx",
        unit=office.org.kpp_a,
        plan_year=office.map.plan_year,
        by=office.manager,
        dry_run=dry_run,
    )


def _fingerprint():
    return (
        Contract.objects.count(),
        Contract.history.count(),
        ContractKpi.objects.count(),
        ContractKpi.history.count(),
        Kpi.all_kpis.count(),
        Kpi.history.count(),
        PeriodTarget.history.count(),
    )


def test_export_lists_contracts_and_kpis(office):
    _drafts(office)
    sheets = _sheets(workbook.export_contracts(office.org.kpp_a, office.map.plan_year, office.manager))
    assert sheets["kontrak"][0] == list(workbook.CONTRACT_COLUMNS)
    assert {r[0] for r in sheets["kontrak"][1:]} == {office.head.nip, office.kasi.nip}
    iku = sheets["iku"]
    header = iku[0]
    rows = {r[header.index("kode_iku")]: dict(zip(header, r, strict=True)) for r in iku[1:]}
    assert set(rows) == {"S1.1", "S1.2", "IKI-1"}
    assert rows["IKI-1"]["asal"] == "individual" and rows["IKI-1"]["bobot"] == 100
    assert [rows["IKI-1"][f"p{i}"] for i in range(1, 6)] == [25, 25, 25, 25, None]
    assert rows["S1.1"]["kode_ss"] == "S1" and rows["S1.1"]["target"] == 1200


def test_export_then_import_changes_nothing(office):
    _drafts(office)
    data = workbook.export_contracts(office.org.kpp_a, office.map.plan_year, office.manager)
    before = _fingerprint()
    result = _import(office, io.BytesIO(data))
    assert result.ok, result.problems
    assert (result.contracts_new, result.contracts_changed, result.kpis_new, result.kpis_changed) == (
        0,
        0,
        0,
        0,
    )
    assert result.unchanged == 5
    assert _fingerprint() == before


def test_dry_run_lists_every_error_by_sheet_row_and_column_and_writes_nothing(office):
    _drafts(office)
    sheets = _sheets(workbook.export_contracts(office.org.kpp_a, office.map.plan_year, office.manager))
    header = sheets["iku"][0]
    sheets["kontrak"].append([office.staff[0].nip, "", "", "2026-01-01", "2026-12-31", "", office.kasi.nip])
    sheets["kontrak"].append(["199001012015011999", "", "", "2026-01-01", "tahun depan", "", ""])
    new = dict.fromkeys(header, None) | {
        "nip": office.staff[0].nip,
        "kode_iku": "IKI-9",
        "asal": "individual",
        "kode_ss": "S1",
        "nama": "Baru",
        "polaritas": "max",
        "konsolidasi": "sum",
        "frekuensi": "quarterly",
        "validitas": "proxy",
        "keterkendalian": "high",
        "bobot": "abc",
        "target": 100,
    }
    sheets["iku"].append([new[h] for h in header])
    before = _fingerprint()
    result = _import(office, _book(sheets), dry_run=True)
    found = {(p.sheet, p.row, p.column) for p in result.problems}
    assert ("kontrak", 5, "nip") in found  # an unknown NIP
    assert ("kontrak", 5, "selesai") in found  # not a date
    bad_weight = next(p for p in result.problems if p.column == "bobot")
    assert (bad_weight.sheet, bad_weight.row) == ("iku", 5)
    assert "bukan angka" in bad_weight.message
    assert "iku baris 5, kolom bobot: " in str(bad_weight)
    assert not result.written and _fingerprint() == before
    # the same file without the errors: the dry run passes and still writes nothing; then it is applied
    sheets["kontrak"].pop()
    sheets["iku"][-1][header.index("bobot")] = 100
    sheets["iku"][-1][header.index("p1")] = 25
    for i in range(2, 5):
        sheets["iku"][-1][header.index(f"p{i}")] = 25
    dry = _import(office, _book(sheets), dry_run=True)
    assert dry.ok, dry.problems
    assert (dry.contracts_new, dry.kpis_new, dry.written) == (1, 1, False) and _fingerprint() == before
    applied = _import(office, _book(sheets))
    assert applied.written
    contract = Contract.objects.get(employee=office.staff[0], plan_year=office.map.plan_year)
    assert contract.superior == office.kasi and contract.state == ContractState.DRAFT
    entry = contract.kpis.get()
    assert (entry.kpi.code, entry.kpi.holder_id, entry.weight) == (
        "IKI-9",
        office.staff[0].position_id,
        D(100),
    )
    assert list(entry.kpi.period_targets.order_by("period").values_list("target", flat=True)) == [D(25)] * 4
    assert entry.history.count() == 1


def test_a_signed_contract_cannot_be_changed_by_import(office):
    _head, kasi, entry = _drafts(office)
    services.propose(contract=kasi, by=office.manager)
    services.agree(contract=kasi, by=office.user(office.head))
    services.sign(contract=kasi, by=office.user(office.kasi))
    data = workbook.export_contracts(office.org.kpp_a, office.map.plan_year, office.manager)
    assert _import(office, io.BytesIO(data)).ok  # unchanged rows of a signed contract pass
    sheets = _sheets(data)
    header = sheets["iku"][0]
    row = next(r for r in sheets["iku"][1:] if r[header.index("kode_iku")] == "IKI-1")
    row[header.index("target")] = 120
    before = _fingerprint()
    result = _import(office, _book(sheets))
    assert [(p.sheet, p.column) for p in result.problems] == [("iku", "target")]
    assert "kontrak sudah ditandatangani; ubah melalui revisi" in result.problems[0].message
    assert _fingerprint() == before
    entry.refresh_from_db()
    assert entry.target == D(100)


def test_import_page_dry_run_then_apply(client, office):
    _drafts(office)
    client.force_login(office.manager)
    url = reverse("contracts:import", args=[office.org.kpp_a.pk, 2026])
    assert client.get(url).status_code == 200
    download = client.get(reverse("contracts:export-xlsx", args=[office.org.kpp_a.pk, 2026]))
    assert download.status_code == 200 and download["Content-Type"] == workbook.XLSX
    upload = io.BytesIO(download.content)
    upload.name = "kontrak.xlsx"
    response = client.post(url, {"file": upload, "dry_run": "on"})
    assert response.status_code == 200 and "Uji coba berhasil" in response.content.decode()
    client.force_login(office.user(office.staff[0]))
    assert client.get(url).status_code == 403
