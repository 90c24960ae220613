"""Peers' BerAKHLAK scores where the unit switches them on (issue 13 item 3): colleagues under the same direct
superior score each other; the group counts as one voice beside the superior; the person rated never learns
which colleague scored them; the switch is the unit's performance manager's and is in the history."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from kinerja.appraisals import behaviour
from kinerja.appraisals.inputs import _core_values
from kinerja.appraisals.models import BehaviourScore, BehaviourSetting
from tests.appraisals.behaviour_builders import Team, team_fixture  # noqa: F401  (the `team` fixture)
from tests.appraisals.test_behaviour import VALUES, client_for, score

pytestmark = pytest.mark.django_db


def peers_on(team: Team, unit=None) -> BehaviourSetting:
    return behaviour.set_peers(unit=unit or team.org.kpp_a, peers=True, by=team.manager)


def test_a_colleague_scores_only_where_the_unit_switches_peers_on(team: Team) -> None:
    rated, colleague = team.staff
    with pytest.raises(ValidationError) as refused:
        score(team, rated, colleague)
    assert refused.value.code == "not_direct_superior"
    peers_on(team)  # on KPP-A: the setting applies to its section below
    saved = score(team, rated, colleague)
    assert saved.group == "peer" and saved.rater == colleague
    with pytest.raises(ValidationError):  # nobody scores themself
        score(team, rated, rated)
    with pytest.raises(ValidationError):  # the superior's superior is no colleague
        score(team, rated, team.head)


def test_a_colleague_scores_only_in_their_own_name(team: Team) -> None:
    peers_on(team)
    rated, colleague = team.staff
    with pytest.raises(PermissionDenied):
        score(team, rated, colleague, by=team.user(team.kasi))


def test_the_nearest_setting_applies(team: Team) -> None:
    peers_on(team)
    behaviour.set_peers(unit=team.org.section_a, peers=False, by=team.manager)
    assert not behaviour.peers_on(team.org.section_a)
    assert behaviour.peers_on(team.org.kpp_a)


def test_only_the_units_manager_switches_peers(team: Team) -> None:
    for user in (team.leader, team.user(team.kasi)):
        with pytest.raises(PermissionDenied):
            behaviour.set_peers(unit=team.org.kpp_a, peers=True, by=user)
    assert not BehaviourSetting.objects.exists()
    peers_on(team)
    behaviour.set_peers(unit=team.org.kpp_a, peers=False, by=team.manager)
    setting = BehaviourSetting.objects.get()
    assert [h.peers for h in setting.history.order_by("history_id")] == [True, False]
    assert {h.history_user for h in setting.history.all()} == {team.manager}


def test_peers_count_as_one_voice_beside_the_superior(team: Team) -> None:
    peers_on(team)
    rated, colleague = team.staff
    score(team, rated, team.kasi, {**VALUES, "service": D(100)})
    score(team, rated, colleague, {**VALUES, "service": D(80)})
    (values,) = _core_values([rated.pk], team.plan_year)[rated.pk]
    assert values.service == D(90)  # (100 + 80) / 2
    assert values.accountable == VALUES["accountable"]


def test_the_person_rated_sees_a_peer_score_without_the_peers_name(team: Team) -> None:
    peers_on(team)
    rated, colleague = team.staff
    score(team, rated, colleague)
    url = reverse("appraisals:behaviour", args=[rated.pk])
    own = client_for(team.user(rated)).get(url).content.decode()
    assert "Rekan kerja" in own and colleague.name not in own
    assert colleague.nip not in own and team.user(colleague).username not in own
    superior = client_for(team.user(team.kasi)).get(url).content.decode()
    assert colleague.name in superior  # the superior and the managers see who gave it


def test_the_team_page_lists_colleagues_when_peers_are_on(team: Team) -> None:
    rated, colleague = team.staff
    url = reverse("appraisals:team", args=[2026])
    client = client_for(team.user(colleague))
    assert rated.name not in client.get(url, {"period": team.quarter(2).pk}).content.decode()
    peers_on(team)
    page = client.get(url, {"period": team.quarter(2).pk}).content.decode()
    assert rated.name in page and "Rekan kerja seatasan" in page
    data = {"period": team.quarter(2).pk}
    data.update({f"e{rated.pk}-{k}": str(v) for k, v in VALUES.items()})
    assert client.post(url, data).status_code == 302
    assert BehaviourScore.objects.get(employee=rated, rater=colleague).group == "peer"


def test_the_setting_page(team: Team) -> None:
    url = reverse("appraisals:behaviour-setting", args=[team.org.kpp_a.pk])
    assert client_for(team.user(team.staff[0])).get(url).status_code == 404
    leader = client_for(team.leader)
    assert leader.get(url).status_code == 200
    assert leader.post(url, {"peers": "on"}).status_code == 403
    manager = client_for(team.manager)
    assert manager.post(url, {"peers": "on"}).status_code == 302
    assert behaviour.peers_on(team.org.kpp_a)
    page = Client()
    page.force_login(team.manager)
    assert "aktif" in page.get(url).content.decode()
    below = reverse("appraisals:behaviour-setting", args=[team.org.section_a.pk])
    assert "mengikuti pengaturan" in manager.get(below).content.decode()
