"""Recaps (issue 13 item 8): the employee's own page (history, calibration, distribution label, what to
improve), the performance-allowance recap (page, Excel, PDF) with the shares of the year's rule set, the
talent-pool candidates; who may read them; a fixed number of queries whatever the number of employees.

Scores are stored records (`ScoreRecord`) written here directly: the recaps read what was computed, they do
not compute (the computation has its own tests)."""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kinerja.accounts.models import Role
from kinerja.appraisals import recaps
from kinerja.appraisals.models import (
    BehaviourScore,
    CalibrationAdjustment,
    CalibrationSession,
    ScoreRecord,
)
from kinerja.organisations.models import Employee
from kinerja.planning.models import PlanYear
from kinerja.reporting.models import ReportingPeriod
from kinerja.reporting.services import generate_periods
from kinerja.scoring import DistributionLabel, get_rule_set
from kinerja.scoring.rules import Param
from tests.factories import EmployeeFactory, PositionFactory
from tests.planning import builders as b

pytestmark = pytest.mark.django_db

D = Decimal
NAMES = ["Ani Lestari", "Budi Santoso", "Citra Dewi", "Dodi Pratama", "Eka Putri", "Fajar Nugroho"]


def _year(office: Any, code: str, year: int = 2026) -> PlanYear:
    plan_year = office.map.plan_year if year == 2026 else b.plan_year(year, code)
    plan_year.rule_set = code
    plan_year.save()
    return plan_year


def _staff(office: Any, count: int) -> list[Employee]:
    """`count` executors under the head of section (the fixture's three, then more), named plainly."""
    people = list(office.staff)
    while len(people) < count:
        position = PositionFactory(unit=office.org.section_a, superior=office.kasi.position)
        people.append(EmployeeFactory(unit=office.org.section_a, position=position, superior=office.kasi))
    for person, name in zip(people, NAMES * 10, strict=False):
        person.name = name if people.index(person) < len(NAMES) else f"{name} {people.index(person)}"
        person.save()
    return people[:count]


def _record(
    person: Employee,
    plan_year: PlanYear,
    nkp: Any,
    predicate: str,
    *,
    result: dict[str, Any] | None = None,
) -> ScoreRecord:
    return ScoreRecord.objects.create(
        employee=person,
        plan_year=plan_year,
        rule_set=plan_year.rule_set,
        as_of=f"{plan_year.year}-Q4",
        work=D(nkp),
        behaviour=D(nkp),
        nkp=D(nkp),
        predicate=predicate,
        result=result or {},
    )


def _calibrate(office: Any, record: ScoreRecord, adjusted: Any, reason: str) -> CalibrationAdjustment:
    session = CalibrationSession.objects.create(
        unit=office.org.kpp_a, plan_year=record.plan_year, opened_by=office.manager
    )
    return CalibrationAdjustment.objects.create(
        session=session,
        employee=record.employee,
        record=record,
        original=record.nkp,
        adjusted=D(adjusted),
        reason=reason,
        by=office.manager,
    )


# --------------------------------------------------------------------------- the allowance share


def test_the_allowance_share_is_the_rule_sets_parameter():
    for code, predicate in (("kmk-127-2026", "Butuh Perbaikan"), ("kmk-467-2014", "cukup")):
        rules = get_rule_set(code)
        table = rules.appraisal.allowance_shares.value
        assert recaps.allowance_share(predicate, rules) == table[predicate]
        assert recaps.allowance_share(predicate.upper(), rules) == table[predicate]  # read case-blind
        assert recaps.allowance_share("", rules) is None
    # each rule set has its own keys: a 2026 predicate is no 2014 band and the other way round
    assert recaps.allowance_share("Butuh Perbaikan", get_rule_set("kmk-467-2014")) is None
    assert recaps.allowance_share("sedang", get_rule_set("kmk-127-2026")) is None
    # a variant rule set paying 70 % for "Kurang" pays 70 %: the number is read, never copied
    rules = get_rule_set("kmk-127-2026")
    param = rules.appraisal.allowance_shares
    variant = dataclasses.replace(
        rules,
        appraisal=dataclasses.replace(
            rules.appraisal,
            allowance_shares=Param(
                {**param.value, "Kurang": D(70)}, param.label_id, param.label_en, param.source
            ),
        ),
    )
    assert recaps.allowance_share("Kurang", variant) == D(70)
    assert recaps.allowance_share("Kurang", rules) == D(90)


