"""Many BerAKHLAK scores at once (`behaviour.save_behaviour_scores`): the checks of `save_behaviour_score`, all
or nothing, creates and updates with history, and queries that do not grow with the number of scores."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kinerja.appraisals import behaviour
from kinerja.appraisals.models import BehaviourScore
from tests.appraisals.behaviour_builders import Team, team_fixture  # noqa: F401  (the `team` fixture)

pytestmark = pytest.mark.django_db

D = Decimal
VALUES = {"service": D(100), "accountable": D(105), "competent": D(110), "harmonious": D(100),
          "loyal": D(100), "adaptive": D(95), "collaborative": D(110)}  # fmt: skip


def rows(team: Team, quarters=(1, 2), values=None):
    return [
        behaviour.BehaviourRow(person, team.quarter(q), team.kasi, values or VALUES)
        for q in quarters
        for person in team.staff
    ]


def test_the_superior_scores_a_team_for_several_quarters_at_once(team: Team) -> None:
    written = behaviour.save_behaviour_scores(rows=rows(team), by=team.user(team.kasi))
    assert written == 4 == BehaviourScore.objects.filter(group="superior", rater=team.kasi).count()
    saved = BehaviourScore.objects.first()
    assert saved is not None and behaviour.mean_of(saved) == D("102.86")  # as one score by one
    assert saved.created_by == team.user(team.kasi)
    # again with other values: updated in place, each change a history row
    behaviour.save_behaviour_scores(rows=rows(team, values={**VALUES, "loyal": D(90)}), by=None)
    assert BehaviourScore.objects.count() == 4
    assert set(BehaviourScore.objects.values_list("loyal", flat=True)) == {D(90)}
    assert BehaviourScore.history.filter(history_type="~").count() == 4


def test_one_bad_row_refuses_them_all_naming_the_employee(team: Team) -> None:
    bad = [*rows(team), behaviour.BehaviourRow(team.staff[0], team.quarter(3), team.head, VALUES)]
    with pytest.raises(ValidationError) as refused:
        behaviour.save_behaviour_scores(rows=bad, by=None)
    assert refused.value.code == "not_direct_superior" and team.staff[0].name in refused.value.messages[0]
    too_high = rows(team, quarters=(1,), values={**VALUES, "loyal": D(121)})
    with pytest.raises(ValidationError):
        behaviour.save_behaviour_scores(rows=too_high, by=None)
    with pytest.raises(PermissionDenied):
        behaviour.save_behaviour_scores(rows=rows(team), by=team.user(team.head))  # not in their own name
    team.close(team.quarter(2))
    with pytest.raises(ValidationError) as closed:
        behaviour.save_behaviour_scores(rows=rows(team), by=None)
    assert closed.value.code == "period_closed"
    assert not BehaviourScore.objects.exists()


def test_the_queries_do_not_grow_with_the_scores(team: Team) -> None:
    quarters = [team.quarter(q) for q in (1, 2, 3)]
    one = [behaviour.BehaviourRow(team.staff[0], q, team.kasi, VALUES) for q in quarters]
    many = [behaviour.BehaviourRow(team.staff[1], q, team.kasi, VALUES) for q in quarters]
    many += [behaviour.BehaviourRow(team.kasi, q, team.head, VALUES) for q in quarters]
    with CaptureQueriesContext(connection) as first:
        behaviour.save_behaviour_scores(rows=one, by=None)
    with CaptureQueriesContext(connection) as second:
        behaviour.save_behaviour_scores(rows=many, by=None)
    assert len(second) <= len(first)  # twice the scores, the same three periods: no more queries
    assert BehaviourScore.objects.count() == 9
