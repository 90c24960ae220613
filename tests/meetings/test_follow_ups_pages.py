"""The follow-up matrix's pages (issue 14 item 2): the unit's matrix (counts, warnings, filters, pages, access, a
fixed number of queries), its Excel file, "my follow-ups", the overdue block of the home page and the
follow-up card of the unit's dashboard."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from kinerja.meetings.models import ActionState
from tests.factories import EmployeeFactory
from tests.meetings.test_follow_ups import (
    FU,
    action,
    carry,
    fu_fixture,  # noqa: F401  (the fixture `fu`)
    meeting,
)
from tests.reporting.conftest import world as reporting_world  # noqa: F401  (the fixture `world`)

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


def ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


def matrix_url(unit: Any, query: str = "") -> str:
    return reverse("meetings:follow-ups", args=[unit.pk]) + (f"?{query}" if query else "")


def test_the_matrix_shows_the_subtree_counts_and_warnings(client: Any, fu: FU, org: Any) -> None:
    late = action(
        fu.unit, "Menyusun rencana aksi penerimaan", owner=fu.owner, due_date=ago(3), meeting=fu.origin
    )
    action(org.section_a, "Sosialisasi e-Faktur", owner=fu.colleague, due_date=ago(-5), state="in_progress")
    action(fu.unit, "Tanpa penanggung jawab", due_date=ago(-5))
    action(fu.unit, "Laporan selesai", owner=fu.owner, state=ActionState.DONE, evidence_name="x.pdf")
    action(org.kpp_b, "Rahasia unit lain", owner=fu.colleague, due_date=ago(3))
    client.force_login(fu.world.manager)
    with translation.override("id"):
        response = client.get(matrix_url(fu.unit))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows[0].description == late.description
    assert len(rows) == 4
    counts = response.context["counts"]
    assert (counts.total, counts.open, counts.in_progress, counts.done, counts.overdue) == (4, 2, 1, 1, 1)
    warnings = response.context["warnings"]
    assert (warnings.no_owner, warnings.no_due_date, warnings.overdue) == (1, 0, 1)
    html = response.content.decode()
    assert "Rahasia unit lain" not in html
    assert "Peringatan tindak lanjut (aturan 24)" in html
    assert 'data-warning="no_owner">1<' in html
    assert "Dialog Kinerja Januari 2026" in html  # the origin meeting
    assert "terlambat 3 hari" in html


def test_the_matrix_filters_by_query_string(client: Any, fu: FU, org: Any) -> None:
    other = meeting(fu.unit, fu.world, "Dialog Kinerja Februari 2026", dt.date(2026, 2, 15))
    a = action(fu.unit, "A", owner=fu.owner, due_date=ago(3), meeting=fu.origin)
    b = action(org.section_a, "B", owner=fu.colleague, due_date=ago(-3), meeting=other, state="in_progress")
    c = action(fu.unit, "C", due_date=ago(-4), meeting=other)
    client.force_login(fu.world.leader)

    def shown(query: str) -> set[str]:
        response = client.get(matrix_url(fu.unit, query))
        assert response.status_code == 200
        return {r.description for r in response.context["rows"]}

    assert shown("") == {"A", "B", "C"}
    assert shown("status=in_progress") == {"B"}
    assert shown(f"pj={fu.owner.pk}") == {"A"}
    assert shown("pj=kosong") == {"C"}
    assert shown("terlambat=1") == {"A"}
    assert shown(f"rapat={other.pk}") == {"B", "C"}
    assert shown("peringatan=no_owner") == {"C"}
    assert shown("status=bogus&pj=abc&rapat=99999999999999999999999") == {"A", "B", "C"}
    response = client.get(matrix_url(fu.unit, f"rapat={other.pk}&terlambat=1"))
    assert response.context["query"] == f"terlambat=1&rapat={other.pk}"
    assert a and b and c


def test_the_owner_filter_is_a_picker_over_the_matrix_owners(client: Any, fu: FU, org: Any) -> None:
    """The owner filter holds the chosen person only (no option per owner, however many own actions); its search
    finds the owners of this matrix's actions and nobody for a matrix the user may not read; the actions
    without an owner are a box to tick."""
    action(fu.unit, "A", owner=fu.owner, due_date=ago(-3))
    action(org.section_a, "B", owner=fu.colleague, due_date=ago(-3))
    action(fu.unit, "C", due_date=ago(-4))
    outsider = EmployeeFactory(unit=org.kpp_b, name="Rina Lain")
    action(org.kpp_b, "D", owner=outsider, due_date=ago(-4))
    client.force_login(fu.world.leader)

    def filter_form(query: str = "") -> str:
        html = client.get(matrix_url(fu.unit, query)).content.decode()
        return html[html.index('class="filters"') : html.index("</form>", html.index('class="filters"'))]

    form = filter_form()
    assert "Agus Salim" not in form and "Rina Marlina" not in form  # nobody listed up front
    chosen = client.get(matrix_url(fu.unit, f"pj={fu.owner.pk}"))
    assert {r.description for r in chosen.context["rows"]} == {"A"}
    form = filter_form(f"pj={fu.owner.pk}")
    assert "Rina Marlina" in form and "Agus Salim" not in form  # the chosen one only
    ticked = client.get(matrix_url(fu.unit, "tanpa_pj=1"))
    assert {r.description for r in ticked.context["rows"]} == {"C"}
    assert 'name="tanpa_pj" value="1" checked' in ticked.content.decode()

    def found(scope: Any, term: str) -> str:
        params = {"field": "meetings.follow-ups.owner", "name": "pj", "scope": scope, "pj_cari": term}
        return client.get(reverse("organisations:employee-options"), params).content.decode()

    assert "Rina Marlina" in found(fu.unit.pk, "rina") and "Rina Lain" not in found(fu.unit.pk, "rina")
    assert "Agus Salim" in found(fu.unit.pk, "agus")
    assert "Rina Lain" not in found(org.kpp_b.pk, "rina")  # the leader of KPP-A does not read KPP-B's matrix
    assert "Rina" not in found("bukan-angka", "rina")


def test_the_origin_meeting_filter_is_a_picker_over_the_matrix_meetings(
    client: Any, fu: FU, org: Any
) -> None:
    """The origin-meeting filter holds the chosen meeting only (no option per meeting: a ministry's matrix spans
    thousands); its search finds the meetings of this matrix's actions by title or unit code, newest first, and
    none for a matrix the user may not read; the page's queries do not grow with the meetings."""
    feb = meeting(fu.unit, fu.world, "Dialog Kinerja Februari 2026", dt.date(2026, 2, 15))
    mar = meeting(org.section_a, fu.world, "Rapat Seksi Maret 2026", dt.date(2026, 3, 10))
    secret = meeting(org.kpp_b, fu.world, "Dialog Kinerja KPP B", dt.date(2026, 3, 1))
    action(fu.unit, "A", owner=fu.owner, due_date=ago(3), meeting=fu.origin)
    action(fu.unit, "B", owner=fu.owner, due_date=ago(3), meeting=feb)
    action(org.section_a, "C", due_date=ago(-4), meeting=mar)
    action(org.kpp_b, "D", due_date=ago(-4), meeting=secret)
    unheld = meeting(fu.unit, fu.world, "Dialog tanpa tindak lanjut", dt.date(2026, 4, 1))
    client.force_login(fu.world.leader)

    def filter_form(query: str = "") -> str:
        html = client.get(matrix_url(fu.unit, query)).content.decode()
        return html[html.index('class="filters"') : html.index("</form>", html.index('class="filters"'))]

    form = filter_form()
    assert "Februari" not in form and "Maret" not in form and 'name="rapat_cari"' in form
    chosen = client.get(matrix_url(fu.unit, f"rapat={feb.pk}"))
    assert {r.description for r in chosen.context["rows"]} == {"B"}
    form = filter_form(f"rapat={feb.pk}")
    assert "Dialog Kinerja Februari 2026" in form and "Maret" not in form  # the chosen one only

    def found(scope: Any, term: str) -> list[str]:
        params = {"field": "meetings.follow-ups.meeting", "name": "rapat", "scope": scope, "rapat_cari": term}
        response = client.get(reverse("meetings:meeting-options"), params)
        assert response.status_code == 200
        html = response.content.decode()
        return re.findall(r'<option value="(\d+)">', html)  # in the order listed

    assert found(fu.unit.pk, "dialog kinerja") == [str(feb.pk), str(fu.origin.pk)]  # newest first
    assert found(fu.unit.pk, org.section_a.code.lower()) == [str(mar.pk)]  # by the unit's code
    assert found(fu.unit.pk, "") == [str(mar.pk), str(feb.pk), str(fu.origin.pk)]  # not KPP B's, not unheld
    assert str(unheld.pk) not in found(fu.unit.pk, "tanpa")  # a meeting without actions is not offered
    assert found(org.kpp_b.pk, "") == []  # the leader of KPP-A does not read KPP-B's matrix
    assert found("bukan-angka", "dialog") == []
    unknown = {"field": "tidak.ada", "name": "rapat", "rapat_cari": "x"}
    assert client.get(reverse("meetings:meeting-options"), unknown).status_code == 404

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(matrix_url(fu.unit, f"rapat={feb.pk}")).status_code == 200
        return len(captured)

    before = queries()
    for i in range(30):
        action(
            fu.unit, f"Tambahan {i}", meeting=meeting(fu.unit, fu.world, f"Rapat {i}", dt.date(2026, 1, 2))
        )
    assert queries() == before


