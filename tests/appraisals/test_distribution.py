"""The distribution curve (issue 13 item 5, rule 26): `standing.standings` (groups by map owner, job category and
direct superior; labels by the curve, ties; calibration applied with the original kept; each map owner's rule
26 checks) and the page built on it (`appraisals:distribution`: who reads it, what it says, what it costs), and
the unit recap's label column and rule 26 panel.

Scores are written directly as `ScoreRecord`s (the computation has its own tests): on the `office` fixture,
KPP-A (map owner) → SEKSI-A, the head of office, the head of section (superior: the head) and three
executors (superior: the head of section).
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kinerja.accounts.models import Role
from kinerja.appraisals.models import CalibrationAdjustment, CalibrationSession, ScoreRecord
from kinerja.appraisals.standing import standings
from kinerja.organisations.models import Employee, PositionType
from kinerja.planning.models import PlanYear
from kinerja.scoring import DistributionLabel
from tests.appraisals.builders import nko, rule_set
from tests.factories import EmployeeFactory, PositionFactory

pytestmark = pytest.mark.django_db

D = Decimal
BEST, AVERAGE, BELOW = DistributionLabel.BEST, DistributionLabel.AVERAGE, DistributionLabel.BELOW


def score(employee: Employee, year: PlanYear, nkp: str | None, predicate: str = "Baik") -> ScoreRecord:
    return ScoreRecord.objects.create(
        employee=employee,
        plan_year=year,
        rule_set=year.rule_set,
        as_of=str(year.year),
        nkp=None if nkp is None else D(nkp),
        predicate=predicate if nkp is not None else "",
        result={"explanation": {"label": "x" * 1000}},
    )


def executors(office, n: int, superior: Employee, unit=None) -> list[Employee]:
    """`n` executors of SEKSI-A (one shared executor position) under `superior`."""
    unit = unit or office.org.section_a
    position = PositionFactory(unit=unit, type=PositionType.EXECUTOR, superior=superior.position)
    return [EmployeeFactory(unit=unit, position=position, superior=superior) for _ in range(n)]


def labels_of(found, people: list[Employee]) -> list[DistributionLabel | None]:
    by = found.by_employee()
    return [by[p.pk].label for p in people]


# --------------------------------------------------------------------------- standings


def test_a_group_is_one_map_owner_job_category_and_direct_superior(office):
    year = rule_set(office, "kmk-127-2026")
    under_head = executors(office, 2, office.head)  # executors like the three, but under the head of office
    for person, value in zip(
        [office.head, office.kasi, *office.staff, *under_head],
        ["100", "101", "99", "98", "97", "96", "95"],
        strict=True,
    ):
        score(person, year, value)
    found = standings(office.org.kpp_a, year)
    groups = {frozenset(m.employee.pk for m in g.members): g for g in found.groups}
    staff = frozenset(p.pk for p in office.staff)
    assert staff in groups  # same category (executor), same superior (the head of section): together
    assert frozenset(p.pk for p in under_head) in groups  # executors under another superior: apart
    assert frozenset([office.kasi.pk]) in groups  # structural under the head: not with the executors
    assert frozenset([office.head.pk]) in groups
    assert len(found.groups) == 4
    group = groups[staff]
    assert group.owner == office.org.kpp_a and group.category == "executor"
    assert group.superior_id == office.kasi.pk
    assert [m.nkp for m in group.members] == [D("99"), D("98"), D("97")]  # ranked, best first
    assert all(s.owner == office.org.kpp_a for s in found.rows)


def test_ten_people_are_two_best_six_average_two_below(office):
    year = rule_set(office, "kmk-127-2026")
    people = executors(office, 10, office.kasi)
    for person, value in zip(people, range(100, 90, -1), strict=True):
        score(person, year, str(value))
    found = standings(office.org.kpp_a, year)
    assert labels_of(found, people) == [BEST] * 2 + [AVERAGE] * 6 + [BELOW] * 2
    (group,) = [g for g in found.groups if len(g.members) == 10]
    assert group.expected == (2, 6, 2)
    assert found.actual == found.expected == {BEST: 2, AVERAGE: 6, BELOW: 2}


def test_a_tie_takes_the_better_label(office):
    year = rule_set(office, "kmk-127-2026")
    people = executors(office, 10, office.kasi)
    # the 2nd and 3rd tie (both best: three best), the 8th and 9th tie (both average: one below)
    values = ["100", "99", "99", "97", "96", "95", "94", "93", "93", "91"]
    for person, value in zip(people, values, strict=True):
        score(person, year, value)
    found = standings(office.org.kpp_a, year)
    assert labels_of(found, people) == [BEST] * 3 + [AVERAGE] * 6 + [BELOW]
    assert found.actual == {BEST: 3, AVERAGE: 6, BELOW: 1}
    assert found.expected == {BEST: 2, AVERAGE: 6, BELOW: 2}  # the curve's, not the ties'


def test_people_without_an_nkp_are_left_off_the_curve(office):
    year = rule_set(office, "kmk-127-2026")
    people = executors(office, 4, office.kasi)
    for person, value in zip(people, ["99", "98", "97", None], strict=True):
        score(person, year, value)
    found = standings(office.org.kpp_a, year)
    assert labels_of(found, people)[-1] is None
    (group,) = [g for g in found.groups if len(g.members) == 4]
    assert group.expected == (0, 3, 0)  # three scored: 15 % of 3 rounds to 0


def test_a_calibration_adjustment_is_applied_and_the_original_kept(office):
    year = rule_set(office, "kmk-127-2026")
    people = executors(office, 10, office.kasi)
    records = [score(p, year, str(v)) for p, v in zip(people, range(100, 90, -1), strict=True)]
    session = CalibrationSession.objects.create(
        unit=office.org.kpp_a, plan_year=year, opened_by=office.manager
    )
    last = records[-1]  # 91: below average before the session
    CalibrationAdjustment.objects.create(
        session=session,
        employee=people[-1],
        record=last,
        original=last.nkp,
        adjusted=D("100.50"),
        reason="Tugas tambahan yang belum tercatat",
        by=office.manager,
    )
    found = standings(office.org.kpp_a, year)
    row = found.by_employee()[people[-1].pk]
    assert row.nkp == D("100.50") and row.original == D("91") and row.adjusted
    assert row.label == BEST  # now first of the group
    assert labels_of(found, people)[:3] == [BEST, AVERAGE, AVERAGE]  # 100 is second now
    assert labels_of(found, people)[-3:-1] == [BELOW, BELOW]  # 93 and 92 are the last two
    # recomputed since the session: the same change applies to the new figure
    newer = score(people[-1], year, "92")
    row = standings(office.org.kpp_a, year).by_employee()[people[-1].pk]
    assert row.record == newer and row.original == D("92") and row.nkp == D("101.50")


def test_istimewa_with_more_than_70_percent_sangat_baik_breaches_rule_26(office):
    year = rule_set(office, "kmk-127-2026")
    nko(office, "104")  # above 100: Istimewa
    people = executors(office, 4, office.kasi)
    for person in [office.kasi, *people[:3]]:
        score(person, year, "110", "Sangat Baik")
    score(people[3], year, "100", "Baik")
    found = standings(office.org.kpp_a, year)
    (owner,) = found.owners
    assert owner.unit == office.org.kpp_a and owner.nko == D("104") and owner.rating == "Istimewa"
    assert owner.predicates == {"Sangat Baik": 4, "Baik": 1}
    (check,) = owner.checks
    assert not check.kept and check.count == 4 and check.total == 5 and check.allowed_most == 3
    assert found.breaches == [(owner, check)]
    assert not found.enforced  # kmk-127-2026 warns only


def test_within_70_percent_an_istimewa_owner_keeps_rule_26(office):
    year = rule_set(office, "kmk-127-2026")
    nko(office, "104")
    people = executors(office, 4, office.kasi)
    for person, predicate in zip(
        [office.kasi, *people], ["Sangat Baik", "Sangat Baik", "Sangat Baik", "Baik", "Baik"], strict=True
    ):
        score(person, year, "100", predicate)
    found = standings(office.org.kpp_a, year)
    assert found.breaches == [] and [c.kept for c in found.owners[0].checks] == [True]


def test_standings_leave_the_explanation_in_the_database(office):
    """The bug fixed in `standings`: it read every record's full result (kilobytes of explanation a person)."""
    year = rule_set(office, "kmk-127-2026")
    for person in office.staff:
        score(person, year, "100")
    found = standings(office.org.kpp_a, year)
    assert all("result" in s.record.get_deferred_fields() for s in found.rows)


