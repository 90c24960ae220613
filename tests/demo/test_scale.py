"""`kinerja demo --scale` (issue 16 item 1): a generated ministry, built through the front doors, at a tiny scale.

At 0.003 the ministry is a dozen units over the six levels, 240 employees and a handful of maps; the tests
share ONE build (`scale_ministry`, a transaction held open for the module, as `demo_ministry` does), and
each checks one promise: the counts per level, the organisation import and its history, the maps (four
perspectives, weights totalling 100, twelve monthly targets), the realizations in every workflow state,
the snapshots, the logins; then a second build from the same seed gives the same data, and a database
that is not empty is refused.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, F, Sum
from django.test import Client
from django.urls import reverse

from kinerja.accounts.models import Role, RoleAssignment
from kinerja.appraisals.models import BehaviourScore
from kinerja.contracts.models import Contract, ContractEvent, ContractKpi, ContractState
from kinerja.demo import scale
from kinerja.interchange.nip import nip_error
from kinerja.meetings.models import Action, AgendaItem, Meeting, MeetingState
from kinerja.notifications.models import Notification
from kinerja.organisations.models import Employee, Unit, UnitLevel
from kinerja.planning.models import (
    Kpi,
    MapState,
    Objective,
    PeriodTarget,
    Perspective,
    StateChange,
    StrategyMap,
)
from kinerja.reporting.models import (
    PeriodState,
    Realization,
    RealizationState,
    ReportingPeriod,
    ScoreSnapshot,
    WorkflowEvent,
)

pytestmark = pytest.mark.django_db

TINY = 0.003
SEED = 7


@pytest.fixture(scope="module")
def scale_ministry(django_db_setup: Any, django_db_blocker: Any) -> Iterator[scale.ScaleResult]:
    """`build_scale(0.003)` once, rolled back at the end of the module."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield scale.build_scale(scale=TINY, seed=SEED, report=lambda line: None)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def fingerprint() -> dict[str, list[tuple[Any, ...]]]:
    """What the generator decided, by natural keys only (no primary key, no timestamp)."""
    return {
        "units": sorted(Unit.objects.values_list("code", "path", "level", "kind", "owns_map", "name_id")),
        "employees": sorted(
            Employee.objects.values_list(
                "nip", "name", "email", "unit__code", "position__code", "superior__nip"
            )
        ),
        "maps": sorted(StrategyMap.objects.values_list("unit__code", "state")),
        "kpis": sorted(
            Kpi.objects.values_list(
                "objective__map__unit__code",
                "objective__code",
                "code",
                "polarity",
                "consolidation",
                "target",
                "weight",
            )
        ),
        "targets": sorted(
            PeriodTarget.objects.values_list(
                "kpi__objective__map__unit__code", "kpi__code", "period", "target"
            )
        ),
        "realizations": sorted(
            Realization.objects.values_list(
                "kpi__objective__map__unit__code", "kpi__code", "period__number", "value", "state"
            )
        ),
        "contracts": sorted(
            Contract.objects.values_list("employee__nip", "position__code", "superior__nip", "state")
        ),
        "behaviour": sorted(
            BehaviourScore.objects.values_list(
                "employee__nip",
                "rater__nip",
                "period__number",
                "group",
                "service",
                "adaptive",
                "collaborative",
            )
        ),
        "meetings": sorted(
            Meeting.objects.values_list(
                "unit__code", "period__number", "state", "chair__nip", "secretary__nip"
            )
        ),
        "actions": sorted(
            Action.objects.values_list(
                "meeting__unit__code",
                "meeting__period__number",
                "kpi__code",
                "owner__nip",
                "state",
                "due_date",
            )
        ),
        "contract_kpis": sorted(
            ContractKpi.objects.values_list(
                "contract__employee__nip", "kpi__code", "kpi__objective__code", "source", "weight", "target"
            )
        ),
    }


