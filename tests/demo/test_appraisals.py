"""The appraisals demo (issue 13): BerAKHLAK scores for TW I–III by the direct superior, one sentence, one
correction, and a score record for everyone with a signed contract; the logins see it; a rerun adds nothing.

Like `test_contracts.py`, the tests share ONE build of the whole demo (`demo_ministry`), each in its own
savepoint.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from kinerja.appraisals.models import (
    CORE_VALUE_FIELDS,
    BehaviourScore,
    BehaviourSetting,
    CalibrationSession,
    Correction,
    DisciplinarySentence,
    ScoreRecord,
)
from kinerja.appraisals.standing import standings
from kinerja.contracts.models import Contract, ContractState
from kinerja.demo import appraisals as demo_appraisals
from kinerja.demo import build
from kinerja.demo import organisation as org
from kinerja.organisations.models import Employee, Unit
from kinerja.reporting.models import PeriodState, ReportingPeriod

pytestmark = pytest.mark.django_db

YEAR = demo_appraisals.DEMO_YEAR


@pytest.fixture
def ministry(demo_ministry: str, db: None) -> str:
    return demo_ministry


def _demo_employees() -> list[Employee]:
    return list(Employee.objects.filter(nip__in=[p.nip for p in org.people()], is_active=True))


def _login_employee(username: str) -> Employee:
    user = get_user_model().objects.get(username=username)
    return Employee.objects.get(pk=user.employee_id)


def test_the_steps_sit_around_reporting() -> None:
    keys = [step.key for step in build.STEPS]
    assert keys.index("contracts") < keys.index("appraisals") < keys.index("reporting")
    assert keys.index("reporting") < keys.index("appraisal-scores")
    # after the 2026 steps: the dialogues (issue 14, they read the 2026 scores), the year before, 2025
    # (`kinerja.demo.appraisals2014`), DJBC's 2025 through the historical import, the endorsements, the 2026 evaluation, the monthly reports, and the notifications last
    assert keys[keys.index("appraisal-scores") + 1 :] == [
        "meetings",
        "year-2025",
        "appraisal-360-2025",
        "history",
        "endorsement",
        "evaluation",
        "reports",
        "notifications",
    ]


def test_every_employee_with_a_signed_contract_has_a_score_record(ministry: str) -> None:
    signed = set(
        Contract.objects.filter(plan_year__year=YEAR, state=ContractState.SIGNED).values_list(
            "employee_id", flat=True
        )
    )
    assert len(signed) > 150
    scored = set(ScoreRecord.objects.filter(plan_year__year=YEAR).values_list("employee_id", flat=True))
    assert signed <= scored
    records = list(ScoreRecord.objects.filter(plan_year__year=YEAR, nkp__isnull=False))
    assert len(records) > 100
    assert all(Decimal(75) <= r.nkp <= Decimal(115) for r in records)  # type: ignore[operator]
    assert all(r.work is not None and r.behaviour is not None and r.predicate for r in records)
    predicates = Counter(r.predicate for r in records)
    assert predicates["Baik"] + predicates["Sangat Baik"] > 0.8 * len(records)


def test_behaviour_scores_for_tw_i_to_iii_by_the_direct_superior(ministry: str) -> None:
    periods = list(ReportingPeriod.objects.filter(plan_year__year=YEAR, frequency="quarterly", number__lte=3))
    assert len(periods) == 3 and all(p.state == PeriodState.CLOSED for p in periods)
    people = [e for e in _demo_employees() if e.superior_id is not None]
    scores = list(BehaviourScore.objects.filter(period__in=periods, employee__in=people, group="superior"))
    assert len(scores) == 3 * len(people)
    assert {(s.employee_id, s.period_id) for s in scores} == {(e.pk, p.pk) for e in people for p in periods}
    superior = {e.pk: e.superior_id for e in people}
    assert all(s.rater_id == superior[s.employee_id] for s in scores)
    assert not BehaviourScore.objects.filter(period__plan_year__year=YEAR, period__number=4).exists()
    means = [sum((getattr(s, f) for f in CORE_VALUE_FIELDS), Decimal(0)) / 7 for s in scores]
    assert all(Decimal(80) <= m <= Decimal(118) for m in means)
    assert sum(m >= 100 for m in means) > 0.8 * len(means)
    assert any(m < 100 for m in means)
    # a superior with a demo login gave the scores as that login
    kasi = _login_employee("kasi.pelayanan.kpp.malang")
    given = BehaviourScore.objects.filter(rater=kasi).select_related("created_by")
    assert given.exists() and {s.created_by.username for s in given if s.created_by} == {
        "kasi.pelayanan.kpp.malang"
    }


def test_peers_score_each_other_in_the_service_section(ministry: str) -> None:
    setting = BehaviourSetting.objects.select_related("unit", "by").get()
    assert setting.unit.code == demo_appraisals.PEER_UNIT and setting.peers
    assert setting.by is not None and setting.by.username == demo_appraisals.PEER_SWITCHED_BY
    peers = list(BehaviourScore.objects.filter(group="peer").select_related("employee", "rater"))
    assert peers
    for score in peers:  # colleagues under the same superior, never oneself
        assert score.rater_id != score.employee_id
        assert score.rater.superior_id == score.employee.superior_id
        assert score.employee.unit_id == setting.unit_id


def test_a_closed_calibration_session_with_two_adjustments(ministry: str) -> None:
    session = CalibrationSession.objects.select_related("unit", "closed_by").get()
    assert session.unit.code == demo_appraisals.CALIBRATION_UNIT and session.state == "closed"
    assert session.closed_by is not None and session.closed_by.username == demo_appraisals.CALIBRATION_BY
    adjustments = list(session.adjustments.select_related("by", "record"))
    assert len(adjustments) == 2
    for adjustment in adjustments:
        assert adjustment.reason and adjustment.by == session.closed_by
        assert adjustment.original == adjustment.record.nkp
        assert 0 < abs(adjustment.delta) <= 5
    # the standings carry the calibrated value, the original beside it
    ranked = standings(session.unit, session.plan_year).by_employee()
    for adjustment in adjustments:
        row = ranked[adjustment.employee_id]
        assert (row.original, row.nkp) == (adjustment.original, adjustment.adjusted)


def test_one_sentence_and_one_correction(ministry: str) -> None:
    sentence = DisciplinarySentence.objects.select_related("employee__position", "created_by").get()
    assert sentence.category == DisciplinarySentence.Category.LIGHT
    assert sentence.start_year == YEAR and sentence.decree
    assert not sentence.employee.position.is_head  # type: ignore[union-attr]
    assert sentence.created_by is not None and sentence.created_by.username == "pengelola.kppbc.perak"
    correction = Correction.objects.select_related("by").get()
    assert correction.value == Decimal(2) and correction.reason
    assert correction.by is not None and correction.by.username == "pimpinan.kpp.malang"
    record = ScoreRecord.objects.filter(employee=correction.employee, plan_year__year=YEAR).latest("pk")
    assert record.nkp is not None


def test_the_logins_see_it(ministry: str) -> None:
    client = Client()
    client.login(username="pegawai.kpp.malang", password=org.DEMO_PASSWORD)
    page = client.get(reverse("appraisals:index"))
    assert page.status_code == 200 and page.context["record"] is not None
    assert page.context["record"].nkp is not None

    client.login(username="kasi.pelayanan.kpp.malang", password=org.DEMO_PASSWORD)
    page = client.get(reverse("appraisals:team", args=[YEAR]))
    assert page.status_code == 200
    kasi = _login_employee("kasi.pelayanan.kpp.malang")
    team = Employee.objects.filter(superior=kasi)
    assert team.exists()
    body = page.content.decode()
    assert all(e.name in body for e in team)

    client.login(username="pimpinan.kpp.malang", password=org.DEMO_PASSWORD)
    office = Unit.objects.get(code="DJP-KPP-MADYA-MALANG")
    page = client.get(reverse("appraisals:unit", args=[office.pk, YEAR]))
    assert page.status_code == 200
    assert _login_employee("pegawai.kpp.malang").name in page.content.decode()


def test_running_the_demo_again_adds_nothing(ministry: str) -> None:
    counts = (
        ScoreRecord.objects.count(),
        BehaviourScore.objects.count(),
        DisciplinarySentence.objects.count(),
        Correction.objects.count(),
    )
    call_command("demo", stdout=StringIO())
    assert (
        ScoreRecord.objects.count(),
        BehaviourScore.objects.count(),
        DisciplinarySentence.objects.count(),
        Correction.objects.count(),
    ) == counts
