"""Bringing a closed past year in (issue 15 item 5): the one, explicit way into closed periods.

Closed periods refuse ordinary imports (rule 23); the historical mode is for administrators with a reason,
recorded, leaves the periods closed, writes approved realizations and final snapshots, writes nothing when
anything fails, and last year's target and realization then reach the 2026 K3 inputs.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from kinerja.accounts.models import Role
from kinerja.contracts import services as contract_services
from kinerja.contracts.checks import k3_rows
from kinerja.planning import workbook
from kinerja.planning.models import Kpi, MapState, PeriodTarget, PlanYear, StateChange, StrategyMap
from kinerja.reporting import services
from kinerja.reporting.models import (
    HistoricalImport,
    PeriodState,
    Realization,
    RealizationState,
    ReportingPeriod,
    ScoreSnapshot,
    WorkflowEvent,
)
from kinerja.reporting.services.history import import_history, prepare_past_year
from tests.contracts.conftest import office  # noqa: F401  (the fixture)
from tests.planning import builders as b

D = Decimal
TODAY = dt.date(2026, 6, 1)
REASON = "Migrasi data capaian 2025 dari aplikasi lama (ND-123/2026)"
pytestmark = pytest.mark.django_db


def _workbook(org) -> bytes:
    """A 2025 map of KPP-A as the planning workbook gives it: a sound map whose S1.1 is monthly (sum, 1100)
    and with S1.2 quarterly (last, 85); built on a scratch map of KPP-B and exported."""
    scratch = b.sound_map(org.kpp_b, 2027)
    s1 = scratch.objectives.get(code="S1")
    Kpi.objects.filter(objective=s1, code="S1.1").delete()
    b.kpi(
        s1,
        "S1.1",
        target=D(1100),
        frequency="monthly",
        consolidation="sum",
        trajectory=[D(90)] * 11 + [D(110)],
        validity="exact",
        controllability="moderate",
    )
    b.kpi(s1, "S1.2", target=D(85), frequency="quarterly", consolidation="last")
    content = workbook.export_map(StrategyMap.objects.select_related("unit", "plan_year").get(pk=scratch.pk))
    StrategyMap.objects.filter(pk=scratch.pk).delete()
    PlanYear.objects.filter(year=2027).delete()
    return content


def _realizations(extra: str = "") -> io.BytesIO:
    lines = ["kode_iku,periode,realisasi"]
    lines += [f"S1.1,2025-{m:02d},95" for m in range(1, 13)]
    lines += [f"S1.2,2025-Q{q},{v}" for q, v in zip(range(1, 5), (80, 84, 86, 88), strict=True)]
    lines += [f"{code}.1,2025,97" for code in ("S2", "C1", "C2", "P1", "P2", "L1", "L2")]
    return io.BytesIO(("\n".join(lines) + "\n" + extra).encode())


@pytest.fixture
def admin(org, make_user):
    return make_user(org.ministry, Role.ADMIN)


def _import(org, admin, **kwargs):
    defaults = {
        "year": 2025,
        "reason": REASON,
        "by": admin,
        "unit": org.kpp_a,
        "workbook_content": _workbook(org),
        "workbook_name": "peta-2025.xlsx",
        "realizations": _realizations(),
        "realizations_name": "realisasi-2025.csv",
        "dry_run": False,
        "today": TODAY,
    }
    defaults.update(kwargs)
    return import_history(**defaults)


def _closed_2025_map(org) -> StrategyMap:
    """A 2025 plan year whose periods are all closed, with an approved map of KPP-A (one yearly KPI)."""
    year = b.plan_year(2025, "kmk-467-2014")
    strategy_map = b.bare_map(org.kpp_a, 2025, MapState.APPROVED)
    b.kpi(b.objective(strategy_map, "stakeholder", "S1"), "S1.1")
    services.generate_periods(plan_year=year)
    ReportingPeriod.objects.filter(plan_year=year).update(state=PeriodState.CLOSED)
    return StrategyMap.objects.select_related("unit", "plan_year").get(pk=strategy_map.pk)


# --------------------------------------------------------------------------- rule 23 stays for everybody else


def test_a_closed_period_refuses_the_ordinary_import(org, admin, make_user):
    strategy_map = _closed_2025_map(org)
    manager = make_user(org.kpp_a, Role.MANAGER)
    result = services.import_realizations(
        source=io.BytesIO(b"kode_iku,periode,realisasi\nS1.1,2025,90\n"),
        name="r.csv",
        strategy_map=strategy_map,
        by=manager,
    )
    assert not result.written
    assert "sudah ditutup" in result.problems[0].message
    with pytest.raises(PermissionDenied):  # an administrator has no ordinary way in either
        services.import_realizations(
            source=io.BytesIO(b"kode_iku,periode,realisasi\nS1.1,2025,90\n"),
            name="r.csv",
            strategy_map=strategy_map,
            by=admin,
        )
    assert not Realization.objects.exists()


def test_the_historical_mode_is_for_administrators_only_and_needs_a_reason(org, admin, make_user):
    strategy_map = _closed_2025_map(org)
    source = b"kode_iku,periode,realisasi\nS1.1,2025,90\n"
    for user in (make_user(org.kpp_a, Role.MANAGER), make_user(org.kpp_a, Role.LEADER)):
        with pytest.raises(PermissionDenied):
            services.import_realizations(
                source=io.BytesIO(source),
                name="r.csv",
                strategy_map=strategy_map,
                by=user,
                historical=services.Historical(REASON),
            )
        with pytest.raises(PermissionDenied):
            _import(org, user)
    kpp_b_admin = make_user(org.kpp_b, Role.ADMIN)  # an administrator of another unit
    with pytest.raises(PermissionDenied):
        services.import_realizations(
            source=io.BytesIO(source),
            name="r.csv",
            strategy_map=strategy_map,
            by=kpp_b_admin,
            historical=services.Historical(REASON),
        )
    with pytest.raises(ValidationError) as error:
        services.import_realizations(
            source=io.BytesIO(source),
            name="r.csv",
            strategy_map=strategy_map,
            by=admin,
            historical=services.Historical("  "),
        )
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _import(org, admin, reason="")
    assert "reason" in error.value.message_dict
    assert not Realization.objects.exists()
    result = services.import_realizations(
        source=io.BytesIO(source),
        name="r.csv",
        strategy_map=strategy_map,
        by=admin,
        historical=services.Historical(REASON),
    )
    assert result.written and not result.problems
    realization = Realization.objects.get()
    assert realization.state == RealizationState.APPROVED and realization.period.is_closed


def test_the_historical_mode_refuses_an_open_period(org, admin):
    strategy_map = _closed_2025_map(org)
    year_period = ReportingPeriod.objects.get(plan_year=strategy_map.plan_year, frequency="yearly")
    ReportingPeriod.objects.filter(pk=year_period.pk).update(state=PeriodState.OPEN)
    result = services.import_realizations(
        source=io.BytesIO(b"kode_iku,periode,realisasi\nS1.1,2025,90\n"),
        name="r.csv",
        strategy_map=strategy_map,
        by=admin,
        historical=services.Historical(REASON),
    )
    assert "masih terbuka" in result.problems[0].message
    assert not Realization.objects.exists()
    with pytest.raises(ValidationError) as error:  # the whole year's import too
        _import(org, admin)
    assert "year" in error.value.message_dict


def test_only_a_past_year(org, admin):
    with pytest.raises(ValidationError) as error:
        _import(org, admin, year=2026)
    assert "year" in error.value.message_dict
    assert not PlanYear.objects.filter(year=2026).exists() and not HistoricalImport.objects.exists()


# --------------------------------------------------------------------------- the whole year in


def test_a_past_year_comes_in_recorded_closed_approved_and_scored(org, admin):
    result = _import(org, admin)
    assert result.ok and result.applied, (result.problems, result.workbook, result.realizations)
    year = PlanYear.objects.get(year=2025)
    assert year.rule_set == "kmk-467-2014"
    assert year.plan_period.start_year <= 2025 <= year.plan_period.end_year
    # the periods: all there, all closed, still closed
    periods = list(ReportingPeriod.objects.filter(plan_year=year))
    assert len(periods) == 19 and all(p.is_closed for p in periods)
    # the map: approved as it was, the approval recorded with the reason
    strategy_map = StrategyMap.objects.get(unit=org.kpp_a, plan_year=year)
    assert strategy_map.state == MapState.APPROVED
    approval = StateChange.objects.get(map=strategy_map, to_state=MapState.APPROVED)
    assert approval.by == admin and REASON in approval.reason
    # targets and realizations, with the reason in their history
    kpi = Kpi.objects.get(objective__map=strategy_map, code="S1.1")
    assert kpi.target == D(1100) and kpi.period_targets.count() == 12
    assert REASON[:40] in kpi.history.latest().history_change_reason
    for target in PeriodTarget.objects.filter(kpi=kpi):
        assert REASON[:40] in target.history.latest().history_change_reason
    realizations = Realization.objects.filter(kpi__objective__map=strategy_map)
    assert realizations.count() == 12 + 4 + 7
    assert set(realizations.values_list("state", flat=True)) == {RealizationState.APPROVED}
    for realization in realizations:
        row = realization.history.latest()
        assert "sudah disetujui pada masanya" in row.history_change_reason
        assert row.history_user_id == admin.pk and realization.approved_by_id == admin.pk
    events = WorkflowEvent.objects.filter(realization__in=realizations)
    assert events.count() == realizations.count()
    assert {(e.to_state, e.actor_id) for e in events} == {(RealizationState.APPROVED, admin.pk)}
    assert all(REASON in e.reason for e in events)
    # the scores of the closed periods: final snapshots, every period
    finals = ScoreSnapshot.objects.filter(strategy_map=strategy_map, final=True)
    assert {s.period_id for s in finals} == {p.pk for p in periods}
    yearly = finals.get(period__frequency="yearly")
    assert yearly.nko is not None and yearly.trigger == "history"
    # the record: who, when, why, which files, which periods, what
    record = HistoricalImport.objects.get()
    assert (record.by, record.reason, record.unit, record.plan_year) == (admin, REASON, org.kpp_a, year)
    assert record.workbook_name == "peta-2025.xlsx" and record.realizations_name == "realisasi-2025.csv"
    assert set(record.periods.values_list("pk", flat=True)) == {p.pk for p in periods}
    assert record.summary["realizations"]["created"] == 23
    assert record.summary["nko"]["KPP-A"] == str(yearly.nko)


def test_a_second_import_of_the_same_realizations_changes_nothing(org, admin):
    assert _import(org, admin).applied
    before = Realization.history.count()
    again = _import(org, admin, workbook_content=None)
    assert again.applied and again.realizations is not None
    assert (
        again.realizations.unchanged == 23 and again.realizations.created == again.realizations.updated == 0
    )
    assert Realization.history.count() == before
    # a different value for an approved past realization is refused, as for everybody
    changed = _import(
        org,
        admin,
        workbook_content=None,
        realizations=io.BytesIO(b"kode_iku,periode,realisasi\nS1.2,2025-Q4,99\n"),
    )
    assert not changed.applied and "tidak dapat ditimpa" in changed.realizations.problems[0].message
    assert (
        Realization.objects.get(kpi__code="S1.2", period__number=4, period__frequency="quarterly").value == 88
    )


def test_a_dry_run_writes_nothing(org, admin):
    result = _import(org, admin, dry_run=True)
    assert result.ok and not result.applied
    assert result.realizations.created == 23 and result.map_created and result.plan_year_created
    assert not PlanYear.objects.filter(year=2025).exists()
    assert not HistoricalImport.objects.exists() and not Realization.objects.exists()


def test_a_failed_import_writes_nothing(org, admin):
    result = _import(org, admin, realizations=_realizations("X9.9,2025,10\nS1.1,2025-13,1\n"))
    assert not result.applied and not result.ok
    assert {p.row for p in result.realizations.problems} >= {25}
    assert not PlanYear.objects.filter(year=2025).exists()
    assert not StrategyMap.objects.filter(unit=org.kpp_a).exists()
    assert not Realization.objects.exists() and not HistoricalImport.objects.exists()
    assert not ScoreSnapshot.objects.exists()
    # a workbook error: the same
    bad = _import(org, admin, workbook_content=b"not a workbook")
    assert not bad.applied and bad.workbook is not None and bad.workbook.issues
    assert not PlanYear.objects.filter(year=2025).exists()


def test_prepare_past_year_creates_a_closed_year_in_its_renstra(org, admin):
    b.plan_year(2026, "kmk-127-2026")  # Renstra 2025–2029 exists
    past = prepare_past_year(year=2023, by=admin, today=TODAY)
    assert past.created and past.closed == 19
    assert (past.plan_year.plan_period.start_year, past.plan_year.plan_period.end_year) == (2020, 2024)
    assert past.plan_year.rule_set == "kmk-467-2014"
    assert not ReportingPeriod.objects.filter(plan_year=past.plan_year, state=PeriodState.OPEN).exists()
    again = prepare_past_year(year=2023, by=admin, today=TODAY)
    assert not again.created and again.closed == 0


# --------------------------------------------------------------------------- K3 finds last year


def test_the_2026_k3_inputs_pick_up_the_imported_2025(org, admin, office):  # noqa: F811
    assert _import(org, admin).applied
    contract = contract_services.create_contract(
        employee=office.head, plan_year=office.map.plan_year, by=None
    )
    entries = {e.kpi.code: e for e in contract.kpis.select_related("kpi")}
    assert entries["S1.1"].target_prev == D(1100)
    assert entries["S1.1"].realization_prev == D(95) * 12  # monthly, summed
    assert entries["S1.2"].target_prev == D(85)
    assert entries["S1.2"].realization_prev == D(88)  # quarterly, the last
    rows = {r.entry.kpi.code: r for r in k3_rows(contract)}
    # S1.1 exact/moderate: Q_kpi 1.15; T 1200 > T1 1100 and T > R1 1140 → Q_target 1.20 → K3 1.175
    assert rows["S1.1"].q_target == D("1.20") and rows["S1.1"].k3 == D("1.175")
    # S1.2 (T 90 > T1 85 and T > R1 88) → 1.20
    assert rows["S1.2"].q_target == D("1.20")


# --------------------------------------------------------------------------- the page


def test_the_page_is_for_administrators(client, org, admin, make_user):
    url = reverse("reporting:history-import")
    client.force_login(make_user(org.kpp_a, Role.MANAGER))
    assert client.get(url).status_code == 403
    client.force_login(admin)
    with translation.override("id"):
        response = client.get(url)
    assert response.status_code == 200
    assert "Impor data tahun lalu" in response.content.decode()


def test_the_page_previews_then_applies(client, org, admin):
    url = reverse("reporting:history-import")
    client.force_login(admin)
    content = _workbook(org)
    with translation.override("id"):
        preview = client.post(
            url,
            {
                "year": 2025,
                "unit": org.kpp_a.pk,
                "reason": REASON,
                "workbook": SimpleUploadedFile("peta.xlsx", content),
                "realizations": SimpleUploadedFile("realisasi.csv", _realizations().getvalue()),
            },
        )
        body = preview.content.decode()
    assert preview.status_code == 200, body[:3000]
    assert "Pratinjau berhasil" in body and "23 baru" in body
    assert not PlanYear.objects.filter(year=2025).exists()
    applied = client.post(url, {"confirm": "1"})
    assert applied.status_code == 302
    record = HistoricalImport.objects.get()
    assert record.by == admin and record.reason == REASON and record.realizations_name == "realisasi.csv"
    assert not ReportingPeriod.objects.filter(plan_year__year=2025, state=PeriodState.OPEN).exists()
    with translation.override("id"):
        listed = client.get(url).content.decode()
    assert REASON in listed


def test_the_page_refuses_without_a_reason_and_shows_file_errors(client, org, admin):
    url = reverse("reporting:history-import")
    client.force_login(admin)
    with translation.override("id"):
        response = client.post(
            url,
            {
                "year": 2024,
                "unit": org.kpp_a.pk,
                "reason": "",
                "realizations": SimpleUploadedFile("r.csv", b"kode_iku,periode,realisasi\nS1.1,2024,90\n"),
            },
        )
    assert response.status_code == 400
    assert not PlanYear.objects.filter(year=2024).exists()
    with translation.override("id"):
        response = client.post(
            url,
            {
                "year": 2025,
                "unit": org.kpp_a.pk,
                "reason": REASON,
                "workbook": SimpleUploadedFile("peta.xlsx", _workbook(org)),
                "realizations": SimpleUploadedFile("r.csv", _realizations("X9.9,2025,10\n").getvalue()),
            },
        )
        body = response.content.decode()
    assert response.status_code == 400
    assert "X9.9" in body and "tidak ada yang disimpan" in body
    assert not PlanYear.objects.filter(year=2025).exists()
    assert client.post(url, {"confirm": "1"}).status_code == 302  # nothing kept to apply
    assert not HistoricalImport.objects.exists()


# --------------------------------------------------------------------------- the command


def test_the_command_imports_a_year_and_exits_2_on_errors(org, admin, tmp_path, capsys):
    from django.core.management import CommandError, call_command

    book = tmp_path / "peta-2025.xlsx"
    book.write_bytes(_workbook(org))
    good = tmp_path / "realisasi-2025.csv"
    good.write_bytes(_realizations().getvalue())
    bad = tmp_path / "salah.csv"
    bad.write_bytes(_realizations("X9.9,2025,10\n").getvalue())
    args = [
        "--year",
        "2025",
        "--unit",
        "KPP-A",
        "--workbook",
        str(book),
        "--reason",
        REASON,
        "--by",
        admin.username,
    ]
    with translation.override("id"), pytest.raises(CommandError) as error:
        call_command("import_history", *args, "--realizations", str(bad))
    assert error.value.returncode == 2
    assert "X9.9" in capsys.readouterr().err
    assert not PlanYear.objects.filter(year=2025).exists()
    with translation.override("id"):
        call_command("import_history", *args, "--realizations", str(good), "--format", "json")
    import json

    body = json.loads(capsys.readouterr().out)
    assert body["applied"] and body["realizations"]["created"] == 23 and body["problems"] == []
    record = HistoricalImport.objects.get(pk=body["record"])
    assert record.by == admin and record.workbook_name == "peta-2025.xlsx"


# --------------------------------------------------------------------------- year on year


def test_the_dashboard_lists_the_nko_of_past_years_final_and_entered(
    client, org, admin, django_assert_max_num_queries
):
    from kinerja.dashboards.selectors import nko_by_year
    from kinerja.meetings import endorsement

    assert _import(org, admin).applied
    current = b.bare_map(org.kpp_a, 2026, MapState.APPROVED)  # this year's map: the dashboard opens on 2026
    services.generate_periods(plan_year=current.plan_year)
    final_2025 = ScoreSnapshot.objects.get(
        strategy_map__unit=org.kpp_a, period__plan_year__year=2025, period__frequency="yearly", final=True
    )
    # 2024: known only as a figure, entered by an administrator as the endorsed NKO
    endorsement.enter(
        unit=org.kpp_a, year=2024, nko="101,25", reason="Dari LAKIN 2024", by=admin, rule_set="kmk-467-2014"
    )
    with django_assert_max_num_queries(3):
        years = nko_by_year(org.kpp_a.pk)
    assert [(y.year, y.source) for y in years] == [(2025, "final"), (2024, "entered")]
    assert years[0].nko == final_2025.nko and years[1].nko == D("101.25")
    client.force_login(admin)
    with translation.override("id"):
        page = client.get(reverse("dashboards:dashboard"), {"unit": org.kpp_a.pk, "tahun": 2026})
        body = page.content.decode()
    assert page.status_code == 200
    assert "NKO per tahun" in body and 'data-year="2024"' in body and 'data-year="2025"' in body
    assert "101,25" in body and "angka dimasukkan" in body


def test_the_periods_page_links_the_page_for_administrators_only(client, org, admin, make_user):
    url = reverse("reporting:history-import")
    client.force_login(admin)
    assert url in client.get(reverse("reporting:periods")).content.decode()
    client.force_login(make_user(org.ministry, Role.MANAGER))
    assert url not in client.get(reverse("reporting:periods")).content.decode()