def test_the_units_are_the_generated_ones_over_the_six_levels(scale_ministry: scale.ScaleResult) -> None:
    generated = scale.generate_ministry(TINY, SEED)
    by_level = Counter(Unit.objects.values_list("level", flat=True))
    assert by_level == Counter(u.level for u in generated.units)
    assert set(by_level) == set(UnitLevel.values)  # every level, Wide to Five
    assert by_level[UnitLevel.WIDE] == 1
    assert 8 <= sum(by_level.values()) <= 16
    assert scale_ministry.counts["units"] == len(generated.units)
    owners = set(Unit.objects.filter(owns_map=True).values_list("code", flat=True))
    assert owners == set(generated.maps) == set(StrategyMap.objects.values_list("unit__code", flat=True))
    assert 3 <= len(owners) <= 8


def test_employees_have_valid_nips_positions_and_superiors(scale_ministry: scale.ScaleResult) -> None:
    employees = list(Employee.objects.values_list("nip", "position_id", "superior_id", "unit__level"))
    assert 230 <= len(employees) <= 250
    assert all(nip_error(nip) is None for nip, _p, _s, _l in employees)
    assert all(position is not None for _n, position, _s, _l in employees)
    without_superior = [level for _n, _p, superior, level in employees if superior is None]
    assert without_superior == [UnitLevel.WIDE]  # only the Minister answers to nobody
    # one head a unit, as the organisation file says
    assert Employee.objects.filter(position__is_head=True).count() == Unit.objects.count()


def test_the_organisation_came_through_the_import_with_its_history(scale_ministry: scale.ScaleResult) -> None:
    units = Unit.objects.count()
    assert Unit.history.filter(history_type="+", history_change_reason="Impor organisasi").count() == units
    assert Employee.history.filter(history_type="+", history_change_reason="Impor organisasi").count() == (
        Employee.objects.count()
    )
    # the import's account sync: an account for everyone, the employee role on their unit
    assert get_user_model().objects.filter(employee__isnull=False).count() == Employee.objects.count()
    assert (
        RoleAssignment.objects.filter(role=Role.EMPLOYEE, source="auto").count() == Employee.objects.count()
    )


def test_maps_have_four_perspectives_weights_totalling_100_and_monthly_trajectories(
    scale_ministry: scale.ScaleResult,
) -> None:
    maps = list(StrategyMap.objects.all())
    for strategy_map in maps:
        perspectives = Perspective.objects.filter(map=strategy_map)
        assert perspectives.count() == 4
        assert perspectives.aggregate(total=Sum("weight"))["total"] == Decimal(100)
        for perspective in perspectives:
            total = Objective.objects.filter(perspective=perspective).aggregate(total=Sum("weight"))["total"]
            assert total == Decimal(100)
    for objective in Objective.objects.all():
        assert Kpi.objects.filter(objective=objective).aggregate(total=Sum("weight"))["total"] == Decimal(100)
    kpis = Kpi.objects.count()
    assert kpis == scale_ministry.counts["kpis"]
    assert 30 * len(maps) <= kpis <= 50 * len(maps)
    assert set(Kpi.objects.values_list("frequency", flat=True)) == {"monthly"}
    assert PeriodTarget.objects.filter(kpi__holder__isnull=True).count() == 12 * kpis
    # through the planning workbook import and the map workflow: history rows and state changes
    assert Kpi.history.filter(history_type="+", holder__isnull=True).count() == kpis
    approved = StrategyMap.objects.filter(state=MapState.APPROVED)
    assert approved.filter(unit__code=scale.generate_ministry(TINY, SEED).leader_unit).exists()
    assert StateChange.objects.filter(to_state=MapState.APPROVED).count() == approved.count()


