"""The 360° assessment (issue 13 item 3; `scoring.md` §6, `domain.md` rule 25): campaigns, raters, answers,
reminders, and the anonymity of peer and subordinate answers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from kinerja.appraisals import campaigns as svc
from kinerja.appraisals.models import Campaign, CampaignState, RaterAssignment, RaterGroup
from tests.appraisals.campaign_builders import Office360, build_office

pytestmark = pytest.mark.django_db
D = Decimal
GOOD = {"service_orientation": 80, "integrity": 90, "commitment": 85, "discipline": 70, "cooperation": 88}


@pytest.fixture
def office(org, make_user) -> Office360:
    return build_office(org, make_user)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pairs(campaign: Campaign) -> set[tuple[int, int, str]]:
    return set(campaign.assignments.values_list("employee_id", "rater_id", "group"))


def _open(office: Office360, **fields) -> Campaign:
    campaign = office.campaign(**fields)
    svc.generate_raters(campaign, office.manager)
    return svc.launch(campaign=campaign, by=office.manager)


def _task(campaign: Campaign, employee, group: str) -> RaterAssignment:
    return campaign.assignments.filter(employee=employee, group=group).select_related(
        "campaign", "employee__position"
    )[0]


# --------------------------------------------------------------------------- creating a campaign


def test_manager_creates_a_campaign_once_per_unit_year_and_semester(office):
    campaign = svc.create_campaign(
        unit=office.org.kpp_a, plan_year=office.year, semester=1, by=office.manager
    )
    assert campaign.state == CampaignState.DRAFT and not campaign.allow_self
    with pytest.raises(ValidationError) as exc:
        svc.create_campaign(unit=office.org.kpp_a, plan_year=office.year, semester=1, by=office.manager)
    assert exc.value.error_list[0].code == "campaign_exists"
    svc.create_campaign(unit=office.org.kpp_a, plan_year=office.year, semester=2, by=office.manager)


def test_a_campaign_needs_a_rule_set_with_the_360_method(office):
    with pytest.raises(ValidationError) as exc:
        svc.create_campaign(
            unit=office.org.kpp_a, plan_year=office.year_no_360, semester=1, by=office.manager
        )
    assert exc.value.error_dict["plan_year"][0].code == "no_360_method"


def test_only_the_units_manager_creates_a_campaign(office):
    with pytest.raises(PermissionDenied):
        svc.create_campaign(
            unit=office.org.kpp_a, plan_year=office.year, semester=1, by=office.user(office.head)
        )
    with pytest.raises(PermissionDenied):
        svc.create_campaign(unit=office.org.kpp_b, plan_year=office.year, semester=1, by=office.manager)


# --------------------------------------------------------------------------- generating the raters


def test_generation_draws_superior_peers_and_subordinates_without_self(office):
    campaign = office.campaign()
    added = svc.generate_raters(campaign, office.manager)
    pairs = _pairs(campaign)
    assert added == len(pairs)
    head, ka, kb, staff = office.head, office.kasi_a, office.kasi_b, office.staff
    # the head: no superior, no peer at the same level, rated by the two heads of section
    assert {(r, g) for e, r, g in pairs if e == head.pk} == {(ka.pk, "subordinate"), (kb.pk, "subordinate")}
    # a head of section: the head, the other head of section (peer), and their own staff
    expected = {(head.pk, "superior"), (kb.pk, "peer")} | {(s.pk, "subordinate") for s in staff}
    assert {(r, g) for e, r, g in pairs if e == ka.pk} == expected
    assert {(r, g) for e, r, g in pairs if e == kb.pk} == {(head.pk, "superior"), (ka.pk, "peer")}
    for person in staff:
        mine = [(r, g) for e, r, g in pairs if e == person.pk]
        assert (ka.pk, "superior") in mine
        peers = [r for r, g in mine if g == "peer"]
        assert len(peers) == svc.DEFAULT_PEER_CAP and person.pk not in peers
        assert set(peers) <= {s.pk for s in staff}
        assert not [g for _, g in mine if g == "subordinate"]
    assert not [p for p in pairs if p[2] == "self"]
    # the outsiders are no part of it
    outsiders = {office.stranger_peer.pk, office.stranger_sub.pk}
    assert not [p for p in pairs if p[0] in outsiders or p[1] in outsiders]


def test_generation_is_deterministic_and_keeps_what_is_there(office):
    first = office.campaign()
    svc.generate_raters(first, office.manager)
    again = svc.generate_raters(first, office.manager)
    assert again == 0
    second = office.campaign(semester=2)
    svc.generate_raters(second, office.manager)
    strip = lambda c: {(e, r, g) for e, r, g in _pairs(c)}  # noqa: E731
    assert strip(first) == strip(second)
    # every executor is drawn as a peer as often as they draw (the ring)
    drawn = [r for _, r, g in _pairs(first) if g == "peer" and r in {s.pk for s in office.staff}]
    assert all(drawn.count(s.pk) == svc.DEFAULT_PEER_CAP for s in office.staff)


def test_self_rating_only_when_allowed(office):
    assert svc.self_rating_allowed(office.year)  # the self group weighs in NP under kmk-467-2014
    campaign = svc.create_campaign(
        unit=office.org.kpp_a, plan_year=office.year, semester=1, allow_self=True, by=office.manager
    )
    svc.generate_raters(campaign, office.manager)
    selves = {e for e, r, g in _pairs(campaign) if g == "self"}
    assert selves == {e for e, r, g in _pairs(campaign) if e == r}
    assert len(selves) == 8
    plain = office.campaign(semester=2)
    with pytest.raises(ValidationError) as exc:
        svc.add_rater(
            campaign=plain, employee=office.head, rater=office.head, group=RaterGroup.SELF, by=office.manager
        )
    assert exc.value.error_dict["group"][0].code == "self_rating_not_allowed"


def test_self_rating_refused_when_the_rule_set_gives_self_no_weight(office, monkeypatch):
    monkeypatch.setattr(svc, "self_rating_allowed", lambda plan_year: False)
    with pytest.raises(ValidationError) as exc:
        svc.create_campaign(
            unit=office.org.kpp_a, plan_year=office.year, semester=1, allow_self=True, by=office.manager
        )
    assert exc.value.error_dict["allow_self"][0].code == "self_rating_not_allowed"


def test_generation_is_a_handful_of_queries(office, django_assert_max_num_queries):
    campaign = office.campaign()
    with django_assert_max_num_queries(12):
        svc.generate_raters(campaign, office.manager)


# --------------------------------------------------------------------------- editing, launching


def test_raters_are_edited_only_while_draft(office):
    campaign = office.campaign()
    svc.generate_raters(campaign, office.manager)
    added = svc.add_rater(
        campaign=campaign,
        employee=office.head,
        rater=office.stranger_peer,
        group=RaterGroup.PEER,
        by=office.manager,
    )
    with pytest.raises(ValidationError) as exc:  # twice the same pair
        svc.add_rater(
            campaign=campaign,
            employee=office.head,
            rater=office.stranger_peer,
            group=RaterGroup.PEER,
            by=office.manager,
        )
    assert exc.value.error_dict["rater"][0].code == "duplicate_rater"
    svc.remove_rater(assignment=added, by=office.manager)
    assert not campaign.assignments.filter(pk=added.pk).exists()
    svc.launch(campaign=campaign, by=office.manager)
    some = campaign.assignments.first()
    for attempt in (
        lambda: svc.add_rater(
            campaign=campaign,
            employee=office.head,
            rater=office.stranger_peer,
            group=RaterGroup.PEER,
            by=office.manager,
        ),
        lambda: svc.remove_rater(assignment=some, by=office.manager),
        lambda: svc.generate_raters(campaign, office.manager),
    ):
        with pytest.raises(ValidationError) as exc:
            attempt()
        assert exc.value.error_list[0].code == "campaign_not_draft"
    assert campaign.assignments.filter(pk=some.pk).exists()


def test_edits_need_the_manager(office):
    campaign = office.campaign()
    with pytest.raises(PermissionDenied):
        svc.generate_raters(campaign, office.user(office.head))
    with pytest.raises(PermissionDenied):
        svc.launch(campaign=campaign, by=office.user(office.kasi_a))


def test_a_campaign_without_raters_does_not_launch(office):
    campaign = office.campaign()
    with pytest.raises(ValidationError):
        svc.launch(campaign=campaign, by=office.manager)
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.DRAFT


def test_launch_and_close_stamp_the_campaign(office):
    campaign = _open(office)
    assert campaign.state == CampaignState.OPEN and campaign.launched_at
    svc.close(campaign=campaign, by=office.manager)
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.CLOSED and campaign.closed_at
    assert campaign.history.count() >= 3


# --------------------------------------------------------------------------- answering


def test_only_the_rater_answers(office):
    campaign = _open(office)
    task = _task(campaign, office.staff[0], "superior")  # rater: kasi A
    with pytest.raises(PermissionDenied):
        svc.save_answer(assignment=task, scores=GOOD, by=office.user(office.staff[1]))
    with pytest.raises(PermissionDenied):
        svc.save_answer(assignment=task, scores=GOOD, by=office.manager)
    svc.save_answer(assignment=task, scores=GOOD, by=office.user(office.kasi_a))
    task.refresh_from_db()
    assert task.answered and task.integrity == D(90) and task.leadership is None


def test_the_rating_page_exists_only_for_its_rater(office):
    campaign = _open(office)
    task = _task(campaign, office.staff[0], "superior")
    url = reverse("appraisals:rating", args=[task.pk])
    assert _client(office.user(office.kasi_a)).get(url).status_code == 200
    for who in (
        office.user(office.staff[0]),
        office.user(office.staff[1]),
        office.user(office.head),
        office.manager,
    ):
        client = _client(who)
        assert client.get(url).status_code == 404
        assert client.post(url, {k: "50" for k in GOOD}).status_code == 404
    task.refresh_from_db()
    assert not task.answered


def test_the_rater_answers_through_the_page(office):
    campaign = _open(office)
    task = _task(campaign, office.staff[0], "superior")
    client = _client(office.user(office.kasi_a))
    page = client.get(reverse("appraisals:rating", args=[task.pk])).content.decode()
    # the bands in the user's language (`kinerja_labels.predicate`), with their meaning
    for label in ("Sangat Baik", "91–100", "Kurang", "Perilaku ditunjukkan secara konsisten."):
        assert label in page
    assert 'name="leadership"' not in page  # an executor: no leadership aspect
    client.cookies["django_language"] = "en"
    english = client.get(reverse("appraisals:rating", args=[task.pk])).content.decode()
    assert "Very good" in english and "sangat baik" not in english.lower()
    client.cookies["django_language"] = "id"
    response = client.post(
        reverse("appraisals:rating", args=[task.pk]),
        {**{k: str(v) for k, v in GOOD.items()}, "integrity": "92,5"},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.integrity == D("92.5") and task.answered


def test_a_closed_campaign_refuses_answers(office):
    campaign = _open(office)
    task = _task(campaign, office.staff[0], "superior")
    svc.close(campaign=campaign, by=office.manager)
    task = RaterAssignment.objects.select_related("campaign", "employee__position").get(pk=task.pk)
    with pytest.raises(ValidationError) as exc:
        svc.save_answer(assignment=task, scores=GOOD, by=office.user(office.kasi_a))
    assert exc.value.error_list[0].code == "campaign_not_open"
    response = _client(office.user(office.kasi_a)).post(
        reverse("appraisals:rating", args=[task.pk]), {k: str(v) for k, v in GOOD.items()}
    )
    assert response.status_code == 400
    assert "telah ditutup" in response.content.decode()
    task.refresh_from_db()
    assert not task.answered and task.integrity is None


def test_a_draft_campaign_takes_no_answers(office):
    campaign = office.campaign()
    svc.generate_raters(campaign, office.manager)
    task = _task(campaign, office.staff[0], "superior")
    with pytest.raises(ValidationError):
        svc.save_answer(assignment=task, scores=GOOD, by=office.user(office.kasi_a))
    url = reverse("appraisals:rating", args=[task.pk])
    assert _client(office.user(office.kasi_a)).get(url).status_code == 404  # not launched: no form yet


def test_leadership_only_for_a_structural_official(office):
    campaign = _open(office)
    executor_task = _task(campaign, office.staff[0], "superior")
    with pytest.raises(ValidationError) as exc:
        svc.save_answer(
            assignment=executor_task, scores={**GOOD, "leadership": 80}, by=office.user(office.kasi_a)
        )
    assert exc.value.error_dict["leadership"][0].code == "leadership_not_structural"
    structural_task = _task(campaign, office.kasi_a, "superior")  # rater: the head
    with pytest.raises(ValidationError) as exc:
        svc.save_answer(assignment=structural_task, scores=GOOD, by=office.user(office.head))
    assert exc.value.error_dict["leadership"][0].code == "required"
    svc.save_answer(
        assignment=structural_task, scores={**GOOD, "leadership": 77}, by=office.user(office.head)
    )
    structural_task.refresh_from_db()
    assert structural_task.leadership == D(77)
    page = _client(office.user(office.head)).get(reverse("appraisals:rating", args=[structural_task.pk]))
    assert 'name="leadership"' in page.content.decode()


@pytest.mark.parametrize(
    "value, ok",
    [
        (0, True),
        (100, True),
        ("100.00", True),
        (-1, False),
        (101, False),
        ("100.01", False),
        ("50.555", False),
    ],
)
def test_scores_are_0_to_100(office, value, ok):
    campaign = _open(office)
    task = _task(campaign, office.staff[0], "superior")
    scores = {**GOOD, "discipline": value}
    if ok:
        svc.save_answer(assignment=task, scores=scores, by=office.user(office.kasi_a))
        task.refresh_from_db()
        assert task.discipline == D(str(value))
    else:
        with pytest.raises(ValidationError) as exc:
            svc.save_answer(assignment=task, scores=scores, by=office.user(office.kasi_a))
        assert "discipline" in exc.value.error_dict


def test_the_page_refuses_a_score_out_of_range(office):
    campaign = _open(office)
    task = _task(campaign, office.staff[0], "superior")
    response = _client(office.user(office.kasi_a)).post(
        reverse("appraisals:rating", args=[task.pk]),
        {**{k: str(v) for k, v in GOOD.items()}, "commitment": "120"},
    )
    assert response.status_code == 400
    assert "Nilai antara 0 dan 100" in response.content.decode()
    task.refresh_from_db()
    assert not task.answered


def test_every_asked_aspect_is_required(office):
    campaign = _open(office)
    task = _task(campaign, office.staff[0], "superior")
    with pytest.raises(ValidationError) as exc:
        svc.save_answer(assignment=task, scores={"integrity": 90}, by=office.user(office.kasi_a))
    assert set(exc.value.error_dict) == {"service_orientation", "commitment", "discipline", "cooperation"}


# --------------------------------------------------------------------------- anonymity


def _hidden_raters(office: Office360) -> tuple[Campaign, object]:
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
        svc.save_answer(assignment=task, scores={**GOOD, "cooperation": "87.37"}, by=office.user(rater))
    return campaign, rated


SECRET_NAMES = ("Rahasiapeer", "Rahasiasub")


def _pages_of(client: Client, campaign: Campaign, rated) -> list[str]:
    urls = [
        reverse("appraisals:my-ratings"),
        reverse("appraisals:campaigns"),
        reverse("appraisals:campaign", args=[campaign.pk]),
        reverse("appraisals:campaign", args=[campaign.pk]) + "?belum=1",
    ]
    urls += [reverse("appraisals:rating", args=[a.pk]) for a in campaign.assignments.all()]
    pages = []
    for url in urls:
        response = client.get(url, follow=True)
        pages.append(response.content.decode())
    return pages


@pytest.mark.parametrize("closed", [False, True])
def test_the_person_rated_never_learns_who_gave_a_peer_or_subordinate_answer(office, closed):
    campaign, rated = _hidden_raters(office)
    if closed:
        svc.close(campaign=campaign, by=office.manager)
    user = office.user(rated)
    for page in _pages_of(_client(user), campaign, rated):
        for secret in SECRET_NAMES:
            assert secret not in page
    # nor a colleague of the same section
    for page in _pages_of(_client(office.user(office.staff[1])), campaign, rated):
        for secret in SECRET_NAMES:
            assert secret not in page


def test_a_manager_who_is_rated_does_not_see_their_own_hidden_raters(office):
    from tests.factories import grant

    campaign, rated = _hidden_raters(office)
    user = office.user(rated)
    grant(user, office.org.kpp_a, "manager")
    page = _client(user).get(reverse("appraisals:campaign", args=[campaign.pk])).content.decode()
    assert "dirahasiakan" in page
    for secret in SECRET_NAMES:
        assert secret not in page
    # another manager sees who has not answered yet (the check above is not vacuous)
    other = _client(office.manager).get(reverse("appraisals:campaign", args=[campaign.pk])).content.decode()
    assert all(secret in other for secret in SECRET_NAMES)


def test_managers_see_progress_but_never_the_answer_values(office):
    campaign, _rated = _hidden_raters(office)
    page = _client(office.manager).get(reverse("appraisals:campaign", args=[campaign.pk])).content.decode()
    assert "2 dari" in page  # two forms answered
    # the cooperation score given (87.37, a number nothing else on the page holds) is shown in no form
    assert "87,37" not in page and "87.37" not in page
    for task in campaign.assignments.all():
        assert _client(office.manager).get(reverse("appraisals:rating", args=[task.pk])).status_code == 404


# --------------------------------------------------------------------------- reminders


def test_reminders_go_to_raters_with_unanswered_forms(office):
    campaign = _open(office)
    kasi_a = office.user(office.kasi_a)
    for task in campaign.assignments.filter(rater=office.kasi_a).select_related(
        "campaign", "employee__position"
    ):
        scores = {**GOOD, "leadership": 70} if svc.holds_structural(task.employee) else GOOD
        svc.save_answer(assignment=task, scores=scores, by=kasi_a)
    office.staff[4].email = ""
    office.staff[4].save()
    pending_raters = set(
        campaign.assignments.filter(submitted_at__isnull=True).values_list("rater_id", flat=True)
    )
    assert office.kasi_a.pk not in pending_raters
    mail.outbox.clear()
    sent = svc.send_reminders(campaign, by=office.manager)
    assert sent == len(pending_raters) - 1 == len(mail.outbox)  # executor 5 has no address
    addresses = {m.to[0] for m in mail.outbox}
    assert office.kasi_a.email not in addresses and office.head.email in addresses
    assert "/penilaian/360/saya/" in mail.outbox[0].body


def test_reminders_only_while_open_and_by_the_manager(office):
    campaign = office.campaign()
    svc.generate_raters(campaign, office.manager)
    with pytest.raises(ValidationError):
        svc.send_reminders(campaign, by=office.manager)
    svc.launch(campaign=campaign, by=office.manager)
    with pytest.raises(PermissionDenied):
        svc.send_reminders(campaign, by=office.user(office.head))


# --------------------------------------------------------------------------- the managers' pages


def test_the_manager_runs_a_campaign_through_the_pages(office):
    client = _client(office.manager)
    response = client.post(
        reverse("appraisals:campaign-create"),
        {"unit": office.org.kpp_a.pk, "plan_year": office.year.pk, "semester": "1", "due_date": "2026-07-15"},
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get(unit=office.org.kpp_a, plan_year=office.year, semester=1)
    action = lambda name: reverse("appraisals:campaign-action", args=[campaign.pk, name])  # noqa: E731
    client.post(action("generate"))
    assert campaign.assignments.count() > 0
    detail = client.get(reverse("appraisals:campaign", args=[campaign.pk]))
    assert detail.status_code == 200 and "Mulai penilaian" in detail.content.decode()
    some = campaign.assignments.first()
    client.post(reverse("appraisals:rater-remove", args=[some.pk]))
    assert not RaterAssignment.objects.filter(pk=some.pk).exists()
    client.post(
        reverse("appraisals:rater-add", args=[campaign.pk]),
        {"employee": some.employee_id, "rater": some.rater_id, "group": some.group},
    )
    assert campaign.assignments.filter(employee=some.employee_id, rater=some.rater_id).exists()
    client.post(action("launch"))
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.OPEN
    mail.outbox.clear()
    client.post(action("remind"))
    assert mail.outbox
    client.post(action("close"))
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.CLOSED
    listing = client.get(reverse("appraisals:campaigns")).content.decode()
    assert "KPP-A" in listing and f"0 / {campaign.assignments.count()}" in listing


def test_the_create_page_refuses_a_year_without_360(office):
    client = _client(office.manager)
    response = client.post(
        reverse("appraisals:campaign-create"),
        {"unit": office.org.kpp_a.pk, "plan_year": office.year_no_360.pk, "semester": "1"},
    )
    assert response.status_code == 400
    assert not Campaign.objects.exists()


def test_campaign_pages_are_the_managers(office):
    campaign = _open(office)
    employee = _client(office.user(office.staff[0]))
    assert employee.get(reverse("appraisals:campaign", args=[campaign.pk])).status_code == 404
    assert employee.get(reverse("appraisals:campaigns")).status_code == 302  # to their own forms
    assert employee.get(reverse("appraisals:campaign-create")).status_code == 403
    response = employee.post(reverse("appraisals:campaign-action", args=[campaign.pk, "close"]))
    assert response.status_code == 404
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.OPEN


def test_the_appraisal_index_leads_raters_and_managers_to_the_360_pages(office):
    campaign = _open(office)
    mine = f'href="{reverse("appraisals:my-ratings")}"'
    managed = f'href="{reverse("appraisals:campaigns")}"'
    index = reverse("appraisals:index")
    rater = _client(office.user(office.staff[0])).get(index).content.decode()
    assert mine in rater and "4 menunggu diisi" in rater and managed not in rater
    manager = _client(office.manager).get(index).content.decode()
    assert managed in manager and mine not in manager  # the manager's user rates nobody
    # someone with no form in any campaign: no 360° section at all
    outsider = _client(office.user(office.stranger_peer)).get(index).content.decode()
    assert mine not in outsider and managed not in outsider
    svc.close(campaign=campaign, by=office.manager)
    closed = _client(office.user(office.staff[0])).get(index).content.decode()
    assert mine in closed and "menunggu diisi" not in closed  # the forms stay readable, none waits


def test_my_ratings_lists_only_my_forms(office):
    campaign = _open(office)
    page = _client(office.user(office.staff[0])).get(reverse("appraisals:my-ratings")).content.decode()
    mine = campaign.assignments.filter(rater=office.staff[0])
    assert mine.count() == 4  # kasi A as subordinate, three peers
    for task in mine:
        assert reverse("appraisals:rating", args=[task.pk]) in page
    others = campaign.assignments.exclude(rater=office.staff[0])
    assert not [t for t in others if reverse("appraisals:rating", args=[t.pk]) in page]


def test_generation_queries_do_not_grow_with_the_unit(office):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kinerja.organisations.models import Employee, Position, PositionType
    from tests.factories import make_nip

    kasi_b = office.kasi_b
    position = Position.objects.create(
        unit=office.org.section_a, code="POS-MANY", title_id="Pelaksana", type=PositionType.EXECUTOR
    )
    Employee.objects.bulk_create(
        Employee(
            nip=make_nip(), name=f"Pegawai {i}", unit=office.org.section_a, position=position, superior=kasi_b
        )
        for i in range(200)
    )
    campaign = office.campaign()
    with CaptureQueriesContext(connection) as captured:
        added = svc.generate_raters(campaign, office.manager)
    reads = [q for q in captured.captured_queries if not q["sql"].lstrip().upper().startswith("INSERT")]
    inserts = len(captured.captured_queries) - len(reads)
    assert len(reads) <= 12  # no read per employee
    assert inserts <= 2 * (added // 50 + 1)  # batched inserts (SQLite caps the parameters per statement)
    assert added > 200 * 4  # superior + 3 peers each, and kasi B rated by 200 subordinates


def test_a_rater_added_by_hand_is_picked_by_search_among_the_campaigns_people(office):
    """The rater form's two employee pickers: the page lists nobody beyond the chosen, the options endpoint
    lists the campaign's people for its manager only, and the form refuses a person outside them."""
    from kinerja.common.picker import SEARCH_BUTTON

    campaign = office.campaign()
    client = _client(office.manager)
    page = client.get(reverse("appraisals:campaign", args=[campaign.pk])).content.decode()
    assert 'name="employee_cari"' in page and 'name="rater_cari"' in page
    assert "Pelaksana Nomor 1" not in page  # nobody listed until searched
    options = reverse("organisations:employee-options")

    def found(user, key: str, term: str) -> str:
        response = _client(user).get(
            options, {"field": key, "scope": campaign.pk, "name": "e", "e_cari": term}
        )
        assert response.status_code == 200
        return response.content.decode()

    assert "Pelaksana Nomor 1" in found(office.manager, "appraisals.rateable", "pelaksana")
    assert "Zulkarnaen" not in found(office.manager, "appraisals.rateable", "zulkarnaen")  # KPP-B: not rated
    assert "Pelaksana" not in found(
        office.user(office.head), "appraisals.rateable", "pelaksana"
    )  # no manager
    url = reverse("appraisals:rater-add", args=[campaign.pk])
    # without JavaScript: «Cari» lists the matches and adds nobody
    searched = client.post(url, {"employee_cari": "nomor 2", SEARCH_BUTTON: "employee"})
    assert searched.status_code == 200 and not campaign.assignments.exists()
    assert "Pelaksana Nomor 2" in searched.content.decode()
    refused = client.post(
        url, {"employee": office.stranger_peer.pk, "rater": office.head.pk, "group": RaterGroup.SUPERIOR}
    )
    assert refused.status_code == 400 and refused.context["rater_form"].errors["employee"]
    assert not campaign.assignments.exists()
    client.post(
        url, {"employee": office.staff[0].pk, "rater": office.kasi_a.pk, "group": RaterGroup.SUPERIOR}
    )
    assert campaign.assignments.filter(employee=office.staff[0], rater=office.kasi_a).exists()
