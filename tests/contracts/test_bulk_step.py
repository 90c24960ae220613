"""The bulk contract workflow step (`services.bulk_step`) and the bulk findings (`checks.blocking_findings_many`):
the same refusals as the one-at-a-time steps, each contract its own result, a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kinerja.contracts import services
from kinerja.contracts.checks import blocking_findings, blocking_findings_many
from kinerja.contracts.models import Contract, ContractEvent, ContractState
from kinerja.notifications.models import Notification
from tests.contracts import builders as cb
from tests.contracts.conftest import _person

D = Decimal
HUNDRED = Decimal(100)
pytestmark = pytest.mark.django_db


def _staff_contracts(office, weights=(HUNDRED,)):
    """A contract with one IKI for every executor (weights as given, so some may block)."""
    year = office.map.plan_year
    contracts = []
    for number, person in enumerate(office.staff, start=1):
        contract = services.create_contract(employee=person, plan_year=year, by=office.manager)
        cb.add_iki(contract, office, code=f"IKI-{number}")
        entry = contract.kpis.get()
        services.update_contract_kpi(
            entry=entry, fields={"weight": weights[(number - 1) % len(weights)]}, by=office.manager
        )
        contracts.append(contract)
    return contracts


def test_bulk_findings_are_the_single_findings(office):
    contracts = _staff_contracts(office, weights=(D(100), D(60)))
    head = services.create_contract(employee=office.head, plan_year=office.map.plan_year, by=office.manager)
    everyone = [*contracts, head]
    loaded = list(
        Contract.objects.filter(pk__in=[c.pk for c in everyone]).select_related(
            "position", "unit", "plan_year"
        )
    )
    many = blocking_findings_many(loaded)
    for contract in everyone:
        single = [(f.rule, f.code) for f in blocking_findings(Contract.objects.get(pk=contract.pk))]
        assert [(f.rule, f.code) for f in many[contract.pk]] == single
    assert [f.code for f in many[contracts[1].pk]] == ["weights_not_100"]
    assert many[contracts[0].pk] == []
    # the map KPIs carry no weight yet; the head of this office has no superior in the fixture
    assert {f.code for f in many[head.pk]} == {"weights_missing", "no_superior"}


def test_bulk_steps_take_each_contract_alone_and_refuse_as_the_single_steps(office):
    contracts = _staff_contracts(office, weights=(D(100), D(60), D(100)))
    results = services.bulk_step(contracts=contracts, action="propose", by=office.manager)
    assert [r.ok for r in results] == [True, False, True]
    assert "100" in results[1].message  # the weights do not total 100: refused at proposal, like propose()
    assert Contract.objects.get(pk=contracts[1].pk).state == ContractState.DRAFT
    # the superior is told, as by propose()
    assert Notification.objects.filter(user=office.user(office.kasi)).count() == 2
    # agreeing a draft is refused with the state's message; the proposed ones are agreed
    results = services.bulk_step(contracts=contracts, action="agree", by=office.user(office.kasi))
    assert [r.ok for r in results] == [True, False, True]
    results = services.bulk_step(contracts=[contracts[0], contracts[2]], action="sign", by=None)
    assert all(r.ok for r in results)
    signed = Contract.objects.filter(state=ContractState.SIGNED)
    assert set(signed.values_list("pk", flat=True)) == {contracts[0].pk, contracts[2].pk}
    assert all(c.signed_at is not None and c.agreed_by_id == office.user(office.kasi).pk for c in signed)
    # each step an event and a history row; the trajectories frozen and the IKIs open to realizations
    assert ContractEvent.objects.filter(to_state=ContractState.SIGNED).count() == 2
    assert Contract.history.filter(state=ContractState.SIGNED).count() == 2
    for contract in signed:
        entry = contract.kpis.select_related("kpi").get()
        assert entry.trajectory == {str(p): str(D(95).quantize(D("0.000001"))) for p in range(1, 5)} or (
            entry.trajectory and set(entry.trajectory) == {"1", "2", "3", "4"}
        )
        assert entry.kpi.contract_signed


def test_bulk_signing_freezes_like_sign(office):
    one, two, _three = _staff_contracts(office)
    cb.sign(one, office)  # one at a time
    for action, by in (("propose", office.manager), ("agree", office.user(office.kasi)), ("sign", None)):
        services.bulk_step(contracts=[two], action=action, by=by)
    frozen = [c.kpis.get() for c in (one, two)]
    assert frozen[0].trajectory == frozen[1].trajectory != {}
    assert frozen[0].target == frozen[1].target


def test_a_bulk_step_costs_the_same_queries_for_one_and_for_many(office):
    office.staff.append(_person(office.org.section_a, office.staff[0].position, office.kasi, office.users))
    contracts = _staff_contracts(office)
    services.bulk_step(contracts=contracts[:1], action="propose", by=None)  # the caches warm
    with CaptureQueriesContext(connection) as one:
        services.bulk_step(contracts=contracts[1:2], action="propose", by=None)
    with CaptureQueriesContext(connection) as many:
        services.bulk_step(contracts=contracts[2:], action="propose", by=None)
    assert len(many) == len(one)
    with CaptureQueriesContext(connection) as agree:
        services.bulk_step(contracts=contracts, action="agree", by=None)
    assert len(agree) <= len(one)
    # one UPDATE for the whole chunk: the stamps are the chunk's moment
    assert len({c.agreed_at for c in Contract.objects.filter(pk__in=[c.pk for c in contracts])}) == 1