def test_realizations_are_in_every_state_and_closed_months_approved(
    scale_ministry: scale.ScaleResult,
) -> None:
    closed = ReportingPeriod.objects.filter(frequency="monthly", state=PeriodState.CLOSED)
    assert closed.count() == scale.CLOSED_MONTHS
    states = Counter(Realization.objects.values_list("state", flat=True))
    assert set(states) == set(RealizationState.values)
    assert set(Realization.objects.filter(period__in=closed).values_list("state", flat=True)) == {
        RealizationState.APPROVED
    }
    open_states = set(
        Realization.objects.exclude(period__in=closed).values_list("state", flat=True).distinct()
    )
    assert open_states == set(RealizationState.values)
    # some are missing: fewer realizations than KPI-months
    assert (
        Realization.objects.count() < Kpi.objects.filter(objective__map__state=MapState.APPROVED).count() * 12
    )
    # every step is a recorded workflow event; the imports and the steps wrote history rows
    assert WorkflowEvent.objects.filter(to_state=RealizationState.APPROVED).count() == states["approved"]
    assert WorkflowEvent.objects.filter(to_state=RealizationState.VERIFIED).count() == (
        states["verified"] + states["approved"] - Realization.objects.filter(period__in=closed).count()
    )
    assert Realization.history.count() > Realization.objects.count()


def test_snapshots_for_every_approved_map_and_month(scale_ministry: scale.ScaleResult) -> None:
    approved = StrategyMap.objects.filter(state=MapState.APPROVED).count()
    closed = ReportingPeriod.objects.filter(frequency="monthly", state=PeriodState.CLOSED)
    finals = set(ScoreSnapshot.objects.filter(final=True).values_list("strategy_map_id", "period_id"))
    assert len(finals) == approved * scale.CLOSED_MONTHS
    assert {p for _m, p in finals} == set(closed.values_list("pk", flat=True))
    open_months = ReportingPeriod.objects.filter(frequency="monthly", state=PeriodState.OPEN)
    scored = defaultdict(set)
    for map_id, period_id in ScoreSnapshot.objects.filter(period__in=open_months).values_list(
        "strategy_map_id", "period_id"
    ):
        scored[period_id].add(map_id)
    assert scored and all(len(maps) == approved for maps in scored.values())
    assert ScoreSnapshot.objects.filter(nko__isnull=False).exists()


def test_everyone_has_a_contract_in_mixed_states_with_weights_totalling_100(
    scale_ministry: scale.ScaleResult,
) -> None:
    employees = Employee.objects.count()
    assert Contract.objects.count() == employees == scale_ministry.counts["contracts"]
    states = Counter(Contract.objects.values_list("state", flat=True))
    assert states[ContractState.SIGNED] > 0.8 * employees
    assert set(states) <= {s.value for s in ContractState} - {ContractState.ENDED}
    assert len(states) >= 3  # at this size at least signed and two states on the way
    # weights total 100 in every contract, each holds at least one KPI
    totals = ContractKpi.objects.values("contract").annotate(total=Sum("weight"))
    assert len(totals) == employees
    assert {row["total"] for row in totals} == {Decimal(100)}
    # the heads of map owners carry their whole map; everybody else IKIs with quarterly trajectories
    for contract in Contract.objects.filter(position__is_head=True, unit__owns_map=True).select_related(
        "unit"
    ):
        held = set(contract.kpis.values_list("kpi_id", flat=True))
        assert held == set(
            Kpi.objects.filter(objective__map__unit=contract.unit).values_list("pk", flat=True)
        )
    own = Kpi.all_kpis.filter(holder__isnull=False)
    assert own.count() == ContractKpi.objects.filter(source="individual").count() > employees
    periods = {"monthly": 12, "quarterly": 4, "semester": 2, "yearly": 1}
    for frequency, count, targets in own.values_list("frequency").annotate(
        kpis=Count("pk", distinct=True), targets=Count("period_targets")
    ):
        assert targets == periods[frequency] * count
    # through the workflow: an event per step, frozen trajectories and individual KPIs open to realizations
    signed = Contract.objects.filter(state=ContractState.SIGNED)
    assert ContractEvent.objects.filter(to_state=ContractState.SIGNED).count() == signed.count()
    assert ContractEvent.objects.filter(to_state=ContractState.PROPOSED).count() == (
        employees - states[ContractState.DRAFT]
    )
    assert not ContractKpi.objects.filter(contract__in=signed, trajectory={}).exists()
    assert (
        own.filter(contract_signed=True).count()
        == ContractKpi.objects.filter(contract__in=signed, source="individual").count()
    )
    assert Contract.history.filter(state=ContractState.SIGNED).count() == signed.count()
    # the logins' contracts are signed, and the leader agreed the employee's
    pegawai = get_user_model().objects.get(username="skala.pegawai").employee
    contract = Contract.objects.get(employee=pegawai)
    assert contract.state == ContractState.SIGNED
    assert contract.superior == Employee.objects.get(user__username="skala.pimpinan")


