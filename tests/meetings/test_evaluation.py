"""The yearly evaluation of performance management (issue 14 item 7): the arithmetic, the questionnaires as
data, the round and the state machine, validation naming the field, and who may do what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kinerja.meetings import evaluation as ev
from kinerja.meetings.evaluation_models import (
    CriterionAnswer,
    EvaluationState,
    Questionnaire,
    QuestionnaireKind,
    RoundState,
    ScoreBand,
    SurveyResponse,
    UnitEvaluation,
)
from tests.meetings import evaluation_builders as eb

D = Decimal
pytestmark = pytest.mark.django_db


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


# --------------------------------------------------------------------------- the arithmetic


def test_weighted_total_weights_aspects_and_criteria():
    # aspect A 60 %: criteria weighted 3:1 → (3×100 + 1×60)/4 = 90 → 54; aspect B 40 %: 50 → 20
    total = ev.weighted_total(
        [
            (D(60), [(D(3), D(100)), (D(1), D(60))]),
            (D(40), [(D(1), D(50))]),
        ]
    )
    assert total == D("74.00")


def test_weighted_total_all_full_marks_is_100_and_unscored_counts_zero():
    assert ev.weighted_total([(D(25), [(D(1), D(100))]), (D(75), [(D(2), D(100)), (D(1), D(100))])]) == D(100)
    assert ev.weighted_total([(D(50), [(D(1), D(100)), (D(1), None)]), (D(50), [(D(1), D(80))])]) == D(65)


def test_weighted_total_rounds_half_up():
    assert ev.weighted_total([(D(100), [(D(1), D(100)), (D(1), D(100)), (D(1), D("0.01"))])]) == D("66.67")


def _bands():
    return [
        ScoreBand(minimum=D(0), label="Perlu perbaikan mendesak", tone="red"),
        ScoreBand(minimum=D(16), label="Cukup", tone="yellow"),
        ScoreBand(minimum=D(25), label="Sangat baik", tone="green"),
    ]


@pytest.mark.parametrize(
    ("total", "label"),
    [
        (8, "Perlu perbaikan mendesak"),
        (15, "Perlu perbaikan mendesak"),
        (16, "Cukup"),
        (24, "Cukup"),
        (25, "Sangat baik"),
        (32, "Sangat baik"),
    ],
)
def test_readiness_bands_at_their_edges(total, label):
    band = ev.band_for(total, _bands())
    assert band is not None and band.label == label


def test_readiness_band_none_without_total():
    assert ev.band_for(None, _bands()) is None


def test_survey_summary_weighs_each_respondent_once():
    summary = ev.survey_summary([{1: 6, 2: 4}, {1: 5, 2: 5}, {1: 3, 2: 3}])
    assert summary.respondents == 3
    assert summary.average == D("4.33")  # (5 + 5 + 3) / 3
    assert summary.per_item == {1: D("4.67"), 2: D("4.00")}
    assert ev.survey_summary([]).average is None


# --------------------------------------------------------------------------- questionnaires as data


def test_default_questionnaires_are_made_once_per_year_and_copied_to_the_next(org):
    found = ev.prepare_questionnaires(year=2026, by=None)
    sa = found[QuestionnaireKind.SELF_ASSESSMENT]
    assert sum(a.weight for a in sa.aspects.all()) == 100
    assert {a.name for a in sa.aspects.all()} >= {"Perencanaan kinerja", "Pemanfaatan hasil"}
    readiness = found[QuestionnaireKind.READINESS]
    assert readiness.items.count() == 8 and (readiness.scale_min, readiness.scale_max) == (1, 4)
    assert [b.minimum for b in readiness.bands.order_by("minimum")] == [0, 16, 25]
    assert found[QuestionnaireKind.SFO].scale_max == 6
    assert ev.prepare_questionnaires(year=2026, by=None) == found  # nothing new
    # a manager edits 2026's readiness bands; 2027 starts from the edited copy
    band = readiness.bands.get(minimum=16)
    band.label = "Memadai"
    band.save()
    nxt = ev.prepare_questionnaires(year=2027, by=None)[QuestionnaireKind.READINESS]
    assert nxt.pk != readiness.pk and nxt.bands.get(minimum=16).label == "Memadai"


def _inputs(q: Questionnaire):
    aspects = [ev.AspectInput(a.code, a.name, a.weight, pk=a.pk) for a in q.aspects.all()]
    items = [
        ev.ItemInput(i.code, i.text, i.weight, i.guide, i.aspect.code if i.aspect else "", pk=i.pk)
        for i in q.items.select_related("aspect")
    ]
    bands = [ev.BandInput(b.minimum, b.label, b.meaning, b.tone, pk=b.pk) for b in q.bands.all()]
    header = {
        "title": q.title,
        "scale_min": q.scale_min,
        "scale_max": q.scale_max,
        "scale_labels": q.scale_labels,
    }
    return header, aspects, items, bands


def test_a_manager_edits_weights_and_they_must_sum_to_100(org, make_user):
    q = ev.prepare_questionnaires(year=2026, by=None)[QuestionnaireKind.SELF_ASSESSMENT]
    ministry_manager = make_user(org.ministry, "manager")
    header, aspects, items, _bands = _inputs(q)
    aspects[0].weight = D(30)  # 105 in all
    with pytest.raises(ValidationError) as exc:
        ev.update_questionnaire(
            questionnaire=q, header=header, aspects=aspects, items=items, by=ministry_manager
        )
    assert "105" in " ".join(_errors(exc)["aspects"])
    aspects[1].weight = D(20)  # back to 100
    items[0].text = "Peta strategi ditetapkan dan diselaraskan."
    ev.update_questionnaire(questionnaire=q, header=header, aspects=aspects, items=items, by=ministry_manager)
    assert q.items.get(pk=items[0].pk).text == "Peta strategi ditetapkan dan diselaraskan."
    assert q.aspects.get(code="A").history.count() == 2  # history kept
    # a unit's manager may not edit the ministry's questionnaires
    with pytest.raises(PermissionDenied):
        ev.update_questionnaire(
            questionnaire=q, header=header, aspects=aspects, items=items, by=make_user(org.kpp_a, "manager")
        )


def test_readiness_thresholds_are_data(org):
    q = ev.prepare_questionnaires(year=2026, by=None)[QuestionnaireKind.READINESS]
    header, aspects, items, bands = _inputs(q)
    bands[1].minimum = D(18)
    ev.update_questionnaire(
        questionnaire=q, header=header, aspects=aspects, items=items, bands=bands, by=None
    )
    assert ev.band_for(17, list(q.bands.all())).label == "Perlu perbaikan mendesak"
    assert ev.band_for(18, list(q.bands.all())).label == "Cukup"


def test_a_questionnaire_in_use_is_locked_and_changes_go_to_a_new_version(org):
    round_ = eb.open_round(org.kanwil, [org.kpp_a])
    q = round_.self_assessment
    assert q.locked
    header, aspects, items, _bands = _inputs(q)
    with pytest.raises(ValidationError) as exc:
        ev.update_questionnaire(questionnaire=q, header=header, aspects=aspects, items=items, by=None)
    assert exc.value.code == "questionnaire_locked"
    copy = ev.new_version(questionnaire=q, by=None)
    assert (copy.year, copy.version, copy.locked) == (2026, 2, False)
    assert copy.items.count() == q.items.count()
    # a round opened later the same year takes the newest version
    later = eb.open_round(org.djbc, [org.djbc])
    assert later.self_assessment_id == copy.pk


# --------------------------------------------------------------------------- the round


def test_open_round_validates_the_window_naming_the_field(org):
    def attempt(opens, closes):
        with pytest.raises(ValidationError) as exc:
            ev.open_round(
                unit=org.kanwil, year=2026, opens_on=opens, closes_on=closes, units=[org.kpp_a], by=None
            )
        return _errors(exc)

    assert "opens_on" in attempt(dt.date(2026, 3, 31), dt.date(2026, 6, 30))  # Q1
    assert "closes_on" in attempt(dt.date(2026, 4, 1), dt.date(2026, 10, 1))  # Q4
    assert "closes_on" in attempt(dt.date(2026, 6, 1), dt.date(2026, 5, 1))  # before the start
    assert "opens_on" in attempt(dt.date(2025, 5, 1), dt.date(2026, 6, 1))  # another year
    assert "opens_on" in attempt(None, dt.date(2026, 6, 1))
    assert not UnitEvaluation.objects.exists() and not Questionnaire.objects.exists()  # nothing half-saved
    # the edges of Q2–Q3 are fine
    ev.open_round(
        unit=org.kanwil,
        year=2026,
        opens_on=dt.date(2026, 4, 1),
        closes_on=dt.date(2026, 9, 30),
        units=[org.kpp_a],
        by=None,
    )


def test_open_round_units_must_be_in_reach_and_evaluated_once_a_year(org, make_user):
    manager = make_user(org.kanwil, "manager")
    with pytest.raises(ValidationError) as exc:
        eb.open_round(org.kanwil, [org.djbc], by=manager)
    assert "DJBC" in _errors(exc)["units"][0]
    with pytest.raises(ValidationError) as exc:
        eb.open_round(org.kanwil, [], by=manager)
    assert "units" in _errors(exc)
    eb.open_round(org.kanwil, [org.kpp_a], by=manager)
    with pytest.raises(ValidationError) as exc:
        eb.open_round(org.kanwil, [org.kpp_b], by=manager)
    assert "year" in _errors(exc)
    with pytest.raises(ValidationError) as exc:
        eb.open_round(org.djp, [org.kpp_a], by=make_user(org.djp, "manager"))
    assert "KPP-A" in _errors(exc)["units"][0]
    with pytest.raises(PermissionDenied):
        eb.open_round(org.kanwil, [org.kpp_b], year=2027, by=make_user(org.kanwil, "leader"))


def test_default_units_are_the_map_owners_in_reach(org, make_user):
    manager = make_user(org.kanwil, "manager")
    assert [u.code for u in ev.default_units(manager, org.kanwil)] == ["KANWIL", "KPP-A", "KPP-B"]
    assert [u.code for u in ev.default_units(manager, org.ministry)] == ["KANWIL", "KPP-A", "KPP-B"]


# --------------------------------------------------------------------------- a unit's evaluation


def test_state_machine_draft_submitted_reviewed_then_read_only(org, make_user):
    kpp_manager = make_user(org.kpp_a, "manager")
    reviewer = make_user(org.kanwil, "manager")
    round_ = eb.open_round(org.kanwil, [org.kpp_a], by=reviewer)
    evaluation = round_.evaluations.get()
    assert evaluation.state == EvaluationState.DRAFT
    with pytest.raises(ValidationError) as exc:
        ev.submit(evaluation=evaluation, by=kpp_manager)
    assert "A1" in exc.value.messages[0] and exc.value.code == "incomplete"
    eb.answer_all(evaluation, by=kpp_manager)
    evaluation = ev.submit(evaluation=evaluation, by=kpp_manager)
    assert evaluation.state == EvaluationState.SUBMITTED
    assert evaluation.readiness_total == 24
    with pytest.raises(ValidationError):  # answers are frozen once submitted
        eb.answer_all(evaluation, by=kpp_manager)
    # returned with a reason, answered again, resubmitted
    with pytest.raises(ValidationError) as exc:
        ev.return_evaluation(evaluation=evaluation, reason=" ", by=reviewer)
    assert "reason" in _errors(exc)
    ev.return_evaluation(evaluation=evaluation, reason="Data dukung A2 tidak terbaca.", by=reviewer)
    evaluation.refresh_from_db()
    assert evaluation.state == EvaluationState.DRAFT
    ev.submit(evaluation=evaluation, by=kpp_manager)
    scores = {i.pk: D(100) for i in round_.self_assessment.items.all()}
    evaluation = ev.review(
        evaluation=evaluation, scores=scores, findings="Baik.", recommendations="Pertahankan.", by=reviewer
    )
    assert evaluation.state == EvaluationState.REVIEWED and evaluation.total_score == D(100)
    for attempt in (
        lambda: eb.answer_all(evaluation, by=kpp_manager),
        lambda: ev.submit(evaluation=evaluation, by=kpp_manager),
        lambda: ev.review(
            evaluation=evaluation, scores=scores, findings="x", recommendations="y", by=reviewer
        ),
        lambda: ev.return_evaluation(evaluation=evaluation, reason="x", by=reviewer),
    ):
        with pytest.raises(ValidationError) as exc:
            attempt()
        assert exc.value.code == "wrong_state"
    assert evaluation.history.filter(state=EvaluationState.SUBMITTED).count() == 2  # the history is kept


def test_review_computes_the_weighted_total_and_names_missing_fields(org, make_user):
    reviewer = make_user(org.kanwil, "manager")
    round_ = eb.open_round(org.kanwil, [org.kpp_a], by=reviewer)
    evaluation = eb.submitted(round_.evaluations.get())
    items = list(round_.self_assessment.items.select_related("aspect"))
    with pytest.raises(ValidationError) as exc:
        ev.review(
            evaluation=evaluation,
            scores={items[0].pk: D(101)},
            findings="",
            recommendations="ada",
            by=reviewer,
        )
    errors = _errors(exc)
    assert f"review_score_{items[0].pk}" in errors and "100" in errors[f"review_score_{items[0].pk}"][0]
    assert f"review_score_{items[1].pk}" in errors and "findings" in errors
    assert not CriterionAnswer.objects.filter(review_score__isnull=False).exists()
    # aspect A (25 %) all 100, the rest 60 → 25 + 75 × 0.6 = 70
    scores = {i.pk: D(100) if i.aspect.code == "A" else D(60) for i in items}
    evaluation = ev.review(
        evaluation=evaluation, scores=scores, findings="f", recommendations="r", by=reviewer
    )
    assert evaluation.total_score == D("70.00")
    # inside aspect A the weights count: A1 (40) at 0, A2 and A3 at 100 → A = 60 → 15 + 45 = 60
    round2 = eb.open_round(org.djp, [org.djp], by=None)
    ev2 = eb.submitted(round2.evaluations.get())
    scores = {i.pk: (D(0) if i.code == "A1" else D(100) if i.aspect.code == "A" else D(60)) for i in items}
    items2 = {i.code: i.pk for i in round2.self_assessment.items.all()}
    by_code = {i.code: scores[i.pk] for i in items}
    ev2 = ev.review(
        evaluation=ev2,
        scores={items2[c]: v for c, v in by_code.items()},
        findings="f",
        recommendations="r",
        by=None,
    )
    assert ev2.total_score == D("60.00")


def test_the_submitter_may_not_review_their_own_evaluation(org, make_user):
    djp_manager = make_user(org.djp, "manager")  # reaches KPP-A (answers) and stands above it (reviews)
    round_ = eb.open_round(org.kanwil, [org.kpp_a], by=djp_manager)
    evaluation = round_.evaluations.get()
    eb.answer_all(evaluation, by=djp_manager)
    ev.submit(evaluation=evaluation, by=djp_manager)
    scores = {i.pk: D(80) for i in round_.self_assessment.items.all()}
    with pytest.raises(PermissionDenied):
        ev.review(evaluation=evaluation, scores=scores, findings="f", recommendations="r", by=djp_manager)


def test_only_a_manager_above_reviews(org, make_user):
    round_ = eb.open_round(org.kanwil, [org.kpp_a, org.kanwil])
    kpp = eb.submitted(round_.evaluations.get(unit=org.kpp_a))
    kanwil = eb.submitted(round_.evaluations.get(unit=org.kanwil))
    scores = {i.pk: D(80) for i in round_.self_assessment.items.all()}
    kanwil_manager = make_user(org.kanwil, "manager")
    with pytest.raises(PermissionDenied):  # the Kanwil's own manager does not review the Kanwil
        ev.review(evaluation=kanwil, scores=scores, findings="f", recommendations="r", by=kanwil_manager)
    with pytest.raises(PermissionDenied):
        ev.review(
            evaluation=kpp,
            scores=scores,
            findings="f",
            recommendations="r",
            by=make_user(org.kpp_a, "manager"),
        )
    with pytest.raises(PermissionDenied):
        ev.review(
            evaluation=kpp,
            scores=scores,
            findings="f",
            recommendations="r",
            by=make_user(org.kanwil, "leader"),
        )
    ev.review(evaluation=kpp, scores=scores, findings="f", recommendations="r", by=kanwil_manager)
    ev.review(
        evaluation=kanwil, scores=scores, findings="f", recommendations="r", by=make_user(org.djp, "manager")
    )


def test_answers_validate_naming_the_field_and_keep_evidence(org, make_user):
    manager = make_user(org.kpp_a, "manager")
    round_ = eb.open_round(org.kanwil, [org.kpp_a])
    evaluation = round_.evaluations.get()
    item = round_.self_assessment.items.first()
    statement = round_.readiness.items.first()
    with pytest.raises(ValidationError) as exc:
        ev.save_answers(
            evaluation=evaluation,
            answers={item.pk: ev.AnswerInput(explanation="x", self_score=D(120))},
            readiness={statement.pk: 5},
            by=manager,
        )
    errors = _errors(exc)
    assert set(errors) == {f"self_score_{item.pk}", f"readiness_{statement.pk}"}
    assert "4" in errors[f"readiness_{statement.pk}"][0]
    assert not CriterionAnswer.objects.exists()  # nothing half-saved
    bad = SimpleUploadedFile("bukti.pdf", b"MZ\x90\x00 program", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        ev.save_answers(evaluation=evaluation, answers={item.pk: ev.AnswerInput("x", D(50), bad)}, by=manager)
    assert f"evidence_{item.pk}" in _errors(exc)
    good = SimpleUploadedFile("notula-dko.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    ev.save_answers(
        evaluation=evaluation,
        answers={item.pk: ev.AnswerInput("Notula DKO terlampir.", D(75), good)},
        by=manager,
    )
    answer = CriterionAnswer.objects.get()
    assert answer.evidence_name == "notula-dko.pdf" and answer.evidence.name.startswith("evaluation/")
    assert answer.self_score == D(75)
    with pytest.raises(PermissionDenied):
        ev.save_answers(evaluation=evaluation, answers={}, by=make_user(org.kpp_a, "employee"))
    with pytest.raises(PermissionDenied):
        ev.save_answers(evaluation=evaluation, answers={}, by=make_user(org.kpp_b, "manager"))


# --------------------------------------------------------------------------- the SFO survey


def test_sfo_survey_once_per_unit_manager_aggregated(org, make_user):
    round_ = eb.open_round(org.kanwil, [org.kpp_a])
    evaluation = round_.evaluations.get()
    items = list(round_.survey.items.all())
    first, second = make_user(org.kpp_a, "manager"), make_user(org.kpp_a, "manager")
    ev.respond_survey(evaluation=evaluation, values={i.pk: 6 for i in items}, by=first)
    ev.respond_survey(
        evaluation=evaluation, values={i.pk: (4 if n % 2 else 5) for n, i in enumerate(items)}, by=second
    )
    with pytest.raises(ValidationError) as exc:
        ev.respond_survey(evaluation=evaluation, values={i.pk: 1 for i in items}, by=first)
    assert exc.value.code == "already_answered"
    with pytest.raises(ValidationError) as exc:
        ev.respond_survey(evaluation=evaluation, values={items[0].pk: 7}, by=make_user(org.kpp_a, "manager"))
    errors = _errors(exc)
    assert f"sfo_{items[0].pk}" in errors and f"sfo_{items[1].pk}" in errors
    # not the unit's own managers: the Kanwil's manager above, a section's below, a leader, another office's
    for outsider in (
        make_user(org.kanwil, "manager"),
        make_user(org.section_a, "manager"),
        make_user(org.kpp_a, "leader"),
        make_user(org.kpp_b, "manager"),
    ):
        with pytest.raises(PermissionDenied):
            ev.respond_survey(evaluation=evaluation, values={i.pk: 5 for i in items}, by=outsider)
    view = ev.evaluation_view(evaluation)
    assert view.survey.respondents == 2 and view.survey.average == D("5.25")  # (6 + 4.5) / 2
    row = ev.ranking(round_)[0]
    assert row.respondents == 2 and row.sfo_average == D("5.25")
    # closed with the round
    ev.close_round(round_=round_, by=None)
    with pytest.raises(ValidationError) as exc:
        ev.respond_survey(
            evaluation=evaluation, values={i.pk: 5 for i in items}, by=make_user(org.kpp_a, "manager")
        )
    assert exc.value.code == "round_closed"
    assert SurveyResponse.objects.count() == 2


def test_a_closed_round_is_read_only(org, make_user):
    manager = make_user(org.kanwil, "manager")
    round_ = eb.open_round(org.kanwil, [org.kpp_a, org.kpp_b], by=manager)
    draft = round_.evaluations.get(unit=org.kpp_a)
    submitted = eb.submitted(round_.evaluations.get(unit=org.kpp_b))
    round_ = ev.close_round(round_=round_, by=manager)
    assert round_.state == RoundState.CLOSED and round_.closed_at is not None
    for attempt in (
        lambda: eb.answer_all(draft, by=manager),
        lambda: ev.submit(evaluation=draft, by=manager),
        lambda: ev.review(evaluation=submitted, scores={}, findings="f", recommendations="r", by=None),
        lambda: ev.add_units(round_=round_, units=[org.kanwil], by=manager),
        lambda: ev.close_round(round_=round_, by=manager),
        lambda: ev.update_window(
            round_=round_, opens_on=dt.date(2026, 5, 1), closes_on=dt.date(2026, 6, 1), by=manager
        ),
    ):
        with pytest.raises(ValidationError) as exc:
            attempt()
        assert exc.value.code == "round_closed"


def test_ranking_orders_reviewed_units_by_score(org):
    round_ = eb.open_round(org.kanwil, [org.kanwil, org.kpp_a, org.kpp_b])
    eb.reviewed(round_.evaluations.get(unit=org.kpp_a), score=70)
    eb.reviewed(round_.evaluations.get(unit=org.kpp_b), score=95)
    rows = ev.ranking(round_)
    assert [(r.evaluation.unit.code, r.rank) for r in rows] == [("KPP-B", 1), ("KPP-A", 2), ("KANWIL", None)]
    assert rows[0].band is not None and rows[0].band.label == "Cukup"  # 8 × 3 = 24
