"""Year-on-year comparison of a unit's maps: `selectors.compare_maps` and the `strategy:map-compare` page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kinerja.accounts.models import Role
from kinerja.planning import selectors, services
from kinerja.planning.kpi_services import delete_kpi, save_kpi
from kinerja.planning.models import (
    Kpi,
    MapState,
    Objective,
    ObjectiveLink,
    PeriodTarget,
    Perspective,
    StrategyMap,
)
from tests.planning import builders as b

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(org, make_user):
    return make_user(org.kpp_a, Role.MANAGER)


def copied(source: StrategyMap, by, year: int = 2027) -> StrategyMap:
    return services.copy_year(from_map=source, to_year=b.plan_year(year), by=by)


def compare(old: StrategyMap, new: StrategyMap) -> selectors.MapComparison:
    return selectors.compare_maps(
        selectors.load_map_data(selectors.map_for_page(old.pk)),
        selectors.load_map_data(selectors.map_for_page(new.pk)),
    )


def keys(kpis: list[Kpi]) -> list[tuple[str, str]]:
    return [(k.objective.code, k.code) for k in kpis]


def test_a_copy_then_edited_lists_exactly_the_edits(org, manager):
    source = b.sound_map(org.kpp_a, 2026, state=MapState.APPROVED)
    copy = copied(source, manager)
    p1_1 = Kpi.objects.get(objective__map=copy, code="P1.1")
    save_kpi(
        objective=p1_1.objective,
        code="P1.1",
        fields={"target": D(120)},
        trajectory=None,
        by=manager,
        kpi=p1_1,
    )
    services.save_objective(
        strategy_map=copy,
        perspective=b.perspective(copy, "customer"),
        code="C3",
        name_id="Layanan digital yang andal",
        by=manager,
    )
    delete_kpi(kpi=Kpi.objects.get(objective__map=copy, code="L2.1"), by=manager)
    s1 = copy.objectives.get(code="S1")
    services.save_objective(
        strategy_map=copy,
        objective=s1,
        perspective=s1.perspective,
        code="S1",
        name_id="Penerimaan negara yang berkelanjutan",
        by=manager,
    )

    result = compare(source, copy)

    assert result.has_changes
    assert [o.code for o in result.objectives_added] == ["C3"]
    assert result.objectives_removed == []
    assert [
        (c.new.code, c.old.name_id, c.new.name_id, c.renamed, c.moved) for c in result.objectives_changed
    ] == [("S1", "Sasaran S1 yang optimal", "Penerimaan negara yang berkelanjutan", True, False)]
    assert result.kpis_added == []
    assert keys(result.kpis_removed) == [("L2", "L2.1")]
    assert [keys([c.new]) for c in result.kpis_changed] == [[("P1", "P1.1")]]
    changes = {f.field: (f.old, f.new) for f in result.kpis_changed[0].changes}
    assert changes == {"target": ("100", "120"), "trajectory": ("Tahunan: 100", "Tahunan: 120")}
    assert result.weights_changed == result.links_added == result.links_removed == []


def test_an_untouched_copy_has_no_changes(org, manager, client):
    source = b.sound_map(org.kpp_a, 2026)
    copy = copied(source, manager)
    assert not compare(source, copy).has_changes
    client.force_login(manager)
    response = client.get(reverse("strategy:map-compare", args=[copy.pk]))
    assert response.status_code == 200
    assert "Tidak ada perubahan" in response.content.decode()


def test_moves_weights_links_and_the_manual_fields(org, manager):
    source = b.sound_map(org.kpp_a, 2026)
    Perspective.objects.filter(map=source).update(weight=25)
    b.kpi(source.objectives.get(code="C2"), "C2.2", frequency="quarterly", consolidation="average")
    copy = copied(source, manager)

    Objective.objects.filter(map=copy, code="C1").update(perspective=b.perspective(copy, "internal_process"))
    Objective.objects.filter(map=copy, code="P2").delete()  # its KPI and its link go with it
    Perspective.objects.filter(map=copy, code="stakeholder").update(weight=40)
    Perspective.objects.filter(map=copy, code="learning_growth").update(weight=10)
    b.link(copy.objectives.get(code="L1"), copy.objectives.get(code="C2"))
    Kpi.objects.filter(objective__map=copy, code="S1.1").update(
        polarity="stabilize",
        target=None,
        target_low=D("90.5"),
        target_high=D(110),
        formula="realisasi / target",
        unit_of_measure="persen",
        weight=D(50),
    )
    Kpi.objects.filter(objective__map=copy, code="S2.1").update(validity="exact", controllability="high")
    quarterly = Kpi.objects.get(objective__map=copy, code="C2.2")
    PeriodTarget.objects.filter(kpi=quarterly, period=2).update(target=D(80))
    Kpi.objects.filter(pk=quarterly.pk).update(consolidation="sum")
    yearly = Kpi.objects.get(objective__map=copy, code="L1.1")
    Kpi.objects.filter(pk=yearly.pk).update(frequency="semester")
    PeriodTarget.objects.create(kpi=yearly, period=2, target=D(100))
    b.kpi(copy.objectives.get(code="L1"), "L1.2")

    result = compare(source, copy)

    assert [(c.new.code, c.renamed, c.moved) for c in result.objectives_changed] == [("C1", False, True)]
    assert result.objectives_changed[0].old.perspective.code == "customer"
    assert result.objectives_changed[0].new.perspective.code == "internal_process"
    assert [o.code for o in result.objectives_removed] == ["P2"]
    assert result.objectives_added == []
    assert keys(result.kpis_removed) == [("P2", "P2.1")]
    assert keys(result.kpis_added) == [("L1", "L1.2")]
    assert [(w.new.code, w.old.weight, w.new.weight) for w in result.weights_changed] == [
        ("stakeholder", D(25), D(40)),
        ("learning_growth", D(25), D(10)),
    ]
    assert [(link.cause.code, link.effect.code) for link in result.links_added] == [("L1", "C2")]
    removed = {(link.cause.code, link.effect.code) for link in result.links_removed}
    assert removed == set(
        ObjectiveLink.objects.filter(map=source)
        .filter(cause__code="P2")
        .values_list("cause__code", "effect__code")
    ) | set(
        ObjectiveLink.objects.filter(map=source, effect__code="P2").values_list("cause__code", "effect__code")
    )

    changed = {c.new.code: {f.field: (f.old, f.new) for f in c.changes} for c in result.kpis_changed}
    assert list(changed) == ["S1.1", "S2.1", "C2.2", "L1.1"]  # perspective order, then codes
    assert changed["S1.1"] == {
        "target": ("100", "—"),
        "band": ("—", "90,5 – 110"),
        "polarity": ("Maksimal (makin tinggi makin baik)", "Stabil (dalam rentang)"),
        "formula": ("realisasi / target × 100%", "realisasi / target"),
        "unit_of_measure": ("%", "persen"),
        "weight": ("—", "50"),
    }
    assert changed["S2.1"] == {"validity": ("Proxy", "Exact"), "controllability": ("Sedang", "Tinggi")}
    assert changed["C2.2"] == {
        "consolidation": ("Rata-rata (average)", "Jumlah (sum)"),
        "trajectory": ("TW2: 100", "TW2: 80"),
    }
    assert changed["L1.1"] == {
        "frequency": ("Tahunan", "Semesteran"),
        "trajectory": ("Tahunan: 100", "S1: 100; S2: 100"),
    }
    labels = {f.field: f.label for c in result.kpis_changed for f in c.changes}
    assert labels["target"] == "Target tahunan" and labels["band"] == "Rentang target"


def test_compare_maps_runs_no_queries(org, manager, django_assert_num_queries):
    source = b.sound_map(org.kpp_a, 2026)
    copy = copied(source, manager)
    old = selectors.load_map_data(selectors.map_for_page(source.pk))
    new = selectors.load_map_data(selectors.map_for_page(copy.pk))
    with django_assert_num_queries(0):
        assert not selectors.compare_maps(old, new).has_changes


# --------------------------------------------------------------------------- the page and who sees it


def test_the_map_page_links_to_the_comparison_and_the_page_lists_the_changes(org, manager, client):
    source = b.sound_map(org.kpp_a, 2026, state=MapState.APPROVED)
    copy = copied(source, manager)
    services.save_objective(
        strategy_map=copy,
        perspective=b.perspective(copy, "customer"),
        code="C3",
        name_id="Layanan baru",
        by=manager,
    )
    client.force_login(manager)
    url = reverse("strategy:map-compare", args=[copy.pk])
    page = client.get(reverse("strategy:map", args=[copy.pk]))
    assert page.context["previous_map"] == source
    assert url in page.content.decode() and "Perubahan dibanding tahun 2026" in page.content.decode()
    html = client.get(url).content.decode()
    assert "Perubahan dibanding tahun 2026" in html and "Layanan baru" in html and "Ditambahkan" in html
    assert "Tidak ada perubahan" not in html
    # the first year has nothing to compare with
    page = client.get(reverse("strategy:map", args=[source.pk]))
    assert page.context["previous_map"] is None
    assert reverse("strategy:map-compare", args=[source.pk]) not in page.content.decode()
    assert client.get(reverse("strategy:map-compare", args=[source.pk])).status_code == 404


def test_an_employee_of_the_unit_may_read_the_comparison(org, manager, make_user, client):
    copy = copied(b.sound_map(org.kpp_a, 2026), manager)
    client.force_login(make_user(org.kpp_a, Role.EMPLOYEE))
    assert client.get(reverse("strategy:map-compare", args=[copy.pk])).status_code == 200


def test_another_unit_cannot_see_the_comparison(org, manager, make_user, client):
    copy = copied(b.sound_map(org.kpp_a, 2026), manager)
    client.force_login(make_user(org.kpp_b, Role.MANAGER))
    assert client.get(reverse("strategy:map-compare", args=[copy.pk])).status_code == 404


def test_no_link_and_404_when_the_previous_map_is_not_visible(org, make_user, client):
    """An office reads the ministry's approved 2027 map, but the ministry's 2026 map is still a draft."""
    b.sound_map(org.ministry, 2026, state=MapState.DRAFT)
    current = b.sound_map(org.ministry, 2027, state=MapState.APPROVED)
    client.force_login(make_user(org.kpp_a, Role.EMPLOYEE))
    page = client.get(reverse("strategy:map", args=[current.pk]))
    assert page.status_code == 200 and page.context["previous_map"] is None
    url = reverse("strategy:map-compare", args=[current.pk])
    assert url not in page.content.decode()
    assert client.get(url).status_code == 404


def _map_with(unit, count: int, year: int = 2026) -> StrategyMap:
    """A map with `count` SS spread over the bands, each linked upward and measured by two KPIs."""
    strategy_map = b.bare_map(unit, year)
    bands = ["stakeholder", "customer", "internal_process", "learning_growth"]
    objectives = [
        b.objective(strategy_map, bands[i % 4], f"{b.PREFIX[bands[i % 4]]}{i // 4 + 1}") for i in range(count)
    ]
    for obj in objectives:
        b.kpi(obj, f"{obj.code}.1")
        b.kpi(obj, f"{obj.code}.2", frequency="quarterly", consolidation="average")
    for obj in objectives:
        order = bands.index(obj.perspective.code)
        if order:
            above = [o for o in objectives if bands.index(o.perspective.code) == order - 1]
            b.link(obj, above[len(obj.code) % len(above)])
    return strategy_map


def _changed_everywhere(source: StrategyMap, by) -> StrategyMap:
    """A copy of `source` where every SS is renamed and moved, every KPI retargeted, every link dropped."""
    copy = copied(source, by)
    Objective.objects.filter(map=copy).update(name_id="Sasaran baru")
    Objective.objects.filter(map=copy, perspective__code="customer").update(
        perspective=b.perspective(copy, "internal_process")
    )
    Kpi.objects.filter(objective__map=copy).update(target=D(120), target_low=D(1), target_high=D(2))
    PeriodTarget.objects.filter(kpi__objective__map=copy).update(target=D(7))
    ObjectiveLink.objects.filter(map=copy).delete()
    Kpi.objects.filter(objective__map=copy, code__endswith=".2").delete()
    Perspective.objects.filter(map=copy).update(weight=25)
    for obj in Objective.objects.filter(map=copy, perspective__code="stakeholder"):
        b.kpi(obj, f"{obj.code}.9")
    return copy


def test_the_comparison_page_query_count_does_not_grow_with_the_map(
    org, make_user, client, django_assert_num_queries
):
    user = make_user(org.kanwil, Role.MANAGER)
    small = _changed_everywhere(_map_with(org.kpp_a, 5), user)
    large = _changed_everywhere(_map_with(org.kpp_b, 20), user)
    client.force_login(user)
    client.get(reverse("strategy:map-compare", args=[small.pk]))  # warm the session

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("strategy:map-compare", args=[small.pk]))
    assert response.status_code == 200
    with django_assert_num_queries(len(ctx.captured_queries)):
        response = client.get(reverse("strategy:map-compare", args=[large.pk]))
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert len(comparison.objectives_changed) == 20 and len(comparison.kpis_changed) == 20
    assert len(comparison.kpis_removed) == 20 and len(comparison.links_removed) == 15
