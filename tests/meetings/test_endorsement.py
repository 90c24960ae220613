"""NKO endorsement (issue 14 item 6; domain.md §4 "An endorsed NKO is frozen", rule 26).

The reporting world: KEMENKEU → DJP → KANWIL → KPP-A (map 2026, a quarterly and a monthly KPI) and KPP-B;
users of each role on KPP-A. KPP-A's NKO is endorsed one level up: by the KANWIL's leader.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from kinerja.accounts.models import Role
from kinerja.accounts.rules import endorsing_unit
from kinerja.meetings import endorsement as service
from kinerja.meetings.models import EndorsementSource, EndorsementState, NkoEndorsement
from kinerja.reporting import services as reporting
from kinerja.reporting.models import ReportingPeriod, ScoreSnapshot
from tests.dashboards.conftest import realize
from tests.reporting.conftest import World

D = Decimal
pytestmark = pytest.mark.django_db


def _full_year(at: World) -> None:
    """Every due KPI reported and approved for the whole year."""
    for q in range(1, 5):
        realize(at, at.quarterly, f"2026-Q{q}", 100)
    for m in range(1, 13):
        realize(at, at.monthly, f"2026-{m:02d}", 10)


def _close_all(at: World) -> None:
    for period in ReportingPeriod.objects.filter(plan_year=at.year).order_by("end", "start"):
        reporting.close_period(period=period, by=None)


def _year_end_snapshot(at: World) -> ScoreSnapshot:
    return reporting.compute_scorecard(strategy_map=at.map, period=at.period("2026"), trigger="test")


@pytest.fixture
def kanwil_leader(org, make_user):
    return make_user(org.kanwil, Role.LEADER)


@pytest.fixture
def admin(org, make_user):
    return make_user(org.ministry, Role.ADMIN)


def test_the_endorsing_unit_is_the_level_above(org) -> None:
    assert endorsing_unit(org.kpp_a) == org.kanwil
    assert endorsing_unit(org.kanwil) == org.djp
    assert endorsing_unit(org.djp) == org.ministry
    assert endorsing_unit(org.ministry) is None


def test_only_the_leader_of_the_level_above_or_an_admin_may_endorse(
    world, org, make_user, kanwil_leader, admin
):
    _full_year(world)
    _close_all(world)
    djp_leader = make_user(org.djp, Role.LEADER)  # reaches KPP-A, but is two levels up
    kanwil_manager = make_user(org.kanwil, Role.MANAGER)
    for refused in (world.leader, world.manager, world.auditor, djp_leader, kanwil_manager, world.outsider):
        assert not refused.has_perm("meetings.endorse_nkoendorsement", org.kpp_a)
        with pytest.raises(PermissionDenied):
            service.endorse(unit=org.kpp_a, year=2026, by=refused)
    assert not NkoEndorsement.objects.exists()
    assert djp_leader.has_perm("meetings.endorse_nkoendorsement", org.kanwil)
    assert admin.has_perm("meetings.endorse_nkoendorsement", org.kpp_a)
    done = service.endorse(unit=org.kpp_a, year=2026, by=kanwil_leader)
    assert done.state == EndorsementState.ENDORSED
    assert done.endorsed_by == kanwil_leader
    assert done.incomplete == [] and not done.acknowledged


def test_the_endorsed_figure_is_frozen_when_the_score_is_recomputed(world, org, kanwil_leader):
    _full_year(world)
    _close_all(world)
    done = service.endorse(unit=org.kpp_a, year=2026, by=kanwil_leader)
    endorsed_nko, snapshot_id = done.nko, done.snapshot_id
    assert endorsed_nko is not None

    year_end = world.period("2026")
    reporting.reopen_period(period=year_end, reason="koreksi realisasi", by=None)
    q4 = world.period("2026-Q4")
    reporting.reopen_period(period=q4, reason="koreksi realisasi", by=None)
    realization = world.quarterly.realizations.get(period=q4)
    realization.value = D(40)
    realization.save()
    newer = _year_end_snapshot(world)
    assert newer.nko != endorsed_nko  # the score moved

    done.refresh_from_db()
    assert (done.nko, done.snapshot_id, done.state) == (endorsed_nko, snapshot_id, EndorsementState.ENDORSED)
    assert service.endorsed_by_unit([org.kpp_a.pk], 2026)[org.kpp_a.pk].nko == endorsed_nko


def test_incomplete_data_warns_and_needs_an_acknowledgement(world, org, kanwil_leader):
    realize(world, world.quarterly, "2026-Q4", 100)  # the monthly KPI is missing; periods are open
    _year_end_snapshot(world)
    case = service.case_for(org.kpp_a, 2026)
    assert "snapshot_incomplete" in case.warnings and "periods_open" in case.warnings
    with pytest.raises(ValidationError) as refused:
        service.endorse(unit=org.kpp_a, year=2026, by=kanwil_leader)
    assert "acknowledge" in refused.value.message_dict
    assert not NkoEndorsement.objects.filter(state=EndorsementState.ENDORSED).exists()

    done = service.endorse(unit=org.kpp_a, year=2026, by=kanwil_leader, acknowledge=True)
    assert done.acknowledged
    assert {"snapshot_incomplete", "periods_open", "not_final"} <= set(done.incomplete)
    assert done.complete is False


def test_nothing_to_endorse_is_refused(world, org, kanwil_leader):
    with pytest.raises(ValidationError) as refused:
        service.endorse(unit=org.kpp_a, year=2026, by=kanwil_leader, acknowledge=True)
    assert "belum dihitung" in str(refused.value) or refused.value.message_dict["__all__"]


def test_reopen_needs_a_reason_and_a_new_endorsement_supersedes(
    world, org, kanwil_leader, world_manager=None
):
    _full_year(world)
    _close_all(world)
    first = service.endorse(unit=org.kpp_a, year=2026, by=kanwil_leader)
    with pytest.raises(ValidationError) as refused:
        service.reopen(endorsement=first, by=kanwil_leader, reason="   ")
    assert "reason" in refused.value.message_dict
    first.refresh_from_db()
    assert first.state == EndorsementState.ENDORSED
    with pytest.raises(PermissionDenied):
        service.reopen(endorsement=first, by=world.leader, reason="salah hitung")

    reopened = service.reopen(endorsement=first, by=kanwil_leader, reason="Realisasi IKU S1.1 dikoreksi")
    assert reopened.state == EndorsementState.REOPENED and reopened.reopen_reason
    assert service.endorsed_by_unit([org.kpp_a.pk], 2026) == {}
    with pytest.raises(ValidationError):  # closed means closed: a reopened one is not reopened again
        service.reopen(endorsement=reopened, by=kanwil_leader, reason="lagi")

    prepared = service.prepare(unit=org.kpp_a, year=2026, by=world.manager, note="siap disahkan ulang")
    assert prepared.state == EndorsementState.PREPARED and prepared.supersedes_id == first.pk
    second = service.endorse(unit=org.kpp_a, year=2026, by=kanwil_leader)
    assert second.pk == prepared.pk and second.supersedes_id == first.pk
    history = service.case_for(org.kpp_a, 2026).history
    assert [e.state for e in history] == [EndorsementState.ENDORSED, EndorsementState.REOPENED]
    # every change is in the history rows
    states = list(first.history.order_by("history_date").values_list("state", flat=True))
    assert states == ["endorsed", "reopened"]


def test_endorsing_twice_is_refused(world, org, kanwil_leader):
    _full_year(world)
    _close_all(world)
    service.endorse(unit=org.kpp_a, year=2026, by=kanwil_leader)
    with pytest.raises(ValidationError):
        service.endorse(unit=org.kpp_a, year=2026, by=kanwil_leader)
    assert NkoEndorsement.objects.count() == 1


def test_an_administrator_enters_a_past_figure_with_a_reason(world, org, admin):
    with pytest.raises(PermissionDenied):
        service.enter(
            unit=org.djp, year=2025, nko="101.5", reason="arsip", rule_set="kmk-467-2014", by=world.manager
        )
    with pytest.raises(ValidationError) as refused:
        service.enter(unit=org.djp, year=2025, nko="abc", reason="", rule_set="", by=admin)
    assert {"nko", "reason", "rule_set"} <= set(refused.value.message_dict)
    with pytest.raises(ValidationError) as refused:
        service.enter(unit=org.djp, year=2025, nko="-3", reason="arsip", rule_set="kmk-467-2014", by=admin)
    assert "nko" in refused.value.message_dict
    assert not NkoEndorsement.objects.exists()

    entered = service.enter(
        unit=org.djp,
        year=2025,
        nko="101,25",
        reason="LAKIN 2025: NKO disahkan Menteri, dokumen di luar Kinerja",
        rule_set="kmk-467-2014",
        endorser_name="Menteri Keuangan",
        by=admin,
    )
    assert entered.source == EndorsementSource.ENTERED and entered.state == EndorsementState.ENDORSED
    assert entered.nko == D("101.25") and entered.predicate  # from the rule set's NKO bands
    assert entered.snapshot is None
    assert service.endorsed_by_unit([org.djp.pk], 2025)[org.djp.pk] == entered


def test_entering_is_refused_where_a_computed_figure_exists(world, org, admin):
    _full_year(world)
    _year_end_snapshot(world)
    with pytest.raises(ValidationError):
        service.enter(unit=org.kpp_a, year=2026, nko="99", reason="x", rule_set="kmk-467-2014", by=admin)


# --------------------------------------------------------------------------- pages


def test_endorse_page_shows_the_rule_26_warning_and_requires_the_checkbox(client, world, org, kanwil_leader):
    realize(world, world.quarterly, "2026-Q4", 100)
    _year_end_snapshot(world)
    client.force_login(kanwil_leader)
    url = reverse("meetings:endorsement", args=[org.kpp_a.pk, 2026])
    with translation.override("id"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="id")
        assert page.status_code == 200
        assert 'id="rule-26"' in page.content.decode()
        refused = client.post(reverse("meetings:endorsement-endorse", args=[org.kpp_a.pk, 2026]), {})
        assert refused.status_code == 400
        assert "aturan 26" in refused.content.decode()
    assert not NkoEndorsement.objects.exists()
    done = client.post(
        reverse("meetings:endorsement-endorse", args=[org.kpp_a.pk, 2026]), {"acknowledge": "on"}
    )
    assert done.status_code == 302
    assert NkoEndorsement.objects.get().acknowledged


def test_pages_outside_the_reach_are_404_and_writes_403(client, world, org):
    client.force_login(world.outsider)  # a manager of KPP-B
    assert client.get(reverse("meetings:endorsement", args=[org.kpp_a.pk, 2026])).status_code == 404
    client.force_login(world.leader)  # the unit's own leader: reads, may not endorse
    assert client.get(reverse("meetings:endorsement", args=[org.kpp_a.pk, 2026])).status_code == 200
    answer = client.post(reverse("meetings:endorsement-endorse", args=[org.kpp_a.pk, 2026]), {})
    assert answer.status_code == 403


def test_dashboard_and_ranking_show_the_endorsed_figure(client, world, org, kanwil_leader):
    _full_year(world)
    _close_all(world)
    done = service.endorse(unit=org.kpp_a, year=2026, by=kanwil_leader)
    NkoEndorsement.objects.filter(pk=done.pk).update(nko=D("77.5"))  # tell the two figures apart
    client.force_login(world.manager)
    year_end = world.period("2026")
    with translation.override("id"):
        board = client.get(
            reverse("dashboards:dashboard"), {"unit": org.kpp_a.pk, "tahun": 2026, "periode": year_end.pk}
        )
        body = board.content.decode()
        assert 'id="endorsed-badge"' in body and "77,50" in body
        other = client.get(
            reverse("dashboards:dashboard"),
            {"unit": org.kpp_a.pk, "tahun": 2026, "periode": world.period("2026-Q4").pk},
        )
        assert 'id="endorsed-badge"' not in other.content.decode()
        snapshot = ScoreSnapshot.objects.filter(strategy_map=world.map, period=year_end).latest("computed_at")
        card = client.get(reverse("reporting:snapshot", args=[snapshot.pk]))
        assert 'id="endorsed-badge"' in card.content.decode() and "77,50" in card.content.decode()


def test_ranking_ranks_by_the_endorsed_figure(world, org, kanwil_leader, make_user):
    from kinerja.dashboards.selectors import nko_ranking

    _full_year(world)
    realize(world, world.other_kpi, "2026-Q4", 50)
    _close_all(world)
    done = service.endorse(unit=org.kpp_a, year=2026, by=kanwil_leader)
    NkoEndorsement.objects.filter(pk=done.pk).update(nko=D("1"))
    viewer = make_user(org.kanwil, Role.MANAGER)
    report = nko_ranking(viewer, year=2026, period=world.period("2026").pk, level=org.kpp_a.level)
    ranked = {row.unit.code: row for row in report.rows}
    assert ranked["KPP-A"].nko == D("1") and ranked["KPP-A"].endorsement is not None
    assert ranked["KPP-A"].rank > ranked["KPP-B"].rank


def test_list_page_counts_statuses_in_few_queries(
    client, world, org, kanwil_leader, django_assert_max_num_queries
):
    _full_year(world)
    _close_all(world)
    service.endorse(unit=org.kpp_a, year=2026, by=kanwil_leader)
    client.force_login(kanwil_leader)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("meetings:endorsements"), {"tahun": 2026})
    assert page.status_code == 200
    listing = page.context["listing"]
    statuses = {r.unit.code: r.status for r in listing.rows}
    assert statuses == {"KPP-A": "endorsed", "KPP-B": "pending"}


def test_list_page_is_searched_by_unit_and_paged(client, world, org, kanwil_leader, monkeypatch):
    from kinerja.meetings.views import endorsement as views

    _full_year(world)
    client.force_login(kanwil_leader)
    found = client.get(reverse("meetings:endorsements"), {"tahun": 2026, "q": "kpp-b"})
    assert [r.unit for r in found.context["rows"]] == [org.kpp_b]
    assert (
        found.context["listing"].counts
        == client.get(reverse("meetings:endorsements"), {"tahun": 2026}).context["listing"].counts
    )  # the counts are the year's, whatever is searched
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    first = client.get(reverse("meetings:endorsements"), {"tahun": 2026})
    second = client.get(reverse("meetings:endorsements"), {"tahun": 2026, "page": 2})
    assert [r.unit for r in first.context["rows"]] + [r.unit for r in second.context["rows"]] == [
        org.kpp_a,
        org.kpp_b,
    ]