# --------------------------------------------------------------------------- the page


def page_of(client, office, user, year: int = 2026):
    client.force_login(user)
    return client.get(reverse("appraisals:distribution", args=[office.org.kpp_a.pk, year]))


def test_the_page_is_read_by_the_units_appraisal_readers_only(office, client, make_user):
    year = rule_set(office, "kmk-127-2026")
    for person in office.staff:
        score(person, year, "100")
    assert page_of(client, office, office.manager).status_code == 200
    assert page_of(client, office, make_user(office.org.kanwil, Role.LEADER)).status_code == 200  # above
    assert page_of(client, office, make_user(office.org.kpp_a, Role.AUDITOR)).status_code == 200
    assert page_of(client, office, office.user(office.staff[0])).status_code == 404  # an employee
    assert page_of(client, office, office.user(office.kasi)).status_code == 404  # a superior: not the unit
    assert page_of(client, office, make_user(office.org.kpp_b, Role.MANAGER)).status_code == 404
    assert page_of(client, office, make_user(office.org.section_a, Role.MANAGER)).status_code == 404  # below
    assert page_of(client, office, office.manager, 2031).status_code == 404  # no such plan year
    client.logout()
    assert client.get(reverse("appraisals:distribution", args=[office.org.kpp_a.pk, 2026])).status_code == 302


