"""Computing and storing employee scores (issue 13 items 1, 2, 4): inputs gathered from the database
set-based, the scoring core called once per unit, ScoreRecords stored in bulk; the kmk-127-2026 worked
example of scoring.md §7.3 and a kmk-467-2014 example through the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from kinerja.appraisals import inputs, services
from kinerja.appraisals.models import (
    BehaviourScore,
    Campaign,
    CampaignState,
    Correction,
    DisciplinarySentence,
    RaterAssignment,
    ScoreRecord,
)
from kinerja.contracts import personal
from kinerja.contracts import services as contracts
from kinerja.contracts.models import ContractKpi
from kinerja.planning.models import PlanYear
from tests.appraisals.builders import approved, nko, rule_set
from tests.contracts.builders import add_iki, period, sign

D = Decimal
pytestmark = pytest.mark.django_db

CORE = dict(
    service=D(100),
    accountable=D(105),
    competent=D(110),
    harmonious=D(100),
    loyal=D(100),
    adaptive=D(95),
    collaborative=D(110),
)


def worked_example(office) -> PlanYear:
    """§7.3's worked example on the head of section (tier 1: his position reports to the head of office):
    IKI-1 index 110 with K3 1.1 (exact/low, new), IKI-2 index 95 with K3 1.0 (proxy/moderate, new), the
    core values (100, 105, 110, 100, 100, 95, 110) from his superior, KPP-A's NKO 104."""
    year = rule_set(office, "kmk-127-2026")
    contract = contracts.create_contract(employee=office.kasi, plan_year=year, by=office.manager)
    one = add_iki(contract, office, "IKI-1", validity="exact", controllability="low", target=D(100))
    two = add_iki(contract, office, "IKI-2", validity="proxy", controllability="moderate", target=D(100))
    for entry in contract.kpis.all():
        contracts.update_contract_kpi(entry=entry, fields={"kind": "new"}, by=office.manager)
    sign(contract, office)
    approved(one, office, "2026-Q4", 110)
    approved(two, office, "2026-Q4", 95)
    BehaviourScore.objects.create(
        employee=office.kasi, period=period(office, "2026-Q4"), rater=office.head, group="superior", **CORE
    )
    nko(office, 104)
    return year


def test_the_worked_example_of_7_3_through_the_database(office):
    year = worked_example(office)
    records = services.compute_scores(unit=office.org.kpp_a, plan_year=year, by=office.manager)
    assert len(records) == 5  # the head, the head of section, three executors
    record = ScoreRecord.objects.get(employee=office.kasi)
    assert record.rule_set == "kmk-127-2026" and record.as_of == "2026" and record.errors == []
    assert record.nkp == D("104.54")
    assert record.work == D("108.10") and record.behaviour == D("102.86")
    assert record.predicate == "Sangat Baik"
    result = record.result
    assert [k["k3"] for k in result["kpis"]] == [1.1, 1.0]
    assert result["nhk_calibrated"] == 106.07 and result["npk_calibrated"] == 102.14
    assert result["nkp_before"] == 105.09 and result["nko_weight"] == 0.5
    assert result["work_result"] == {"value": 105.04, "rating": "above"}
    assert result["behaviour"] == {"value": 102.33, "rating": "above"}
    # the others have no contract: no NKP, no error
    others = ScoreRecord.objects.exclude(employee=office.kasi)
    assert {r.nkp for r in others} == {None} and all(r.errors == [] for r in others)
    # a recompute adds records, the first stay
    services.compute_scores(unit=office.org.kpp_a, plan_year=year, by=office.manager)
    assert ScoreRecord.objects.filter(employee=office.kasi).count() == 2


def test_inputs_match_the_scorecard_and_read_the_organisation(office):
    year = worked_example(office)
    gathered = inputs.gather(office.org.kpp_a, year)
    by_nip = {e.nip: e for e in gathered.inputs}
    kasi = by_nip[office.kasi.nip]
    assert list(kasi.kpis) == personal.nhk_inputs(office.kasi, year)  # the same rows, days and all
    assert kasi.nko == D(104) and kasi.unit == "KPP-A" and kasi.superior_nip == office.head.nip
    assert (kasi.tier, kasi.structural, kasi.calibrate, kasi.job_category) == (1, True, True, "structural")
    assert by_nip[office.head.nip].tier == 1
    assert {by_nip[s.nip].tier for s in office.staff} == {2}
    assert [tuple(v.values()) for v in kasi.core_values] == [tuple(CORE.values())]


