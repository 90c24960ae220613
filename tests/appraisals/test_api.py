"""The appraisals API (issue 13 item 9): campaigns and their workflow, the rater's own forms and answers, scores,
BerAKHLAK scores, sentences, corrections, calibration sessions and the unit recap — who sees what, anonymity,
a closed campaign refusing answers, 404 outside one's reach, and lists in a fixed number of queries."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from kinerja.accounts.models import Role
from kinerja.appraisals import campaigns as svc
from kinerja.appraisals.models import (
    BehaviourScore,
    CalibrationAdjustment,
    CalibrationSession,
    Campaign,
    CampaignState,
    Correction,
    DisciplinarySentence,
    RaterAssignment,
    RaterGroup,
    ScoreRecord,
)
from kinerja.organisations.models import Unit, UnitKind, UnitLevel
from kinerja.reporting import services as reporting
from kinerja.reporting.models import ReportingPeriod
from tests.appraisals.campaign_builders import Office360, build_office
from tests.factories import EmployeeFactory, PositionFactory, grant, make_unit

pytestmark = pytest.mark.django_db
D = Decimal
GOOD = {"service_orientation": 80, "integrity": 90, "commitment": 85, "discipline": 70, "cooperation": 88}
SECRET_SCORE = "87.37"  # the cooperation score the outsiders give: no other number in the world holds it
SECRET_NAMES = ("Rahasiapeer", "Rahasiasub")
CORE = dict.fromkeys(
    ("service", "accountable", "competent", "harmonious", "loyal", "adaptive", "collaborative"), D(100)
)


@pytest.fixture
def office(org, make_user) -> Office360:
    return build_office(org, make_user)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def _ok(response) -> Any:
    assert response.status_code == 200, (response.status_code, response.content[:500])
    return response.json()


def _ids(response) -> set[int]:
    return {row["id"] for row in _ok(response)["results"]}


def _open(office: Office360, **fields) -> Campaign:
    campaign = office.campaign(**fields)
    svc.generate_raters(campaign, office.manager)
    return svc.launch(campaign=campaign, by=office.manager)


def _hidden_raters(office: Office360) -> tuple[Campaign, Any]:
    """An open campaign where two outsiders rate executor 1 as peer and subordinate, and answer."""
    campaign = office.campaign()
    svc.generate_raters(campaign, office.manager)
    rated = office.staff[0]
    for rater, group in (
        (office.stranger_peer, RaterGroup.PEER),
        (office.stranger_sub, RaterGroup.SUBORDINATE),
    ):
        svc.add_rater(campaign=campaign, employee=rated, rater=rater, group=group, by=office.manager)
    svc.launch(campaign=campaign, by=office.manager)
    for rater in (office.stranger_peer, office.stranger_sub):
        task = campaign.assignments.select_related("campaign", "employee__position").get(
            employee=rated, rater=rater
        )
        svc.save_answer(assignment=task, scores={**GOOD, "cooperation": SECRET_SCORE}, by=office.user(rater))
    return campaign, rated


def _every_read(client: APIClient, campaign: Campaign) -> list[str]:
    """What a user gets from every appraisal read of the API about a campaign: lists with every filter,
    every form by id, the campaign and its rater table."""
    base = [
        "/api/appraisal-assignments/",
        f"/api/appraisal-assignments/?campaign={campaign.pk}",
        "/api/appraisal-assignments/?answered=true",
        "/api/appraisal-assignments/?answered=false",
        "/api/appraisal-assignments/?state=open",
        "/api/appraisal-assignments/?state=closed",
        "/api/appraisal-campaigns/",
        f"/api/appraisal-campaigns/{campaign.pk}/",
        f"/api/appraisal-campaigns/{campaign.pk}/raters/",
        f"/api/appraisal-campaigns/{campaign.pk}/raters/?answered=true",
        "/api/appraisal-scores/",
        "/api/appraisal-behaviour-scores/",
    ]
    base += [
        f"/api/appraisal-assignments/{pk}/" for pk in RaterAssignment.objects.values_list("pk", flat=True)
    ]
    return [client.get(url).content.decode() for url in base]


# --------------------------------------------------------------------------- the rater's own forms


def test_a_rater_reads_only_their_own_forms_and_answers(office):
    campaign, rated = _hidden_raters(office)
    rater = office.staff[1]
    client = client_for(office.user(rater))
    mine = set(campaign.assignments.filter(rater=rater).values_list("pk", flat=True))
    assert mine and _ids(client.get("/api/appraisal-assignments/")) == mine
    for query in (
        {"campaign": campaign.pk},
        {"answered": "false"},
        {"state": "open"},
        {"page_size": 500},
        {"rater": office.stranger_peer.nip},  # not a filter: ignored, never widens
        {"employee": rated.nip},
    ):
        assert _ids(client.get("/api/appraisal-assignments/", query)) <= mine
    for other in campaign.assignments.exclude(rater=rater):
        assert client.get(f"/api/appraisal-assignments/{other.pk}/").status_code == 404
        response = client.post(f"/api/appraisal-assignments/{other.pk}/answer/", GOOD, format="json")
        assert response.status_code == 404
    for page in _every_read(client, campaign):
        assert SECRET_SCORE not in page
    # the rater who gave it reads it back (the check above is not vacuous)
    own = client_for(office.user(office.stranger_peer))
    (row,) = _ok(own.get("/api/appraisal-assignments/"))["results"]
    assert row["answer"]["cooperation"] == SECRET_SCORE and row["answered"] is True
    assert row["employee"] == rated.nip and row["rater_group"] == "peer"


def test_a_manager_sees_progress_but_never_the_answer_values(office):
    campaign, _rated = _hidden_raters(office)
    manager = client_for(office.manager)
    listed = _ok(manager.get("/api/appraisal-campaigns/"))["results"]
    assert [(c["id"], c["answered"], c["assigned"]) for c in listed] == [
        (campaign.pk, 2, campaign.assignments.count())
    ]
    rows = _ok(manager.get(f"/api/appraisal-campaigns/{campaign.pk}/raters/?answered=true"))["results"]
    assert {r["rater"] for r in rows} == {office.stranger_peer.nip, office.stranger_sub.nip}
    for page in _every_read(manager, campaign):
        assert SECRET_SCORE not in page
    for task in campaign.assignments.all():  # a form exists only for its rater
        assert manager.get(f"/api/appraisal-assignments/{task.pk}/").status_code == 404


@pytest.mark.parametrize("closed", [False, True])
def test_the_person_rated_never_learns_who_gave_a_peer_or_subordinate_answer(office, closed):
    campaign, rated = _hidden_raters(office)
    if closed:
        svc.close(campaign=campaign, by=office.manager)
    secrets = (*SECRET_NAMES, office.stranger_peer.nip, office.stranger_sub.nip)
    user = office.user(rated)
    for page in _every_read(client_for(user), campaign):
        assert not [s for s in secrets if s in page]
    # even as a manager of the unit: their own peer and subordinate raters are hidden in the rater table
    grant(user, office.org.kpp_a, Role.MANAGER)
    client = client_for(user)
    rows = _ok(client.get(f"/api/appraisal-campaigns/{campaign.pk}/raters/", {"page_size": 500}))["results"]
    about_me = [r for r in rows if r["employee"] == rated.nip]
    hidden = [r for r in about_me if r["rater_group"] in ("peer", "subordinate")]
    assert hidden and all(r["rater"] is None and r["rater_name"] is None for r in hidden)
    superior = next(r for r in about_me if r["rater_group"] == "superior")
    assert superior["rater"] == office.kasi_a.nip  # a superior is not anonymous
    for page in _every_read(client, campaign):
        assert not [s for s in secrets if s in page]
    # another manager sees who they are (the checks above are not vacuous)
    other = _ok(
        client_for(office.manager).get(f"/api/appraisal-campaigns/{campaign.pk}/raters/?page_size=500")
    )
    assert {office.stranger_peer.nip, office.stranger_sub.nip} <= {r["rater"] for r in other["results"]}


def test_a_berakhlak_score_from_a_peer_names_no_rater_to_the_person_rated(office):
    rated = office.staff[0]
    reporting.generate_periods(plan_year=office.year_no_360)
    period = ReportingPeriod.objects.filter(plan_year=office.year_no_360, frequency="quarterly").first()
    by_peer = BehaviourScore.objects.create(
        employee=rated, period=period, rater=office.staff[1], group="peer", note="dari rekan", **CORE
    )
    by_superior = BehaviourScore.objects.create(
        employee=rated, period=period, rater=office.kasi_a, group="superior", **CORE
    )
    rows = {
        r["id"]: r
        for r in _ok(client_for(office.user(rated)).get("/api/appraisal-behaviour-scores/"))["results"]
    }
    assert (rows[by_peer.pk]["rater"], rows[by_peer.pk]["rater_name"], rows[by_peer.pk]["note"]) == (
        None,
        None,
        "",
    )
    assert rows[by_superior.pk]["rater"] == office.kasi_a.nip and rows[by_superior.pk]["mean"] == "100.00"
    detail = _ok(client_for(office.user(rated)).get(f"/api/appraisal-behaviour-scores/{by_peer.pk}/"))
    assert detail["rater"] is None and office.staff[1].nip not in json.dumps(detail)
    # the superior sees who scored
    seen = _ok(client_for(office.user(office.kasi_a)).get(f"/api/appraisal-behaviour-scores/{by_peer.pk}/"))
    assert seen["rater"] == office.staff[1].nip and seen["note"] == "dari rekan"
    # a colleague sees nothing of it
    colleague = client_for(office.user(office.staff[2]))
    assert _ids(colleague.get("/api/appraisal-behaviour-scores/")) == set()
    assert colleague.get(f"/api/appraisal-behaviour-scores/{by_peer.pk}/").status_code == 404


# --------------------------------------------------------------------------- answering


def test_the_rater_answers_through_the_api_and_a_closed_campaign_refuses(office):
    campaign = _open(office)
    task = campaign.assignments.filter(rater=office.staff[1], employee=office.staff[0]).get()
    client = client_for(office.user(office.staff[1]))
    form = _ok(client.get(f"/api/appraisal-assignments/{task.pk}/"))
    assert form["aspects"] == list(svc.CORE_ASPECTS) and form["problem"] is None
    assert form["bands"] and [m["aspect"] for m in form["meanings"]] == list(svc.CORE_ASPECTS)
    wrong = client.post(
        f"/api/appraisal-assignments/{task.pk}/answer/",
        {**GOOD, "integrity": 101, "leadership": 90},
        format="json",
    )
    assert wrong.status_code == 400
    assert set(wrong.json()) == {"integrity", "leadership"}
    answered = _ok(
        client.post(
            f"/api/appraisal-assignments/{task.pk}/answer/", {**GOOD, "discipline": "72,5"}, format="json"
        )
    )
    assert answered["answered"] and answered["answer"]["discipline"] == "72.50"
    task.refresh_from_db()
    assert task.discipline == D("72.5") and task.history.count() == 2
    # a structural official's form asks leadership too
    head_form = campaign.assignments.filter(employee=office.kasi_a, group="superior").get()
    head_client = client_for(office.user(head_form.rater))
    assert "leadership" in _ok(head_client.get(f"/api/appraisal-assignments/{head_form.pk}/"))["aspects"]

    svc.close(campaign=campaign, by=office.manager)
    before = task.submitted_at
    refused = client.post(f"/api/appraisal-assignments/{task.pk}/answer/", GOOD, format="json")
    assert refused.status_code == 400
    assert "ditutup" in " ".join(refused.json()["non_field_errors"])
    task.refresh_from_db()
    assert (task.submitted_at, task.discipline) == (before, D("72.5"))
    assert "ditutup" in _ok(client.get(f"/api/appraisal-assignments/{task.pk}/"))["problem"]


def test_a_draft_campaigns_forms_do_not_exist_yet(office):
    campaign = office.campaign()
    svc.generate_raters(campaign, office.manager)
    task = campaign.assignments.first()
    client = client_for(office.user(task.rater))
    assert _ids(client.get("/api/appraisal-assignments/")) == set()
    assert (
        client.post(f"/api/appraisal-assignments/{task.pk}/answer/", GOOD, format="json").status_code == 404
    )


# --------------------------------------------------------------------------- the campaign workflow


def test_a_manager_runs_a_campaign_through_the_api(office):
    manager = client_for(office.manager)
    created = manager.post(
        "/api/appraisal-campaigns/", {"unit": "KPP-A", "year": 2026, "semester": 1}, format="json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["campaign_state"], body["label"], body["assigned"]) == ("draft", "2026-S1", 0)
    assert body["allowed"] == {"change": True, "launch": False, "remind": False, "close": False}
    pk = body["id"]
    again = manager.post(
        "/api/appraisal-campaigns/", {"unit": "KPP-A", "year": 2026, "semester": 1}, format="json"
    )
    assert again.status_code == 400 and "sudah ada" in json.dumps(again.json())
    no_360 = manager.post(
        "/api/appraisal-campaigns/", {"unit": "KPP-A", "year": 2027, "semester": 1}, format="json"
    )
    assert no_360.status_code == 400 and "plan_year" in no_360.json()
    outside = manager.post(
        "/api/appraisal-campaigns/", {"unit": "KPP-B", "year": 2026, "semester": 1}, format="json"
    )
    assert outside.status_code == 400 and "unit" in outside.json()
    assert not Campaign.objects.filter(unit=office.org.kpp_b).exists()

    early = manager.post(f"/api/appraisal-campaigns/{pk}/launch/")
    assert early.status_code == 400 and "Belum ada penilai" in json.dumps(early.json())
    generated = _ok(manager.post(f"/api/appraisal-campaigns/{pk}/generate/"))
    campaign = Campaign.objects.get(pk=pk)
    assert generated["count"] == campaign.assignments.count() > 0
    assert generated["campaign"]["assigned"] == generated["count"]
    # edit the raters while a draft: add an outsider, remove them again
    added = manager.post(
        f"/api/appraisal-campaigns/{pk}/add-rater/",
        {"employee": office.staff[0].nip, "rater": office.head.nip, "rater_group": "peer"},
        format="json",
    )
    assert added.status_code == 201, added.content
    assert (added.json()["rater"], added.json()["answered"]) == (office.head.nip, False)
    twice = manager.post(
        f"/api/appraisal-campaigns/{pk}/add-rater/",
        {"employee": office.staff[0].nip, "rater": office.head.nip, "rater_group": "peer"},
        format="json",
    )
    assert twice.status_code == 400 and "rater" in twice.json()
    self_rating = manager.post(
        f"/api/appraisal-campaigns/{pk}/add-rater/",
        {"employee": office.staff[0].nip, "rater": office.staff[0].nip, "rater_group": "self"},
        format="json",
    )
    assert self_rating.status_code == 400 and "rater_group" in self_rating.json()
    unknown = manager.post(
        f"/api/appraisal-campaigns/{pk}/add-rater/",
        {"employee": "999999999999999999", "rater": office.head.nip, "rater_group": "peer"},
        format="json",
    )
    assert unknown.status_code == 400 and set(unknown.json()) == {"employee"}
    removed = manager.post(
        f"/api/appraisal-campaigns/{pk}/remove-rater/", {"assignment": added.json()["id"]}, format="json"
    )
    assert removed.status_code == 204
    assert not campaign.assignments.filter(pk=added.json()["id"]).exists()

    leader = client_for(office.user(office.head))
    grant(office.user(office.head), office.org.kpp_a, Role.LEADER)
    leader = client_for(office.user(office.head))
    assert leader.get(f"/api/appraisal-campaigns/{pk}/").status_code == 200
    assert leader.post(f"/api/appraisal-campaigns/{pk}/launch/").status_code == 403
    assert Campaign.objects.get(pk=pk).state == CampaignState.DRAFT

    launched = _ok(manager.post(f"/api/appraisal-campaigns/{pk}/launch/"))
    assert launched["campaign"]["campaign_state"] == "open"
    after = manager.post(
        f"/api/appraisal-campaigns/{pk}/add-rater/",
        {"employee": office.staff[0].nip, "rater": office.head.nip, "rater_group": "peer"},
        format="json",
    )
    assert after.status_code == 400
    reminded = _ok(manager.post(f"/api/appraisal-campaigns/{pk}/remind/"))
    assert reminded["count"] >= 1 and "pengingat" in reminded["message"]
    closed = _ok(manager.post(f"/api/appraisal-campaigns/{pk}/close/"))
    assert closed["campaign"]["campaign_state"] == "closed" and closed["campaign"]["closed_at"]
    assert manager.post(f"/api/appraisal-campaigns/{pk}/close/").status_code == 400


# --------------------------------------------------------------------------- scores


def _record(office: Office360, employee, nkp: str, **fields) -> ScoreRecord:
    return ScoreRecord.objects.create(
        employee=employee,
        plan_year=fields.pop("plan_year", office.year),
        rule_set="kmk-467-2014",
        work=D(nkp),
        behaviour=D(nkp),
        nkp=D(nkp),
        predicate="baik",
        result={
            "nkp": float(nkp),
            "explanation": {"subject": "NKP", "result": nkp, "inputs": {}, "children": []},
        },
        **fields,
    )


def test_an_employee_sees_only_their_own_scores(office):
    people = [office.head, office.kasi_a, *office.staff]
    old = {p.pk: _record(office, p, "70") for p in people}
    current = {p.pk: _record(office, p, "85") for p in people}  # a recompute: the latest is current
    later = _record(office, office.staff[0], "90", plan_year=office.year_no_360)
    me = office.staff[0]
    client = client_for(office.user(me))
    assert _ids(client.get("/api/appraisal-scores/")) == {current[me.pk].pk, later.pk}
    assert _ids(client.get("/api/appraisal-scores/", {"year": 2026})) == {current[me.pk].pk}
    for other in office.staff[1:]:
        assert _ids(client.get("/api/appraisal-scores/", {"employee": other.nip})) == set()
        assert client.get(f"/api/appraisal-scores/{current[other.pk].pk}/").status_code == 404
    assert client.get(f"/api/appraisal-scores/{old[me.pk].pk}/").status_code == 404  # not current any more
    detail = _ok(client.get(f"/api/appraisal-scores/{current[me.pk].pk}/"))
    assert (detail["nkp"], detail["current_nkp"], detail["calibrated"]) == ("85.00", "85.00", False)
    assert detail["explanation"]["subject"] == "NKP" and "explanation" not in detail["result"]
    # the direct superior: themself and their subordinates; the manager: the whole unit
    superior = client_for(office.user(office.kasi_a))
    assert _ids(superior.get("/api/appraisal-scores/?year=2026")) == {
        current[p.pk].pk for p in (office.kasi_a, *office.staff)
    }
    manager = client_for(office.manager)
    assert _ids(manager.get("/api/appraisal-scores/?year=2026&page_size=100")) == {
        r.pk for r in current.values()
    }
    assert _ids(manager.get("/api/appraisal-scores/?year=2026&unit=SEKSI-A")) == {
        current[p.pk].pk for p in office.staff
    }


def test_an_input_error_naming_a_rater_does_not_name_them_to_the_person_rated(office):
    me = office.staff[0]
    nip = office.stranger_peer.nip
    message = f"employee {me.nip}: rater {nip}: leadership is rated for structural officials only"
    record = _record(
        office,
        me,
        "80",
        errors=[
            {"code": "leadership_not_structural", "message": message, "kpi": None, "field": "leadership"}
        ],
    )
    own = _ok(client_for(office.user(me)).get(f"/api/appraisal-scores/{record.pk}/"))
    assert nip not in json.dumps(own)
    assert (
        own["input_errors"][0]["message"]
        == f"employee {me.nip}: rater ***: leadership is rated for structural officials only"
    )
    listed = _ok(client_for(office.user(me)).get("/api/appraisal-scores/"))
    assert nip not in json.dumps(listed) and listed["count"] == 1
    # the unit's manager reads the error as the core gave it, to fix the input
    assert (
        _ok(client_for(office.manager).get(f"/api/appraisal-scores/{record.pk}/"))["input_errors"][0][
            "message"
        ]
        == message
    )


def test_scores_and_the_recap_carry_the_calibration(office):
    people = [office.head, office.kasi_a, office.kasi_b, *office.staff]
    records = {p.pk: _record(office, p, str(70 + i)) for i, p in enumerate(people)}
    session = CalibrationSession.objects.create(unit=office.org.kpp_a, plan_year=office.year)
    target = records[office.staff[0].pk]
    adjustment = CalibrationAdjustment.objects.create(
        session=session,
        employee=office.staff[0],
        record=target,
        original=target.nkp,
        adjusted=target.nkp + 2,
        reason="Kinerja luar biasa di triwulan akhir",
        by=office.manager,
    )
    me = client_for(office.user(office.staff[0]))
    mine = _ok(me.get(f"/api/appraisal-scores/{target.pk}/"))
    assert (mine["nkp"], mine["current_nkp"], mine["calibrated"]) == (
        f"{target.nkp:.2f}",
        f"{target.nkp + 2:.2f}",
        True,
    )
    # the employee reads no calibration session; the manager reads it with the original beside the new value
    assert me.get("/api/appraisal-calibrations/").status_code == 403
    assert me.get(f"/api/appraisal-calibrations/{session.pk}/").status_code == 404
    assert me.get(f"/api/appraisal-calibration-adjustments/{adjustment.pk}/").status_code == 404
    manager = client_for(office.manager)
    detail = _ok(manager.get(f"/api/appraisal-calibrations/{session.pk}/"))
    assert (detail["session_state"], detail["adjustments_count"]) == ("open", 1)
    (row,) = detail["adjustments"]
    assert (row["original"], row["adjusted"], row["delta"], row["by"]) == (
        f"{target.nkp:.2f}",
        f"{target.nkp + 2:.2f}",
        "2.00",
        office.manager.username,
    )
    assert _ids(manager.get("/api/appraisal-calibration-adjustments/", {"session": session.pk})) == {
        adjustment.pk
    }
    # the unit recap: every current score of the subtree in tree order, the NKP after calibration
    recap = _ok(manager.get("/api/appraisal-recaps/", {"unit": "KPP-A", "year": 2026}))
    assert recap["count"] == len(people)
    by_nip = {r["employee"]: r for r in recap["results"]}
    assert by_nip[office.staff[0].nip]["nkp"] == f"{target.nkp + 2:.2f}"
    assert by_nip[office.staff[0].nip]["original_nkp"] == f"{target.nkp:.2f}"
    assert by_nip[office.staff[0].nip]["calibrated"] is True
    assert by_nip[office.staff[1].nip]["calibrated"] is False
    assert {r["distribution"] for r in recap["results"]} <= {"best", "average", "below", None}
    paged = _ok(
        manager.get("/api/appraisal-recaps/", {"unit": office.org.section_a.pk, "year": 2026, "page_size": 2})
    )
    assert paged["count"] == len(office.staff) and len(paged["results"]) == 2
    # a subtree above KINERJA_STANDINGS_MAX_PEOPLE active people: a 400 naming the units below to ask for
    from django.conf import settings

    from kinerja.appraisals.inputs import subtree_employees

    limit = settings.KINERJA_STANDINGS_MAX_PEOPLE
    try:
        settings.KINERJA_STANDINGS_MAX_PEOPLE = subtree_employees(office.org.kpp_a).count() - 1
        refused = manager.get("/api/appraisal-recaps/", {"unit": "KPP-A", "year": 2026})
        assert refused.status_code == 400 and office.org.section_a.code in refused.json()["unit"][0]
    finally:
        settings.KINERJA_STANDINGS_MAX_PEOPLE = limit
    # readers only: a plain employee, an unknown year, a unit outside the reach
    assert me.get("/api/appraisal-recaps/", {"unit": "KPP-A", "year": 2026}).status_code == 404
    assert manager.get("/api/appraisal-recaps/", {"unit": "KPP-A", "year": 2031}).status_code == 404
    assert manager.get("/api/appraisal-recaps/", {"unit": "KPP-B", "year": 2026}).status_code == 404
    assert manager.get("/api/appraisal-recaps/", {"unit": "KPP-A"}).status_code == 400


def test_sentences_and_corrections_are_read_by_the_person_their_superior_and_the_unit(office):
    me, colleague = office.staff[0], office.staff[1]
    sentence = DisciplinarySentence.objects.create(
        employee=me, category="light", severity=D(10), start_year=2027, start_quarter=1, decree="KEP-1"
    )
    correction = Correction.objects.create(
        employee=me, plan_year=office.year_no_360, value=D("-2"), reason="Terlambat", by=office.manager
    )
    for user in (office.user(me), office.user(office.kasi_a), office.manager):
        client = client_for(user)
        (row,) = _ok(client.get("/api/appraisal-sentences/"))["results"]
        assert (row["id"], row["start"], row["decree"], row["employee"]) == (
            sentence.pk,
            "2027-Q1",
            "KEP-1",
            me.nip,
        )
        assert row["end"] is not None and row["penalty"] is not None
        assert _ok(client.get(f"/api/appraisal-sentences/{sentence.pk}/"))["id"] == sentence.pk
        (row,) = _ok(client.get("/api/appraisal-corrections/"))["results"]
        assert (row["id"], row["value"], row["year"]) == (correction.pk, "-2.00", 2027)
    other = client_for(office.user(colleague))
    assert _ids(other.get("/api/appraisal-sentences/")) == set()
    assert _ids(other.get("/api/appraisal-corrections/")) == set()
    assert other.get(f"/api/appraisal-sentences/{sentence.pk}/").status_code == 404
    assert other.get(f"/api/appraisal-corrections/{correction.pk}/").status_code == 404


# --------------------------------------------------------------------------- outside one's reach


def test_a_manager_of_another_unit_gets_404(office, make_user):
    campaign, rated = _hidden_raters(office)
    record = _record(office, rated, "80")
    session = CalibrationSession.objects.create(unit=office.org.kpp_a, plan_year=office.year)
    adjustment = CalibrationAdjustment.objects.create(
        session=session, employee=rated, record=record, original=D(80), adjusted=D(81), reason="x"
    )
    sentence = DisciplinarySentence.objects.create(
        employee=rated, category="light", severity=D(10), start_year=2027, start_quarter=1
    )
    other = client_for(make_user(office.org.kpp_b, Role.MANAGER))
    task = campaign.assignments.first()
    for url in (
        f"/api/appraisal-campaigns/{campaign.pk}/",
        f"/api/appraisal-campaigns/{campaign.pk}/raters/",
        f"/api/appraisal-assignments/{task.pk}/",
        f"/api/appraisal-scores/{record.pk}/",
        f"/api/appraisal-calibrations/{session.pk}/",
        f"/api/appraisal-calibration-adjustments/{adjustment.pk}/",
        f"/api/appraisal-sentences/{sentence.pk}/",
    ):
        assert other.get(url).status_code == 404, url
    assert other.get("/api/appraisal-recaps/", {"unit": "KPP-A", "year": 2026}).status_code == 404
    for step in ("generate", "launch", "remind", "close"):
        assert other.post(f"/api/appraisal-campaigns/{campaign.pk}/{step}/").status_code == 404
    assert other.post(f"/api/appraisal-assignments/{task.pk}/answer/", GOOD, format="json").status_code == 404
    for url in (
        "/api/appraisal-campaigns/",
        "/api/appraisal-scores/",
        "/api/appraisal-calibrations/",
        "/api/appraisal-calibration-adjustments/",
        "/api/appraisal-sentences/",
    ):
        assert _ids(other.get(url)) == set(), url
    assert Campaign.objects.get(pk=campaign.pk).state == CampaignState.OPEN


def test_anonymous_requests_are_refused(office):
    for url in ("/api/appraisal-campaigns/", "/api/appraisal-assignments/", "/api/appraisal-scores/"):
        assert APIClient().get(url).status_code in (401, 403)


# --------------------------------------------------------------------------- queries


def _grow(office: Office360, n: int, year) -> None:
    """n more executors in SEKSI-A, each with a score, a BerAKHLAK score, a sentence, a correction, an
    adjustment in KPP-A's calibration session, and a form in the open campaign rated by executor 1; and n more
    sections under KPP-A, each with a campaign (one rater) and a calibration session."""
    campaign = Campaign.objects.get(unit=office.org.kpp_a, plan_year=office.year, semester=1)
    session = CalibrationSession.objects.get(unit=office.org.kpp_a, plan_year=office.year)
    period = ReportingPeriod.objects.filter(plan_year=office.year_no_360, frequency="quarterly").first()
    for _ in range(n):
        section = make_unit(
            f"SEKSI-X{Unit.objects.count()}",
            parent=office.org.kpp_a,
            level=UnitLevel.FOUR,
            kind=UnitKind.SECTION,
            owns_map=False,
        )
        other = Campaign.objects.create(unit=section, plan_year=office.year, semester=1)
        RaterAssignment.objects.create(
            campaign=other, employee=office.staff[1], rater=office.staff[2], group="peer"
        )
        CalibrationSession.objects.create(unit=section, plan_year=office.year)
        person = EmployeeFactory(
            unit=office.org.section_a,
            position=PositionFactory(unit=office.org.section_a, superior=office.kasi_a.position),
            superior=office.kasi_a,
        )
        record = _record(office, person, "81")
        CalibrationAdjustment.objects.create(
            session=session, employee=person, record=record, original=D(81), adjusted=D(82), reason="x"
        )
        BehaviourScore.objects.create(
            employee=person, period=period, rater=office.kasi_a, group="superior", **CORE
        )
        DisciplinarySentence.objects.create(
            employee=person, category="light", severity=D(5), start_year=2027, start_quarter=2
        )
        Correction.objects.create(employee=person, plan_year=year, value=D(1), reason="x")
        RaterAssignment.objects.create(
            campaign=campaign, employee=person, rater=office.staff[0], group="peer"
        )


LISTS = (
    ("manager", "/api/appraisal-campaigns/"),
    ("manager", "/api/appraisal-campaigns/{campaign}/raters/"),
    ("rater", "/api/appraisal-assignments/"),
    ("manager", "/api/appraisal-scores/"),
    ("superior", "/api/appraisal-scores/"),
    ("manager", "/api/appraisal-behaviour-scores/"),
    ("manager", "/api/appraisal-sentences/"),
    ("manager", "/api/appraisal-corrections/"),
    ("manager", "/api/appraisal-calibrations/"),
    ("manager", "/api/appraisal-calibration-adjustments/"),
    ("manager", "/api/appraisal-recaps/?unit=KPP-A&year=2026"),
)


def sep(url: str) -> str:
    return "&" if "?" in url else "?"


def test_list_queries_do_not_grow_with_the_rows(office, django_assert_max_num_queries):
    _open(office)
    office.campaign(semester=2)
    CalibrationSession.objects.create(unit=office.org.kpp_a, plan_year=office.year)
    reporting.generate_periods(plan_year=office.year_no_360)
    clients = {
        "manager": client_for(office.manager),
        "rater": client_for(office.user(office.staff[0])),
        "superior": client_for(office.user(office.kasi_a)),
    }
    campaign = Campaign.objects.get(semester=1)
    urls = [(who, url.format(campaign=campaign.pk)) for who, url in LISTS]
    _grow(office, 2, office.year_no_360)
    counts = {}
    for who, url in urls:
        clients[who].get(url)  # warm the session and the role cache alike for both runs
        with CaptureQueriesContext(connection) as few:
            rows = _ok(clients[who].get(url + sep(url) + "page_size=100"))["count"]
        counts[url, who] = (len(few.captured_queries), rows)
    _grow(office, 12, office.year_no_360)
    for who, url in urls:
        small, rows_before = counts[url, who]
        with django_assert_max_num_queries(small, info=f"{who} {url}"):
            rows = _ok(clients[who].get(url + sep(url) + "page_size=100"))["count"]
        assert rows > rows_before, (url, who, rows)


# --------------------------------------------------------------------------- the committed schema


def _conforms(schema: Any, template: str, method: str, url: str, response: Any) -> None:
    """The response as the committed schema says for the operation (status, content type, body)."""
    import requests
    from schemathesis.core.transport import Response

    prepared = requests.Request(method, f"http://testserver{url}").prepare()
    answer = Response(
        status_code=response.status_code,
        headers={k.lower(): [v] for k, v in response.headers.items()},
        content=response.content,
        request=prepared,
        elapsed=0.0,
        verify=True,
    )
    schema[template][method].validate_response(answer)


def test_every_answer_with_data_is_as_the_committed_schema_says(office):
    from pathlib import Path

    import schemathesis

    import kinerja.api

    schema = schemathesis.openapi.from_path(Path(kinerja.api.__file__).resolve().parent / "schema.yml")
    campaign, rated = _hidden_raters(office)
    record = _record(office, rated, "80")
    session = CalibrationSession.objects.create(unit=office.org.kpp_a, plan_year=office.year)
    adjustment = CalibrationAdjustment.objects.create(
        session=session,
        employee=rated,
        record=record,
        original=D(80),
        adjusted=D(81),
        reason="x",
        by=office.manager,
    )
    reporting.generate_periods(plan_year=office.year_no_360)
    period = ReportingPeriod.objects.filter(plan_year=office.year_no_360, frequency="quarterly").first()
    score = BehaviourScore.objects.create(
        employee=rated, period=period, rater=office.kasi_a, group="superior", **CORE
    )
    sentence = DisciplinarySentence.objects.create(
        employee=rated, category="light", severity=D(10), start_year=2027, start_quarter=1
    )
    correction = Correction.objects.create(
        employee=rated, plan_year=office.year_no_360, value=D(1), reason="x"
    )
    task = campaign.assignments.get(rater=office.stranger_peer)
    reads = [
        ("manager", "/api/appraisal-campaigns/", "/api/appraisal-campaigns/"),
        ("manager", "/api/appraisal-campaigns/{id}/", f"/api/appraisal-campaigns/{campaign.pk}/"),
        (
            "manager",
            "/api/appraisal-campaigns/{id}/raters/",
            f"/api/appraisal-campaigns/{campaign.pk}/raters/",
        ),
        ("rater", "/api/appraisal-assignments/", "/api/appraisal-assignments/"),
        ("rater", "/api/appraisal-assignments/{id}/", f"/api/appraisal-assignments/{task.pk}/"),
        ("manager", "/api/appraisal-scores/", "/api/appraisal-scores/"),
        ("manager", "/api/appraisal-scores/{id}/", f"/api/appraisal-scores/{record.pk}/"),
        ("rated", "/api/appraisal-behaviour-scores/", "/api/appraisal-behaviour-scores/"),
        ("rated", "/api/appraisal-behaviour-scores/{id}/", f"/api/appraisal-behaviour-scores/{score.pk}/"),
        ("manager", "/api/appraisal-sentences/", "/api/appraisal-sentences/"),
        ("manager", "/api/appraisal-sentences/{id}/", f"/api/appraisal-sentences/{sentence.pk}/"),
        ("manager", "/api/appraisal-corrections/", "/api/appraisal-corrections/"),
        ("manager", "/api/appraisal-corrections/{id}/", f"/api/appraisal-corrections/{correction.pk}/"),
        ("manager", "/api/appraisal-calibrations/", "/api/appraisal-calibrations/"),
        ("manager", "/api/appraisal-calibrations/{id}/", f"/api/appraisal-calibrations/{session.pk}/"),
        ("manager", "/api/appraisal-calibration-adjustments/", "/api/appraisal-calibration-adjustments/"),
        (
            "manager",
            "/api/appraisal-calibration-adjustments/{id}/",
            f"/api/appraisal-calibration-adjustments/{adjustment.pk}/",
        ),
        ("manager", "/api/appraisal-recaps/", "/api/appraisal-recaps/?unit=KPP-A&year=2026"),
    ]
    clients = {
        "manager": client_for(office.manager),
        "rater": client_for(office.user(office.stranger_peer)),
        "rated": client_for(office.user(rated)),
    }
    for who, template, url in reads:
        response = clients[who].get(url)
        assert response.status_code == 200, (url, response.content[:300])
        body = response.json()
        assert body.get("count", 1) >= 1, url
        _conforms(schema, template, "GET", url, response)
    # the writes' answers: an answer saved, a refused one, a campaign created and stepped
    answered = clients["rater"].post(f"/api/appraisal-assignments/{task.pk}/answer/", GOOD, format="json")
    _conforms(
        schema,
        "/api/appraisal-assignments/{id}/answer/",
        "POST",
        f"/api/appraisal-assignments/{task.pk}/answer/",
        answered,
    )
    created = clients["manager"].post(
        "/api/appraisal-campaigns/", {"unit": "KPP-A", "year": 2026, "semester": 2}, format="json"
    )
    assert created.status_code == 201
    _conforms(schema, "/api/appraisal-campaigns/", "POST", "/api/appraisal-campaigns/", created)
    url = f"/api/appraisal-campaigns/{created.json()['id']}/generate/"
    _conforms(schema, "/api/appraisal-campaigns/{id}/generate/", "POST", url, clients["manager"].post(url))
    svc.close(campaign=campaign, by=office.manager)
    url = f"/api/appraisal-assignments/{task.pk}/answer/"
    refused = clients["rater"].post(url, GOOD, format="json")
    assert refused.status_code == 400
    _conforms(schema, "/api/appraisal-assignments/{id}/answer/", "POST", url, refused)