def test_the_matrix_pages(client: Any, fu: FU) -> None:
    for i in range(60):
        action(fu.unit, f"Tindak lanjut {i:02d}", owner=fu.owner, due_date=ago(-i))
    client.force_login(fu.world.manager)
    first = client.get(matrix_url(fu.unit))
    second = client.get(matrix_url(fu.unit, "halaman=2"))
    assert len(first.context["rows"]) == 50 and len(second.context["rows"]) == 10
    assert first.context["counts"].total == 60


def _fill(fu: FU, org: Any, start: int, count: int) -> None:
    world = fu.world
    later = meeting(fu.unit, world, f"Dialog lanjutan {start}", dt.date(2026, 2, 15))
    kpi = world.quarterly
    for i in range(start, start + count):
        owner = EmployeeFactory(unit=org.section_a if i % 2 else fu.unit)
        found = action(
            org.section_a if i % 3 else fu.unit,
            f"Tindak lanjut {i}",
            owner=owner if i % 4 else None,
            due_date=ago(i % 7 - 3) if i % 5 else None,
            meeting=fu.origin,
            kpi=kpi,
            objective=kpi.objective,
            state=["open", "in_progress", "done", "dropped"][i % 4],
        )
        carry(found, later)


@pytest.mark.parametrize("who", ["manager", "owner"])
def test_the_pages_cost_the_same_for_5_and_50_actions(
    client: Any,
    fu: FU,
    org: Any,
    who: str,
    django_assert_max_num_queries: Any,
) -> None:
    if who == "manager":
        user, url = fu.world.manager, matrix_url(fu.unit)
    else:
        user, url = fu.owner_user, reverse("meetings:my-follow-ups")
    client.force_login(user)
    _fill(fu, org, 0, 5)
    if who == "owner":
        from kinerja.meetings.models import Action

        Action.objects.update(owner=fu.owner)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert len(response.context["rows"]) == 5
    _fill(fu, org, 5, 45)
    if who == "owner":
        Action.objects.update(owner=fu.owner)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["rows"]) == 50
    assert len(few.captured_queries) <= 14