def test_superiors_scored_berakhlak_for_the_quarters_past(scale_ministry: scale.ScaleResult) -> None:
    scores = BehaviourScore.objects.all()
    assert scores.count() == scale_ministry.counts["behaviour_scores"]
    rated = Employee.objects.filter(superior__isnull=False).count()
    by_quarter = Counter(scores.values_list("period__number", flat=True))
    assert set(by_quarter) == set(scale.SCORED_QUARTERS)
    assert all(rated * 0.8 <= by_quarter[q] <= rated for q in scale.SCORED_QUARTERS)
    assert by_quarter[3] < rated  # the last quarter is not scored for everyone yet
    assert set(scores.values_list("period__frequency", flat=True)) == {"quarterly"}
    assert set(scores.values_list("group", flat=True)) == {"superior"}
    # every score by the employee's own superior, every value in 0–120, not all alike
    assert not scores.exclude(rater=F("employee__superior")).exists()
    values = set(scores.values_list("service", flat=True)) | set(scores.values_list("adaptive", flat=True))
    assert min(values) >= 0 and max(values) <= 120 and len(values) > 10
    assert BehaviourScore.history.filter(history_type="+").count() == scores.count()
    # the employee login sees their own scores; the leader scored them
    pegawai = Employee.objects.get(user__username="skala.pegawai")
    assert scores.filter(employee=pegawai, rater__user__username="skala.pimpinan").exists()


def test_dialogues_for_every_approved_map_and_quarter_past_with_their_follow_ups(
    scale_ministry: scale.ScaleResult,
) -> None:
    owners = StrategyMap.objects.filter(state=MapState.APPROVED).count()
    meetings = Meeting.objects.all()
    assert meetings.count() == owners * len(scale.MEETING_QUARTERS) == scale_ministry.counts["meetings"]
    assert set(meetings.values_list("period__frequency", flat=True)) == {"quarterly"}
    by_quarter = Counter(meetings.filter(state=MeetingState.CLOSED).values_list("period__number", flat=True))
    assert by_quarter[1] == by_quarter[2] == owners  # the first two quarters closed
    assert set(meetings.values_list("state", flat=True)) <= {MeetingState.CLOSED, MeetingState.HELD}
    # chaired by the unit's head, attendance recorded, the furthest-behind KPIs of the unit's map on the agenda
    assert not meetings.exclude(chair__unit=F("unit")).exists()
    assert not meetings.exclude(chair__position__is_head=True).exists()
    assert all(m.participants.filter(attendance="present").exists() for m in meetings)
    items = AgendaItem.objects.filter(kind="red_kpi")
    assert items.exists() and not items.exclude(kpi__objective__map__unit=F("meeting__unit")).exists()
    # a follow-up for every red KPI, owned by a participant, due after the meeting, in mixed states
    actions = Action.objects.all()
    assert actions.count() == items.count() == scale_ministry.counts["follow_ups"]
    assert not actions.filter(owner__isnull=True).exists()
    assert not actions.exclude(owner__meeting_participations__meeting=F("meeting")).exists()
    assert all(a.due_date > a.meeting.starts_at.date() for a in actions.select_related("meeting"))
    states = Counter(actions.values_list("state", flat=True))
    assert len(states) >= 3
    assert not actions.filter(state="done", evidence="").exists()
    assert not actions.filter(state="dropped", drop_reason="").exists()
    # through the services' bulk form: history rows, the owners and the participants told
    assert Meeting.history.count() == meetings.count() and Action.history.count() == actions.count()
    assert Notification.objects.filter(kind="follow_up").count() >= actions.count() * 0.9
    assert Notification.objects.filter(kind="meeting", title__startswith="Notula").exists()
    # the leader login chairs the dialogues of their office
    leader = Employee.objects.get(user__username="skala.pimpinan")
    assert meetings.filter(chair=leader).count() == len(scale.MEETING_QUARTERS)


