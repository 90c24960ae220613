"""The cascading matrix: rows, columns and cells of a cascaded office, the consolidation check per row, the page
(sticky box, legend, year filter), the Excel file with the same cells, and a bounded number of queries."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kinerja.contracts import services, support
from kinerja.contracts.matrix import build_matrix, share_check
from kinerja.contracts.models import CascadeMode, SupportKind
from tests.contracts.cascading import build
from tests.factories import EmployeeFactory, PositionFactory
from tests.planning import builders as b

D = Decimal
pytestmark = pytest.mark.django_db


def _cells(matrix, row):
    return {
        c.key: [x.text for x in cells] for c, cells in zip(matrix.columns, row.line, strict=True) if cells
    }


def test_share_check_under_each_consolidation():
    assert share_check(D(1200), "sum", [D(500), D(400), D(300)]).ok
    bad = share_check(D(1200), "sum", [D(500), D(400), D(200)])
    assert not bad.ok and bad.text == "Σ 1.100 ≠ 1.200"
    assert share_check(D(90), "average", [D(80), D(100)]).ok
    assert not share_check(D(90), "average", [D(80), D(90)]).ok
    assert share_check(D(90), "last", [D(90), D(90)]).ok
    assert not share_check(D(90), "last", [D(90), D(95)]).ok
    assert not share_check(D(90), "sum", [D(90), None]).ok
    assert share_check(None, "sum", [D(1)]) is None


def test_rows_columns_and_cells(office):
    world = build(office)
    s1 = office.map.objectives.get(code="S1")
    s1_3 = b.kpi(s1, "S1.3", target=D(4), frequency="yearly")
    services.link_child(parent=s1_3, child=world.lower_kpi, mode=CascadeMode.INDIRECT, by=office.manager)
    support.add_support(world.lower_s1, office.map.objectives.get(code="S1"), SupportKind.DIRECT, None)
    matrix = build_matrix(office.org.kpp_a, office.map.plan_year)

    unit_col, *people = matrix.columns
    assert (unit_col.kind, unit_col.label) == ("unit", "KP2KP-A")
    # the head of section first, then the executors; the head of office (the owner) is no column
    assert [c.position for c in people] == [office.kasi.position] + [e.position for e in office.staff]
    assert people[0].names == office.kasi.name

    codes = [(r.kind, r.depth, r.code, r.holder_label) for r in matrix.rows]
    assert codes == [
        ("objective", 0, "S1", ""),
        ("kpi", 1, "S1.1", ""),
        ("kpi", 2, "S1.1", office.kasi.position.title),
        ("kpi", 1, "S1.2", ""),
        ("kpi", 1, "S1.3", ""),
    ]
    s1_row, map_sum, kasi_sum, map_pct, indirect = matrix.rows
    assert _cells(matrix, s1_row) == {unit_col.key: ["S1 (L)"]}
    assert _cells(matrix, map_sum) == {people[0].key: ["DS 1.200"]}
    assert map_sum.check.ok
    assert _cells(matrix, kasi_sum) == {
        people[1].key: ["DS 500"],
        people[2].key: ["DS 400"],
        people[3].key: ["DS 200"],
    }
    assert not kasi_sum.check.ok and kasi_sum.check.text == "Σ 1.100 ≠ 1.200"
    assert matrix.problems == 1
    assert _cells(matrix, map_pct) == {people[0].key: ["DF"]}
    assert _cells(matrix, indirect) == {unit_col.key: ["I S1.a"]}

    services.set_share(link=world.shares[2].kpi.cascaded_from, share=D(300), by=office.manager)
    matrix = build_matrix(office.org.kpp_a, office.map.plan_year)
    assert matrix.rows[2].check.ok and matrix.problems == 0


def test_the_page_and_the_excel_file(client, office):
    build(office)
    client.force_login(office.manager)
    unit, year = office.org.kpp_a, 2026
    page = client.get(reverse("contracts:matrix", args=[unit.pk, year]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'class="matrix-box"' in html and "position: sticky" in html
    assert "Σ 1.100 ≠ 1.200" in html and 'id="f-tahun"' in html and "kind-DS" in html
    answer = client.get(reverse("contracts:matrix-xlsx", args=[unit.pk, year]))
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/vnd.openxml")
    book = load_workbook(io.BytesIO(answer.content))
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "C3"
    header = [c.value for c in sheet[2]]
    assert header[:6] == ["Kode", "SS / IKU", "Pemegang", "Jenis cascading", "Target", "Cek porsi"]
    assert header[6].startswith("KP2KP-A")
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=3)]
    assert [r[0].strip() for r in rows] == ["S1", "S1.1", "S1.1", "S1.2"]
    assert rows[2][5] == "Σ 1.100 ≠ 1.200"
    assert [v for v in rows[2][6:] if v] == ["DS 500", "DS 400", "DS 200"]
    assert rows[1][4] == 1200
    assert sheet[2][0].font.bold
    # the year filter goes through the chooser
    chosen = client.get(reverse("contracts:matrix-index"), {"unit": unit.pk, "tahun": year})
    assert chosen.status_code == 302 and chosen["Location"] == reverse(
        "contracts:matrix", args=[unit.pk, year]
    )


def test_a_unit_without_a_map_owner_flag_or_outside_reach_is_not_found(client, office, make_user):
    client.force_login(office.manager)
    assert client.get(reverse("contracts:matrix", args=[office.org.section_a.pk, 2026])).status_code == 404
    assert client.get(reverse("contracts:matrix", args=[office.org.kpp_b.pk, 2026])).status_code == 404
    assert client.get(reverse("contracts:matrix", args=[office.org.kpp_a.pk, 2031])).status_code == 404


def test_queries_stay_bounded_with_many_people(office, django_assert_max_num_queries):
    world = build(office)
    year = office.map.plan_year
    kasi_pos = office.kasi.position
    for _i in range(30):
        employee = EmployeeFactory(
            unit=office.org.section_a,
            position=PositionFactory(unit=office.org.section_a, superior=kasi_pos),
            superior=office.kasi,
        )
        contract = services.create_contract(employee=employee, plan_year=year, by=None)
        services.cascade_to(
            parent=world.kasi_pct.kpi, contract=contract, mode=CascadeMode.DIRECT_FULL, by=None
        )
    with django_assert_max_num_queries(10):
        matrix = build_matrix(office.org.kpp_a, year)
        rows = [[c.text for cells in r.line for c in cells] for r in matrix.rows]
    assert len(matrix.columns) == 1 + 4 + 30
    assert sum(r.count("DF") for r in rows) == 31


def test_the_chooser_is_searched_by_unit_and_paged(client, office, make_user, monkeypatch):
    from kinerja.accounts.models import Role
    from kinerja.contracts.views import matrix as views
    from kinerja.planning.models import MapState
    from tests.planning import builders as pb

    pb.bare_map(office.org.kpp_b, 2026, MapState.APPROVED)
    client.force_login(make_user(office.org.kanwil, Role.MANAGER))
    listed = client.get(reverse("contracts:matrix-index"), {"tahun": 2026})
    assert [m.unit for m in listed.context["maps"]] == [office.org.kpp_a, office.org.kpp_b]
    found = client.get(reverse("contracts:matrix-index"), {"tahun": 2026, "q": "KPP-B"})
    assert [m.unit for m in found.context["maps"]] == [office.org.kpp_b]
    monkeypatch.setattr(views, "MATRIX_INDEX_PAGE", 1)
    second = client.get(reverse("contracts:matrix-index"), {"tahun": 2026, "page": 2})
    assert [m.unit for m in second.context["maps"]] == [office.org.kpp_b]
    assert 'rel="prev"' in second.content.decode()