@pytest.mark.parametrize(
    ("role", "unit_name", "status"),
    [
        ("manager", "kpp_a", 200),
        ("leader", "kpp_a", 200),
        ("auditor", "kpp_a", 200),
        ("manager", "section_a", 200),  # a unit below
        ("employee", "kpp_a", 404),  # a plain employee reads only their own follow-ups
        ("manager", "kanwil", 404),  # above the reach
        ("manager", "kpp_b", 404),  # a sibling
    ],
)
def test_who_reads_a_units_matrix(
    client: Any,
    fu: FU,
    org: Any,
    role: str,
    unit_name: str,
    status: int,
) -> None:
    client.force_login(getattr(fu.world, role))
    unit = getattr(org, unit_name)
    assert client.get(matrix_url(unit)).status_code == status
    assert client.get(reverse("meetings:follow-ups-xlsx", args=[unit.pk])).status_code == status


def test_anonymous_is_sent_to_sign_in(client: Any, fu: FU) -> None:
    for url in (matrix_url(fu.unit), reverse("meetings:my-follow-ups")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_my_follow_ups_are_those_i_own(client: Any, fu: FU, org: Any) -> None:
    mine = action(org.kpp_b, "Milik saya di unit lain", owner=fu.owner, due_date=ago(2))
    action(fu.unit, "Milik rekan", owner=fu.colleague, due_date=ago(2))
    done = action(fu.unit, "Sudah selesai", owner=fu.owner, state=ActionState.DONE)
    client.force_login(fu.owner_user)
    response = client.get(reverse("meetings:my-follow-ups"))
    assert response.status_code == 200
    assert [r.pk for r in response.context["rows"]] == [mine.pk, done.pk]
    assert response.context["counts"].overdue == 1
    assert [r.pk for r in client.get(reverse("meetings:my-follow-ups") + "?terlambat=1").context["rows"]] == [
        mine.pk
    ]
    # the owner reads no matrix: they hold only the employee role
    assert client.get(matrix_url(fu.unit)).status_code == 404


def test_my_follow_ups_without_an_employee(client: Any, fu: FU, make_user: Any) -> None:
    client.force_login(make_user(None))
    with translation.override("id"):
        response = client.get(reverse("meetings:my-follow-ups"))
    assert response.status_code == 200 and not response.context["rows"]
    assert "tidak terhubung dengan data pegawai" in response.content.decode()


def test_the_excel_file_holds_the_filtered_matrix(client: Any, fu: FU, org: Any) -> None:
    kpi = fu.world.quarterly
    late = action(
        fu.unit,
        "Menyusun rencana aksi penerimaan",
        owner=fu.owner,
        due_date=ago(3),
        meeting=fu.origin,
        kpi=kpi,
        objective=kpi.objective,
    )
    later = meeting(fu.unit, fu.world, "Dialog Kinerja Februari 2026", dt.date(2026, 2, 15))
    carry(late, later)
    action(org.section_a, '=HYPERLINK("http://x")', due_date=ago(-3))  # a formula stays text
    action(fu.unit, "Selesai", owner=fu.owner, state=ActionState.DONE)
    client.force_login(fu.world.auditor)
    with translation.override("id"):
        response = client.get(reverse("meetings:follow-ups-xlsx", args=[fu.unit.pk]) + "?status=open")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"matriks-tindak-lanjut-kpp-a-{today().isoformat()}.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Matriks tindak lanjut", f"KPP-A — {fu.unit.name}")
    header = rows[2]
    assert header[:7] == ("No.", "Tindak lanjut", "Unit", "Penanggung jawab", "NIP", "Batas waktu", "Status")
    data = {r[1]: dict(zip(header, r, strict=False)) for r in rows[3:]}
    assert set(data) == {late.description, '=HYPERLINK("http://x")'}  # the done one is filtered out
    row = data[late.description]
    assert row["Penanggung jawab"] == "Rina Marlina" and row["NIP"] == fu.owner.nip
    assert row["Batas waktu"].date() == ago(3)
    assert row["Terlambat (hari)"] == 3
    assert row["Rapat asal"] == "Dialog Kinerja Januari 2026"
    assert row["Dibawa ke rapat berikutnya (kali)"] == 1
    assert row["IKU"].startswith(kpi.code)
    assert row["Peringatan"] == "Terlambat"
    assert data['=HYPERLINK("http://x")']["Peringatan"] == "Tanpa penanggung jawab"
    assert sheet.cell(row=5, column=2).data_type == "s" or sheet.cell(row=4, column=2).data_type == "s"
    summary = {r[0]: r[1] for r in book.worksheets[1].iter_rows(values_only=True) if r and r[0]}
    assert summary["Terbuka"] == 2 and summary["Selesai"] == 1 and summary["Jumlah"] == 3
    assert summary["Terlambat"] == 1 and summary["Tanpa penanggung jawab"] == 1


