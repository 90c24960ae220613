"""The evaluation API: questionnaires read, rounds opened and closed, unit evaluations with their scores,
submitted and reviewed; refusals name the field; nothing outside the user's reach exists for them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kinerja.meetings.evaluation_models import EvaluationRound, EvaluationState, RoundState
from tests.meetings import evaluation_builders as eb

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(org):
    return eb.open_round(org.kanwil, [org.kpp_a, org.kpp_b])


def test_questionnaires_read(api_as, org, round_):
    api = api_as(org.kpp_a, "leader")
    listed = api.get("/api/evaluation-questionnaires/", {"year": 2026})
    assert listed.status_code == 200 and listed.json()["count"] == 3
    detail = api.get(f"/api/evaluation-questionnaires/{round_.readiness_id}/").json()
    assert len(detail["items"]) == 8 and [b["minimum"] for b in detail["bands"]] == ["0.00", "16.00", "25.00"]
    assert api.post("/api/evaluation-questionnaires/", {}).status_code in (403, 405)
    assert api_as(org.kpp_a, "employee").get("/api/evaluation-questionnaires/").status_code == 403


def test_open_and_close_a_round(api_as, org):
    api = api_as(org.kanwil, "manager")
    body = {
        "unit": "KANWIL",
        "year": 2026,
        "opens_on": "2026-03-01",
        "closes_on": "2026-06-30",
        "units": ["KPP-A"],
    }
    answer = api.post("/api/evaluation-rounds/", body, format="json")
    assert answer.status_code == 400 and "opens_on" in answer.json()
    answer = api.post("/api/evaluation-rounds/", dict(body, units=["DJBC"]), format="json")
    assert answer.status_code == 400 and "DJBC" in answer.json()["units"][0]
    answer = api.post("/api/evaluation-rounds/", dict(body, opens_on="2026-04-06"), format="json")
    assert answer.status_code == 201, answer.json()
    data = answer.json()
    assert data["units"] == 1 and data["state"] == "open" and data["reviewed"] == 0
    closed = api.post(f"/api/evaluation-rounds/{data['id']}/close/")
    assert closed.status_code == 200 and closed.json()["state"] == RoundState.CLOSED
    again = api.post(f"/api/evaluation-rounds/{data['id']}/close/")
    assert again.status_code == 400
    # the default units: the map owners in reach
    other = api_as(org.djp, "manager")
    made = other.post(
        "/api/evaluation-rounds/",
        {"unit": "DJP", "year": 2027, "opens_on": "2027-04-01", "closes_on": "2027-09-30"},
        format="json",
    )
    assert made.status_code == 201 and made.json()["units"] == 4  # DJP, KANWIL, KPP-A, KPP-B
    assert (
        api_as(org.kanwil, "leader").post("/api/evaluation-rounds/", body, format="json").status_code == 400
    )
    assert EvaluationRound.objects.count() == 2


def test_unit_evaluations_list_scores_and_scope(api_as, org, round_, make_user):
    eb.reviewed(round_.evaluations.get(unit=org.kpp_b), score=90)
    api = api_as(org.kanwil, "auditor")
    rows = api.get("/api/unit-evaluations/", {"round": round_.pk}).json()["results"]
    assert [(r["unit"], r["state"], r["total_score"]) for r in rows] == [
        ("KPP-A", "draft", None),
        ("KPP-B", "reviewed", "90.00"),
    ]
    assert rows[1]["readiness_total"] == 24 and rows[1]["readiness_band"] == "Cukup"
    detail = api.get(f"/api/unit-evaluations/{rows[1]['id']}/").json()
    assert len(detail["criteria"]) == 12 and detail["criteria"][0]["review_score"] == "90.00"
    assert detail["findings"] == "Manual IKU belum lengkap."
    own = api_as(org.kpp_a, "manager")
    assert [r["unit"] for r in own.get("/api/unit-evaluations/").json()["results"]] == ["KPP-A"]
    assert own.get(f"/api/unit-evaluations/{rows[1]['id']}/").status_code == 404


def test_submit_and_review_through_the_api(api_as, org, round_):
    evaluation = round_.evaluations.get(unit=org.kpp_a)
    unit_api = api_as(org.kpp_a, "manager")
    incomplete = unit_api.post(f"/api/unit-evaluations/{evaluation.pk}/submit/")
    assert incomplete.status_code == 400 and "A1" in str(incomplete.json())
    eb.answer_all(evaluation)
    assert unit_api.post(f"/api/unit-evaluations/{evaluation.pk}/submit/").json()["state"] == "submitted"
    scores = {i.code: "75" for i in round_.self_assessment.items.all()}
    assert (
        unit_api.post(
            f"/api/unit-evaluations/{evaluation.pk}/review/",
            {"scores": scores, "findings": "f", "recommendations": "r"},
            format="json",
        ).status_code
        == 403
    )
    reviewer = api_as(org.kanwil, "manager")
    bad = reviewer.post(
        f"/api/unit-evaluations/{evaluation.pk}/review/",
        {"scores": dict(scores, A1="120"), "findings": "", "recommendations": "r"},
        format="json",
    )
    assert bad.status_code == 400 and "scores.A1" in bad.json() and "findings" in bad.json()
    done = reviewer.post(
        f"/api/unit-evaluations/{evaluation.pk}/review/",
        {"scores": scores, "findings": "Temuan.", "recommendations": "Rekomendasi."},
        format="json",
    )
    assert done.status_code == 200 and done.json()["total_score"] == "75.00"
    evaluation.refresh_from_db()
    assert evaluation.state == EvaluationState.REVIEWED and evaluation.total_score == D(75)
    assert reviewer.post(f"/api/unit-evaluations/{evaluation.pk}/return/", {"reason": "x"}).status_code == 400
