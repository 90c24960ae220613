"""Opening an evaluation round chooses its units by rule (subtree, level, kind, map owners, a few codes left
out), never by one checkbox per unit: the page shows how many units the rule covers (a COUNT), its queries do
not grow with the units in reach, and the server keeps the choice inside the user's reach and the organiser."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from kinerja.accounts.models import Role
from kinerja.meetings.evaluation_models import EvaluationRound
from kinerja.organisations.models import UnitKind, UnitLevel
from tests.factories import make_unit

pytestmark = pytest.mark.django_db

URL = reverse("meetings:evaluation-round-create")
WINDOW = {"year": 2026, "opens_on": "2026-04-01", "closes_on": "2026-09-30"}


def _codes(round_: EvaluationRound) -> list[str]:
    return sorted(round_.evaluations.values_list("unit__code", flat=True))


def _covered(html: str) -> int | None:
    match = re.search(r'id="scope-count".*?<strong>([\d.]+) unit akan dievaluasi', html, re.S)
    return int(match.group(1).replace(".", "")) if match else None


def test_the_rule_chooses_the_units(client, org, make_user):
    client.force_login(make_user(org.ministry, Role.MANAGER))
    # a subtree, map owners only, one unit left out by its code
    answer = client.post(
        URL,
        {"unit": org.ministry.pk, "root": org.kanwil.pk, "map_owners": "on", "exclude": "KPP-B", **WINDOW},
    )
    assert answer.status_code == 302
    assert _codes(EvaluationRound.objects.get(unit=org.ministry)) == ["KANWIL", "KPP-A"]
    # a level across the organiser's whole subtree (no root: the organiser's)
    answer = client.post(URL, {"unit": org.djp.pk, "levels": [UnitLevel.FOUR], **WINDOW})
    assert answer.status_code == 302
    assert _codes(EvaluationRound.objects.get(unit=org.djp)) == ["SEKSI-A"]


def test_a_kind_and_the_count_before_opening(client, org, make_user):
    client.force_login(make_user(org.ministry, Role.MANAGER))
    data = {"unit": org.ministry.pk, "kinds": [UnitKind.KPP], "map_owners": "on", "hitung": "1", **WINDOW}
    with translation.override("id"):
        counted = client.post(URL, data)
    assert counted.status_code == 200 and counted.context["covered"] == 2  # KPP-A, KPP-B
    assert _covered(counted.content.decode()) == 2
    assert not EvaluationRound.objects.exists()  # counting opens nothing
    del data["hitung"]
    assert client.post(URL, data).status_code == 302
    assert _codes(EvaluationRound.objects.get()) == ["KPP-A", "KPP-B"]


def test_the_choice_stays_in_reach_and_under_the_organiser(client, org, make_user):
    client.force_login(make_user(org.kanwil, Role.MANAGER))
    # a root outside the user's reach is not a choice at all
    answer = client.post(URL, {"unit": org.kanwil.pk, "root": org.djbc.pk, **WINDOW})
    assert answer.status_code == 400 and answer.context["form"].errors["root"]
    # a root in reach but outside the organiser's subtree is refused, naming both
    answer = client.post(URL, {"unit": org.kpp_a.pk, "root": org.kpp_b.pk, **WINDOW})
    assert answer.status_code == 400 and "KPP-B" in answer.context["form"].errors["root"][0]
    # an excluded code outside the choice (here: out of reach) is named, nothing opened
    answer = client.post(URL, {"unit": org.kanwil.pk, "map_owners": "on", "exclude": "DJBC, KPP-B", **WINDOW})
    assert answer.status_code == 400 and "DJBC" in answer.context["form"].errors["exclude"][0]
    assert "KPP-B" not in answer.context["form"].errors["exclude"][0]
    # the widest rule a KANWIL manager can write covers KANWIL's subtree only
    answer = client.post(URL, {"unit": org.kanwil.pk, **WINDOW})
    assert answer.status_code == 302
    assert _codes(EvaluationRound.objects.get()) == ["KANWIL", "KPP-A", "KPP-B", "SEKSI-A"]
    assert not EvaluationRound.objects.filter(evaluations__unit__in=[org.djp, org.djbc]).exists()


def test_a_rule_covering_nothing_opens_nothing(client, org, make_user):
    client.force_login(make_user(org.ministry, Role.MANAGER))
    with translation.override("id"):
        answer = client.post(
            URL, {"unit": org.djbc.pk, "levels": [UnitLevel.FOUR], "map_owners": "on", **WINDOW}
        )
    assert answer.status_code == 400 and answer.context["covered"] == 0
    assert "tidak mencakup satu unit pun" in answer.content.decode()
    assert not EvaluationRound.objects.exists()


def test_the_page_and_its_count_do_not_grow_with_the_units(client, org, make_user):
    client.force_login(make_user(org.ministry, Role.MANAGER))
    rule = {"unit": org.ministry.pk, "root": org.kanwil.pk, "map_owners": "on", "hitung": "1", **WINDOW}

    def measure() -> tuple[int, int, int, int]:
        with CaptureQueriesContext(connection) as opened:
            page = client.get(URL)
        with CaptureQueriesContext(connection) as counted:
            answer = client.post(URL, rule)
        assert page.status_code == 200 and answer.status_code == 200
        html = page.content.decode() + answer.content.decode()
        assert 'type="checkbox" name="units"' not in html
        return len(opened), len(counted), html.count("<input"), html.count("<option")

    small = measure()
    covered = client.post(URL, rule).context["covered"]
    for i in range(40):
        make_unit(f"KPP-X{i:02d}", parent=org.kanwil)
    assert measure() == small
    assert client.post(URL, rule).context["covered"] == covered + 40


def test_opening_costs_the_same_for_more_units(client, org, make_user):
    """The evaluations (and their history) are written in bulk: a round of 25 units costs what one of 5 does."""
    client.force_login(make_user(org.ministry, Role.MANAGER))
    client.post(URL, {"unit": org.djbc.pk, "year": 2025, "opens_on": "2025-04-01", "closes_on": "2025-09-30"})

    def opened(year: int) -> int:
        window = {"year": year, "opens_on": f"{year}-04-01", "closes_on": f"{year}-09-30"}
        with CaptureQueriesContext(connection) as queries:
            assert client.post(URL, {"unit": org.djp.pk, **window}).status_code == 302
        return len(queries)

    small = opened(2026)
    assert EvaluationRound.objects.get(year=2026).evaluations.count() == 5  # DJP, KANWIL, KPP-A/B, SEKSI-A
    for i in range(20):
        make_unit(f"KPP-X{i:02d}", parent=org.djp)
    assert opened(2027) == small
    evaluations = EvaluationRound.objects.get(year=2027).evaluations
    assert (
        evaluations.count() == 25
        and evaluations.model.history.filter(round_id=evaluations.first().round_id).count() == 25
    )


def test_units_are_added_to_an_open_round_by_code(client, org, make_user):
    client.force_login(make_user(org.kanwil, Role.MANAGER))
    assert (
        client.post(
            URL, {"unit": org.kanwil.pk, "root": org.kpp_a.pk, "map_owners": "on", **WINDOW}
        ).status_code
        == 302
    )
    round_ = EvaluationRound.objects.get()
    page = client.get(reverse("meetings:evaluation-round", args=[round_.pk]))
    assert page.context["addable"] == 2  # KANWIL, KPP-B (SEKSI-A owns no map)
    assert 'name="units"' not in page.content.decode()
    action = reverse("meetings:evaluation-round-action", args=[round_.pk, "units"])
    with translation.override("id"):
        refused = client.post(action, {"codes": "KPP-B DJBC"}, follow=True)
    assert "DJBC" in refused.content.decode() and _codes(round_) == ["KPP-A"]  # out of reach: nothing added
    client.post(action, {"codes": "kanwil, KPP-B"})
    assert _codes(round_) == ["KPP-A"]  # codes are exact
    client.post(action, {"codes": "KANWIL,\nKPP-B"})
    assert _codes(round_) == ["KANWIL", "KPP-A", "KPP-B"]


def _ranking_page(client, round_: EvaluationRound, page: int = 1) -> list[tuple[str, str]]:
    html = client.get(reverse("meetings:evaluation-round", args=[round_.pk]), {"page": page}).content.decode()
    body = html[html.index('id="rank-heading"') :]
    return re.findall(
        r'<td class="num">(\d+|—)</td>\s*<td><a [^>]*>[^<]*</a> <span class="muted code">([^<]+)</span>', body
    )


def test_the_round_page_ranks_every_unit_a_page_at_a_time(client, org, make_user):
    """The ranking is paged (50 rows): the rank is computed over the whole round (a page further down goes on
    counting, ties share a place), and the page's queries do not grow with the round's units."""
    from kinerja.meetings import evaluation as ev
    from kinerja.meetings.evaluation_models import EvaluationState, UnitEvaluation
    from tests.meetings import evaluation_builders as eb

    manager = make_user(org.kanwil, Role.MANAGER)
    client.force_login(manager)
    small = eb.open_round(org.kanwil, [org.kpp_a, org.kpp_b], by=manager)
    many = [make_unit(f"KPP-R{n:02d}", parent=org.kanwil) for n in range(58)]
    big = eb.open_round(org.kanwil, many, year=2027, by=manager)
    # 56 reviewed: scores 100, 99, ... two units at each score, so every place is shared by two
    for n, unit in enumerate(many[:56]):
        UnitEvaluation.objects.filter(round=big, unit=unit).update(
            state=EvaluationState.REVIEWED, total_score=100 - n // 2
        )
    assert len(ev.ranking(big)) == 58

    first = _ranking_page(client, big)
    assert len(first) == 50
    assert first[:4] == [("1", "KPP-R00"), ("1", "KPP-R01"), ("3", "KPP-R02"), ("3", "KPP-R03")]
    second = _ranking_page(client, big, 2)
    assert second == [
        ("51", "KPP-R50"),
        ("51", "KPP-R51"),
        ("53", "KPP-R52"),
        ("53", "KPP-R53"),
        ("55", "KPP-R54"),
        ("55", "KPP-R55"),
        ("—", "KPP-R56"),  # not reviewed: after the ranked ones, in the tree's order, without a place
        ("—", "KPP-R57"),
    ]

    def queries(round_: EvaluationRound) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("meetings:evaluation-round", args=[round_.pk])).status_code == 200
        return len(captured.captured_queries)

    assert queries(big) == queries(small)
