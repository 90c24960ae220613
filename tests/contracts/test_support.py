"""SS supports (rule 5): the parent SS sits on an ancestor's map of the same year; an indirect support never
points to a lower perspective; no duplicates, no self-support; only the unit's manager adds them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kinerja.contracts import support
from kinerja.contracts.models import ObjectiveSupport, SupportKind
from kinerja.planning.models import MapState
from tests.factories import make_unit
from tests.planning import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def maps(office):
    lower_unit = make_unit("KP2KP-A", parent=office.org.kpp_a, owns_map=True)
    lower = b.bare_map(lower_unit, 2026, MapState.APPROVED)
    upper_c1 = b.objective(office.map, "customer", "C1")
    upper_l1 = b.objective(office.map, "learning_growth", "L1")
    child_c = b.objective(lower, "customer", "C1")
    return {
        "lower": lower,
        "upper_s1": office.map.objectives.get(code="S1"),
        "upper_c1": upper_c1,
        "upper_l1": upper_l1,
        "child_c": child_c,
    }


def test_indirect_support_of_a_same_or_higher_perspective_is_saved(office, maps):
    made = support.add_support(maps["child_c"], maps["upper_s1"], SupportKind.INDIRECT, office.manager)
    assert made.pk and made.parent == maps["upper_s1"]
    support.add_support(maps["child_c"], maps["upper_c1"], SupportKind.INDIRECT, office.manager)
    assert ObjectiveSupport.objects.filter(child=maps["child_c"]).count() == 2


def test_indirect_support_of_a_lower_perspective_is_blocked(office, maps):
    with pytest.raises(ValidationError) as error:
        support.add_support(maps["child_c"], maps["upper_l1"], SupportKind.INDIRECT, office.manager)
    assert error.value.code == "support_lower_perspective"
    assert not ObjectiveSupport.objects.exists()


def test_duplicates_self_other_branch_and_other_year_are_refused(office, maps, org):
    support.add_support(maps["child_c"], maps["upper_c1"], SupportKind.DIRECT, office.manager)
    with pytest.raises(ValidationError) as error:
        support.add_support(maps["child_c"], maps["upper_c1"], SupportKind.DIRECT, office.manager)
    assert error.value.code == "support_duplicate"
    with pytest.raises(ValidationError) as error:
        support.add_support(maps["child_c"], maps["child_c"], SupportKind.DIRECT, office.manager)
    assert error.value.code == "support_itself"
    # upwards only: the upper SS cannot support the lower one
    with pytest.raises(ValidationError) as error:
        support.add_support(maps["upper_c1"], maps["child_c"], SupportKind.DIRECT, None)
    assert error.value.code == "support_outside_branch"
    other = b.objective(b.bare_map(org.kpp_b, 2026, MapState.APPROVED), "customer", "C1")
    with pytest.raises(ValidationError) as error:
        support.add_support(maps["child_c"], other, SupportKind.DIRECT, None)
    assert error.value.code == "support_outside_branch"
    old = b.objective(b.bare_map(org.kpp_a, 2025, MapState.APPROVED), "customer", "C1")
    with pytest.raises(ValidationError) as error:
        support.add_support(maps["child_c"], old, SupportKind.DIRECT, None)
    assert error.value.code == "support_other_year"


def test_only_a_manager_of_the_child_unit_adds_or_removes(office, maps):
    with pytest.raises(PermissionDenied):
        support.add_support(
            maps["child_c"], maps["upper_c1"], SupportKind.DIRECT, office.user(office.staff[0])
        )
    made = support.add_support(maps["child_c"], maps["upper_c1"], SupportKind.DIRECT, office.manager)
    with pytest.raises(PermissionDenied):
        support.remove_support(made, office.user(office.staff[0]))
    support.remove_support(made, office.manager)
    assert not ObjectiveSupport.objects.exists()


def test_candidates_are_the_ancestor_maps_of_the_same_year(office, maps, org):
    b.bare_map(org.kpp_b, 2026, MapState.APPROVED)
    kanwil = b.bare_map(org.kanwil, 2026, MapState.APPROVED)
    k1 = b.objective(kanwil, "stakeholder", "S1")
    found = support.candidate_parents(maps["lower"])
    assert [o.map.unit.code for o in found] == ["KPP-A"] * 3 + ["KANWIL"]
    assert k1 in found


def test_the_page_lists_adds_and_removes(client, office, maps, make_user):
    url = reverse("contracts:supports", args=[maps["lower"].pk])
    client.force_login(office.manager)
    page = client.get(url)
    assert page.status_code == 200 and "belum mendukung SS mana pun" in page.content.decode()
    answer = client.post(
        url, {"child": maps["child_c"].pk, "parent": maps["upper_l1"].pk, "kind": SupportKind.INDIRECT}
    )
    assert answer.status_code == 200 and "aturan 5" in answer.content.decode()
    answer = client.post(
        url, {"child": maps["child_c"].pk, "parent": maps["upper_s1"].pk, "kind": SupportKind.INDIRECT}
    )
    assert answer.status_code == 302
    made = ObjectiveSupport.objects.get()
    assert client.post(url, {"remove": made.pk}).status_code == 302
    assert not ObjectiveSupport.objects.exists()
    client.force_login(make_user(office.org.kpp_a, "employee"))  # reads the subtree, manages nothing
    assert client.get(url).status_code == 200
    assert client.post(url, {"remove": "1"}).status_code == 403