def test_several_raters_average_and_sentences_correction_count(office):
    year = worked_example(office)
    BehaviourScore.objects.create(
        employee=office.kasi,
        period=period(office, "2026-Q4"),
        rater=office.staff[0],
        group="peer",
        **{k: v + 10 for k, v in CORE.items()},
    )
    DisciplinarySentence.objects.create(
        employee=office.staff[0], category="light", severity=D(20), start_year=2026, start_quarter=4
    )
    DisciplinarySentence.objects.create(  # ended long before the year's end
        employee=office.staff[1], category="light", severity=D(20), start_year=2026, start_quarter=1
    )
    Correction.objects.create(employee=office.kasi, plan_year=year, value=D(2), reason="Kinerja luar biasa")
    gathered = inputs.gather(office.org.kpp_a, year)
    kasi = next(e for e in gathered.inputs if e.nip == office.kasi.nip)
    assert kasi.core_values[0].service == D(105) and kasi.correction == D(2)
    staff = {e.nip: e for e in gathered.inputs}
    assert [s.start_period for s in staff[office.staff[0].nip].discipline] == ["2026-Q4"]
    services.compute_scores(unit=office.org.kpp_a, plan_year=year, by=None)
    record = ScoreRecord.objects.get(employee=office.kasi)
    # the subordinate's light sentence (10 % of 20 = 2) is in force: impact 5 % of it = 0.1
    assert record.result["impact"] == 0.1 and record.result["correction"] == 2.0


def test_an_employees_input_error_is_kept_on_their_record_not_the_units(office):
    year = worked_example(office)
    Correction.objects.create(employee=office.staff[2], plan_year=year, value=D(9), reason="di luar batas")
    services.compute_scores(unit=office.org.kpp_a, plan_year=year, by=office.manager)
    wrong = ScoreRecord.objects.get(employee=office.staff[2])
    assert wrong.nkp is None and [e["code"] for e in wrong.errors] == ["correction_out_of_range"]
    assert ScoreRecord.objects.get(employee=office.kasi).nkp == D("104.54")


def test_computing_needs_the_permission(office):
    year = worked_example(office)
    with pytest.raises(PermissionDenied):
        services.compute_scores(unit=office.org.kpp_a, plan_year=year, by=office.user(office.kasi))


def _campaign(office, year, semester=1, state=CampaignState.CLOSED):
    return Campaign.objects.create(unit=office.org.kpp_a, plan_year=year, semester=semester, state=state)


def _answer(campaign, employee, rater, group, score):
    aspects = dict.fromkeys(
        ("service_orientation", "integrity", "commitment", "discipline", "cooperation"), D(score)
    )
    return RaterAssignment.objects.create(
        campaign=campaign, employee=employee, rater=rater, group=group, submitted_at=timezone.now(), **aspects
    )


def test_a_2014_example_ckp_and_np_60_40_with_a_participation_penalty(office):
    year = rule_set(office, "kmk-467-2014")
    person = office.staff[0]
    contract = contracts.create_contract(employee=person, plan_year=year, by=office.manager)
    one = add_iki(contract, office, "IKI-1", target=D(100))
    two = add_iki(contract, office, "IKI-2", target=D(100))
    sign(contract, office, weights=[D(60), D(40)])
    approved(one, office, "2026-Q4", 100)
    approved(two, office, "2026-Q4", 90)
    campaign = _campaign(office, year)
    _answer(campaign, person, office.kasi, "superior", 90)
    _answer(campaign, person, office.staff[1], "peer", 80)
    RaterAssignment.objects.create(  # left unanswered by the person: 2 points off their NP
        campaign=campaign, employee=office.staff[2], rater=person, group="peer"
    )
    open_campaign = _campaign(office, year, semester=2, state=CampaignState.OPEN)
    _answer(open_campaign, person, office.kasi, "superior", 10)  # not closed: does not count

    services.compute_scores(unit=office.org.kpp_a, plan_year=year, by=office.manager)
    record = ScoreRecord.objects.get(employee=person)
    assert record.rule_set == "kmk-467-2014" and record.errors == []
    assert record.work == D("96.00")  # CKP = 0.6 × 100 + 0.4 × 90
    assert record.behaviour == D("83.00")  # mean of superior 90 and peer 80 = 85, minus 2
    assert record.nkp == D("90.80")  # 0.6 × 96 + 0.4 × 83
    assert record.predicate == "baik"
    gathered = inputs.gather(office.org.kpp_a, year)
    by_nip = {e.nip: e for e in gathered.inputs}
    assert by_nip[person.nip].participation.missed_assessments == 1
    # the head of section set no raters for staff[1] (staff[2] had one): one subordinate without raters
    assert by_nip[office.kasi.nip].participation.subordinates_without_raters == 1
    assert {r.semester for r in by_nip[person.nip].ratings} == {"2026-S1"}


