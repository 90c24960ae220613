"""Strategy pages: who sees what (404), who may act (403), the forms, the downloads, a fixed query count."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.urls import reverse

from kinerja.accounts.models import Role
from kinerja.planning.models import MapState, Objective, ObjectiveLink, StrategyMap
from tests.planning import builders as b

D = Decimal
pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_index_lists_the_maps_the_user_can_see(client, org, make_user):
    mine = b.sound_map(org.kpp_a)
    b.sound_map(org.kpp_b)
    response = login(client, make_user(org.kpp_a, Role.EMPLOYEE)).get(reverse("strategy:index"))
    assert response.status_code == 200
    assert response.context["years"] == [2026] and response.context["year"] == 2026
    assert list(response.context["page"].object_list) == [mine]


def test_another_units_user_cannot_see_a_draft_map(client, org, make_user):
    strategy_map = b.sound_map(org.kpp_a)
    objective = strategy_map.objectives.first()
    login(client, make_user(org.kpp_b, Role.MANAGER))
    for url in (
        reverse("strategy:map", args=[strategy_map.pk]),
        reverse("strategy:map-download", args=[strategy_map.pk, "svg"]),
        reverse("strategy:objective", args=[objective.pk]),
        reverse("strategy:map-edit", args=[strategy_map.pk]),
        reverse("kpis:kpi", args=[objective.kpis.get().pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_approved_maps_above_are_visible_below_but_drafts_are_not(client, org, make_user):
    ministry = b.sound_map(org.ministry, state=MapState.APPROVED)
    djp_draft = b.sound_map(org.djp)
    login(client, make_user(org.kpp_a, Role.EMPLOYEE))
    assert client.get(reverse("strategy:map", args=[ministry.pk])).status_code == 200
    assert client.get(reverse("strategy:map", args=[djp_draft.pk])).status_code == 404
    assert list(client.get(reverse("strategy:index")).context["page"].object_list) == [ministry]


def test_employee_cannot_edit(client, org, make_user):
    strategy_map = b.sound_map(org.kpp_a)
    objective = strategy_map.objectives.first()
    login(client, make_user(org.kpp_a, Role.EMPLOYEE))
    response = client.get(reverse("strategy:map", args=[strategy_map.pk]))
    assert response.status_code == 200 and not response.context["can_edit"]
    for url in (
        reverse("strategy:map-edit", args=[strategy_map.pk]),
        reverse("strategy:perspectives", args=[strategy_map.pk]),
        reverse("strategy:objective-add", args=[strategy_map.pk]),
        reverse("strategy:objective-edit", args=[objective.pk]),
        reverse("strategy:link-add", args=[strategy_map.pk]),
        reverse("kpis:kpi-add", args=[objective.pk]),
        reverse("kpis:kpi-edit", args=[objective.kpis.get().pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert (
        client.post(reverse("strategy:map-transition", args=[strategy_map.pk, "ajukan"])).status_code == 403
    )


def test_approved_map_is_read_only_even_for_its_manager(client, org, make_user):
    strategy_map = b.sound_map(org.kpp_a, state=MapState.APPROVED)
    login(client, make_user(org.kpp_a, Role.MANAGER))
    response = client.get(reverse("strategy:map", args=[strategy_map.pk]))
    assert not response.context["can_edit"] and response.context["can_revise"]
    assert client.get(reverse("strategy:objective-add", args=[strategy_map.pk])).status_code == 403
    link = strategy_map.links.first()
    assert client.post(reverse("strategy:link-delete", args=[link.pk])).status_code == 403
    assert ObjectiveLink.objects.filter(pk=link.pk).exists()


def test_map_page_shows_the_drawing_the_health_panel_and_the_history(client, org, make_user):
    manager = make_user(org.kpp_a, Role.MANAGER)
    strategy_map = b.sound_map(org.kpp_a)
    b.link(strategy_map.objectives.get(code="S1"), strategy_map.objectives.get(code="L1"))  # downward: warn
    response = login(client, manager).get(reverse("strategy:map", args=[strategy_map.pk]))
    html = response.content.decode()
    assert "<svg" in html and 'class="objective"' in html
    assert "S1 → L1" in html and reverse("strategy:map", args=[strategy_map.pk]) + "#hubungan" in html
    assert response.context["can_edit"] and response.context["can_submit"]


def test_workflow_through_the_pages(client, org, make_user):
    manager = make_user(org.kpp_a, Role.MANAGER)
    leader = make_user(org.kpp_a, Role.LEADER)
    strategy_map = b.sound_map(org.kpp_a)
    url = reverse("strategy:map", args=[strategy_map.pk])
    login(client, manager).post(reverse("strategy:map-transition", args=[strategy_map.pk, "ajukan"]))
    assert StrategyMap.objects.get(pk=strategy_map.pk).state == MapState.SUBMITTED
    login(client, leader)
    response = client.post(
        reverse("strategy:map-transition", args=[strategy_map.pk, "kembalikan"]), {"reason": ""}
    )
    assert response.status_code == 400
    assert StrategyMap.objects.get(pk=strategy_map.pk).state == MapState.SUBMITTED
    client.post(reverse("strategy:map-transition", args=[strategy_map.pk, "setujui"]))
    assert StrategyMap.objects.get(pk=strategy_map.pk).state == MapState.APPROVED
    response = client.post(
        reverse("strategy:map-transition", args=[strategy_map.pk, "revisi"]), {"reason": "Reorganisasi"}
    )
    assert response.status_code == 302
    changed = StrategyMap.objects.get(pk=strategy_map.pk)
    assert (changed.state, changed.revision) == (MapState.REVISED, 1)
    page = client.get(url).content.decode()
    assert "Reorganisasi" in page


def test_submit_with_block_findings_shows_them(client, org, make_user):
    strategy_map = b.sound_map(org.kpp_a)
    strategy_map.objectives.get(code="C1").kpis.all().delete()
    login(client, make_user(org.kpp_a, Role.MANAGER))
    response = client.post(reverse("strategy:map-transition", args=[strategy_map.pk, "ajukan"]), follow=True)
    assert "SS C1 belum memiliki IKU." in response.content.decode()
    assert StrategyMap.objects.get(pk=strategy_map.pk).state == MapState.DRAFT


def test_create_map_objective_link_and_weights_through_forms(client, org, make_user):
    b.plan_year()
    login(client, make_user(org.kpp_a, Role.MANAGER))
    response = client.post(
        reverse("strategy:map-create"), {"unit": org.kpp_a.pk, "plan_year": b.plan_year().pk}
    )
    strategy_map = StrategyMap.objects.get(unit=org.kpp_a)
    assert response.status_code == 302
    stakeholder = b.perspective(strategy_map, "stakeholder")
    customer = b.perspective(strategy_map, "customer")
    add = reverse("strategy:objective-add", args=[strategy_map.pk])
    client.post(
        add, {"perspective": stakeholder.pk, "code": "S1", "name_id": "Penerimaan negara yang optimal"}
    )
    client.post(add, {"perspective": customer.pk, "code": "C1", "name_id": "Kepuasan layanan yang tinggi"})
    duplicate = client.post(add, {"perspective": customer.pk, "code": "C1", "name_id": "Lagi"})
    assert duplicate.status_code == 200 and "sudah dipakai" in duplicate.content.decode()
    s1, c1 = Objective.objects.get(code="S1"), Objective.objects.get(code="C1")
    client.post(reverse("strategy:link-add", args=[strategy_map.pk]), {"cause": c1.pk, "effect": s1.pk})
    assert ObjectiveLink.objects.filter(cause=c1, effect=s1).exists()
    perspectives = list(strategy_map.perspectives.order_by("order"))
    data = {}
    for p, weight in zip(perspectives, ["40", "30", "20", "5"], strict=True):
        data |= {f"name_id_{p.pk}": p.name_id, f"name_en_{p.pk}": p.name_en, f"weight_{p.pk}": weight}
    bad = client.post(reverse("strategy:perspectives", args=[strategy_map.pk]), data)
    assert bad.status_code == 200 and "95%" in bad.content.decode()
    data[f"weight_{perspectives[-1].pk}"] = "10"
    assert client.post(reverse("strategy:perspectives", args=[strategy_map.pk]), data).status_code == 302
    assert strategy_map.perspectives.get(code="learning_growth").weight == D(10)


def test_copy_page(client, org, make_user):
    strategy_map = b.sound_map(org.kpp_a)
    next_year = b.plan_year(2027)
    login(client, make_user(org.kpp_a, Role.MANAGER))
    response = client.post(reverse("strategy:map-copy", args=[strategy_map.pk]), {"to_year": next_year.pk})
    copy = StrategyMap.objects.get(unit=org.kpp_a, plan_year=next_year)
    assert response.url == reverse("strategy:map", args=[copy.pk])


@pytest.mark.parametrize(
    ("fmt", "content_type", "magic"),
    [
        ("svg", "image/svg+xml", b"<svg"),
        ("png", "image/png", b"\x89PNG"),
        ("pdf", "application/pdf", b"%PDF"),
    ],
)
def test_downloads(client, org, make_user, fmt, content_type, magic):
    strategy_map = b.sound_map(org.kpp_a)
    login(client, make_user(org.kpp_a, Role.EMPLOYEE))
    response = client.get(reverse("strategy:map-download", args=[strategy_map.pk, fmt]))
    assert response.status_code == 200 and response["Content-Type"] == content_type
    assert response.content.startswith(magic)
    assert f"peta-strategi-kpp-a-2026.{fmt}" in response["Content-Disposition"]
    if fmt == "svg":
        ET.fromstring(response.content)


def _map_with(unit, count):
    """A map with `count` SS spread over the bands, each linked upward and measured by two KPIs."""
    strategy_map = b.bare_map(unit)
    codes = ["stakeholder", "customer", "internal_process", "learning_growth"]
    objectives = []
    for i in range(count):
        band = codes[i % 4]
        objectives.append(b.objective(strategy_map, band, f"{b.PREFIX[band]}{i // 4 + 1}"))
    for obj in objectives:
        b.kpi(obj, f"{obj.code}.1")
        b.kpi(obj, f"{obj.code}.2", frequency="quarterly", consolidation="average")
    for obj in objectives:
        order = codes.index(obj.perspective.code)
        if order:
            above = [o for o in objectives if codes.index(o.perspective.code) == order - 1]
            b.link(obj, above[len(obj.code) % len(above)])
    return strategy_map


def test_map_page_query_count_does_not_grow_with_the_map(client, org, make_user, django_assert_num_queries):
    small, large = _map_with(org.kpp_a, 10), _map_with(org.kpp_b, 30)
    user = make_user(org.kanwil, Role.MANAGER)
    login(client, user)
    client.get(reverse("strategy:map", args=[small.pk]))  # warm the session

    def count(strategy_map):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("strategy:map", args=[strategy_map.pk])).status_code == 200
        return len(ctx.captured_queries)

    small_count = count(small)
    with django_assert_num_queries(small_count):
        response = client.get(reverse("strategy:map", args=[large.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('class="objective"') == 30


def test_admin_sets_up_plan_years_with_a_known_rule_set(client, org, make_user):
    root = make_user(is_superuser=True, is_staff=True)
    period = b.plan_year().plan_period
    client.force_login(root)
    page = client.get(reverse("admin:planning_planyear_add")).content.decode()
    assert "kmk-127-2026" in page and "kmk-467-2014" in page
    response = client.post(
        reverse("admin:planning_planyear_add"),
        {"year": 2027, "plan_period": period.pk, "rule_set": "kmk-999"},
    )
    assert response.status_code == 200
    response = client.post(
        reverse("admin:planning_planyear_add"),
        {"year": 2027, "plan_period": period.pk, "rule_set": "kmk-127-2026"},
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:planning_planperiod_change", args=[period.pk])).status_code == 200
    client.force_login(make_user(org.ministry, Role.MANAGER, is_staff=True))
    assert client.get(reverse("admin:planning_planyear_changelist")).status_code == 403


def test_a_state_change_made_by_the_system_shows_as_such(client, org, make_user):
    """A change without a user (a bulk load, the generated ministry) is shown as "sistem", not a server error."""
    from kinerja.planning.models import StateChange

    strategy_map = b.sound_map(org.kpp_a)
    StateChange.objects.create(map=strategy_map, revision=1, from_state="", to_state=MapState.DRAFT, by=None)
    response = login(client, make_user(org.kpp_a, Role.MANAGER)).get(
        reverse("strategy:map", args=[strategy_map.pk])
    )
    assert response.status_code == 200
    assert "sistem" in response.content.decode()


def _kpps(org, n: int, start: int = 0):
    from tests.factories import make_unit

    return [
        make_unit(f"KPP-X{i:03d}", parent=org.kanwil, name_id=f"KPP Pratama X{i:03d}")
        for i in range(start, n)
    ]


def test_index_shows_one_year_a_page_at_a_time_and_costs_the_same_at_any_size(
    client, org, make_user, django_assert_max_num_queries
):
    admin = make_user(org.ministry, Role.ADMIN)
    login(client, admin)
    maps = [b.bare_map(unit) for unit in _kpps(org, 3)]
    b.bare_map(org.kpp_a, year=2025)
    with django_assert_max_num_queries(12) as small:
        first = client.get(reverse("strategy:index"))
    assert first.context["year"] == 2026 and first.context["years"] == [2026, 2025]
    assert list(first.context["page"].object_list) == maps
    maps += [b.bare_map(unit) for unit in _kpps(org, 60, start=3)]
    with django_assert_max_num_queries(12) as big:
        first = client.get(reverse("strategy:index"))
    assert len(small.captured_queries) == len(big.captured_queries)
    page = first.context["page"]
    assert page.paginator.count == 60 and list(page.object_list) == maps[:50]
    second = client.get(reverse("strategy:index"), {"tahun": 2026, "page": 2}).context["page"]
    assert list(second.object_list) == maps[50:]
    older = client.get(reverse("strategy:index"), {"tahun": 2025}).context["page"]
    assert [m.unit for m in older.object_list] == [org.kpp_a]
    found = client.get(reverse("strategy:index"), {"q": "x017"}).context["page"]
    assert [m.unit.code for m in found.object_list] == ["KPP-X017"]
    assert (
        client.get(reverse("strategy:index"), {"tahun": "1999"}).context["year"] == 2026
    )  # not a year of hers
    html = client.get(reverse("strategy:index"), {"q": "zzz"}).content.decode()
    assert "Tidak ada peta yang cocok dengan pencarian." in html


def test_a_reader_who_may_not_edit_gets_view_links_to_pages_that_open(client, org, make_user):
    """A finding's fix link is a form (adding a link, a KPI, editing an objective); whoever may not change the
    map (here: an approved map, its own manager) is sent to the page showing the same thing, never to a 403."""
    strategy_map = b.sound_map(org.kpp_a, state=MapState.APPROVED)
    lonely = b.objective(
        strategy_map, "learning_growth", "L9", "Tanpa hubungan dan tanpa IKU"
    )  # rule 4 and rule 6 findings
    login(client, make_user(org.kpp_a, Role.MANAGER))
    response = client.get(reverse("strategy:map", args=[strategy_map.pk]))
    assert not response.context["can_edit"]
    forms = {f.fix_url for f in response.context["findings"] if f.fix_url}
    assert reverse("strategy:link-add", args=[strategy_map.pk]) in forms
    assert reverse("kpis:kpi-add", args=[lonely.pk]) in forms
    html = response.content.decode()
    for url in forms:
        assert f'href="{url}"' not in html, url
    seen = {f.see_url for f in response.context["findings"] if f.fix_url}
    assert reverse("strategy:map", args=[strategy_map.pk]) + "#hubungan" in seen
    assert reverse("strategy:objective", args=[lonely.pk]) in seen
    for url in seen:
        assert f'href="{url}"' in html
        assert client.get(url.partition("#")[0]).status_code == 200, url


def test_a_findings_view_link_for_each_form(org):
    from kinerja.planning.validation import WARN, Finding

    strategy_map = b.sound_map(org.kpp_a)
    objective = strategy_map.objectives.first()
    kpi = objective.kpis.get()
    cases = {
        reverse("strategy:map-edit", args=[strategy_map.pk]): reverse("strategy:map", args=[strategy_map.pk]),
        reverse("strategy:perspectives", args=[strategy_map.pk]): reverse(
            "strategy:map", args=[strategy_map.pk]
        ),
        reverse("strategy:objective-add", args=[strategy_map.pk]): reverse(
            "strategy:map", args=[strategy_map.pk]
        )
        + "#ss",
        reverse("strategy:objective-edit", args=[objective.pk]): reverse(
            "strategy:objective", args=[objective.pk]
        ),
        reverse("kpis:kpi-add", args=[objective.pk]): reverse("strategy:objective", args=[objective.pk]),
        reverse("kpis:kpi-edit", args=[kpi.pk]): reverse("kpis:kpi", args=[kpi.pk]),
        # a page that is not a form is its own view link
        reverse("strategy:map", args=[strategy_map.pk]) + "#hubungan": reverse(
            "strategy:map", args=[strategy_map.pk]
        )
        + "#hubungan",
    }
    for fix, seen in cases.items():
        assert Finding(4, WARN, "x", None, fix).see_url == seen, fix
    assert Finding(4, WARN, "x").see_url is None
