"""English means English, and Indonesian means Indonesian (issue 10 item 8).

Period names, stored bilingual names in snapshots, predicates, explanation formulas and notes, and the
leader's report exports follow the user's language; the Indonesian pages carry no English words.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from kinerja.common.labels import predicate_label
from kinerja.planning.models import Frequency, Kpi, Objective, Perspective, period_label
from kinerja.reporting import explaining
from kinerja.reporting.models import ScoreSnapshot, period_display_name
from kinerja.reporting.services import compute_scorecard

from .conftest import approved

pytestmark = pytest.mark.django_db

# English words that must not show in an Indonesian page (outside the allowed terms of the glossary).
ENGLISH = re.compile(
    r"\b(Trajectory|Realization|Weight|Index|Missing|Approved|Submitted|Quarter|Objective|Perspective|"
    r"Predicate|clamped|renormalised|reported|mean|over|weight|index|polarity|Adequate|Very good)\b"
)


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def text_of(html: str) -> str:
    """The visible text of the main content (no tags, scripts or attributes)."""
    main = html.split("<main", 1)[-1].split("</main>", 1)[0]
    main = re.sub(r"<script.*?</script>|<style.*?</style>", " ", main, flags=re.S)
    return re.sub(r"<[^>]+>", " ", main)


@pytest.fixture
def named(world):
    """The world's map with English names for its objectives and KPIs, and a Q1 snapshot."""
    Objective.objects.filter(map=world.map, code="S1").update(
        name_id="Penerimaan pajak yang optimal", name_en="Optimal tax revenue"
    )
    Kpi.objects.filter(pk=world.quarterly.pk).update(
        name_id="Persentase realisasi penerimaan", name_en="Revenue collected (%)"
    )
    approved(world, world.quarterly, "2026-Q1", "90")
    return compute_scorecard(strategy_map=world.map, period=world.period("2026-Q1"))


def test_period_names_are_made_in_the_active_language():
    with translation.override("id"):
        assert period_display_name(Frequency.QUARTERLY, 4, 2026) == "Triwulan IV 2026"
        assert period_display_name(Frequency.MONTHLY, 3, 2026) == "Maret 2026"
        assert period_display_name(Frequency.YEARLY, 1, 2026) == "Tahun 2026"
        assert period_label(Frequency.QUARTERLY, 2) == "TW2"
    with translation.override("en"):
        assert period_display_name(Frequency.QUARTERLY, 4, 2026) == "Quarter IV 2026"
        assert period_display_name(Frequency.MONTHLY, 3, 2026) == "March 2026"
        assert period_display_name(Frequency.SEMESTER, 1, 2026) == "Semester I 2026"
        assert period_display_name(Frequency.YEARLY, 1, 2026) == "Year 2026"
        assert period_label(Frequency.QUARTERLY, 2) == "Q2"
        assert period_label(Frequency.MONTHLY, 7) == "M7"


def test_predicates_have_one_mapping_shown_in_the_active_language():
    from kinerja.home import rule_sets

    assert rule_sets.LABELS is __import__("kinerja.common.labels", fromlist=["PREDICATES"]).PREDICATES
    with translation.override("en"):
        assert predicate_label("Cukup") == "Adequate" and predicate_label("Sangat Baik") == "Very good"
        assert predicate_label(None) == "" and predicate_label("Lain") == "Lain"
    with translation.override("id"):
        assert predicate_label("Cukup") == "Cukup"


def test_a_snapshot_keeps_both_names(named):
    result = named.result
    kpi = next(k for k in result["kpis"] if k["code"] == "S1.1")
    assert (kpi["name_id"], kpi["name_en"]) == ("Persentase realisasi penerimaan", "Revenue collected (%)")
    objective = next(o for o in result["objectives"] if o["code"] == "S1")
    assert objective["name_en"] == "Optimal tax revenue"
    assert all("name_id" in p and "name_en" in p for p in result["perspectives"])


def test_the_scorecard_in_english_shows_english_names_periods_and_predicate(world, client, named):
    client.force_login(world.auditor)
    english(client)
    url = reverse("reporting:scorecard", args=[world.map.pk, world.period("2026-Q1").pk])
    html = client.get(url).content.decode()
    assert "Optimal tax revenue" in html and "Revenue collected (%)" in html
    assert "Penerimaan pajak yang optimal" not in html and "Persentase realisasi penerimaan" not in html
    assert "Quarter I 2026" in html and "Triwulan I 2026" not in html
    stakeholder = Perspective.objects.get(map=world.map, code="stakeholder")
    assert stakeholder.name_en in html
    predicate = named.predicate
    if predicate:
        with translation.override("en"):
            assert f'<span class="badge">{predicate_label(predicate)}</span>' in html


