"""The NKO ranking report: units of one level or kind by NKO with predicate and completeness; CSV and .xlsx."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kinerja.accounts.models import Role
from kinerja.organisations.models import UnitKind, UnitLevel

from .conftest import approved_map, headline, office, realize, score

D = Decimal
pytestmark = pytest.mark.django_db
URL = reverse("dashboards:ranking")


@pytest.fixture
def offices(world, org):
    """KPP-A 101.5 (Baik, incomplete), KPP-B 112 (Sangat Baik), KPP-C 101.5 (a tie), KPP-D N/A,
    KPPN-E (another kind) 99; Q1 before: KPP-A 104, KPP-B 112."""
    q1, q2 = world.period("2026-Q1"), world.period("2026-Q2")
    headline(world.map, q1, "104", "Baik")
    headline(world.map, q2, "101.5", "Baik", complete=False)
    headline(world.other_map, q1, "112", "Sangat Baik")
    headline(world.other_map, q2, "112", "Sangat Baik")
    kpp_c = approved_map(office(org.kanwil, "KPP-C"))
    headline(kpp_c, q2, "101.5", "Baik")
    kpp_d = approved_map(office(org.kanwil, "KPP-D"))
    headline(kpp_d, q2, None, "", complete=False)
    kppn = approved_map(office(org.kanwil, "KPPN-E", kind=UnitKind.KPPN))
    headline(kppn, q2, "99", "Cukup")
    return q2


def ranking(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


def test_units_are_ranked_by_nko_with_ties_sharing_a_rank_and_na_last(client, org, make_user, offices):
    response = ranking(client, make_user(org.kanwil, Role.LEADER), periode=offices.pk, jenis=UnitKind.KPP)

    report = response.context["report"]
    assert report.kind == UnitKind.KPP and report.period == offices
    assert [(r.rank, r.unit.code, r.nko, r.predicate, r.complete, r.trend) for r in report.rows] == [
        (1, "KPP-B", D(112), "Sangat Baik", True, "same"),
        (2, "KPP-A", D("101.5"), "Baik", False, "down"),
        (2, "KPP-C", D("101.5"), "Baik", True, None),
        (None, "KPP-D", None, "", False, None),
    ]
    html = response.content.decode()
    table = html[html.index('id="ranking"') : html.index("</table>")]
    assert "112,00" in table and "Sangat Baik" in table and "belum lengkap" in table
    kpp_d = table[table.index('data-unit="KPP-D"') :]
    assert "belum dilaporkan" in kpp_d and "0,00" not in kpp_d


def test_one_level_ranks_every_kind_of_that_level(client, org, make_user, offices):
    report = ranking(
        client, make_user(org.kanwil, Role.LEADER), periode=offices.pk, tingkat=UnitLevel.THREE
    ).context["report"]
    assert [r.unit.code for r in report.rows] == ["KPP-B", "KPP-A", "KPP-C", "KPPN-E", "KPP-D"]


def test_the_default_is_the_level_with_most_units_and_the_latest_period_with_figures(
    client, org, make_user, offices
):
    approved_map(org.kanwil)
    report = ranking(client, make_user(org.djp, Role.MANAGER)).context["report"]
    assert report.level == UnitLevel.THREE and report.period == offices
    assert len(report.rows) == 5


def test_a_user_of_kpp_a_sees_only_kpp_a(client, world, offices):
    report = ranking(client, world.leader, periode=offices.pk).context["report"]
    assert [r.unit.code for r in report.rows] == ["KPP-A"]
    assert "KPP-B" not in ranking(client, world.leader, periode=offices.pk, jenis="kpp").content.decode()


def test_real_scores_rank_in_order(client, world, org, make_user):
    q1 = world.period("2026-Q1")
    realize(world, world.quarterly, "2026-Q1", 90)  # KPP-A: 90, Cukup
    realize(world, world.other_kpi, "2026-Q1", 60)  # KPP-B: 60 / 50 → 120, Sangat Baik
    score(world.map, q1)
    score(world.other_map, q1)
    report = ranking(client, make_user(org.kanwil, Role.AUDITOR), periode=q1.pk).context["report"]
    assert [(r.rank, r.unit.code, r.nko, r.predicate) for r in report.rows] == [
        (1, "KPP-B", D(120), "Sangat Baik"),
        (2, "KPP-A", D(90), "Cukup"),
    ]


def test_the_csv_export_has_the_ranked_rows(client, org, make_user, offices):
    client.force_login(make_user(org.kanwil, Role.LEADER))
    response = client.get(
        reverse("dashboards:ranking-export", args=["csv"]), {"periode": offices.pk, "jenis": "kpp"}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="peringkat-nko-2026-q2-kpp.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Peringkat", "Kode unit", "Nama unit"]
    assert [(r[0], r[1], r[6], r[7], r[8], r[10]) for r in rows[1:]] == [
        ("1", "KPP-B", "112", "Sangat Baik", "lengkap", ""),
        ("2", "KPP-A", "101.5", "Baik", "belum lengkap", ""),
        ("2", "KPP-C", "101.5", "Baik", "lengkap", ""),
        ("", "KPP-D", "", "", "", "belum dilaporkan"),  # N/A: an empty NKO, never 0
    ]


def test_the_xlsx_export_has_the_same_rows_with_numbers(client, org, make_user, offices):
    client.force_login(make_user(org.kanwil, Role.LEADER))
    response = client.get(
        reverse("dashboards:ranking-export", args=["xlsx"]), {"periode": offices.pk, "jenis": "kpp"}
    )

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Peringkat"
    assert [(r[0], r[1], r[6], r[7]) for r in rows[1:]] == [
        (1, "KPP-B", 112, "Sangat Baik"),
        (2, "KPP-A", 101.5, "Baik"),
        (2, "KPP-C", 101.5, "Baik"),
        (None, "KPP-D", None, None),
    ]
    assert rows[4][10] == "belum dilaporkan"


def test_the_export_is_limited_to_the_reach_and_knows_its_formats(client, world, offices):
    client.force_login(world.leader)
    response = client.get(
        reverse("dashboards:ranking-export", args=["csv"]), {"periode": offices.pk, "jenis": "kpp"}
    )
    codes = [r[1] for r in csv.reader(io.StringIO(response.content.decode()))][1:]
    assert codes == ["KPP-A"]
    assert client.get(reverse("dashboards:ranking-export", args=["pdf"])).status_code == 404


def test_the_ranking_page_links_to_each_units_dashboard(client, org, make_user, offices):
    html = ranking(
        client, make_user(org.kanwil, Role.LEADER), periode=offices.pk, jenis="kpp"
    ).content.decode()
    assert (
        f"{reverse('dashboards:dashboard')}?unit={org.kpp_b.pk}&amp;tahun=2026&amp;periode={offices.pk}"
        in html
    )


def test_the_trend_mark_of_a_row():
    from django.utils import translation

    from kinerja.dashboards.templatetags.dashboards import trend_mark

    with translation.override("id"):
        assert trend_mark("up") == (
            '<span class="trend trend-up" title="naik" aria-hidden="true">▲</span>'
            '<span class="visually-hidden">naik</span>'
        )
        assert 'title="turun"' in trend_mark("down") and "▼" in trend_mark("down")
        assert trend_mark(None) == (
            '<span class="muted" aria-hidden="true">–</span>'
            '<span class="visually-hidden">tidak dapat dibandingkan</span>'
        )
    with translation.override("en"):
        assert trend_mark("same") == (
            '<span class="trend trend-same" title="unchanged" aria-hidden="true">▬</span>'
            '<span class="visually-hidden">unchanged</span>'
        )