def test_the_logins_see_their_contracts_scores_and_dialogues(scale_ministry: scale.ScaleResult) -> None:
    pegawai = Employee.objects.get(user__username="skala.pegawai")
    leader = Employee.objects.get(user__username="skala.pimpinan")
    staff, head = Client(), Client()
    staff.force_login(get_user_model().objects.get(username="skala.pegawai"))
    head.force_login(get_user_model().objects.get(username="skala.pimpinan"))
    own = Contract.objects.get(employee=pegawai)
    page = staff.get(reverse("contracts:detail", args=[own.pk]))
    assert page.status_code == 200 and own.kpis.first().kpi.code in page.content.decode()
    assert head.get(reverse("contracts:detail", args=[own.pk])).status_code == 200  # the superior sees it
    others = Contract.objects.exclude(unit__path__startswith=leader.unit.path).first()
    assert staff.get(reverse("contracts:detail", args=[others.pk])).status_code in (403, 404)
    assert staff.get(reverse("appraisals:behaviour", args=[pegawai.pk])).status_code == 200
    meeting = Meeting.objects.filter(chair=leader).order_by("period__number").first()
    page = head.get(reverse("meetings:detail", args=[meeting.pk]))
    assert page.status_code == 200 and meeting.title in page.content.decode()
    action = Action.objects.filter(meeting=meeting).first()
    assert head.get(reverse("meetings:action-detail", args=[action.pk])).status_code == 200


def test_the_named_logins_exist_with_the_demo_password(scale_ministry: scale.ScaleResult) -> None:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=scale.USERNAMES)}
    assert (
        set(users)
        == set(scale.USERNAMES)
        == {"skala.admin", "skala.manajer", "skala.pimpinan", "skala.pegawai"}
    )
    assert all(user.check_password(scale.PASSWORD) for user in users.values())
    assert users["skala.admin"].is_superuser
    assert RoleAssignment.objects.filter(
        user=users["skala.manajer"], role=Role.MANAGER, unit__level="one"
    ).exists()
    leader = RoleAssignment.objects.get(user=users["skala.pimpinan"], role=Role.LEADER)
    assert leader.unit.level == UnitLevel.THREE and leader.unit.owns_map
    assert StrategyMap.objects.filter(unit=leader.unit, state=MapState.APPROVED).exists()
    assert users["skala.pegawai"].employee is not None
    assert users["skala.pegawai"].employee.unit == leader.unit
    assert [row["username"] for row in scale_ministry.logins] == list(scale.USERNAMES)


def test_the_same_seed_gives_the_same_ministry_and_a_full_database_is_refused(
    scale_ministry: scale.ScaleResult,
) -> None:
    first = fingerprint()
    with pytest.raises(scale.ScaleError, match="--reset"):
        scale.build_scale(scale=TINY, seed=SEED, report=lambda line: None)
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo", scale=str(TINY), stdout=StringIO())
    scale.build_scale(scale=TINY, seed=SEED, reset=True, report=lambda line: None)
    assert fingerprint() == first
    other = scale.generate_ministry(TINY, SEED + 1)
    assert [p.nip for p in other.people] != [p.nip for p in scale.generate_ministry(TINY, SEED).people]


def test_the_command_refuses_a_database_holding_anything() -> None:
    # a path no generated unit has: the module's generated ministry may still be in the database
    Unit.objects.create(
        code="X-LAIN", name_id="Unit lain", level=UnitLevel.WIDE, kind="ministry", path="9999", depth=1
    )
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo", scale="0.003", stdout=StringIO())
    with pytest.raises(CommandError, match="ministry"):
        call_command("demo", scale="2", stdout=StringIO())


def test_scale_parsing() -> None:
    assert scale.parse_scale("ministry") == 1.0
    assert scale.parse_scale("0.1") == 0.1
    for bad in ("0", "-1", "1.5", "lots"):
        with pytest.raises(ValueError):
            scale.parse_scale(bad)