def test_an_old_snapshot_without_both_names_shows_the_live_names(world, client, named):
    result = named.result
    for part in ("perspectives", "objectives", "kpis"):
        for entry in result[part]:
            entry.pop("name_id", None)
            entry.pop("name_en", None)
    ScoreSnapshot.objects.filter(pk=named.pk).update(result=result)
    client.force_login(world.auditor)
    english(client)
    html = client.get(reverse("reporting:snapshot", args=[named.pk]), follow=True).content.decode()
    assert "Optimal tax revenue" in html and "Revenue collected (%)" in html


def test_the_dashboard_in_english_shows_english_names(world, client, named):
    client.force_login(world.leader)
    english(client)
    html = client.get(
        reverse("dashboards:dashboard"), {"unit": world.map.unit_id, "periode": world.period("2026-Q1").pk}
    ).content.decode()
    stakeholder = Perspective.objects.get(map=world.map, code="stakeholder")
    assert stakeholder.name_en in html and stakeholder.name_id not in text_of(html)


def test_explanations_follow_the_language(world, client, named):
    client.force_login(world.auditor)
    url = reverse("reporting:explanation", args=[named.pk])
    indonesian = text_of(client.get(url, {"jenis": "nko"}).content.decode())
    assert "Indeks IKU S1.1" in indonesian and "bobot perspektif" in indonesian
    assert not ENGLISH.findall(indonesian), ENGLISH.findall(indonesian)
    english(client)
    page = text_of(client.get(url, {"jenis": "nko"}).content.decode())
    assert "KPI S1.1 index" in page and "perspective weight" in page


def test_every_formula_and_note_of_the_core_is_translated():
    """Each English formula the scoring core can write has an Indonesian msgid here."""
    from kinerja.scoring import cascade, kpi

    for formula in [*kpi._FORMULAS.values(), *cascade._FORMULAS.values()]:
        if re.search(r"[a-z]{3}", formula):
            assert formula in explaining.FORMULAS, formula
    with translation.override("id"):
        assert explaining.explain_text("130.00 clamped to 120.00") == "130,00 dibatasi menjadi 120,00"
        assert explaining.explain_text("predicate Cukup") == "predikat Cukup"
        assert explaining.explain_text("status green") == "status hijau"
        assert explaining.explain_text("R / T × 100") == "R / T × 100"
    with translation.override("en"):
        assert explaining.explain_text("predicate Cukup") == "predicate Adequate"
        assert explaining.explain_text("mean of objective indices") == "mean of objective indices"


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_main_pages_in_indonesian_carry_no_english_words(world, client, named, language):
    """Rendered in Indonesian, the main pages show none of the common English words."""
    client.force_login(world.leader)
    q1 = world.period("2026-Q1")
    pages = [
        reverse("reporting:scorecard", args=[world.map.pk, q1.pk]),
        reverse("reporting:map", args=[world.map.pk]),
        reverse("dashboards:dashboard") + f"?unit={world.map.unit_id}&periode={q1.pk}",
        reverse("dashboards:ranking") + f"?periode={q1.pk}",
        reverse("dashboards:completeness") + f"?periode={q1.pk}",
        reverse("kpis:kpi", args=[world.quarterly.pk]),
        reverse("home:home"),
    ]
    if language == "en":
        english(client)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        if language == "id":
            found = ENGLISH.findall(text_of(response.content.decode()))
            assert not found, f"{url}: {found}"


@pytest.mark.parametrize(
    ("language", "first", "predicate_column"),
    [("id", "Kode unit", "Predikat"), ("en", "Unit code", "Predicate")],
)
def test_report_exports_follow_the_language(world, client, named, language, first, predicate_column):
    client.force_login(world.manager)
    if language == "en":
        english(client)
    q1 = world.period("2026-Q1")
    response = client.get(reverse("dashboards:completeness-export", args=["csv"]), {"periode": q1.pk})
    streamed = b"".join(response.streaming_content)  # the completeness export streams (issue 16)
    header = next(csv.reader(io.StringIO(streamed.decode("utf-8-sig"))))
    assert header[0] == first
    response = client.get(reverse("dashboards:ranking-export", args=["csv"]), {"periode": q1.pk})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert predicate_column in rows[0]
    if named.predicate:
        column = rows[0].index(predicate_column)
        with translation.override(language):
            assert predicate_label(named.predicate) in [r[column] for r in rows[1:]]


def test_the_scorecard_interchange_csv_keeps_its_english_columns_in_indonesian(world, client, named):
    """The scorecard CSV is the interchange file format (interchange.md): its column names never change."""
    client.force_login(world.auditor)
    response = client.get(reverse("reporting:export", args=[world.map.pk, world.period("2026-Q1").pk, "csv"]))
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert "kpi_code" in header and "perspective" in header
