"""The demo's 2025 under `kmk-467-2014` (issue 13, "what done looks like"): KPP Madya Malang's year — map,
signed contracts, approved realizations, closed periods — two closed 360° campaigns with somewhat lenient
answers (the leniency checks flag exactly the two lenient raters, a few forms are unanswered and cost their
raters NP points), the office's CKP + NP scores, and a colleague labelled best in both 2025 and 2026.

Like `test_appraisals.py`, the tests share ONE build of the whole demo (`demo_ministry`), each in its own
savepoint.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from kinerja.appraisals import campaigns as campaign_services
from kinerja.appraisals import standing
from kinerja.appraisals.inputs import gather
from kinerja.appraisals.models import ASPECT_FIELDS, Campaign, CampaignState, RaterAssignment, ScoreRecord
from kinerja.contracts.models import Contract, ContractKpi, ContractState
from kinerja.demo import appraisals2014 as demo2014
from kinerja.demo import build
from kinerja.demo import endorsement as demo_endorsement
from kinerja.demo import history as demo_history
from kinerja.demo import organisation as org
from kinerja.organisations.models import Employee, Unit
from kinerja.planning.models import MapState, PlanYear, StrategyMap
from kinerja.reporting.models import PeriodState, Realization, RealizationState, ReportingPeriod
from kinerja.scoring import DistributionLabel, get_rule_set, leniency, leniency_by_rater

pytestmark = pytest.mark.django_db

YEAR = demo2014.DEMO_YEAR


@pytest.fixture
def ministry(demo_ministry: str, db: None) -> str:
    return demo_ministry


def _office() -> Unit:
    return Unit.objects.get(code=demo2014.OWNER)


def _plan_year() -> PlanYear:
    return PlanYear.objects.get(year=YEAR)


def _nip(slot: str) -> str:
    return next(p.nip for p in org.people() if p.slot == slot)


def _office_people() -> list[Employee]:
    return list(Employee.objects.filter(unit__path__startswith=_office().path, is_active=True))


def _node(tree: dict[str, Any], code: str) -> dict[str, Any] | None:
    """The explanation node of that code, depth first."""
    if tree.get("code") == code:
        return tree
    for child in tree.get("children", ()):
        found = _node(child, code)
        if found is not None:
            return found
    return None


def test_plan_year_2025_is_a_closed_2014_year_of_the_office(ministry: str) -> None:
    plan_year = _plan_year()
    assert plan_year.rule_set == "kmk-467-2014"
    assert plan_year.plan_period == PlanYear.objects.get(year=2026).plan_period
    # the office's map (DJBC's 2025 comes in through the historical import, `kinerja.demo.history`)
    strategy_map = StrategyMap.objects.get(plan_year=plan_year, unit=_office())
    assert strategy_map.state == MapState.APPROVED
    periods = ReportingPeriod.objects.filter(plan_year=plan_year)
    assert periods.count() == 19 and not periods.exclude(state=PeriodState.CLOSED).exists()
    people = _office_people()
    assert len(people) == 26
    contracts = Contract.objects.filter(plan_year=plan_year)
    assert set(contracts.values_list("employee_id", flat=True)) == {e.pk for e in people}
    assert not contracts.exclude(state=ContractState.SIGNED).exists()
    for contract in contracts:
        weights = [e.weight for e in contract.kpis.all()]
        assert weights and sum(weights) == Decimal(100), contract
        assert contract.signed_at is not None and contract.signed_at.year == YEAR
    # the mover of 2026 holds their 2025 post
    mover = next(p for p in demo2014._members() if p.slot in org.moves())
    assert contracts.get(employee__nip=mover.nip).position.code == mover.position_code


def test_every_kpi_of_the_year_has_its_approved_realizations(ministry: str) -> None:
    plan_year = _plan_year()
    entries = ContractKpi.objects.filter(contract__plan_year=plan_year).select_related("kpi")
    periods = list(ReportingPeriod.objects.filter(plan_year=plan_year))
    expected = {(e.kpi_id, p.pk) for e in entries for p in periods if p.frequency == e.kpi.frequency}
    realizations = Realization.objects.filter(
        period__plan_year=plan_year, kpi__objective__map__unit=_office()
    )
    assert set(realizations.values_list("kpi_id", "period_id")) == expected
    assert set(realizations.values_list("state", flat=True)) == {RealizationState.APPROVED}
    assert not realizations.filter(evidence__isnull=True).exists()
    # the individual KPIs are reported once, at the year's end (2014 rules)
    individual = {e.kpi.frequency for e in entries if e.kpi.holder_id is not None}
    assert individual == {"yearly"}


def test_two_closed_campaigns_with_answers_and_a_few_missed(ministry: str) -> None:
    found = list(Campaign.objects.filter(plan_year=_plan_year()).order_by("semester"))
    assert [(c.unit, c.semester, c.state) for c in found] == [
        (_office(), 1, CampaignState.CLOSED),
        (_office(), 2, CampaignState.CLOSED),
    ]
    for campaign in found:
        assert campaign.allow_self
        assert campaign.launched_at is not None and campaign.closed_at is not None
        assert campaign.launched_at < campaign.closed_at and campaign.launched_at.year == YEAR
    assignments = RaterAssignment.objects.filter(campaign__in=found).select_related(
        "campaign", "rater", "employee"
    )
    answered = [a for a in assignments if a.submitted_at is not None]
    assert len(answered) > 150
    for a in answered:
        assert a.campaign.launched_at <= a.submitted_at <= a.campaign.closed_at
        assert (a.leadership is not None) == campaign_services.holds_structural(a.employee)
    groups = Counter(a.group for a in answered)
    assert {"superior", "peer", "subordinate", "self"} <= set(groups)
    slot = {p.nip: p.slot for p in org.people()}
    missed = {
        (a.campaign.semester, slot[a.rater.nip], slot[a.employee.nip])
        for a in assignments
        if a.submitted_at is None
    }
    assert missed == demo2014.MISSED
    # most answers are high but not uniformly so
    scores = [getattr(a, f) for a in answered for f in ASPECT_FIELDS if getattr(a, f) is not None]
    mean = sum(scores, Decimal(0)) / len(scores)
    assert Decimal(85) <= mean <= Decimal(90)
    assert sum(Decimal(85) <= s <= Decimal(98) for s in scores) > len(scores) / 2
    assert min(scores) >= Decimal(60) and max(scores) == Decimal(100)


def test_a_closed_campaign_takes_no_answer(ministry: str) -> None:
    assignment = (
        RaterAssignment.objects.filter(campaign__plan_year=_plan_year(), submitted_at__isnull=True)
        .select_related("campaign", "employee__position")
        .first()
    )
    assert assignment is not None
    values = {aspect: 90 for aspect in campaign_services.aspects_for(assignment.employee)}
    with pytest.raises(ValidationError):
        campaign_services.save_answer(assignment=assignment, scores=values, by=None)
    assignment.refresh_from_db()
    assert assignment.submitted_at is None


def test_the_leniency_checks_flag_the_two_uniformly_high_raters(ministry: str) -> None:
    rules = get_rule_set("kmk-467-2014")
    gathered = gather(_office(), _plan_year())
    by_rater = leniency_by_rater(gathered.inputs, rules)
    flagged = {key for key, stats in by_rater.items() if stats.flagged}
    assert flagged == {_nip(slot) for slot in demo2014.LENIENT}
    for nip in flagged:
        assert by_rater[nip].share_high == Decimal(100) and by_rater[nip].mean >= Decimal(95)
    assert len(by_rater) > 20  # the others rated too, and are not flagged
    # the same from the stored answers, straight into `leniency`
    answers: dict[str, list[Decimal]] = {}
    for a in RaterAssignment.objects.filter(
        campaign__plan_year=_plan_year(), submitted_at__isnull=False
    ).select_related("rater"):
        answers.setdefault(a.rater.nip, []).extend(
            getattr(a, f) for f in ASPECT_FIELDS if getattr(a, f) is not None
        )
    assert {k for k, s in leniency(answers, rules).items() if s.flagged} == flagged


def test_the_office_has_2025_scores_with_nkp_and_the_missed_forms_cost_np(ministry: str) -> None:
    plan_year = _plan_year()
    people = _office_people()
    records = {r.employee_id: r for r in ScoreRecord.objects.filter(plan_year=plan_year)}
    assert set(records) == {e.pk for e in people}
    for record in records.values():
        assert record.rule_set == "kmk-467-2014" and not record.errors
        assert record.work is not None and record.behaviour is not None and record.nkp is not None
        # NKP = 60 % CKP + 40 % NP (the stored figures are rounded to cents)
        assert abs(
            record.nkp - (Decimal("0.6") * record.work + Decimal("0.4") * record.behaviour)
        ) <= Decimal("0.01")
        assert Decimal(80) <= record.work <= Decimal(120) and Decimal(75) <= record.behaviour <= Decimal(100)
        assert record.predicate in {"sangat baik", "baik"}
    missed = Counter(rater for _semester, rater, _rated in demo2014.MISSED)
    for slot, count in missed.items():
        record = next(r for r in records.values() if r.employee.nip == _nip(slot))
        np_node = _node(record.result["explanation"], "NP")
        assert np_node is not None and Decimal(str(np_node["inputs"]["penalty"])) == 2 * count
    others = [r for r in records.values() if all(r.employee.nip != _nip(s) for s in missed)]
    assert all(Decimal(str(_node(r.result["explanation"], "NP")["inputs"]["penalty"])) == 0 for r in others)  # type: ignore[index]


def test_a_colleague_is_best_in_2025_and_in_2026(ministry: str) -> None:
    best = []
    for year in (2025, 2026):
        found = standing.standings(_office(), PlanYear.objects.get(year=year))
        best.append({row.employee.pk for row in found.rows if row.label == DistributionLabel.BEST})
    assert best[0] and best[1]
    assert best[0] & best[1]  # a talent-pool candidate: best two periods in a row


def test_running_the_demo_again_adds_nothing_to_2025(ministry: str) -> None:
    def counts() -> tuple[int, ...]:
        plan_year = _plan_year()
        return (
            Contract.objects.filter(plan_year=plan_year).count(),
            Realization.objects.filter(period__plan_year=plan_year).count(),
            Campaign.objects.filter(plan_year=plan_year).count(),
            RaterAssignment.objects.filter(campaign__plan_year=plan_year, submitted_at__isnull=False).count(),
            ScoreRecord.objects.filter(plan_year=plan_year).count(),
        )

    before = counts()
    out = StringIO()
    call_command("demo", stdout=out)
    assert counts() == before
    assert "Penilaian perilaku 360° semester I–II dan NKP 2025 KPP Madya Malang: 2 (baru 0" in out.getvalue()


def test_its_reset_twice_in_a_row_rebuilds_2025(ministry: str) -> None:
    """The 2025 steps cleared and built again, twice (the whole `kinerja demo --reset` runs them the same way,
    first to be cleared; `test_organisation.py` resets the whole demo once)."""

    def scores() -> list[tuple[str, Decimal | None]]:
        return list(
            ScoreRecord.objects.filter(plan_year__year=YEAR)
            .values_list("employee__nip", "nkp")
            .order_by("employee__nip")
        )

    first = scores()
    assert len(first) == 26
    for _time in range(2):
        lines: list[str] = []
        # the steps that stand on 2025: the office's year and campaigns, DJBC's historical import into the same
        # closed periods, the endorsements of 2025
        steps = [demo2014.YEAR_STEP, demo2014.CAMPAIGN_STEP, demo_history.STEP, demo_endorsement.STEP]
        build.build_demo(reset=True, report=lines.append, steps=steps)
        assert lines[0].startswith("Dihapus") and lines[-1].startswith("[4/4]")
        plan_year = _plan_year()
        assert Campaign.objects.filter(plan_year=plan_year, state=CampaignState.CLOSED).count() == 2
        assert StrategyMap.objects.filter(plan_year=plan_year, unit=_office()).count() == 1
        # the same inputs give the same scores
        assert scores() == first