def test_the_page_shows_the_curve_the_groups_and_the_rule_26_warning(office, client):
    year = rule_set(office, "kmk-127-2026")
    nko(office, "104")
    people = executors(office, 10, office.kasi)
    records = [
        score(p, year, str(v), "Sangat Baik" if v > 92 else "Baik")
        for p, v in zip(people, range(100, 90, -1), strict=True)
    ]
    session = CalibrationSession.objects.create(unit=office.org.kpp_a, plan_year=year)
    CalibrationAdjustment.objects.create(
        session=session,
        employee=people[9],
        record=records[9],
        original=D("91"),
        adjusted=D("93.50"),
        reason="x",
    )
    text = page_of(client, office, office.manager).content.decode()
    assert "<svg" in text and 'role="img"' in text and 'id="curve-table"' in text  # the chart and its table
    assert "Terbaik (15%)" in text and "Rata-rata (70%)" in text and "Di bawah rata-rata (15%)" in text
    assert "Istimewa" in text and "dilanggar" in text and 'id="breaches"' in text
    assert "tidak menegakkan" in text  # the rule set warns only: said on the page
    assert people[0].name in text and "93,50" in text and "semula 91,00" in text  # calibrated, original kept
    assert "Pelaksana" in text and office.kasi.name in text  # the group: category and direct superior


def test_kmk_467_2014_says_it_has_no_predicate_limits(office, client):
    year = rule_set(office, "kmk-467-2014")
    for person in office.staff:
        score(person, year, "90", "baik")
    text = page_of(client, office, office.manager).content.decode()
    assert "kmk-467-2014 tidak memiliki batas sebaran predikat" in text
    assert "Terbaik (15%)" in text and 'id="breaches"' not in text


def test_the_page_shows_a_bounded_part_of_a_large_unit(office, client):
    year = rule_set(office, "kmk-127-2026")
    crowd = executors(office, 30, office.kasi)  # one group of 30
    heads = [EmployeeFactory(unit=office.org.section_a, position=office.kasi.position) for _ in range(14)]
    for superior in heads:  # 14 more groups of one
        crowd += executors(office, 1, superior)
    for i, person in enumerate(crowd):
        score(person, year, str(80 + i % 20))
    text = page_of(client, office, office.manager).content.decode()
    assert len(re.findall(r'<tbody id="grup-', text)) == 10  # groups a page
    assert "15 kelompok" in text and "1 / 2" in text
    assert text.count('class="num rank"') == 10 + 9  # the group of 30 shows its first 10 only
    assert "dan 20 pegawai lainnya" in text
    key = f"{office.org.kpp_a.pk}-executor-{office.kasi.pk}"
    client.force_login(office.manager)
    url = reverse("appraisals:distribution", args=[office.org.kpp_a.pk, 2026])
    opened = client.get(url, {"grup": key}).content.decode()
    assert opened.count('class="num rank"') == 30 and len(re.findall(r'<tbody id="grup-', opened)) == 1
    other = client.get(url, {"kategori": "structural"}).content.decode()
    assert "0 kelompok" in other  # nobody structural is scored


