"""A person's scorecard shows the scoring core's errors in the user's language (from the error's code, never
the core's English message): a KPI the core cannot score, the contract score the core refuses."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from kinerja.contracts import personal
from kinerja.contracts import services as contracts
from kinerja.contracts.models import ContractKpi
from kinerja.planning.models import Kpi
from kinerja.reporting import services as reporting
from tests.contracts.builders import add_iki, period, sign

D = Decimal
pytestmark = pytest.mark.django_db

HISTORY_ID = "Indikator IKI-H: target dan realisasi tahun lalu wajib diisi untuk Q_target (atau tandai sebagai IKI baru)"
HISTORY_EN = (
    "Indicator IKI-H: last year's target and realization are needed for Q_target (or mark the IKI new)"
)


def _approved(kpi, at, value):
    realization = reporting.save_realization(kpi=Kpi.all_kpis.get(pk=kpi.pk), period=at, value=value, by=None)
    for step in (reporting.submit_realization, reporting.verify_realization, reporting.approve_realization):
        step(realization=realization, by=None)


def test_the_contract_score_error_is_in_the_users_language(office, client):
    """Under kmk-127-2026 an existing IKI without last year's target and realization has no Q_target (§7.2):
    the core refuses the NHK; the page says so in Indonesian, and in English for an English reader."""
    year = office.map.plan_year
    year.rule_set = "kmk-127-2026"
    year.save()
    person = office.staff[0]
    contract = contracts.create_contract(employee=person, plan_year=year, by=office.manager)
    kpi = add_iki(contract, office, code="IKI-H")
    sign(contract, office)
    entry = ContractKpi.objects.get(contract=contract)
    assert entry.kind == "existing" and entry.target_prev is None and entry.realization_prev is None
    q1 = period(office, "2026-Q1")
    _approved(kpi, q1, 95)

    with translation.override("id"):
        card = personal.personal_scorecard(person, q1)
    assert card.score is None and card.errors == [HISTORY_ID]
    client.force_login(office.user(person))
    url = reverse("contracts:personal", args=[person.pk, q1.pk])
    page = client.get(url).content.decode()
    assert HISTORY_ID in page and "last year" not in page and "needed for Q_target" not in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(url).content.decode().replace("&#x27;", "'")
    assert HISTORY_EN in page and "wajib diisi" not in page


def test_a_kpi_the_core_cannot_score_says_why_in_indonesian(office):
    """A maximal IKI with target 0 cannot be scored (R / 0): its row says so in Indonesian."""
    year = office.map.plan_year
    year.rule_set = "kmk-467-2014"
    year.save()
    person = office.staff[1]
    contract = contracts.create_contract(employee=person, plan_year=year, by=office.manager)
    kpi = add_iki(contract, office, code="IKI-Z")
    sign(contract, office)
    q1 = period(office, "2026-Q1")
    _approved(kpi, q1, 5)
    Kpi.all_kpis.filter(pk=kpi.pk).update(target=D(0))
    ContractKpi.objects.filter(contract=contract).update(target=D(0), trajectory={"1": "0"})

    with translation.override("id"):
        card = personal.personal_scorecard(person, q1)
    assert card.rows[0].error == (
        "Indikator IKI-Z: polarisasi maksimal dengan target 0 tidak dapat dihitung (R / 0)"
    )
