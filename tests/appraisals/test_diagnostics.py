"""Leniency and bias diagnostics (issue 13 item 6; `scoring.md` §6): per rater and per unit the count, mean,
spread and share of top-band scores with the scoring core's flag; a rater who gave only top-band scores flagged;
self against others; the superior against peers; the page's reach (never a plain employee) and its queries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kinerja.accounts.models import Role
from kinerja.appraisals.diagnostics import diagnostics
from kinerja.appraisals.models import BehaviourScore, Campaign, RaterAssignment, RaterGroup
from kinerja.organisations.models import UnitKind, UnitLevel
from kinerja.reporting.models import ReportingPeriod
from kinerja.reporting.services import generate_periods
from tests.appraisals.campaign_builders import Office360, build_office
from tests.factories import EmployeeFactory, PositionFactory, UserFactory, grant, make_unit

pytestmark = pytest.mark.django_db
D = Decimal
ASPECTS = ("service_orientation", "integrity", "commitment", "discipline", "cooperation")


@pytest.fixture
def office(org, make_user) -> Office360:
    return build_office(org, make_user)


def _answer(
    campaign: Campaign, employee: Any, rater: Any, group: str, *scores: Any, submitted: bool = True
) -> None:
    values = dict(zip(ASPECTS, (D(s) for s in scores), strict=True))
    RaterAssignment.objects.create(
        campaign=campaign,
        employee=employee,
        rater=rater,
        group=group,
        submitted_at=timezone.now() if submitted else None,
        **values,
    )


def lenient_campaign(office: Office360) -> Campaign:
    """Semester 1 of KPP-A: the first head of section gives his five executors 95–100 on every aspect (lenient);
    the executors rate each other as peers with a spread; each rates themself 98 (the last one 50); an unanswered
    form of 100s."""
    campaign = office.campaign(allow_self=True, state="closed")
    staff = office.staff
    for i, person in enumerate(staff):
        _answer(campaign, person, office.kasi_a, RaterGroup.SUPERIOR, 95, 96, 97, 100, 99 - i)
        peer = staff[(i + 1) % len(staff)]
        _answer(campaign, person, peer, RaterGroup.PEER, 60, 70, 80, 90, 75)
        mine = 50 if person == staff[-1] else 98
        _answer(campaign, person, person, RaterGroup.SELF, mine, mine, mine, mine, mine)
    _answer(campaign, staff[0], office.head, RaterGroup.SUPERIOR, 100, 100, 100, 100, 100, submitted=False)
    return campaign


def test_a_rater_who_gave_only_top_band_scores_is_flagged(office):
    lenient_campaign(office)
    found = diagnostics(office.org.kpp_a, office.year)
    assert found.is_360 and found.scale == D(100) and found.high == D(91)
    by_rater = {r.rater_id: r for r in found.raters}
    kasi = by_rater[office.kasi_a.pk]
    assert kasi.all_top and kasi.stats.flagged
    assert (kasi.stats.count, kasi.stats.share_high) == (25, D(100))
    assert kasi.stats.mean == D(97)  # ((95 + 96 + 97 + 100) × 5 + 99 + 98 + 97 + 96 + 95) / 25
    assert found.raters[0].rater_id == office.kasi_a.pk  # the flagged come first
    # a peer's spread scores: not flagged; the unanswered form of the head counts nowhere
    peer = by_rater[office.staff[1].pk]
    assert not peer.all_top and not peer.stats.flagged
    assert office.head.pk not in by_rater
    assert [r.rater_id for r in found.all_top_raters] == [office.kasi_a.pk]


def test_self_against_others_and_superior_against_peers(office):
    lenient_campaign(office)
    found = diagnostics(office.org.kpp_a, office.year)
    s = found.self_vs_others
    assert s is not None and s.people == 5 and s.higher == 4  # the last one rated themself below the others
    assert s.own.mean == D("88.4")  # (98 × 20 + 50 × 5) / 25
    assert s.others is not None and s.others.count == 50  # superior and peer, 5 × 5 aspects × 5 people
    assert s.others.mean == D(86) and s.difference == D("2.4")  # others: (97 × 25 + 75 × 25) / 50
    groups = {g.group: g for g in found.groups}
    assert [g.group for g in found.groups] == ["superior", "peer", "self"]
    assert groups["superior"].stats.mean == D(97) and groups["peer"].stats.mean == D(75)
    assert groups["superior"].stats.flagged and not groups["peer"].stats.flagged
    # per unit of the people rated: all five sit in SEKSI-A
    assert [u.unit.code for u in found.units] == ["SEKSI-A"] and found.units[0].stats.count == 75


def test_under_the_2026_rules_the_core_values_are_read(office):
    generate_periods(plan_year=office.year_no_360)
    period = ReportingPeriod.objects.get(plan_year=office.year_no_360, frequency="quarterly", number=2)
    values = dict(service=112, accountable=115, competent=110, harmonious=118, loyal=120, adaptive=111)
    for person in office.staff:
        BehaviourScore.objects.create(
            employee=person, period=period, rater=office.kasi_a, group="superior", collaborative=113, **values
        )
    BehaviourScore.objects.create(
        employee=office.kasi_a,
        period=period,
        rater=office.head,
        group="superior",
        **{k: 100 for k in values},
        collaborative=90,
    )
    found = diagnostics(office.org.kpp_a, office.year_no_360)
    assert not found.is_360 and found.scale == D(120) and found.high == D(110)
    by_rater = {r.rater_id: r for r in found.raters}
    assert by_rater[office.kasi_a.pk].all_top and by_rater[office.kasi_a.pk].stats.count == 35
    assert not by_rater[office.head.pk].all_top and not by_rater[office.head.pk].stats.flagged
    # nothing from the 360° year leaks in, and nothing from another unit
    assert diagnostics(office.org.kpp_b, office.year_no_360).overall is None


def test_scores_with_cents_are_counted_as_they_are(office):
    """The scores are read as whole hundredths (made by the database, on SQLite from a float): 0.29, 95.55 and
    100 come back as themselves, and the figures are those of the scoring core on the scores as given."""
    from kinerja.scoring import leniency

    campaign = office.campaign(allow_self=True, state="closed")
    given = [("0.29", "95.55", "100", "33.33", "66.67"), ("99.99", "0.01", "45.5", "12.34", "87.65")]
    for person, scores in zip(office.staff, given, strict=False):
        _answer(campaign, person, office.kasi_a, RaterGroup.SUPERIOR, *scores)
    found = diagnostics(office.org.kpp_a, office.year)
    kasi = {r.rater_id: r for r in found.raters}[office.kasi_a.pk]
    expected = leniency({"kasi": [D(v) for scores in given for v in scores]}, found.rules)["kasi"]
    assert (kasi.stats.count, kasi.stats.mean, kasi.stats.share_high) == (
        10,
        expected.mean,
        expected.share_high,
    )
    assert abs(kasi.stats.spread - expected.spread) < D("1e-20")


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_names_raters_only_for_managers_leaders_auditors_and_administrators(office, make_user):
    lenient_campaign(office)
    url = reverse("appraisals:diagnostics", args=[office.org.kpp_a.pk, office.year.year])
    for role in (Role.LEADER, Role.AUDITOR):
        page = _client(make_user(office.org.kpp_a, role)).get(url)
        assert page.status_code == 200 and office.kasi_a.name in page.content.decode()
    page = _client(office.manager).get(url + "?ditandai=1")
    html = page.content.decode()
    assert page.status_code == 200 and office.kasi_a.name in html and "semua tinggi" in html
    assert [r.rater_id for r in page.context["page"].object_list] == [office.kasi_a.pk]
    # the person rated (a plain employee) and a manager of another unit: the page does not exist
    assert _client(office.user(office.staff[0])).get(url).status_code == 404
    assert _client(office.user(office.kasi_a)).get(url).status_code == 404
    assert _client(make_user(office.org.kpp_b, Role.MANAGER)).get(url).status_code == 404
    assert _client(office.manager).post(url).status_code == 405


def test_the_page_reads_a_bounded_number_of_queries(office):
    campaign = lenient_campaign(office)
    client = _client(office.manager)
    url = reverse("appraisals:diagnostics", args=[office.org.kpp_a.pk, office.year.year])

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    small = count()
    # sixty-four more raters in eight more units: the same number of queries, the raters paginated
    for n in range(8):
        unit = make_unit(
            f"SUB-{n}",
            parent=office.org.section_a,
            level=UnitLevel.FOUR,
            kind=UnitKind.SECTION,
            owns_map=False,
        )
        for _ in range(8):
            person = EmployeeFactory(unit=unit, position=PositionFactory(unit=unit))
            rater = EmployeeFactory(unit=unit, position=PositionFactory(unit=unit))
            _answer(campaign, person, rater, RaterGroup.PEER, 91, 92, 93, 94, 95)
    large = count()
    assert large == small and small <= 15, (small, large)
    page = client.get(url)
    assert len(page.context["page"].object_list) == 50 and page.context["page"].paginator.count == 70


def test_the_session_page_summarises_the_flags(office):
    """The calibration page of the 360° year shows the leniency summary and links to the diagnostics."""
    from kinerja.appraisals import calibration
    from tests.planning import builders as b

    lenient_campaign(office)
    b.bare_map(office.org.kpp_a, 2026, "approved")
    leader = UserFactory(username="diag-leader")
    grant(leader, office.org.kpp_a, Role.LEADER)
    session = calibration.open_session(office.org.kpp_a, office.year, leader)
    page = _client(leader).get(reverse("appraisals:calibration", args=[session.pk]))
    assert page.status_code == 200
    d = page.context["diagnostics"]
    assert [r.rater_id for r in d.all_top_raters] == [office.kasi_a.pk]
    assert reverse("appraisals:diagnostics", args=[office.org.kpp_a.pk, 2026]) in page.content.decode()