@pytest.mark.parametrize(
    ("code", "predicates", "heading"),
    [
        ("kmk-127-2026", ["Sangat Baik", "Baik", "Butuh Perbaikan", "Kurang"], "Predikat"),
        ("kmk-467-2014", ["sangat baik", "baik", "cukup", "sedang"], "Kategori nilai perilaku"),
    ],
)
def test_the_allowance_page_pays_each_person_by_the_years_rule_set(office, client, code, predicates, heading):
    plan_year = _year(office, code)
    people = _staff(office, 4)
    for person, predicate, nkp in zip(
        people, predicates, (D("110"), D("100"), D("85"), D("70")), strict=True
    ):
        _record(person, plan_year, nkp, predicate)
    rules = get_rule_set(code)
    client.force_login(office.manager)
    page = client.get(reverse("appraisals:allowance", args=[office.org.kpp_a.pk, 2026]))
    assert page.status_code == 200
    rows = {r.nip: r for r in page.context["rows"]}
    for person, predicate in zip(people, predicates, strict=True):
        assert rows[person.nip].share == rules.appraisal.allowance_shares.value[predicate]
    assert [row[2] for row in page.context["table"]["rows"]] == list(
        rules.appraisal.allowance_shares.value.values()
    )
    text = page.content.decode()
    assert heading in text and rules.appraisal.allowance_shares.source in text and rules.code in text
    totals = {t.predicate: t.count for t in page.context["totals"]}
    assert totals[predicates[2]] == 1 and page.context["count"] == 4


# --------------------------------------------------------------------------- the files


