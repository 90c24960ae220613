"""BerAKHLAK scores, disciplinary sentences and the leader's correction (issue 13 items 2 and 3, kmk-127-2026):
who may write, the rule set's bounds, rule 23, visibility of an employee's behaviour, sentences in force per
quarter, the correction's history."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from kinerja.appraisals import behaviour
from kinerja.appraisals.models import BehaviourScore, Correction, DisciplinarySentence
from kinerja.scoring import get_rule_set
from tests.appraisals.behaviour_builders import Team, team_fixture  # noqa: F401  (the `team` fixture)
from tests.planning import builders as b

pytestmark = pytest.mark.django_db

D = Decimal
RULES = get_rule_set("kmk-127-2026").nkp2026
assert RULES is not None
TOP = RULES.core_value_max.value
LIMIT = RULES.correction_limit.value
VALUES = {"service": D(100), "accountable": D(105), "competent": D(110), "harmonious": D(100),
          "loyal": D(100), "adaptive": D(95), "collaborative": D(110)}  # fmt: skip


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def score(team: Team, employee, rater, values=None, period=None, by=None):
    return behaviour.save_behaviour_score(
        employee=employee,
        period=period or team.quarter(2),
        rater=rater,
        values=values or VALUES,
        note="",
        by=team.user(rater) if by is None else by,
    )


# ---------------------------------------------------------------- BerAKHLAK: who scores


def test_the_direct_superior_scores_and_a_change_keeps_history(team: Team) -> None:
    saved = score(team, team.staff[0], team.kasi)
    assert saved.group == "superior" and saved.created_by == team.user(team.kasi)
    assert behaviour.mean_of(saved) == D("102.86")  # scoring.md §7.3's worked example
    score(team, team.staff[0], team.kasi, {**VALUES, "loyal": D(90)})
    assert BehaviourScore.objects.count() == 1
    assert [h.loyal for h in BehaviourScore.history.order_by("history_id")] == [D(100), D(90)]


@pytest.mark.parametrize("who", ["peer", "superior_of_superior"])
def test_only_the_direct_superior_may_score(team: Team, who: str) -> None:
    rater = team.staff[1] if who == "peer" else team.head
    with pytest.raises(ValidationError) as refused:
        score(team, team.staff[0], rater)
    assert refused.value.code == "not_direct_superior"
    assert "atasan langsung" in refused.value.messages[0]
    assert not BehaviourScore.objects.exists()


def test_nobody_scores_in_the_superiors_name(team: Team) -> None:
    with pytest.raises(PermissionDenied):
        score(team, team.staff[0], team.kasi, by=team.user(team.staff[1]))
    with pytest.raises(PermissionDenied):  # a manager reaching the unit is not the superior either
        score(team, team.staff[0], team.kasi, by=team.manager)


# ---------------------------------------------------------------- BerAKHLAK: bounds, periods, rule sets


def test_values_are_bounded_by_the_rule_set(team: Team) -> None:
    over = TOP + 1  # 121 under kmk-127-2026
    with pytest.raises(ValidationError) as refused:
        score(team, team.staff[0], team.kasi, {**VALUES, "loyal": over, "adaptive": D(-1)})
    errors = refused.value.message_dict
    assert set(errors) == {"loyal", "adaptive"}
    assert errors["loyal"] == [f"Nilai Loyal antara 0 dan {TOP}; {over} di luar rentang."]
    score(team, team.staff[0], team.kasi, {**VALUES, "loyal": TOP, "adaptive": D(0)})  # the bounds themselves


def test_every_value_is_required(team: Team) -> None:
    with pytest.raises(ValidationError) as refused:
        score(team, team.staff[0], team.kasi, {k: v for k, v in VALUES.items() if k != "competent"})
    assert set(refused.value.message_dict) == {"competent"}


def test_a_closed_period_takes_no_score(team: Team) -> None:
    closed = team.close(team.quarter(1))
    with pytest.raises(ValidationError) as refused:
        score(team, team.staff[0], team.kasi, period=closed)
    assert refused.value.code == "period_closed"
    assert not BehaviourScore.objects.exists()


def test_scores_are_given_per_quarter(team: Team) -> None:
    from kinerja.reporting.models import ReportingPeriod

    semester = ReportingPeriod.objects.get(plan_year=team.plan_year, frequency="semester", number=1)
    with pytest.raises(ValidationError) as refused:
        score(team, team.staff[0], team.kasi, period=semester)
    assert refused.value.code == "period_frequency"


def test_a_2014_rules_year_has_no_berakhlak(team: Team) -> None:
    from kinerja.reporting.services import generate_periods

    old = b.plan_year(2025, "kmk-467-2014")
    generate_periods(plan_year=old)
    quarter = old.reporting_periods.get(frequency="quarterly", number=2)
    with pytest.raises(ValidationError) as refused:
        score(team, team.staff[0], team.kasi, period=quarter)
    assert refused.value.code == "no_berakhlak"
    assert "360°" in refused.value.messages[0]


# ---------------------------------------------------------------- the team page


def test_the_team_page_scores_every_subordinate_in_one_form(team: Team) -> None:
    client = client_for(team.user(team.kasi))
    url = reverse("appraisals:team", args=[2026])
    page = client.get(url, {"period": team.quarter(2).pk})
    assert page.status_code == 200
    html = page.content.decode()
    assert all(e.name in html for e in team.staff) and team.head.name not in html
    assert "Berorientasi pelayanan" in html and "Memahami dan memenuhi kebutuhan masyarakat" in html
    data = {"period": team.quarter(2).pk}
    for e in team.staff:
        data.update({f"e{e.pk}-{k}": str(v).replace(".", ",") for k, v in VALUES.items()})
    answer = client.post(url, data)
    assert answer.status_code == 302
    assert BehaviourScore.objects.filter(rater=team.kasi, period=team.quarter(2)).count() == 2
    assert "sudah" in client.get(url, {"period": team.quarter(2).pk}).content.decode()


def test_the_team_page_saves_nothing_when_one_row_is_out_of_bounds(team: Team) -> None:
    client = client_for(team.user(team.kasi))
    url = reverse("appraisals:team", args=[2026])
    first, second = team.staff
    data = {"period": team.quarter(2).pk}
    data.update({f"e{first.pk}-{k}": str(v) for k, v in VALUES.items()})
    data.update({f"e{second.pk}-{k}": str(v) for k, v in {**VALUES, "service": TOP + 1}.items()})
    answer = client.post(url, data)
    assert answer.status_code == 200
    assert f"antara 0 dan {TOP}" in answer.content.decode()
    assert not BehaviourScore.objects.exists()


# ---------------------------------------------------------------- who sees an employee's behaviour


def test_a_colleague_cannot_see_anothers_behaviour(team: Team) -> None:
    score(team, team.staff[0], team.kasi)
    url = reverse("appraisals:behaviour", args=[team.staff[0].pk])
    assert client_for(team.user(team.staff[1])).get(url).status_code == 404
    for user in (team.user(team.staff[0]), team.user(team.kasi), team.manager, team.leader):
        page = client_for(user).get(url)
        assert page.status_code == 200
        assert team.kasi.name in page.content.decode()  # who scored
    from tests.factories import UserFactory, grant

    stranger = UserFactory()
    grant(stranger, team.org.kpp_b, "manager")
    assert client_for(stranger).get(url).status_code == 404


# ---------------------------------------------------------------- disciplinary sentences


def add(team: Team, employee=None, **fields):
    args = {
        "employee": employee or team.staff[0],
        "category": "light",
        "severity": D(100),
        "start_year": 2026,
        "start_quarter": 2,
        "decree": f"KEP-{DisciplinarySentence.objects.count() + 1}/2026",
        "note": "",
        "by": team.manager,
    }
    args.update(fields)
    return behaviour.add_sentence(**args)


def test_a_sentence_is_in_force_for_its_categorys_quarters(team: Team) -> None:
    light = add(team)  # 2 quarters from 2026-Q2 by the rule set
    assert light.quarters == RULES.discipline_quarters.value["light"] == 2
    in_force = {q: behaviour.sentence_in_force_at(light, f"2026-Q{q}") for q in (1, 2, 3, 4)}
    assert in_force == {1: False, 2: True, 3: True, 4: False}
    assert behaviour.sentence_end(light, get_rule_set("kmk-127-2026")) == "2026-Q3"
    severe = add(team, category="severe", start_quarter=3)
    assert behaviour.sentence_end(severe, get_rule_set("kmk-127-2026")) == "2027-Q2"
    assert behaviour.sentence_in_force_at(severe, "2027-Q2")
    assert not behaviour.sentence_in_force_at(severe, "2027-Q3")
    own = add(team, category="medium", start_quarter=1, quarters=1)  # the decree's own duration
    assert [behaviour.sentence_in_force_at(own, f"2026-Q{q}") for q in (1, 2)] == [True, False]
    rows = {r.sentence.pk: r for r in behaviour.sentence_rows([light, severe, own], "2026-Q3")}
    assert rows[light.pk].in_force and rows[severe.pk].in_force and not rows[own.pk].in_force
    assert rows[light.pk].penalty == RULES.discipline_rates.value["light"] * 100


def test_a_sentence_is_validated_with_every_problem_at_once(team: Team) -> None:
    with pytest.raises(ValidationError) as refused:
        add(team, category="capital", severity=D(-1), start_quarter=5, decree=" ")
    assert set(refused.value.message_dict) == {"category", "severity", "start_quarter", "decree"}
    add(team, decree="KEP-1/2026")
    with pytest.raises(ValidationError) as twice:
        add(team, decree="kep-1/2026")
    assert "sudah tercatat" in twice.value.message_dict["decree"][0]
    with pytest.raises(ValidationError) as closed:
        team.close(team.quarter(1))
        add(team, start_quarter=1)
    assert "ditutup" in closed.value.message_dict["start_quarter"][0]


def test_only_the_units_manager_enters_sentences(team: Team) -> None:
    for user in (team.leader, team.user(team.kasi)):
        with pytest.raises(PermissionDenied):
            add(team, by=user)


def test_the_sentences_page_adds_and_deletes_with_a_reason(team: Team) -> None:
    url = reverse("appraisals:sentences", args=[team.org.kpp_a.pk])
    client = client_for(team.manager)
    answer = client.post(
        url,
        {"nip": team.staff[0].nip, "category": "medium", "severity": "80", "start_year": "2026",
         "start_quarter": "2", "decree": "KEP-9/2026"},
    )  # fmt: skip
    assert answer.status_code == 302
    sentence = DisciplinarySentence.objects.get()
    assert sentence.quarters == 3 and sentence.created_by == team.manager
    page = client.get(url).content.decode()
    assert "KEP-9/2026" in page and team.staff[0].name in page
    assert client_for(team.leader).get(url).status_code == 200
    assert client_for(team.leader).post(url, {"delete": sentence.pk, "reason": "x"}).status_code == 403
    assert client.post(url, {"delete": sentence.pk, "reason": ""}).status_code == 200
    assert client.post(url, {"delete": sentence.pk, "reason": "keputusan dibatalkan"}).status_code == 302
    assert not DisciplinarySentence.objects.exists()
    deleted = DisciplinarySentence.history.filter(history_type="-").get()
    assert deleted.history_change_reason == "keputusan dibatalkan" and deleted.history_user == team.manager


# ---------------------------------------------------------------- the leader's correction


def correct(team: Team, value, reason="kinerja luar biasa", by=None):
    return behaviour.set_correction(
        employee=team.staff[0], plan_year=team.plan_year, value=value, reason=reason, by=by or team.leader
    )


def test_a_correction_over_the_rule_sets_limit_is_refused(team: Team) -> None:
    for over in (LIMIT + D("0.01"), -LIMIT - 1):
        with pytest.raises(ValidationError) as refused:
            correct(team, over)
        assert f"±{LIMIT}" in refused.value.message_dict["value"][0]
    correct(team, -LIMIT)
    assert Correction.objects.get().value == -LIMIT


def test_a_correction_needs_a_reason(team: Team) -> None:
    with pytest.raises(ValidationError) as refused:
        correct(team, D(2), reason="  ")
    assert refused.value.message_dict == {"reason": ["Alasan koreksi wajib diisi."]}


def test_a_change_of_the_correction_keeps_its_history(team: Team) -> None:
    correct(team, D(3), "inisiatif pelayanan")
    correct(team, D(-2), "keluhan wajib pajak")
    correction = Correction.objects.get()
    assert (correction.value, correction.reason, correction.by) == (D(-2), "keluhan wajib pajak", team.leader)
    trail = [(h.value, h.reason) for h in correction.history.order_by("history_id")]
    assert trail == [(D(3), "inisiatif pelayanan"), (D(-2), "keluhan wajib pajak")]
    page = client_for(team.leader).get(reverse("appraisals:correction", args=[team.staff[0].pk, 2026]))
    assert page.status_code == 200 and "inisiatif pelayanan" in page.content.decode()


def test_only_the_leader_corrects(team: Team) -> None:
    for user in (team.manager, team.user(team.kasi), team.user(team.staff[0])):
        with pytest.raises(PermissionDenied):
            correct(team, D(1), by=user)
    url = reverse("appraisals:correction", args=[team.staff[0].pk, 2026])
    assert client_for(team.manager).post(url, {"value": "1", "reason": "x"}).status_code == 403
    assert client_for(team.user(team.staff[1])).get(url).status_code == 404
    answer = client_for(team.leader).post(url, {"value": "6", "reason": "x"})
    assert answer.status_code == 200 and "melebihi batas" in answer.content.decode()
    assert client_for(team.leader).post(url, {"value": "1,5", "reason": "x"}).status_code == 302
    assert Correction.objects.get().value == D("1.5")


def test_a_closed_year_takes_no_correction(team: Team) -> None:
    from kinerja.reporting.models import ReportingPeriod

    team.close(ReportingPeriod.objects.get(plan_year=team.plan_year, frequency="yearly"))
    with pytest.raises(ValidationError) as refused:
        correct(team, D(1))
    assert refused.value.code == "period_closed"
