"""The employee score's explanation in the user's language (issue 13): every step the scoring core writes in
English for §6 (CKP, each KPI's value and quality factor, NP per semester and aspect, participation penalty,
band, distribution) and §7 (NHK with each KPI's quality value and K3, NPK, calibration, NKP before
adjustment, discipline / impact / correction, blend, ratings, predicate, flags) is shown in Indonesian or
English through `kinerja.reporting.explaining`, on the employee page too. The inputs are built with the
scoring core directly, from the spec's examples (scoring.md §6 and the §7.3 worked example, NKP 104.54)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from html import unescape

import pytest
from django.conf import settings
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from kinerja.appraisals.models import ScoreRecord
from kinerja.reporting import explaining
from kinerja.scoring import (
    BehaviourRating,
    Controllability,
    CoreValues,
    DisciplineCategory,
    Employee,
    EmployeeKpi,
    ErrorCode,
    Explanation,
    KpiKind,
    Participation,
    Polarity,
    RaterGroup,
    ScoringError,
    Sentence,
    Validity,
    get_rule_set,
    score_employee_2026,
    score_employees,
)

D = Decimal
R2014 = get_rule_set("kmk-467-2014")
R2026 = get_rule_set("kmk-127-2026")
NIP = "198001012005011001"
FIVE = ("service_orientation", "integrity", "commitment", "discipline", "cooperation")


def _rating(semester: str, rater: str, group: RaterGroup, value: int, **more: str) -> BehaviourRating:
    scores = {aspect: D(value) for aspect in FIVE} | {k: D(v) for k, v in more.items()}
    return BehaviourRating(semester, rater, group, **scores)


def example_2014() -> Explanation:
    """§6: CKP of two KPIs weighted 60/40 (index 90 and 110 → 98); NP 100 in both semesters from the superior
    and a peer, minus 2 × 2 points for two skipped assessments (the spec's example: NP 100 → 96); NKP
    = 0.6 × 98 + 0.4 × 96 = 97.20, band sangat baik, alone in its group: distribution average."""
    employee = Employee(
        nip=NIP,
        unit="KPP-A",
        job_category="pelaksana",
        superior_nip="BOSS",
        kpis=(
            EmployeeKpi(code="K1", target=D(100), realization=D(90), weight=D(60)),
            EmployeeKpi(code="K2", target=D(100), realization=D(110), weight=D(40)),
        ),
        ratings=(
            _rating("2026-S1", "A", RaterGroup.SUPERIOR, 100),
            _rating("2026-S1", "B", RaterGroup.PEER, 100),
            _rating("2026-S2", "A", RaterGroup.SUPERIOR, 100),
            _rating("2026-S2", "B", RaterGroup.PEER, 100),
        ),
        participation=Participation(missed_assessments=2),
    )
    [result] = score_employees([employee], rules=R2014)
    assert (result.ckp, result.np, result.nkp) == (D(98), D(96), D("97.20"))
    return result.explain()


def every_branch_2014() -> Explanation:
    """§6 with what the example lacks: a KPI not reported (incomplete), a leadership score."""
    employee = Employee(
        nip="E2",
        structural=True,
        kpis=(
            EmployeeKpi(code="K1", target=D(100), realization=D(130)),
            EmployeeKpi(code="K2", target=D(100)),
        ),
        ratings=(_rating("2026-S1", "A", RaterGroup.SUPERIOR, 80, leadership="70"),),
    )
    [result] = score_employees([employee], rules=R2014)
    return result.explain()


CORE = CoreValues("2026", D(100), D(105), D(110), D(100), D(100), D(95), D(110))


def example_2026() -> Explanation:
    """§7.3 worked example from the example-nkp files (K3 1.10 and 1.00 from the contract): NKP 104.54."""
    kpis = (
        EmployeeKpi(
            code="IKI-1",
            polarity=Polarity.MAX,
            target=D(100),
            realization=D(110),
            validity=Validity.PROXY,
            controllability=Controllability.MODERATE,
            kind=KpiKind.EXISTING,
            target_prev=D(90),
            realization_prev=D(95),
        ),
        EmployeeKpi(
            code="IKI-2",
            polarity=Polarity.MAX,
            target=D(100),
            realization=D(95),
            validity=Validity.PROXY,
            controllability=Controllability.MODERATE,
            kind=KpiKind.NEW,
        ),
    )
    [result] = score_employees(
        [Employee(nip=NIP, tier=1, nko=D(104), kpis=kpis, core_values=(CORE,))], rules=R2026
    )
    assert str(result.explain().to_dict()["result"]) == "104.54" and result.predicate == "Sangat Baik"
    return result.explain()


def every_branch_2026() -> Explanation:
    """§7 with what the worked example lacks: a K3 given, T = T1 = R1 (flagged), a mandatory KPI raised to
    its floor, a KPI without an index, a top official (not calibrated), a sentence, a correction."""
    kpis = (
        EmployeeKpi(code="IKI-1", target=D(100), realization=D(110), k3=D("1.1")),
        EmployeeKpi(
            code="IKI-2",
            target=D(100),
            realization=D(100),
            validity=Validity.PROXY,
            controllability=Controllability.MODERATE,
            target_prev=D(100),
            realization_prev=D(100),
        ),
        EmployeeKpi(
            code="IKI-3",
            target=D(90),
            realization=D(95),
            validity=Validity.PROXY,
            controllability=Controllability.MODERATE,
            kind=KpiKind.MANDATORY,
            target_prev=D(100),
            realization_prev=D(100),
        ),
        EmployeeKpi(code="IKI-4", target=D(100), k3=D(1)),
        EmployeeKpi(
            code="IKI-5",
            polarity=Polarity.STABILIZE,
            target=D(100),
            realization=D(100),
            validity=Validity.PROXY,
            controllability=Controllability.MODERATE,
        ),
        EmployeeKpi(
            code="IKI-6",
            target=D(100),
            realization=D(100),
            validity=Validity.EXACT,
            controllability=Controllability.MODERATE,
            fixed_target=True,
        ),
    )
    employee = Employee(
        nip=NIP,
        tier=2,
        nko=D(104),
        calibrate=False,
        kpis=kpis,
        core_values=(CORE,),
        discipline=(Sentence(DisciplineCategory.MEDIUM, D(20)),),
        correction=D(2),
    )
    result = score_employee_2026(employee, rules=R2026, subordinate_penalties=[D(40)])
    assert {"not_calibrated", "q_target_silent:IKI-2"} <= set(result.flags) and result.missing == ("IKI-4",)
    return result.explain()


def texts(node: Explanation) -> Iterator[tuple[str, str]]:
    """(the core's English text, its Indonesian rendering) for every subject, formula, input name and note."""
    for step in node.walk():
        yield step.subject, explaining.explain_text(step.subject)
        yield step.formula, explaining.explain_text(step.formula)
        for name in step.inputs:
            yield name, explaining.explain_input(name, step.subject)
        for note in step.notes:
            yield note, explaining.explain_text(note)


# Words of the core's text that are also the Indonesian text (symbols, acronyms, loan words, the decree's
# predicates): everything else the core writes must not show in Indonesian.
SHARED = {"max", "min", "ckp", "nkp", "nhk", "npk", "nko", "kpi", "iki", "target", "semester", "status"}
SHARED |= {"sangat", "baik"}


def english_words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]{3,}", text)} - SHARED


def text_of(html: str) -> str:
    """The visible text, tags dropped and spaces collapsed."""
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def render(node: Explanation, language: str) -> str:
    with translation.override(language):
        return text_of(render_to_string("appraisals/_explanation.html", {"node": node.to_dict()}))


@pytest.mark.parametrize("tree", [example_2014, every_branch_2014, example_2026, every_branch_2026])
def test_no_english_word_of_the_core_shows_in_indonesian(tree):
    """Every node of both employee explanations (walked): no word of the core's English label is left in its
    Indonesian rendering, and the whole rendered tree has none either."""
    node = tree()
    seen = set()
    with translation.override("id"):
        for english, shown in texts(node):
            for word in english_words(english):
                assert not re.search(rf"\b{word}\b", shown, re.IGNORECASE), (english, shown)
            seen |= english_words(english)
    page = render(node, "id")
    leaks = sorted(w for w in seen if re.search(rf"\b{w}\b", page, re.IGNORECASE))
    assert not leaks, leaks


def test_the_2014_example_in_indonesian_and_english():
    node = example_2014()
    indonesian = render(node, "id")
    for text in (
        "Langkah perhitungan: NKP 198001012005011001",
        "NKP 198001012005011001 = 97,20",
        "CKP = 98,00",
        "Σ wᵢ × nilaiᵢ / Σ wᵢ atas IKI yang dilaporkan",
        "nilai K1 = 90,00",
        "Nilai IKI K2 = 110,00",
        "batasi(indeks sebelum pembatasan × faktor kualitas kontrak)",
        "indeks sebelum pembatasan = 110,00",
        "faktor kualitas kontrak = 1,00",
        "bobot = 0,40",
        "Indeks IKU K1 = 90,00",
        "NP = 96,00",
        "max(0, rata-rata NP semester − pengurang partisipasi)",
        "NP sebelum pengurang = 100,00",
        "pengurang partisipasi = 4,00",
        "kategori nilai perilaku Sangat Baik",
        "distribusi: kelompok rata-rata",
        "NP semester 2026-S1 = 100,00",
        "NP semester 2026-S2 = 100,00",
        "rata-rata atas aspek perilaku dari rata-rata nilai para penilai yang dibobot per kelompok penilai",
        "orientasi pelayanan = 100,00",
        "disiplin = 100,00",
        "kerja sama = 100,00",
    ):
        assert text in indonesian, text
    english = render(node, "en")
    for text in (
        "Calculation steps: NKP 198001012005011001",
        "NKP 198001012005011001 = 97.20",
        "Σ wᵢ × valueᵢ / Σ wᵢ over reported IKIs",
        "value K1 = 90.00",
        "IKI K2 value = 110.00",
        "clamp(index before clamping × contract-quality factor)",
        "index before clamping = 110.00",
        "max(0, mean of semester NPs − participation penalty)",
        "NP before penalty = 100.00",
        "participation penalty = 4.00",
        "behaviour band Very good",
        "distribution: average",
        "NP semester 2026-S1 = 100.00",
        "service orientation = 100.00",
        "discipline = 100.00",
        "cooperation = 100.00",
    ):
        assert text in english, text
    assert "disiplin" not in english and "pengurang" not in english


def test_the_2026_worked_example_in_indonesian_and_english():
    node = example_2026()
    indonesian = render(node, "id")
    for text in (
        "NKP 198001012005011001 = 104,54",
        "batasi((1 − w) × hasil + w × NKO, 0, 120)",
        "hasil = 105,09",
        "w = 0,50",
        "NKO = 104,00",
        "hasil kerja 105,04 (di atas ekspektasi, bobot NKO 0,50)",
        "perilaku 102,33 (di atas ekspektasi, bobot NKO 0,10)",
        "predikat Sangat Baik",
        "batasi(NKP sebelum penyesuaian − pengurang hukuman disiplin − dampak hukuman bawahan + koreksi pimpinan, 0, 120)",
        "NKP sebelum penyesuaian = 105,09",
        "pengurang hukuman disiplin = 0,00",
        "dampak hukuman bawahan = 0,00",
        "koreksi pimpinan = 0,00",
        "w_nhk × NHK terkalibrasi + w_npk × NPK terkalibrasi",
        "NHK terkalibrasi = 106,07",
        "x ≤ 100: x; selain itu 100 + (min(x, 120) − 100) × 0,75",
        "NHK = 108,10",
        "min(batas atas, Σ vᵢ × wᵢ), wᵢ = K3ᵢ × dᵢ / Σ K3ⱼ × dⱼ",
        "Nilai mutu IKI IKI-1 = 120,00",
        "min(batas atas, indeks × K3)",
        "indeks = 110,00",
        "K3 IKI-1 = 1,10",
        "kasus Q_target: target naik, di atas realisasi lalu (T > T1, T > R1)",
        "kasus Q_target: IKI baru tanpa riwayat",
        "NPK terkalibrasi = 102,14",
        "NPK = 102,86",
        "rata-rata atas periode dari rata-rata tujuh nilai BerAKHLAK",
        "periode 2026 = 102,86",
    ):
        assert text in indonesian, text
    english = render(node, "en")
    for text in (
        "NKP 198001012005011001 = 104.54",
        "clamp((1 − w) × result + w × NKO, 0, 120)",
        "result = 105.09",
        "work result 105.04 (above expectations, NKO weight 0.50)",
        "behaviour 102.33 (above expectations, NKO weight 0.10)",
        "predicate Very good",
        "NKP before adjustment = 105.09",
        "discipline penalty = 0.00",
        "leader's correction = 0.00",
        "NHK calibrated = 106.07",
        "x ≤ 100: x; else 100 + (min(x, 120) − 100) × 0.75",
        "IKI IKI-1 quality value = 120.00",
        "min(cap, index × K3)",
        "Q_target case: target raised above last year's realization (T > T1, T > R1)",
        "Q_target case: new IKI with no history",
        "mean over periods of the mean of the seven BerAKHLAK core values",
        "period 2026 = 102.86",
    ):
        assert text in english, text


def test_the_remaining_notes_of_the_2026_score():
    node = every_branch_2026()
    with translation.override("id"):
        notes = [explaining.explain_text(n) for step in node.walk() for n in step.notes]
    assert "penanda: tidak dikalibrasi (dua jenjang jabatan tertinggi)" in notes
    assert "penanda: IKI IKI-2: T = T1 = R1, keputusan menteri tidak mengaturnya" in notes
    assert "belum lengkap: belum ada IKI-4" in notes
    assert "IKI wajib: Q_target dinaikkan ke nilai minimumnya" in notes
    assert "tidak ada indeks pada periode ini: tidak dihitung" in notes
    assert "kasus Q_target: IKI berpolarisasi stabil" in notes
    with translation.override("en"):
        notes = [explaining.explain_text(n) for step in node.walk() for n in step.notes]
    assert "flag: not calibrated (top two levels)" in notes and "incomplete: missing IKI-4" in notes


def test_every_error_code_has_a_text_and_names_its_indicator():
    assert set(ErrorCode) <= set(explaining.ERRORS)
    error = ScoringError(ErrorCode.HISTORY_MISSING, "KPI IKI-1: last year's target is needed", kpi="IKI-1")
    with translation.override("id"):
        assert explaining.error_text(error) == (
            "Indikator IKI-1: target dan realisasi tahun lalu wajib diisi untuk Q_target "
            "(atau tandai sebagai IKI baru)"
        )
        # the stored form, an employee's error whose indicator is only in the message
        stored = {"code": "quality_missing", "message": "employee 1: KPI S1.1: validity ...", "employee": "1"}
        assert explaining.error_text(stored).startswith("Pegawai 1: Indikator S1.1: jenis IKI (validitas)")
        assert explaining.error_text({"code": "weights_total"}) == "Jumlah bobot perspektif bukan 100"
        assert explaining.error_text({"code": "new_code"}) == "Masukan tidak dapat dihitung (kode new_code)"
        # the filter the scorecard and personal pages use
        shown = Template("{% load reporting %}{{ e|scoring_error }}").render(Context({"e": error}))
        assert shown.startswith("Indikator IKI-1: target dan realisasi tahun lalu")
    with translation.override("en"):
        assert explaining.error_text(error) == (
            "Indicator IKI-1: last year's target and realization are needed for Q_target (or mark the IKI new)"
        )


@pytest.mark.django_db
def test_the_employee_page_shows_the_2014_explanation_in_the_users_language(office, client):
    """The stored explanation of a kmk-467-2014 record, on the person's page, in Indonesian and English."""
    node = example_2014()
    ScoreRecord.objects.create(
        employee=office.kasi,
        plan_year=office.map.plan_year,
        as_of="2026",
        rule_set="kmk-467-2014",
        work=D("98.00"),
        behaviour=D("96.00"),
        nkp=D("97.20"),
        predicate="sangat baik",
        result={"explanation": node.to_dict()},
    )
    client.force_login(office.user(office.kasi))
    url = reverse("appraisals:employee", args=[office.kasi.pk, office.map.plan_year.year])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="id").content.decode()
    page = text_of(html)
    assert 'id="explanation"' in html and "orientasi pelayanan = 100,00" in page
    assert "NP sebelum pengurang" in page and "participation penalty" not in page
    assert "mean over aspects" not in page and "index before clamping" not in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = text_of(client.get(url).content.decode())
    assert "service orientation = 100.00" in page and "participation penalty = 4.00" in page
