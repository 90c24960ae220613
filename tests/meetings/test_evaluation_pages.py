"""The evaluation pages: who sees and does what, forms naming the field, read-only after review and close,
query counts, and the PDFs rendered and looked at."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from kinerja.meetings import evaluation as ev
from kinerja.meetings import evaluation_pdf
from kinerja.meetings.evaluation_models import (
    CriterionAnswer,
    EvaluationRound,
    EvaluationState,
    Questionnaire,
    QuestionnaireKind,
    RoundState,
    SurveyResponse,
)
from tests.meetings import evaluation_builders as eb

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org, make_user):
    users = {
        "kpp_manager": make_user(org.kpp_a, "manager"),
        "kanwil_manager": make_user(org.kanwil, "manager"),
        "ministry_manager": make_user(org.ministry, "manager"),
        "kpp_leader": make_user(org.kpp_a, "leader"),
        "kpp_employee": make_user(org.kpp_a, "employee"),
        "other_manager": make_user(org.kpp_b, "manager"),
        "auditor": make_user(org.ministry, "auditor"),
    }
    round_ = eb.open_round(org.kanwil, [org.kanwil, org.kpp_a, org.kpp_b], by=users["kanwil_manager"])
    evaluation = round_.evaluations.get(unit=org.kpp_a)
    return {"org": org, "users": users, "round": round_, "evaluation": evaluation}


def _as(client, user):
    client.force_login(user)
    return client


def test_round_list_and_detail_by_role(client, world):
    round_ = world["round"]
    users = world["users"]
    for who in ("kpp_manager", "kanwil_manager", "kpp_leader", "auditor"):
        _as(client, users[who])
        assert client.get(reverse("meetings:evaluation-rounds")).status_code == 200
        assert client.get(reverse("meetings:evaluation-round", args=[round_.pk])).status_code == 200
    _as(client, users["kpp_employee"])
    assert client.get(reverse("meetings:evaluation-rounds")).status_code == 403
    assert client.get(reverse("meetings:evaluation-round", args=[round_.pk])).status_code == 404
    # the KPP-A manager sees the round but only their own unit in it
    _as(client, users["kpp_manager"])
    with translation.override("id"):
        page = client.get(reverse("meetings:evaluation-round", args=[round_.pk])).content.decode()
    assert "KPP Pratama A" in page and "KPP Pratama B" not in page and "Tutup putaran" not in page


def test_open_round_page_names_the_wrong_field(client, world):
    org, users = world["org"], world["users"]
    _as(client, users["ministry_manager"])
    url = reverse("meetings:evaluation-round-create")
    page = client.get(url)
    assert page.status_code == 200
    with translation.override("id"):
        answer = client.post(
            url,
            {
                "unit": org.djbc.pk,
                "year": 2026,
                "opens_on": "2026-01-10",
                "closes_on": "2026-06-30",
                "root": org.djbc.pk,
                "map_owners": "on",
            },
        )
    assert answer.status_code == 400
    assert "triwulan II–III" in answer.context["form"].errors["opens_on"][0]
    answer = client.post(
        url,
        {
            "unit": org.djbc.pk,
            "year": 2026,
            "opens_on": "2026-05-02",
            "closes_on": "2026-07-31",
            "root": org.djbc.pk,
            "map_owners": "on",
        },
    )
    assert answer.status_code == 302
    assert EvaluationRound.objects.filter(unit=org.djbc, year=2026).exists()
    _as(client, users["kpp_leader"])
    assert client.get(url).status_code == 403


def test_the_unit_answers_with_evidence_and_submits(client, world):
    evaluation, users = world["evaluation"], world["users"]
    round_ = world["round"]
    _as(client, users["kpp_manager"])
    assert client.get(reverse("meetings:evaluation", args=[evaluation.pk])).status_code == 200
    url = reverse("meetings:evaluation-answer", args=[evaluation.pk])
    assert client.get(url).status_code == 200
    items = list(round_.self_assessment.items.all())
    data = {}
    for item in items:
        data[f"explanation_{item.pk}"] = f"Penjelasan {item.code}"
        data[f"self_score_{item.pk}"] = "85,5"
    for statement in round_.readiness.items.all():
        data[f"readiness_{statement.pk}"] = "4"
    bad = dict(data, **{f"self_score_{items[0].pk}": "150"})
    answer = client.post(url, bad)
    assert answer.status_code == 400
    assert f"self_score_{items[0].pk}" in answer.context["form"].errors
    assert not CriterionAnswer.objects.exists()
    data[f"evidence_{items[0].pk}"] = SimpleUploadedFile("sk-pengelola.pdf", b"%PDF-1.4\n%%EOF\n")
    assert client.post(url, data).status_code == 302
    answer = CriterionAnswer.objects.get(item=items[0])
    assert answer.self_score == D("85.5") and answer.evidence_name == "sk-pengelola.pdf"
    download = client.get(reverse("meetings:evaluation-evidence", args=[answer.pk]))
    assert download.status_code == 200
    _as(client, users["other_manager"])
    assert client.get(reverse("meetings:evaluation-evidence", args=[answer.pk])).status_code == 404
    _as(client, users["kpp_manager"])
    client.post(reverse("meetings:evaluation-action", args=[evaluation.pk, "submit"]))
    evaluation.refresh_from_db()
    assert evaluation.state == EvaluationState.SUBMITTED and evaluation.readiness_total == 32
    # the answer page now says it is frozen; a post is refused with the state
    assert client.get(url).status_code == 302
    assert client.post(url, data).status_code == 400


def test_review_page_by_the_manager_above_only(client, world):
    evaluation, users = world["evaluation"], world["users"]
    eb.submitted(evaluation, by=users["kpp_manager"])
    url = reverse("meetings:evaluation-review", args=[evaluation.pk])
    for who in ("kpp_manager", "kpp_leader", "auditor"):
        _as(client, users[who])
        assert client.get(url).status_code == 403
    _as(client, users["kanwil_manager"])
    assert client.get(url).status_code == 200
    items = list(world["round"].self_assessment.items.all())
    data = {f"review_score_{i.pk}": "80" for i in items}
    answer = client.post(url, dict(data, findings="", recommendations="Lengkapi."))
    assert answer.status_code == 400 and "findings" in answer.context["form"].errors
    answer = client.post(
        url, dict(data, findings="Notula DKO belum ditandatangani.", recommendations="Tertibkan.")
    )
    assert answer.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.state == EvaluationState.REVIEWED and evaluation.total_score == D(80)
    with translation.override("id"):
        page = client.get(reverse("meetings:evaluation", args=[evaluation.pk])).content.decode()
    assert "hanya dapat dibaca" in page and "Notula DKO belum ditandatangani." in page
    assert client.get(url).status_code == 302  # nothing left to review


def test_survey_page_once_per_manager(client, world):
    evaluation, users = world["evaluation"], world["users"]
    url = reverse("meetings:evaluation-survey", args=[evaluation.pk])
    _as(client, users["kanwil_manager"])
    assert client.get(url).status_code == 403
    _as(client, users["kpp_manager"])
    assert client.get(url).status_code == 200
    items = list(world["round"].survey.items.all())
    answer = client.post(url, {f"sfo_{i.pk}": "5" for i in items[1:]})
    assert answer.status_code == 400 and f"sfo_{items[0].pk}" in answer.context["form"].errors
    assert client.post(url, {f"sfo_{i.pk}": "5" for i in items}).status_code == 302
    assert client.post(url, {f"sfo_{i.pk}": "6" for i in items}).status_code == 400
    assert SurveyResponse.objects.count() == 1


def test_close_round_makes_pages_read_only(client, world):
    round_, users = world["round"], world["users"]
    _as(client, users["kpp_manager"])
    assert (
        client.post(reverse("meetings:evaluation-round-action", args=[round_.pk, "close"])).status_code == 403
    )
    _as(client, users["kanwil_manager"])
    client.post(reverse("meetings:evaluation-round-action", args=[round_.pk, "close"]))
    round_.refresh_from_db()
    assert round_.state == RoundState.CLOSED
    _as(client, users["kpp_manager"])
    evaluation = world["evaluation"]
    with translation.override("id"):
        page = client.get(reverse("meetings:evaluation", args=[evaluation.pk])).content.decode()
    assert "Putaran evaluasi telah ditutup" in page and "Isi penilaian mandiri" not in page
    assert client.get(reverse("meetings:evaluation-answer", args=[evaluation.pk])).status_code == 302


def test_round_page_costs_a_fixed_number_of_queries(client, world, django_assert_max_num_queries, org):
    round_, users = world["round"], world["users"]
    for evaluation in round_.evaluations.all():
        eb.reviewed(evaluation, score=75)
    _as(client, users["kanwil_manager"])
    client.get(reverse("meetings:evaluation-round", args=[round_.pk]))
    with django_assert_max_num_queries(14):
        client.get(reverse("meetings:evaluation-round", args=[round_.pk]))


def test_questionnaire_pages_edit_by_ministry_manager_only(client, world):
    users = world["users"]
    locked = world["round"].self_assessment
    _as(client, users["kpp_manager"])
    assert client.get(reverse("meetings:questionnaires")).status_code == 200
    assert client.get(reverse("meetings:questionnaire", args=[locked.pk])).status_code == 200
    assert (
        client.post(reverse("meetings:questionnaire", args=[locked.pk]), {"action": "version"}).status_code
        == 403
    )
    _as(client, users["ministry_manager"])
    answer = client.post(reverse("meetings:questionnaire", args=[locked.pk]), {"action": "version"})
    copy = Questionnaire.objects.get(kind=QuestionnaireKind.SELF_ASSESSMENT, version=2)
    assert answer.url == reverse("meetings:questionnaire", args=[copy.pk])
    page = client.get(answer.url)
    assert page.status_code == 200 and page.context["editor"] is not None
    editor = page.context["editor"]
    data = {}
    for formset in (editor.aspects, editor.items, editor.bands):
        mgmt = formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{formset.prefix}-{name}"] = mgmt[name].value()
        for form in formset:
            for name in form.fields:
                value = form[name].value()
                if value not in (None, False):
                    data[form[name].html_name] = value
    data.update(title=copy.title, scale_min=0, scale_max=100)
    data["aspects-0-weight"] = "40"  # 115 in all
    with translation.override("id"):
        answer = client.post(reverse("meetings:questionnaire", args=[copy.pk]), data)
    assert answer.status_code == 400 and "115" in answer.content.decode()
    data["aspects-1-weight"] = "10"
    answer = client.post(reverse("meetings:questionnaire", args=[copy.pk]), data)
    assert answer.status_code == 302
    assert copy.aspects.get(code="A").weight == 40 and copy.aspects.get(code="B").weight == 10


# --------------------------------------------------------------------------- the PDFs


def _png(pdf: bytes, tmp_path: Path, name: str) -> Path:
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(source), str(tmp_path / name)], check=True
    )
    return next(tmp_path.glob(f"{name}*.png"))


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils missing")
def test_unit_and_round_pdfs_render(client, world, tmp_path):
    users, round_, evaluation = world["users"], world["round"], world["evaluation"]
    ev.respond_survey(
        evaluation=evaluation, values={i.pk: 5 for i in round_.survey.items.all()}, by=users["kpp_manager"]
    )
    evaluation = eb.reviewed(evaluation, score=88)
    with translation.override("id"):
        html = evaluation_pdf.render_unit_html(evaluation)
    assert '88,00 <span class="of">/ 100' in html and '5,00 <span class="of">/ 6' in html
    assert "Cukup" in html and "Manual IKU belum lengkap." in html
    _as(client, users["kpp_leader"])
    answer = client.get(reverse("meetings:evaluation-pdf", args=[evaluation.pk]))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    png = _png(answer.content, tmp_path, "unit")
    shutil.copy(png, "/tmp/evaluation-unit-test.png")
    assert png.stat().st_size > 5_000
    overview = client.get(reverse("meetings:evaluation-round-pdf", args=[round_.pk]))
    assert overview.status_code == 200 and overview.content.startswith(b"%PDF")
    assert _png(overview.content, tmp_path, "round").stat().st_size > 3_000
    _as(client, users["kpp_employee"])
    assert client.get(reverse("meetings:evaluation-pdf", args=[evaluation.pk])).status_code == 404