# --------------------------------------------------------------------------- home page and dashboard


def test_the_home_page_shows_my_overdue_follow_ups(
    client: Any,
    fu: FU,
    django_assert_max_num_queries: Any,
) -> None:
    action(fu.unit, "Menyusun rencana aksi penerimaan", owner=fu.owner, due_date=ago(4))
    action(fu.unit, "Belum jatuh tempo", owner=fu.owner, due_date=ago(-4))
    action(fu.unit, "Milik rekan dan terlambat", owner=fu.colleague, due_date=ago(4))
    client.force_login(fu.owner_user)
    with translation.override("id"):
        response = client.get(reverse("home:home"))
    html = response.content.decode()
    assert response.context["overdue_follow_up_count"] == 1
    assert "Tindak lanjut terlambat" in html and "Menyusun rencana aksi penerimaan" in html
    assert "Belum jatuh tempo" not in html and "Milik rekan" not in html

    for i in range(8):
        action(fu.unit, f"Terlambat {i}", owner=fu.owner, due_date=ago(10 + i))
    response = client.get(reverse("home:home"))
    assert response.context["overdue_follow_up_count"] == 9
    assert len(response.context["overdue_follow_ups"]) == 5


def test_the_home_page_without_overdue_follow_ups_has_no_block(client: Any, fu: FU) -> None:
    client.force_login(fu.world.manager)
    response = client.get(reverse("home:home"))
    assert response.context["overdue_follow_up_count"] == 0
    assert 'id="overdue-follow-ups"' not in response.content.decode()


