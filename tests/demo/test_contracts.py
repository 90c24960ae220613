"""The contracts demo (issue 12): everyone signs, every cascade mode, a mid-year move, IKI realizations, the
alignment findings left on purpose, and the maps' NKO exactly as without contracts.

Like `test_organisation.py`, the tests share ONE build of the whole demo (`demo_ministry`), each in its own
savepoint.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from kinerja.contracts.checks import findings
from kinerja.contracts.models import (
    Cascade,
    CascadeMode,
    Contract,
    ContractEvent,
    ContractKind,
    ContractKpi,
    ContractState,
    ObjectiveSupport,
)
from kinerja.demo import appraisals as demo_appraisals
from kinerja.demo import contracts as demo_contracts
from kinerja.demo import meetings as demo_meetings
from kinerja.demo import organisation as org
from kinerja.demo import reporting as demo_reporting
from kinerja.demo import reports as demo_reports
from kinerja.demo.steps import DemoRun
from kinerja.organisations.models import Assignment, Employee
from kinerja.planning.models import Kpi, Objective, StrategyMap
from kinerja.reporting.models import Realization, ScoreSnapshot

pytestmark = pytest.mark.django_db

YEAR_START, YEAR_END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
SIGNED = (ContractState.SIGNED, ContractState.ENDED)


@pytest.fixture
def ministry(demo_ministry: str, db: None) -> str:
    return demo_ministry


def _demo_employees() -> list[Employee]:
    nips = [p.nip for p in org.people()]
    return list(
        Employee.objects.filter(nip__in=nips, is_active=True, position__isnull=False).select_related(
            "position"
        )
    )


def test_every_employee_signed_contracts_covering_the_year_with_weights_100(ministry):
    employees = _demo_employees()
    assert len(employees) >= 180
    unsigned = []
    for employee in employees:
        found = list(Contract.objects.filter(employee=employee, plan_year__year=2026).order_by("start"))
        if employee.position.code == demo_contracts.DRAFT_HEAD:
            assert [c.state for c in found] == [ContractState.DRAFT]
            continue
        assert found, employee
        if any(c.state not in SIGNED for c in found):
            unsigned.append(employee)
            continue
        assert found[0].start == YEAR_START and found[-1].end == YEAR_END, employee
        for before, after in itertools.pairwise(found):
            assert after.start == before.end + dt.timedelta(days=1)
            assert after.replaces_id == before.pk and before.state == ContractState.ENDED
        for contract in found:
            weights = [e.weight for e in contract.kpis.all()]
            assert weights and None not in weights and sum(weights) == Decimal(100), contract
            assert contract.signed_at is not None
            if contract.kind == ContractKind.INITIAL:  # signed in January; one replacement is late on purpose
                assert contract.signed_at.date() <= contract.deadline
    assert unsigned == []


def test_map_owners_carry_their_map_and_the_others_cascaded_and_own_kpis(ministry):
    head = Contract.objects.get(position__code="DJP-KPP-MADYA-MALANG-KEPALA", plan_year__year=2026)
    strategy_map = StrategyMap.objects.get(unit__code="DJP-KPP-MADYA-MALANG", plan_year__year=2026)
    assert set(head.kpis.values_list("kpi_id", flat=True)) == set(
        Kpi.objects.filter(objective__map=strategy_map).values_list("pk", flat=True)
    )
    executor = Contract.objects.filter(
        position__code="DJP-KPP-MADYA-MALANG-PELAYANAN-PELAKSANA", plan_year__year=2026
    ).first()
    sources = set(executor.kpis.values_list("source", flat=True))
    assert sources == {"cascaded", "individual"}
    # K3 inputs for kmk-127-2026: last year's figures for most, some new, the mandatory ones marked
    entries = ContractKpi.objects.filter(contract__plan_year__year=2026)
    assert entries.filter(kind="new").exists() and entries.filter(kind="mandatory").exists()
    assert entries.filter(target_prev__isnull=False, realization_prev__isnull=False).count() > 300
    assert entries.filter(fixed_target=True).exists()


def test_every_cascade_mode_is_shown(ministry):
    modes = set(Cascade.objects.values_list("mode", flat=True))
    assert {
        CascadeMode.DIRECT_FULL,
        CascadeMode.DIRECT_SHARED,
        CascadeMode.INDIRECT,
        CascadeMode.NONE,
    } <= modes
    full = Cascade.objects.get(
        parent__code="P1.2", parent__objective__map__unit__code="DJP-KPP-MADYA-MALANG", parent__holder=None
    )
    assert full.links.count() == 3 and full.parent.rolled_up
    shared = Cascade.objects.get(
        parent__code="P3.1", parent__objective__map__unit__code="DJP-KPP-MADYA-MALANG", parent__holder=None
    )
    assert sum(link.share for link in shared.links.all()) == shared.parent.target


def test_the_moves_have_replacement_contracts_one_made_late(ministry):
    replacements = list(
        Contract.objects.filter(kind=ContractKind.REPLACEMENT, plan_year__year=2026).select_related(
            "replaces"
        )
    )
    assert len(replacements) == len(org.MOVES) == 2
    late = []
    for contract in replacements:
        move = next(m for m in org.MOVES if contract.position.code == m.to_position)
        assert contract.change_date == contract.start == move.on and contract.end == YEAR_END
        assert contract.replaces.end == move.on - dt.timedelta(days=1)
        assert contract.replaces.position.code != contract.position.code
        history = list(Assignment.objects.filter(employee=contract.employee).order_by("start"))
        assert [a.end for a in history] == [move.on - dt.timedelta(days=1), None]
        codes = {f.code for f in findings(contract)}
        late.append("replacement_late" in codes)
    assert sorted(late) == [False, True]


def test_individual_kpis_report_in_mixed_states_and_direct_parents_roll_up(ministry):
    realizations = Realization.objects.filter(kpi__holder__isnull=False)
    assert realizations.count() > 300
    states = set(realizations.values_list("state", flat=True))
    assert {"approved", "verified", "submitted", "draft"} <= states
    assert not realizations.filter(analysis="").exists()
    assert realizations.exclude(return_reason="").exists()
    # a rolled-up parent's value is its children's, aggregated
    for code, aggregate in (("P1.2", "average"), ("P3.1", "sum")):
        parent = Kpi.objects.get(
            objective__map__unit__code="DJP-KPP-MADYA-MALANG", objective__map__plan_year__year=2026, code=code
        )
        children = list(Kpi.all_kpis.filter(cascaded_from__cascade__parent=parent))
        derived = Realization.objects.filter(kpi=parent, state="approved")
        assert derived.exists()
        for realization in derived:
            values = [Realization.objects.get(kpi=c, period=realization.period).value for c in children]
            total = sum(values, Decimal(0))
            expected = total if aggregate == "sum" else total / len(values)
            assert realization.value == expected, (code, realization.period.label)


def test_the_alignment_findings_left_on_purpose(ministry):
    draft = Contract.objects.get(position__code=demo_contracts.DRAFT_HEAD, plan_year__year=2026)
    codes = {f.code for f in findings(draft)}
    assert {"unsigned_after_deadline", "owner_map_incomplete"} <= codes
    unit, code = demo_contracts.LEFT_OUT
    left_out = Kpi.objects.get(objective__map__unit__code=unit, code=code)
    assert not ContractKpi.objects.filter(kpi=left_out).exists()
    shared = Cascade.objects.get(
        parent__code="P2.1", parent__objective__map__unit__code=unit, parent__holder=None
    )
    assert sum(link.share for link in shared.links.all()) == Decimal(22) != shared.parent.target
    unit, code = demo_contracts.IDLE_OBJECTIVE
    idle = Objective.objects.filter(
        supports__isnull=True, map__unit__code__in=[u for u, _c in [(unit, code)]]
    )
    assert list(idle.values_list("code", flat=True)) == [code]
    lower = Objective.objects.filter(
        map__unit__code__in=["DJP", "DJBC", "DJPB", "DJP-KPP-MADYA-MALANG", "DJBC-KPPBC-TANJUNG-PERAK"],
        map__plan_year__year=2026,
    )
    assert ObjectiveSupport.objects.filter(child__map__plan_year__year=2026).count() == lower.count() - 1


def test_the_logins_show_the_agree_and_sign_flow(ministry):
    users = get_user_model().objects
    executor, kasi = users.get(username="pegawai.kpp.malang"), users.get(username="kasi.pelayanan.kpp.malang")
    contract = Contract.objects.get(employee=executor.employee, plan_year__year=2026)
    assert contract.superior_id == kasi.employee_id and contract.state == ContractState.SIGNED
    assert contract.kpis.filter(source="individual").exists()
    steps = {e.to_state: e.by_id for e in ContractEvent.objects.filter(contract=contract)}
    assert steps == {"proposed": executor.pk, "agreed": kasi.pk, "signed": executor.pk}
    assert contract.signed_at.date() < dt.date(2026, 2, 1)
    assert "pegawai.kpp.malang" in ministry and "kasi.pelayanan.kpp.malang" in ministry


def _counts() -> tuple[int, ...]:
    return (
        Contract.objects.count(),
        ContractKpi.objects.count(),
        Kpi.all_kpis.count(),
        Realization.objects.count(),
        ObjectiveSupport.objects.count(),
        Cascade.objects.count(),
    )


def test_running_the_demo_again_changes_nothing(ministry):
    before = _counts()
    out = StringIO()
    call_command("demo", stdout=out)
    assert _counts() == before
    assert "Kontrak kinerja, cascading dan realisasi IKI 2026: " in out.getvalue()


def _nko() -> dict[tuple[str, str], Decimal | None]:
    found: dict[tuple[str, str], Decimal | None] = {}
    for snapshot in ScoreSnapshot.objects.select_related("strategy_map__unit", "period").order_by(
        "computed_at", "pk"
    ):
        found[(snapshot.strategy_map.unit.code, snapshot.period.label)] = snapshot.nko
    return found


def test_the_maps_nko_are_the_same_as_without_contracts(ministry):
    with_contracts = _nko()
    assert len(with_contracts) > 40
    # what stands on the 2026 periods the reporting demo removes: the monthly reports, the dialogues, the
    # BerAKHLAK scores
    run = DemoRun(report=lambda line: None)
    demo_reports.STEP.clear(run)
    demo_meetings.STEP.clear(run)
    demo_appraisals.clear_appraisals_demo()
    demo_reporting.clear_reporting_demo()
    demo_contracts.clear_contracts_demo()
    assert not Contract.objects.filter(plan_year__year=2026).exists()  # 2025's (`appraisals2014`) stay
    assert not Kpi.all_kpis.filter(rolled_up=True).exists()
    demo_reporting.build_reporting_demo()
    assert _nko() == with_contracts
