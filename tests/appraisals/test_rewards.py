"""Rewards inputs (issue 14 item 8): nominations drawn from the scores, with the reason; who may nominate and
decide; the pages and the talent pool link."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from kinerja.accounts.models import Role
from kinerja.appraisals import rewards
from kinerja.appraisals.models import (
    FigureKind,
    Nomination,
    NominationKind,
    NominationState,
    ScoreRecord,
)
from kinerja.planning.models import PlanYear
from tests.appraisals.test_scores import worked_example
from tests.contracts.builders import period

D = Decimal
pytestmark = pytest.mark.django_db


def _record(person: Any, year: PlanYear, nkp: Any, work: Any, behaviour: Any = 90) -> ScoreRecord:
    return ScoreRecord.objects.create(
        employee=person,
        plan_year=year,
        rule_set=year.rule_set,
        as_of=str(year.year),
        work=D(str(work)),
        behaviour=D(str(behaviour)),
        nkp=D(str(nkp)),
        predicate="Baik",
    )


@pytest.fixture
def scored(office) -> PlanYear:
    year = office.map.plan_year
    a, b, c = office.staff
    _record(office.kasi, year, 97, 99)
    _record(a, year, 99, 98)  # ties with b on NKP, wins on work
    _record(b, year, 99, 96)
    _record(c, year, 95, 95)
    return year


@pytest.fixture
def leader(office, make_user):
    return make_user(office.org.kpp_a, Role.LEADER)


def test_year_candidates_rank_by_nkp_and_explain_ties(office, scored):
    a, b, c = office.staff
    found = rewards.year_candidates(office.org.kpp_a, scored)
    assert [x.employee for x in found] == [a, b, office.kasi, c]
    assert [x.rank for x in found] == [1, 2, 3, 4]
    assert found[0].figure_kind == FigureKind.NKP and found[0].record is not None
    with translation.override("id"):
        found = rewards.year_candidates(office.org.kpp_a, scored)
    assert "hasil kerja" in found[0].tie and b.name in found[0].tie
    assert found[2].tie == "" and found[3].tie == ""


def test_exact_ties_share_the_rank_and_the_leader_chooses(office, scored):
    b = office.staff[1]
    ScoreRecord.objects.filter(employee=b).update(work=D(98))
    found = rewards.year_candidates(office.org.kpp_a, scored)
    assert (found[0].rank, found[1].rank) == (1, 1)
    with translation.override("id"):
        found = rewards.year_candidates(office.org.kpp_a, scored)
    assert "pimpinan memilih" in found[0].tie


def test_month_candidates_come_from_that_months_inputs_and_store_nothing(office):
    year = worked_example(office)
    before = ScoreRecord.objects.count()
    december = period(office, "2026-12")
    found = rewards.month_candidates(office.org.kpp_a, year, december)
    assert ScoreRecord.objects.count() == before
    assert [c.employee for c in found] == [office.kasi]
    assert found[0].figure_kind == FigureKind.WORK and found[0].as_of == "2026-12"
    assert found[0].figure == D("108.10")  # the NHK the year's computation gives for the same inputs


def test_the_leader_nominates_with_a_reason_citing_the_score(office, scored, leader):
    a = office.staff[0]
    with pytest.raises(ValidationError) as refused:
        rewards.nominate(
            unit=office.org.kpp_a,
            plan_year=scored,
            kind=NominationKind.EXEMPLARY_EMPLOYEE,
            employee=a,
            reason=" ",
            by=leader,
        )
    assert "reason" in refused.value.message_dict
    done = rewards.nominate(
        unit=office.org.kpp_a,
        plan_year=scored,
        kind=NominationKind.EXEMPLARY_EMPLOYEE,
        employee=a,
        reason="NKP tertinggi dan inisiatif digitalisasi layanan",
        by=leader,
    )
    record = ScoreRecord.objects.get(employee=a)
    assert (done.score_record, done.figure, done.rank, done.state) == (
        record,
        D(99),
        1,
        NominationState.PROPOSED,
    )
    with pytest.raises(ValidationError):  # the same person, the same award: once
        rewards.nominate(
            unit=office.org.kpp_a,
            plan_year=scored,
            kind=NominationKind.EXEMPLARY_EMPLOYEE,
            employee=a,
            reason="lagi",
            by=leader,
        )


def test_a_person_without_a_score_cannot_be_nominated(office, scored, leader):
    ScoreRecord.objects.filter(employee=office.staff[2]).delete()
    with pytest.raises(ValidationError) as refused:
        rewards.nominate(
            unit=office.org.kpp_a,
            plan_year=scored,
            kind=NominationKind.EXEMPLARY_EMPLOYEE,
            employee=office.staff[2],
            reason="rajin",
            by=leader,
        )
    assert "employee" in refused.value.message_dict


def test_only_leaders_nominate_and_another_decides(office, scored, leader, make_user):
    a = office.staff[0]
    for refused in (office.manager, office.users[a.nip], make_user(office.org.kpp_b, Role.LEADER)):
        with pytest.raises(PermissionDenied):
            rewards.nominate(
                unit=office.org.kpp_a,
                plan_year=scored,
                kind=NominationKind.EXEMPLARY_EMPLOYEE,
                employee=a,
                reason="x",
                by=refused,
            )
    done = rewards.nominate(
        unit=office.org.kpp_a,
        plan_year=scored,
        kind=NominationKind.EXEMPLARY_EMPLOYEE,
        employee=a,
        reason="NKP tertinggi",
        by=leader,
    )
    with pytest.raises(PermissionDenied):  # not one's own nomination
        rewards.decide(nomination=done, accept=True, by=leader)
    kanwil_head = make_user(office.org.kanwil, Role.LEADER)
    with pytest.raises(ValidationError) as refused:
        rewards.decide(nomination=done, accept=False, by=kanwil_head)
    assert "note" in refused.value.message_dict
    decided = rewards.decide(nomination=done, accept=True, by=kanwil_head, note="disetujui")
    assert decided.state == NominationState.ACCEPTED and decided.decided_by == kanwil_head
    with pytest.raises(ValidationError):  # decided stays decided
        rewards.decide(nomination=decided, accept=False, by=kanwil_head, note="batal")
    assert list(decided.history.values_list("state", flat=True).order_by("history_date")) == [
        "proposed",
        "accepted",
    ]


def test_the_page_lists_nominations_and_candidates(
    client, office, scored, leader, django_assert_max_num_queries
):
    rewards.nominate(
        unit=office.org.kpp_a,
        plan_year=scored,
        kind=NominationKind.EXEMPLARY_EMPLOYEE,
        employee=office.staff[0],
        reason="Pelayanan prima",
        by=leader,
    )
    client.force_login(leader)
    url = reverse("appraisals:nominations", args=[office.org.kpp_a.pk, scored.year])
    with django_assert_max_num_queries(60):
        page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Pelayanan prima" in body and reverse("appraisals:talent", args=[office.org.kpp_a.pk]) in body
    assert office.staff[1].nip in body  # a candidate
    created = client.post(
        reverse("appraisals:nomination-create", args=[office.org.kpp_a.pk, scored.year]),
        {"kind": "exemplary_employee", "employee": office.staff[1].pk, "reason": "Konsisten"},
    )
    assert created.status_code == 302
    assert Nomination.objects.count() == 2


def test_the_page_is_hidden_from_employees_and_outsiders(client, office, scored, make_user):
    url = reverse("appraisals:nominations", args=[office.org.kpp_a.pk, scored.year])
    client.force_login(office.users[office.staff[0].nip])
    assert client.get(url).status_code == 404
    client.force_login(make_user(office.org.kpp_b, Role.MANAGER))
    assert client.get(url).status_code == 404
    client.force_login(office.manager)  # reads; may not nominate
    assert client.get(url).status_code == 200
    answer = client.post(
        reverse("appraisals:nomination-create", args=[office.org.kpp_a.pk, scored.year]),
        {"kind": "exemplary_employee", "employee": office.staff[0].pk, "reason": "x"},
    )
    assert answer.status_code == 403


def test_the_api_nominates_and_lists(client, office, scored, leader):
    client.force_login(leader)
    answer = client.post(
        "/api/appraisal-nominations/",
        {
            "unit": "KPP-A",
            "year": scored.year,
            "kind": "exemplary_employee",
            "employee": office.staff[0].nip,
            "reason": "NKP tertinggi",
        },
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["figure"] in ("99.00", "99")
    listed = client.get("/api/appraisal-nominations/", {"unit": "KPP-A"})
    assert listed.json()["count"] == 1
    client.force_login(office.manager)
    refused = client.post(
        "/api/appraisal-nominations/",
        {
            "unit": "KPP-A",
            "year": scored.year,
            "kind": "exemplary_employee",
            "employee": office.staff[1].nip,
            "reason": "x",
        },
        content_type="application/json",
    )
    assert refused.status_code == 403


def test_a_unit_above_the_people_limit_lists_its_units_below_instead_of_candidates(
    client, office, scored, leader, settings
):
    """Candidates score or rank every person of the subtree: above KINERJA_REWARDS_MAX_PEOPLE active people (an
    echelon I, the ministry) the page lists the units below to draw them from, at the cost of a capped count,
    and a nomination there is refused with the reason."""
    from kinerja.appraisals.inputs import subtree_employees
    from kinerja.organisations.models import Unit

    unit = office.org.kpp_a
    people = subtree_employees(unit).count()
    url = reverse("appraisals:nominations", args=[unit.pk, scored.year])
    client.force_login(leader)

    settings.KINERJA_REWARDS_MAX_PEOPLE = people
    page = client.get(url)
    assert not page.context["crowded"] and page.context["year_candidates"]

    settings.KINERJA_REWARDS_MAX_PEOPLE = people - 1
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200 and page.context["crowded"]
    assert page.context["year_candidates"] == [] and page.context["month_candidates"] == []
    assert 'id="month-candidates"' not in body and 'id="units-below"' in body
    below = list(Unit.objects.filter(depth=unit.depth + 1, path__startswith=unit.path).order_by("path"))
    assert below and page.context["units_below"] == below
    for child in below:
        assert reverse("appraisals:nominations", args=[child.pk, scored.year]) in body
    with pytest.raises(ValidationError) as refused:
        rewards.nominate(
            unit=unit,
            plan_year=scored,
            kind=NominationKind.EXEMPLARY_EMPLOYEE,
            employee=office.staff[0],
            reason="Pelayanan prima",
            by=leader,
        )
    assert "unit di bawahnya" in refused.value.message_dict["employee"][0]
    assert not Nomination.objects.exists()