def test_the_unit_dashboard_counts_open_and_overdue_follow_ups(client: Any, fu: FU, org: Any) -> None:
    action(fu.unit, owner=fu.owner, due_date=ago(4))
    action(org.section_a, owner=fu.colleague, due_date=ago(-4), state="in_progress")
    action(fu.unit, owner=fu.owner, state=ActionState.DONE)
    url = reverse("dashboards:dashboard") + f"?unit={fu.unit.pk}"
    client.force_login(fu.world.leader)
    response = client.get(url)
    assert response.status_code == 200
    summary = response.context["follow_ups"]
    assert (summary["open"], summary["overdue"]) == (2, 1)
    html = response.content.decode()
    assert response.context["board"].period is not None
    assert matrix_url(fu.unit) in html and 'data-count="overdue">1<' in html
    # a plain employee of the unit does not read the matrix: no card
    client.force_login(fu.world.employee)
    response = client.get(url)
    assert response.context["follow_ups"] is None
    assert 'id="dashboard-follow-ups"' not in response.content.decode()


def test_a_done_action_reads_done_in_english_not_a_period_end() -> None:
    with translation.override("en"):
        assert str(ActionState.DONE.label) == "Done"
    with translation.override("id"):
        assert str(ActionState.DONE.label) == "Selesai"
