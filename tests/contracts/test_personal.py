"""A person's scorecard (issue 12 item 5): contract KPIs with index and status, and the contract's score by
the scoring core — CKP under kmk-467-2014, NHK under kmk-127-2026 with a replacement's day weights (§7.3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from kinerja.contracts import personal
from kinerja.contracts import services as contracts
from kinerja.planning.models import Kpi
from kinerja.reporting import services as reporting
from kinerja.scoring import Employee, KpiKind, get_rule_set
from kinerja.scoring.nkp2026 import score_employee_2026
from tests.contracts.builders import add_iki, period, sign

D = Decimal
pytestmark = pytest.mark.django_db


def _approved(kpi, at, value):
    realization = reporting.save_realization(kpi=Kpi.all_kpis.get(pk=kpi.pk), period=at, value=value, by=None)
    for step in (reporting.submit_realization, reporting.verify_realization, reporting.approve_realization):
        step(realization=realization, by=None)
    return realization


def _year(office, rule_set):
    year = office.map.plan_year
    year.rule_set = rule_set
    year.save()
    return year


def test_a_replacement_on_1_july_weights_the_nhk_by_contract_days(office, client):
    year = _year(office, "kmk-127-2026")
    person = office.staff[0]
    first = contracts.create_contract(employee=person, plan_year=year, by=office.manager)
    early = add_iki(first, office, code="IKI-1", validity="exact", controllability="moderate")
    contracts.update_contract_kpi(
        entry=first.kpis.get(), fields={"kind": KpiKind.NEW.value}, by=office.manager
    )
    sign(first, office)
    second = contracts.replace_contract(contract=first, change_date=dt.date(2026, 7, 1), by=office.manager)
    late = add_iki(second, office, code="IKI-2", validity="proxy", controllability="moderate")
    contracts.update_contract_kpi(
        entry=second.kpis.get(), fields={"kind": KpiKind.NEW.value}, by=office.manager
    )
    sign(second, office)
    for label, value in (("2026-Q1", 90), ("2026-Q2", 100)):
        _approved(early, period(office, label), value)
    for label, value in (("2026-Q3", 95), ("2026-Q4", 99)):
        _approved(late, period(office, label), value)

    inputs = personal.nhk_inputs(person, year)
    assert [(k.code, k.days) for k in inputs] == [("IKI-1", D(181)), ("IKI-2", D(184))]
    assert [[p.period for p in k.periods] for k in inputs] == [["2026-Q1", "2026-Q2"], ["2026-Q3", "2026-Q4"]]
    result = score_employee_2026(
        Employee(nip=person.nip, kpis=tuple(inputs)), rules=get_rule_set("kmk-127-2026")
    )
    k3 = [k.k3 for k in result.kpis]
    assert k3 == [D("1.075"), D("1.00")]  # (1.15 + 1) / 2 and (1.00 + 1) / 2: new KPIs (§7.2)
    total = k3[0] * 181 + k3[1] * 184
    assert [k.weight for k in result.kpis] == [k3[0] * 181 / total, k3[1] * 184 / total]

    card = personal.personal_scorecard(person, period(office, "2026-Q4"))
    assert card.method == "nhk" and len(card.contracts) == 2
    assert card.score == result.nhk and card.calibrated == result.nhk_calibrated
    assert [r.weight for r in card.rows] == [k.weight for k in result.kpis]
    assert [r.index for r in card.rows] == [k.index for k in result.kpis] and not card.missing
    client.force_login(office.user(person))
    page = client.get(
        reverse("contracts:personal", args=[person.pk, period(office, "2026-Q4").pk])
    ).content.decode()
    assert "Nilai hasil kerja (NHK)" in page and "lebih dari satu kontrak" in page and ">181<" in page
    # as of the second quarter only the first contract has begun
    june = personal.personal_scorecard(person, period(office, "2026-Q2"))
    assert [r.entry.kpi.code for r in june.rows] == ["IKI-1"] and june.rows[0].core.days == D(181)


def test_the_ckp_is_the_weighted_mean_of_the_indices(office):
    year = _year(office, "kmk-467-2014")
    person = office.staff[1]
    contract = contracts.create_contract(employee=person, plan_year=year, by=office.manager)
    a = add_iki(contract, office, code="IKI-A")
    b = add_iki(contract, office, code="IKI-B")
    sign(contract, office, weights=[D(60), D(40)])
    q1 = period(office, "2026-Q1")
    _approved(a, q1, 95)  # index 100
    _approved(b, q1, 76)  # index 80
    card = personal.personal_scorecard(person, q1)
    assert card.method == "ckp"
    assert [(r.entry.kpi.code, r.index, r.status) for r in card.rows] == [
        ("IKI-A", D(100), "green"),
        ("IKI-B", D(80), "yellow"),
    ]
    assert card.score == D(92) and card.complete
    # a draft is not counted: "last" reads the last counted period (scoring.md §2), the score stays whole
    q2 = period(office, "2026-Q2")
    reporting.save_realization(kpi=Kpi.all_kpis.get(pk=b.pk), period=q2, value=1, by=None)
    _approved(a, q2, 95)
    later = personal.personal_scorecard(person, q2)
    assert later.missing == [] and later.rows[1].consolidated == D(76)  # "last" reads the last counted period


def test_the_personal_page_is_for_the_person_their_superior_and_their_units_roles(office, client, make_user):
    year = _year(office, "kmk-467-2014")
    person = office.staff[2]
    contract = contracts.create_contract(employee=person, plan_year=year, by=office.manager)
    kpi = add_iki(contract, office, code="IKI-P")
    sign(contract, office)
    q1 = period(office, "2026-Q1")
    _approved(kpi, q1, 95)
    url = reverse("contracts:personal", args=[person.pk, q1.pk])
    for user in (office.user(person), office.user(office.kasi), office.manager):
        client.force_login(user)
        page = client.get(url)
        assert (
            page.status_code == 200 and "IKI-P" in page.content.decode() and "100,00" in page.content.decode()
        )
    client.force_login(make_user(office.org.kpp_b, "manager"))
    assert client.get(url).status_code == 404
    # my scorecard: the signed-in person's latest period
    client.force_login(office.user(person))
    mine = client.get(reverse("contracts:my-scorecard"))
    assert mine.status_code == 302 and mine["Location"].startswith(f"/kontrak/pegawai/{person.pk}/")
    client.force_login(make_user(office.org.kpp_a, "auditor"))  # no employee record
    assert (
        "belum terhubung dengan data pegawai"
        in client.get(reverse("contracts:my-scorecard")).content.decode()
    )