def test_the_page_costs_the_same_queries_for_five_or_fifty_people(office, client):
    year = rule_set(office, "kmk-127-2026")
    nko(office, "96")
    url = reverse("appraisals:distribution", args=[office.org.kpp_a.pk, 2026])
    client.force_login(office.manager)
    counts = []
    for n in (5, 45):
        superiors = [EmployeeFactory(unit=office.org.kpp_b) for _ in range(3)]  # outside the unit: one query
        for i, person in enumerate(executors(office, n, superiors[0])):
            score(person, year, str(90 + i % 7))
        for superior in superiors[1:]:
            score(executors(office, 1, superior)[0], year, "95")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    # session, user, roles, unit, plan year; standings' four; the superiors outside the unit; the bell's count
    assert counts[0] == counts[1] <= 12, (
        counts
    )  # with the capped count of people (KINERJA_STANDINGS_MAX_PEOPLE)


# --------------------------------------------------------------------------- the unit recap


def test_the_unit_recap_shows_the_label_and_the_rule_26_panel(office, client):
    year = rule_set(office, "kmk-127-2026")
    nko(office, "104")
    people = executors(office, 10, office.kasi)
    for person, value in zip(people, range(100, 90, -1), strict=True):
        score(person, year, str(value), "Sangat Baik")
    client.force_login(office.manager)
    with CaptureQueriesContext(connection) as queries:
        text = client.get(reverse("appraisals:unit", args=[office.org.kpp_a.pk, 2026])).content.decode()
    assert len(queries) <= 11, len(
        queries
    )  # standings' four and the capped count of people, whatever the size
    assert reverse("appraisals:distribution", args=[office.org.kpp_a.pk, 2026]) in text
    assert text.count("Terbaik (15%)") == 2 and text.count("Di bawah rata-rata (15%)") == 2
    assert "Batas sebaran predikat (aturan 26)" in text and "Sangat Baik paling banyak 70%" in text
    assert "10 dari 10 orang" in text and "diizinkan paling banyak 7 orang" in text


def test_the_unit_recap_under_kmk_467_2014_says_there_are_no_limits(office, client):
    year = rule_set(office, "kmk-467-2014")
    for person in office.staff:
        score(person, year, "90", "baik")
    client.force_login(office.manager)
    text = client.get(reverse("appraisals:unit", args=[office.org.kpp_a.pk, 2026])).content.decode()
    assert "kmk-467-2014 tidak memiliki batas sebaran predikat" in text
    assert text.count("Rata-rata (70%)") == 3


def test_a_subtree_above_the_people_limit_lists_its_units_below(office, client, settings):
    """The unit recap and the distribution curve read every current score of the subtree: above
    KINERJA_STANDINGS_MAX_PEOPLE active people (a ministry, an echelon I) they list the units below, each linked
    to the same page, at the cost of a capped count — the same queries whatever the number of people."""
    from kinerja.appraisals.inputs import subtree_employees
    from kinerja.organisations.models import Unit

    year = rule_set(office, "kmk-127-2026")
    for person in office.staff:
        score(person, year, "100")
    unit = office.org.kpp_a
    below = list(Unit.objects.filter(depth=unit.depth + 1, path__startswith=unit.path).order_by("path"))
    assert below
    client.force_login(office.manager)
    for name in ("appraisals:unit", "appraisals:distribution"):
        url = reverse(name, args=[unit.pk, 2026])
        people = subtree_employees(unit).count()
        settings.KINERJA_STANDINGS_MAX_PEOPLE = people
        assert 'id="units-below"' not in client.get(url).content.decode()
        settings.KINERJA_STANDINGS_MAX_PEOPLE = people - 1
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
        html = page.content.decode()
        assert page.status_code == 200 and 'id="units-below"' in html
        for child in below:
            assert f'href="{reverse(name, args=[child.pk, 2026])}"' in html
        executors(office, 5, office.kasi)
        with CaptureQueriesContext(connection) as more:
            client.get(url)
        assert len(more) == len(queries)
    assert (
        reverse("appraisals:unit-xlsx", args=[unit.pk, 2026])
        in client.get(reverse("appraisals:unit", args=[unit.pk, 2026])).content.decode()
    )