def _more_people(office, n):
    from tests.contracts.conftest import _person

    for _ in range(n):
        person = _person(office.org.section_a, office.staff[0].position, office.kasi, office.users)
        contract = contracts.create_contract(
            employee=person, plan_year=office.map.plan_year, by=office.manager
        )
        kpi = add_iki(contract, office, f"IKI-{person.pk}", target=D(100))
        ContractKpi.objects.filter(contract=contract).update(kind="new")
        sign(contract, office)
        approved(kpi, office, "2026-Q4", 97)
        BehaviourScore.objects.create(
            employee=person, period=period(office, "2026-Q4"), rater=office.kasi, group="superior", **CORE
        )
        DisciplinarySentence.objects.create(
            employee=person, category="light", severity=D(10), start_year=2026, start_quarter=3
        )


@pytest.mark.parametrize("rules", ["kmk-127-2026", "kmk-467-2014"])
def test_computing_reads_and_writes_in_a_fixed_number_of_queries(
    office, django_assert_max_num_queries, rules
):
    worked_example(office)
    year = rule_set(office, rules)
    _more_people(office, 2)
    with django_assert_max_num_queries(20) as small:
        services.compute_scores(unit=office.org.kpp_a, plan_year=year, by=None)
    _more_people(office, 8)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        records = services.compute_scores(unit=office.org.kpp_a, plan_year=year, by=None)
    assert len(records) == 15 and len(large.captured_queries) == len(small.captured_queries)
    assert sum(r.work is not None for r in records) == 11  # 2014: no NP without a closed campaign


def _widest_statement(action) -> int:
    """The most parameters any statement `action` sends takes."""
    sizes: list[int] = []

    def count(execute, sql, params, many, context):
        sizes.append(len(params or ()))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        action()
    return max(sizes)


@pytest.mark.parametrize("rules", ["kmk-127-2026", "kmk-467-2014"])
def test_gathering_lists_no_ids_whatever_the_number_of_people(office, rules):
    """A ministry holds half a million contract KPIs: a statement listing their ids is more than SQLite takes
    (250,000 variables; `bench_appraisals` at 80,000 employees) and a slow statement anywhere. The contracts
    and their KPIs are named by subqueries: no statement takes more parameters with more people or KPIs."""
    worked_example(office)
    year = rule_set(office, rules)
    _more_people(office, 2)
    small = _widest_statement(lambda: inputs.gather(office.org.kpp_a, year))
    _more_people(office, 8)
    gathered = inputs.gather(office.org.kpp_a, year)
    assert sum(len(person.kpis) for person in gathered.inputs) == 12  # the worked example's 2 and one each
    assert _widest_statement(lambda: inputs.gather(office.org.kpp_a, year)) == small


def test_a_replacement_contract_weights_by_days(office):
    year = rule_set(office, "kmk-127-2026")
    person = office.staff[0]
    first = contracts.create_contract(employee=person, plan_year=year, by=office.manager)
    add_iki(first, office, "IKI-1", validity="exact", controllability="moderate")
    sign(first, office)
    second = contracts.replace_contract(contract=first, change_date=dt.date(2026, 7, 1), by=office.manager)
    add_iki(second, office, "IKI-2")
    sign(second, office)
    gathered = inputs.gather(office.org.kpp_a, year)
    mine = next(e for e in gathered.inputs if e.nip == person.nip)
    assert [(k.code, k.days) for k in mine.kpis] == [("IKI-1", D(181)), ("IKI-2", D(184))]
    assert list(mine.kpis) == personal.nhk_inputs(person, year)
