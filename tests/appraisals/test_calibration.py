"""Calibration sessions (issue 13 item 7): opening once per map owner and year, adjusting within the rule set's
bound with a reason (the original kept, every version in the history with who), closing (refused while the
enforced predicate limits are breached, rule 26), a closed session staying closed; the pages, their reach and
their query counts."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kinerja.accounts.models import Role
from kinerja.appraisals import calibration, standing
from kinerja.appraisals.models import (
    CalibrationAdjustment,
    CalibrationSession,
    CalibrationState,
    ScoreRecord,
)
from kinerja.organisations.models import Employee, PositionType
from kinerja.planning.models import MapState, PlanYear
from kinerja.reporting.services import generate_periods
from kinerja.scoring import get_rule_set
from tests.appraisals.builders import nko
from tests.factories import EmployeeFactory, PositionFactory, UserFactory, grant
from tests.planning import builders as b

pytestmark = pytest.mark.django_db
D = Decimal


@dataclass
class Office:
    org: Any
    year: PlanYear
    head: Employee
    staff: list[Employee]
    outsider: Employee
    manager: Any
    leader: Any
    auditor: Any
    employee_user: Any
    other_manager: Any
    map: Any


def _record(employee: Employee, year: PlanYear, nkp: Any, predicate: str = "Baik", **kw: Any) -> ScoreRecord:
    return ScoreRecord.objects.create(
        employee=employee,
        plan_year=year,
        rule_set=year.rule_set,
        as_of=str(year.year),
        nkp=None if nkp is None else D(nkp),
        predicate=predicate,
        **kw,
    )


def _people(org: Any, n: int, superior: Employee, kind: str = PositionType.EXECUTOR) -> list[Employee]:
    return [
        EmployeeFactory(
            unit=org.section_a,
            position=PositionFactory(unit=org.section_a, type=kind),
            superior=superior,
        )
        for _ in range(n)
    ]


def build(org: Any, rule_set: str = "kmk-467-2014", staff: int = 4) -> Office:
    year = b.plan_year(2026, rule_set)
    strategy_map = b.bare_map(org.kpp_a, 2026, MapState.APPROVED)
    head = EmployeeFactory(
        unit=org.kpp_a,
        position=PositionFactory(unit=org.kpp_a, type=PositionType.STRUCTURAL, is_head=True, echelon=3),
    )
    people = _people(org, staff, head)
    outsider = EmployeeFactory(unit=org.kpp_b, position=PositionFactory(unit=org.kpp_b))
    users = {}
    for role in (Role.MANAGER, Role.LEADER, Role.AUDITOR, Role.EMPLOYEE):
        users[role] = UserFactory(username=f"cal-{role}")
        grant(users[role], org.kpp_a, role)
    users[Role.EMPLOYEE].employee = people[0]
    users[Role.EMPLOYEE].save()
    other = UserFactory(username="cal-other-manager")
    grant(other, org.kpp_b, Role.MANAGER)
    _record(head, year, "101.00")
    for i, person in enumerate(people):
        _record(person, year, D("90.00") + i)
    _record(outsider, year, "95.00")
    return Office(
        org,
        year,
        head,
        people,
        outsider,
        users[Role.MANAGER],
        users[Role.LEADER],
        users[Role.AUDITOR],
        users[Role.EMPLOYEE],
        other,
        strategy_map,
    )


@pytest.fixture
def office(org) -> Office:
    return build(org)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _snapshot() -> tuple[Any, ...]:
    """What a refused write must leave alone: sessions, adjustments and their histories."""
    return (
        list(CalibrationSession.objects.values_list("pk", "state", "closed_at")),
        list(
            CalibrationAdjustment.objects.values_list("pk", "employee_id", "original", "adjusted", "reason")
        ),
        CalibrationSession.history.count(),
        CalibrationAdjustment.history.count(),
    )


# --------------------------------------------------------------------------- opening


def test_the_unit_manager_or_leader_opens_one_session_per_map_owner_and_year(office):
    session = calibration.open_session(office.org.kpp_a, office.year, office.manager)
    assert session.state == CalibrationState.OPEN and session.opened_by == office.manager
    assert session.history.first().history_user == office.manager
    with pytest.raises(ValidationError) as exc:
        calibration.open_session(office.org.kpp_a, office.year, office.leader)
    assert exc.value.error_list[0].code == "calibration_exists"
    assert "KPP-A" in exc.value.messages[0] and "2026" in exc.value.messages[0]
    # a unit without a strategy map of the year holds no session
    with pytest.raises(ValidationError) as exc:
        calibration.open_session(office.org.section_a, office.year, office.manager)
    assert exc.value.error_list[0].code == "not_a_map_owner"
    assert "SEKSI-A" in exc.value.messages[0]
    assert CalibrationSession.objects.count() == 1


def test_the_leader_may_open_an_auditor_an_employee_or_another_unit_may_not(office):
    for user in (office.auditor, office.employee_user, office.other_manager):
        with pytest.raises(PermissionDenied):
            calibration.open_session(office.org.kpp_a, office.year, user)
    assert not CalibrationSession.objects.exists()
    assert calibration.open_session(office.org.kpp_a, office.year, office.leader).opened_by == office.leader


# --------------------------------------------------------------------------- adjusting


@pytest.fixture
def session(office) -> CalibrationSession:
    return calibration.open_session(office.org.kpp_a, office.year, office.manager)


def test_an_adjustment_of_exactly_the_bound_passes_beyond_it_is_refused(office, session):
    person = office.staff[2]  # NKP 92.00, the bound ±5 (appraisal.calibration_limit)
    assert calibration.limit_of(office.year) == D(5)
    up = calibration.adjust(session, person, D("97.00"), "Kinerja tim melampaui target.", office.manager)
    assert (up.original, up.adjusted, up.delta, up.record.nkp) == (D("92.00"), D("97.00"), D(5), D("92.00"))
    down = calibration.adjust(session, person, "87", "Dikoreksi dalam sidang.", office.leader)
    assert down.pk == up.pk and (down.original, down.adjusted) == (D("92.00"), D("87"))
    before = _snapshot()
    for value in ("97.01", "86.99", "120"):
        with pytest.raises(ValidationError) as exc:
            calibration.adjust(session, person, value, "Terlalu jauh.", office.manager)
        assert exc.value.error_dict["adjusted"][0].code == "beyond_limit"
        message = exc.value.message_dict["adjusted"][0]
        assert "±5" in message and "92,00" in message and "87,00" in message and "97,00" in message
    assert _snapshot() == before
    assert CalibrationAdjustment.objects.get().adjusted == D("87.00")


def test_the_standings_show_the_adjusted_score_beside_the_original(office, session):
    person = office.staff[0]
    calibration.adjust(session, person, "93.5", "Beban kerja tambahan.", office.manager)
    row = standing.standings(office.org.kpp_a, office.year).by_employee()[person.pk]
    assert (row.original, row.nkp, row.adjusted) == (D("90.00"), D("93.50"), True)


def test_a_reason_is_required(office, session):
    before = _snapshot()
    for reason in ("", "   ", None):
        with pytest.raises(ValidationError) as exc:
            calibration.adjust(session, office.staff[0], "91", reason, office.manager)  # type: ignore[arg-type]
        assert exc.value.error_dict["reason"][0].code == "reason_required"
        assert "Alasan penyesuaian wajib diisi" in exc.value.message_dict["reason"][0]
    assert _snapshot() == before


def test_the_value_is_a_number_of_two_decimals_and_never_below_zero(office, session):
    low = EmployeeFactory(unit=office.org.section_a, position=PositionFactory(unit=office.org.section_a))
    _record(low, office.year, "3.00")
    cases = (("abc", "not_a_number"), ("91.005", "too_precise"), ("-1", "below_zero"), ("90", "unchanged"))
    for value, code in cases:
        person = low if code == "below_zero" else office.staff[0]
        with pytest.raises(ValidationError) as exc:
            calibration.adjust(session, person, value, "Alasan.", office.manager)
        assert exc.value.error_dict["adjusted"][0].code == code
    assert calibration.adjust(session, low, "0", "Alasan.", office.manager).adjusted == D(0)
    assert calibration.adjust(
        session, office.staff[0], "90,25", "Koma desimal.", office.manager
    ).adjusted == D("90.25")


def test_a_person_outside_the_unit_or_without_an_nkp_is_refused(office, session):
    before = _snapshot()
    with pytest.raises(ValidationError) as exc:
        calibration.adjust(session, office.outsider, "96", "Bukan pegawai unit ini.", office.manager)
    assert exc.value.error_dict["employee"][0].code == "outside_unit"
    assert office.outsider.nip in exc.value.message_dict["employee"][0]
    unscored = EmployeeFactory(unit=office.org.section_a, position=PositionFactory(unit=office.org.section_a))
    _record(unscored, office.year, None)
    with pytest.raises(ValidationError) as exc:
        calibration.adjust(session, unscored, "96", "Belum dinilai.", office.manager)
    assert exc.value.error_dict["employee"][0].code == "no_score"
    assert _snapshot() == before


def test_the_original_is_the_current_record(office, session):
    person = office.staff[1]
    _record(person, office.year, "95.00")  # a recompute: the latest record is current
    found = calibration.adjust(session, person, "99", "Alasan.", office.manager)
    assert found.original == D("95.00") and found.record.nkp == D("95.00")


def test_a_person_is_adjusted_in_one_session_of_the_year(office, session):
    b.bare_map(office.org.kanwil, 2026, MapState.APPROVED)
    regional = UserFactory(username="cal-kanwil")
    grant(regional, office.org.kanwil, Role.MANAGER)
    above = calibration.open_session(office.org.kanwil, office.year, regional)
    calibration.adjust(session, office.staff[0], "92", "Di sidang KPP.", office.manager)
    with pytest.raises(ValidationError) as exc:
        calibration.adjust(above, office.staff[0], "93", "Di sidang kanwil.", regional)
    assert exc.value.error_dict["employee"][0].code == "adjusted_elsewhere"
    assert "KPP-A" in exc.value.message_dict["employee"][0]


def test_the_history_keeps_every_version_with_who(office, session):
    person = office.staff[0]
    calibration.adjust(session, person, "92", "Pertama.", office.manager)
    calibration.adjust(session, person, "93", "Kedua.", office.leader)
    versions = list(CalibrationAdjustment.history.order_by("history_date", "history_id"))
    assert [(v.history_type, v.adjusted, v.reason, v.history_user) for v in versions] == [
        ("+", D("92.00"), "Pertama.", office.manager),
        ("~", D("93.00"), "Kedua.", office.leader),
    ]
    row = CalibrationAdjustment.objects.get()
    assert row.by == office.leader and row.original == D("90.00")
    calibration.remove_adjustment(row, office.manager)
    assert not CalibrationAdjustment.objects.exists()
    last = CalibrationAdjustment.history.order_by("-history_date", "-history_id").first()
    assert (last.history_type, last.history_user) == ("-", office.manager)


def test_who_may_adjust(office, session):
    for user in (office.auditor, office.employee_user, office.other_manager):
        with pytest.raises(PermissionDenied):
            calibration.adjust(session, office.staff[0], "92", "Alasan.", user)
    assert not CalibrationAdjustment.objects.exists()


# --------------------------------------------------------------------------- closing


def test_a_closed_session_refuses_adjustments_removal_and_reopening(office, session):
    kept = calibration.adjust(session, office.staff[0], "92", "Alasan.", office.manager)
    calibration.close_session(session, office.leader)
    session.refresh_from_db()
    assert session.state == CalibrationState.CLOSED and session.closed_by == office.leader
    assert session.closed_at is not None
    assert session.history.first().history_user == office.leader
    before = _snapshot()
    with pytest.raises(ValidationError) as exc:
        calibration.adjust(session, office.staff[1], "92", "Terlambat.", office.manager)
    assert exc.value.error_list[0].code == "calibration_closed"
    assert "ditutup" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        calibration.remove_adjustment(kept, office.manager)
    with pytest.raises(ValidationError) as exc:
        calibration.open_session(office.org.kpp_a, office.year, office.manager)
    assert "tidak dapat dibuka kembali" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        calibration.close_session(session, office.manager)
    assert _snapshot() == before


def _enforced(monkeypatch: Any, enforced: bool = True) -> None:
    """The 2026 rules with the predicate limits enforced, as a rule set may say (rule 26)."""
    real = get_rule_set

    def patched(code: Any = None) -> Any:
        rules = real(code)
        flag = dataclasses.replace(rules.appraisal.predicate_limits_enforced, value=enforced)
        return dataclasses.replace(
            rules, appraisal=dataclasses.replace(rules.appraisal, predicate_limits_enforced=flag)
        )

    monkeypatch.setattr(standing, "get_rule_set", patched)


@pytest.fixture
def breached(org) -> Office:
    """A 2026 office whose map has NKO 104 (Istimewa: at most 70% Sangat Baik) and five Sangat Baik people."""
    found = build(org, "kmk-127-2026")
    ScoreRecord.objects.filter(plan_year=found.year).update(predicate="Sangat Baik")
    generate_periods(plan_year=found.year)
    nko(SimpleNamespace(map=found.map), 104)  # the builder reads only `.map`
    return found


def test_closing_is_refused_while_enforced_predicate_limits_are_breached(breached, monkeypatch):
    _enforced(monkeypatch)
    session = calibration.open_session(breached.org.kpp_a, breached.year, breached.manager)
    calibration.adjust(session, breached.staff[0], "92", "Alasan.", breached.manager)
    found = standing.standings(breached.org.kpp_a, breached.year)
    assert found.enforced and found.breaches
    before = _snapshot()
    with pytest.raises(ValidationError) as exc:
        calibration.close_session(session, breached.manager)
    message = exc.value.messages[0]
    assert "aturan 26" in message and "KPP-A" in message and "Sangat Baik 5 dari 5 orang" in message
    assert "paling banyak 3 orang" in message
    session.refresh_from_db()
    assert session.state == CalibrationState.OPEN and session.closed_at is None
    assert _snapshot() == before
    # the page says why the session cannot close, and offers no working button
    page = _client(breached.manager).get(reverse("appraisals:calibration", args=[session.pk]))
    assert page.status_code == 200 and page.context["breaches"] and not page.context["allowed"]["close"]
    assert "Sangat Baik 5 dari 5 orang" in page.content.decode()


def test_without_enforcement_a_breach_is_a_warning_and_the_session_closes(breached, monkeypatch):
    _enforced(monkeypatch, False)
    session = calibration.open_session(breached.org.kpp_a, breached.year, breached.manager)
    page = _client(breached.manager).get(reverse("appraisals:calibration", args=[session.pk]))
    assert page.context["breaches"] and page.context["allowed"]["close"]
    assert "Peringatan" in page.content.decode()
    calibration.close_session(session, breached.manager)
    assert CalibrationSession.objects.get().state == CalibrationState.CLOSED


# --------------------------------------------------------------------------- pages


def test_the_session_page_shows_the_ranking_original_beside_adjusted_who_and_why(office, session):
    calibration.adjust(session, office.staff[3], "89.50", "Keterlambatan laporan berulang.", office.manager)
    page = _client(office.auditor).get(reverse("appraisals:calibration", args=[session.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "93,00" in html and "89,50" in html and "Keterlambatan laporan berulang." in html
    assert office.manager.username in html or office.manager.get_full_name() in html
    assert page.context["form"] is None  # an auditor reads, never adjusts
    ranked = [line.standing.employee.pk for g in page.context["groups"] for line in g.lines]
    staff_order = [
        p.pk
        for p in sorted(
            office.staff,
            key=lambda p: -standing.standings(office.org.kpp_a, office.year).by_employee()[p.pk].nkp,
        )
    ]
    assert [pk for pk in ranked if pk in staff_order] == staff_order


def test_adjusting_through_the_page(office, session):
    client = _client(office.manager)
    url = reverse("appraisals:calibration-adjust", args=[session.pk])
    person = office.staff[0]
    answer = client.post(url, {"employee": person.nip, "adjusted": "94,5", "reason": ""})
    assert answer.status_code == 400 and "Alasan penyesuaian wajib diisi" in answer.content.decode()
    answer = client.post(url, {"employee": person.nip, "adjusted": "96", "reason": "Jauh."})
    assert answer.status_code == 400 and "±5" in answer.content.decode()
    answer = client.post(url, {"employee": office.outsider.nip, "adjusted": "96", "reason": "Luar."})
    assert answer.status_code == 400 and "tidak ada di unit KPP-A" in answer.content.decode()
    assert not CalibrationAdjustment.objects.exists()
    answer = client.post(url, {"employee": person.nip, "adjusted": "94,5", "reason": "Tugas tambahan."})
    assert answer.status_code == 302
    found = CalibrationAdjustment.objects.get()
    assert (found.employee, found.adjusted, found.by) == (person, D("94.50"), office.manager)
    again = client.get(reverse("appraisals:calibration", args=[session.pk]) + f"?pegawai={person.nip}")
    assert again.context["form"].initial == {
        "employee": person.nip,
        "adjusted": "94,50",
        "reason": "Tugas tambahan.",
    }
    assert again.context["target"].employee == person and again.context["target_high"] == D("95.00")
    remove = client.post(reverse("appraisals:calibration-remove", args=[session.pk]), {"pegawai": person.pk})
    assert remove.status_code == 302 and not CalibrationAdjustment.objects.exists()
    close = client.post(reverse("appraisals:calibration-close", args=[session.pk]))
    assert close.status_code == 302
    assert CalibrationSession.objects.get().state == CalibrationState.CLOSED
    answer = client.post(url, {"employee": person.nip, "adjusted": "94", "reason": "Sesudah ditutup."})
    assert answer.status_code == 400 and not CalibrationAdjustment.objects.exists()


def test_the_pages_answer_only_within_reach(office, session):
    urls = [
        reverse("appraisals:calibration", args=[session.pk]),
        reverse("appraisals:calibrations", args=[office.org.kpp_a.pk, 2026]),
    ]
    for url in urls:
        assert _client(office.manager).get(url).status_code == 200
        assert _client(office.employee_user).get(url).status_code == 404
        assert _client(office.other_manager).get(url).status_code == 404
    adjust = reverse("appraisals:calibration-adjust", args=[session.pk])
    body = {"employee": office.staff[0].nip, "adjusted": "92", "reason": "Alasan."}
    assert _client(office.auditor).post(adjust, body).status_code == 403
    assert _client(office.employee_user).post(adjust, body).status_code == 404
    assert _client(office.other_manager).post(adjust, body).status_code == 404
    close = reverse("appraisals:calibration-close", args=[session.pk])
    assert _client(office.auditor).post(close).status_code == 403
    assert not CalibrationAdjustment.objects.exists()
    assert CalibrationSession.objects.get().state == CalibrationState.OPEN


def test_opening_through_the_list_page(office):
    client = _client(office.leader)
    url = reverse("appraisals:calibrations", args=[office.org.kpp_a.pk, 2026])
    page = client.get(url)
    assert [r.may_open for r in page.context["rows"]] == [True]
    assert (
        _client(office.auditor)
        .post(reverse("appraisals:calibration-open", args=[office.org.kpp_a.pk, 2026]))
        .status_code
        == 403
    )
    answer = client.post(reverse("appraisals:calibration-open", args=[office.org.kpp_a.pk, 2026]))
    found = CalibrationSession.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse(
        "appraisals:calibration", args=[found.pk]
    )
    again = client.post(reverse("appraisals:calibration-open", args=[office.org.kpp_a.pk, 2026]), follow=True)
    assert "sudah dibuka" in again.content.decode() and CalibrationSession.objects.count() == 1


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_session_page_reads_a_bounded_number_of_queries(office, session):
    client = _client(office.manager)
    url = reverse("appraisals:calibration", args=[session.pk])
    calibration.adjust(session, office.staff[0], "92", "Alasan.", office.manager)
    small = _queries(client, url)
    # many more people, groups, superiors and adjustments: the same number of queries
    for n in range(6):
        chief = EmployeeFactory(
            unit=office.org.section_a, position=PositionFactory(unit=office.org.section_a)
        )
        _record(chief, office.year, "95")
        for i, person in enumerate(
            _people(office.org, 12, chief, PositionType.FUNCTIONAL if n % 2 else PositionType.EXECUTOR)
        ):
            _record(person, office.year, D(80) + i)
            if i < 2:
                calibration.adjust(session, person, D(81) + i, f"Alasan {n}-{i}.", office.manager)
    large = _queries(client, url)
    assert large == small, (small, large)
    assert small <= 20
    assert _queries(client, url + "?page=2") == small