def test_the_excel_file_holds_every_employee_with_numbers_as_numbers(office, client):
    from openpyxl import load_workbook

    plan_year = _year(office, "kmk-127-2026")
    people = _staff(office, 4)
    records = [
        _record(p, plan_year, nkp, pred)
        for p, nkp, pred in zip(
            people,
            ("104.5", "99.25", "88", "72"),
            ("Sangat Baik", "Baik", "Butuh Perbaikan", "Kurang"),
            strict=True,
        )
    ]
    _calibrate(office, records[1], "101.25", "Beban kerja tambahan tidak tercatat di kontrak")
    client.force_login(office.manager)
    response = client.get(reverse("appraisals:allowance-xlsx", args=[office.org.kpp_a.pk, 2026]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header[0] == "NIP" and header[6] == "Predikat" and all(c.font.bold for c in sheet[1])
    body = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(body) == {p.nip for p in people}  # NIPs as text, every employee once
    first = body[people[0].nip]
    assert first[1] == "Ani Lestari" and first[2] == "SEKSI-A"
    assert first[4] == 104.5 and first[5] == 104.5 and first[6] == "Sangat Baik" and first[7] == 100
    calibrated = body[people[1].nip]
    assert calibrated[4] == 99.25 and calibrated[5] == 101.25  # the original beside the calibrated
    assert body[people[2].nip][7] == 95 and body[people[3].nip][7] == 90
    for row in sheet.iter_rows(min_row=2):  # text as text (a NIP of digits too), numbers as numbers
        assert [c.data_type for c in row] == ["s", "s", "s", "s", "n", "n", "s", "n"]
    totals = {row[0]: row[1] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert totals["Sangat Baik"] == 1 and totals["Kurang"] == 1 and totals["Jumlah"] == 4
    params = [row for row in book.worksheets[2].iter_rows(values_only=True) if row and row[0]]
    assert ("Butuh Perbaikan", 95) in [(r[0], r[1]) for r in params]
    assert any(r[0] == "Sumber" and "payroll" in str(r[1]) for r in params)


def _pdf_text(content: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True, timeout=60
    )
    return done.stdout.decode()


def test_the_pdf_names_every_employee_with_the_unit_year_and_rule_set(office, client):
    plan_year = _year(office, "kmk-467-2014")
    people = _staff(office, 4)
    for person, band in zip(people, ("sangat baik", "baik", "cukup", "kurang"), strict=True):
        _record(person, plan_year, "80", band)
    client.force_login(office.manager)
    response = client.get(reverse("appraisals:allowance-pdf", args=[office.org.kpp_a.pk, 2026]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response.content)
    for name in NAMES[:4]:
        assert name in text
    assert "KPP-A" in text and "2026" in text and "kmk-467-2014" in text
    assert "Kategori nilai perilaku" in text and "Halaman 1 dari 1" in text
    # in English the document is English
    client.cookies["django_language"] = "en"
    english = _pdf_text(
        client.get(reverse("appraisals:allowance-pdf", args=[office.org.kpp_a.pk, 2026])).content
    )
    assert "Page 1 of 1" in english and "Predicate" not in english  # a band, not a predicate, under 2014
    assert "Halaman" not in english


# --------------------------------------------------------------------------- talent pool


def test_the_talent_pool_takes_who_was_best_two_years_in_a_row(office, client):
    previous = _year(office, "kmk-467-2014", 2025)
    current = _year(office, "kmk-127-2026")
    people = _staff(office, 5)  # five under one superior: the curve's best is one (15 % of 5), ties share it
    first, second, *others = people
    _record(first, previous, "110", "sangat baik")
    _record(second, previous, "110", "sangat baik")  # tied with the first: best in 2025 too
    for person in others:
        _record(person, previous, "80", "baik")
    _record(first, current, "112", "Sangat Baik")
    _record(second, current, "95", "Baik")  # best once only
    for person in others:
        _record(person, current, "90", "Baik")
    pool = recaps.talent_pool(office.org.kpp_a)
    assert pool.enough and pool.years == [2025, 2026]
    assert [t.employee.pk for t in pool.candidates] == [first.pk]
    assert pool.candidates[0].pairs == [(2025, D("110")), (2026, D("112"))]
    client.force_login(office.manager)
    page = client.get(reverse("appraisals:talent", args=[office.org.kpp_a.pk])).content.decode()
    assert first.name in page and second.name not in page and "112,00" in page


def test_the_talent_pool_says_when_there_are_not_enough_years(office, client):
    current = _year(office, "kmk-127-2026")
    for person in _staff(office, 5):
        _record(person, current, "100", "Baik")
    pool = recaps.talent_pool(office.org.kpp_a)
    assert not pool.enough and pool.available == [2026] and pool.candidates == []
    client.force_login(office.manager)
    page = client.get(reverse("appraisals:talent", args=[office.org.kpp_a.pk])).content.decode()
    assert 'id="not-enough"' in page and "2026" in page


# --------------------------------------------------------------------------- the employee's own page


def test_the_employees_page_shows_history_calibration_label_and_what_to_improve(office, client):
    previous = _year(office, "kmk-467-2014", 2025)
    current = _year(office, "kmk-127-2026")
    people = _staff(office, 5)
    me = people[0]
    _record(me, previous, "92.5", "baik")
    result = {
        "kpis": [
            {"code": "S1.1", "index": 104.2, "value": 104.2, "weight": 50},
            {"code": "S1.2", "index": 91.4, "value": 91.4, "weight": 50},
        ],
        "missing": [],
    }
    mine = _record(me, current, "96", "Baik", result=result)
    for n, person in enumerate(people[1:]):
        _record(person, current, 100 + n, "Baik")
    _calibrate(office, mine, "99.5", "Tugas tambahan penanganan keberatan")
    periods = ReportingPeriod.objects.filter(plan_year=current, frequency="quarterly")
    if not periods.exists():
        generate_periods(plan_year=current)
    quarter = (
        ReportingPeriod.objects.filter(plan_year=current, frequency="quarterly").order_by("number").first()
    )
    values = {
        "service": 110,
        "accountable": 108,
        "competent": 96,
        "harmonious": 104,
        "loyal": 112,
        "adaptive": 98,
        "collaborative": 106,
    }
    BehaviourScore.objects.create(employee=me, period=quarter, rater=office.kasi, group="superior", **values)
    user = office.user(me)  # a plain employee of the section
    client.force_login(user)
    page = client.get(reverse("appraisals:employee", args=[me.pk, 2026]))
    assert page.status_code == 200
    text = page.content.decode()
    # history: both years in the chart and the table, the calibrated NKP with the original beside it
    assert "<svg" in text and "2025" in text and "92,50" in text and "99,50" in text
    # calibration: original, calibrated, reason and who
    assert 'id="calibration"' in text and "96,00" in text and "Tugas tambahan penanganan keberatan" in text
    # the label of the group (five executors under the head of section, 99.5 is the lowest of them)
    assert page.context["place"].label == "Di bawah rata-rata" and "Di bawah rata-rata" in text
    # what to improve: the KPI below 100 (not the one above) and the weakest core values, lowest first
    improve = page.context["improve"]
    assert [k.code for k in improve.kpis] == ["S1.2"] and not improve.all_met
    assert [b.code for b in improve.behaviour] == ["competent", "adaptive", "harmonious"]
    assert "Kompeten" in text and 'id="matrix"' in text  # the existing predicate matrix stays


def test_the_persons_group_and_label_are_the_distribution_pages(office):
    """The employee page reads only the person's group; it finds what `standings` finds for the whole unit."""
    from kinerja.appraisals.standing import standings

    plan_year = _year(office, "kmk-127-2026")
    people = _staff(office, 7)
    for n, person in enumerate([office.head, office.kasi, *people]):
        record = _record(person, plan_year, 90 + 3 * n, "Baik")
    _calibrate(office, record, 80, "Turun")  # the last (best by score) is calibrated to the bottom
    whole = standings(office.org.kpp_a, plan_year).by_employee()
    for person in [office.head, office.kasi, *people]:
        mine = recaps.person_standing(person, plan_year)
        assert mine is not None
        assert mine.standing.label == whole[person.pk].label, person
        assert mine.standing.nkp == whole[person.pk].nkp
        assert {m.employee.pk for m in mine.group.members} == {
            pk for pk, s in whole.items() if s.employee.superior_id == person.superior_id
        }
    assert whole[people[-1].pk].label == DistributionLabel.BELOW
    assert recaps.person_standing(office.staff[0], b.plan_year(2025, "kmk-467-2014")) is None


def test_2014_weakest_aspects_come_from_the_stored_explanation(office):
    plan_year = _year(office, "kmk-467-2014")
    me = _staff(office, 1)[0]
    explanation = {
        "code": me.nip,
        "children": [
            {
                "code": "NP",
                "children": [
                    {
                        "subject": "NP semester 2026-S1",
                        "inputs": {"integrity": 90, "discipline": 70, "commitment": 85},
                    },
                    {
                        "subject": "NP semester 2026-S2",
                        "inputs": {"integrity": 92, "discipline": 74, "commitment": 81},
                    },
                ],
            }
        ],
    }
    result = {"kpis": [{"code": "S1.1", "index": 101}, {"code": "S1.2", "index": 103}], "missing": ["S1.3"]}
    record = _record(me, plan_year, "85", "baik", result={**result, "explanation": explanation})
    found = recaps.improvements(record, me, plan_year)
    assert [(w.code, w.value) for w in found.behaviour] == [
        ("discipline", D(72)),
        ("commitment", D(83)),
        ("integrity", D(91)),
    ]
    assert found.all_met and [k.code for k in found.kpis] == ["S1.1"]  # all met: the lowest is named
    assert [k.code for k in found.missing] == ["S1.3"]


# --------------------------------------------------------------------------- who may read


def test_only_those_allowed_reach_the_recaps(office, client, make_user):
    plan_year = _year(office, "kmk-127-2026")
    people = _staff(office, 4)
    for person in people:
        _record(person, plan_year, "100", "Baik")
    me, colleague = people[0], people[1]
    user = office.user(me)  # a plain employee of the section
    unit = office.org.kpp_a.pk
    recap_urls = [
        reverse("appraisals:allowance", args=[unit, 2026]),
        reverse("appraisals:allowance-xlsx", args=[unit, 2026]),
        reverse("appraisals:allowance-pdf", args=[unit, 2026]),
        reverse("appraisals:talent", args=[unit]),
    ]
    client.force_login(user)
    assert client.get(reverse("appraisals:employee", args=[me.pk, 2026])).status_code == 200
    assert client.get(reverse("appraisals:employee", args=[colleague.pk, 2026])).status_code == 404
    for url in recap_urls:
        assert client.get(url).status_code == 404, url  # a plain employee reaches no recap
    index = client.get(reverse("appraisals:index")).content.decode()
    assert reverse("appraisals:allowance", args=[unit, 2026]) not in index
    # a manager of another office: nothing of KPP-A
    client.force_login(make_user(office.org.kpp_b, Role.MANAGER))
    assert client.get(reverse("appraisals:employee", args=[me.pk, 2026])).status_code == 404
    for url in recap_urls:
        assert client.get(url).status_code == 404, url
    # the manager of KPP-A reads them all, and the index links them
    client.force_login(office.manager)
    for url in recap_urls:
        assert client.get(url).status_code == 200, url
    index = client.get(reverse("appraisals:index")).content.decode()
    assert reverse("appraisals:allowance", args=[unit, 2026]) in index
    assert reverse("appraisals:talent", args=[unit]) in index


# --------------------------------------------------------------------------- a fixed number of queries


def _counts(client: Any, office: Any, me: Employee) -> dict[str, int]:
    unit = office.org.kpp_a.pk
    out = {}
    for name, url in (
        ("page", reverse("appraisals:allowance", args=[unit, 2026])),
        ("xlsx", reverse("appraisals:allowance-xlsx", args=[unit, 2026])),
        ("pdf", reverse("appraisals:allowance-pdf", args=[unit, 2026])),
        ("talent", reverse("appraisals:talent", args=[unit])),
        ("employee", reverse("appraisals:employee", args=[me.pk, 2026])),
    ):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        out[name] = len(queries)
    return out


def test_the_recaps_read_a_fixed_number_of_queries_whatever_the_number_of_employees(office, client):
    previous = _year(office, "kmk-467-2014", 2025)
    current = _year(office, "kmk-127-2026")
    client.force_login(office.manager)

    def score(people: list[Employee]) -> None:
        for n, person in enumerate(people):
            if not ScoreRecord.objects.filter(employee=person).exists():
                r = _record(person, current, 90 + n, "Baik")
                _record(person, previous, 90 + n, "baik")
                if n % 3 == 0:
                    _calibrate_in(office, r, 91 + n)

    few = _staff(office, 4)
    score(few)
    small = _counts(client, office, few[0])
    many = _staff(office, 24)
    score(many)
    large = _counts(client, office, few[0])
    assert large == small, (small, large)
    assert max(large.values()) <= 30


def _calibrate_in(office: Any, record: ScoreRecord, adjusted: Any) -> None:
    session, _ = CalibrationSession.objects.get_or_create(
        unit=office.org.kpp_a, plan_year=record.plan_year, defaults={"opened_by": office.manager}
    )
    CalibrationAdjustment.objects.create(
        session=session,
        employee=record.employee,
        record=record,
        original=record.nkp,
        adjusted=D(adjusted),
        reason="Penyesuaian",
        by=office.manager,
    )
