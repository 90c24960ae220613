"""Builders for the evaluation tests: an open round on the test tree, answered evaluations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from kinerja.meetings import evaluation as ev
from kinerja.meetings.evaluation_models import EvaluationRound, UnitEvaluation

D = Decimal


def open_round(organiser: Any, units: list[Any], *, year: int = 2026, by: Any = None) -> EvaluationRound:
    return ev.open_round(
        unit=organiser,
        year=year,
        opens_on=dt.date(year, 4, 15),
        closes_on=dt.date(year, 8, 31),
        units=units,
        by=by,
    )


def answer_all(
    evaluation: UnitEvaluation, *, self_score: int = 80, readiness: int = 3, by: Any = None
) -> None:
    round_ = evaluation.round
    answers = {
        item.pk: ev.AnswerInput(explanation=f"Pelaksanaan {item.code} di unit.", self_score=D(self_score))
        for item in round_.self_assessment.items.all()
    }
    scores = {item.pk: readiness for item in round_.readiness.items.all()}
    ev.save_answers(evaluation=evaluation, answers=answers, readiness=scores, by=by)


def submitted(evaluation: UnitEvaluation, *, by: Any = None) -> UnitEvaluation:
    answer_all(evaluation, by=by)
    return ev.submit(evaluation=evaluation, by=by)


def reviewed(evaluation: UnitEvaluation, *, score: int = 90, by: Any = None) -> UnitEvaluation:
    evaluation = submitted(evaluation)
    scores = {item.pk: D(score) for item in evaluation.round.self_assessment.items.all()}
    return ev.review(
        evaluation=evaluation,
        scores=scores,
        findings="Manual IKU belum lengkap.",
        recommendations="Lengkapi manual IKU.",
        by=by,
    )
