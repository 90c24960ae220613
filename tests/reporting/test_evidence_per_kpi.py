"""Rule 21 per KPI: the manual's `evidence_required` blocks (True), relaxes to a warning (False) or
follows `KINERJA_EVIDENCE_REQUIRED` (None), in the services, the pages, the form and the workbook."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from kinerja.accounts.models import Role
from kinerja.planning import workbook
from kinerja.planning.forms import KpiForm
from kinerja.planning.models import Kpi
from kinerja.reporting import services
from kinerja.reporting.workflow import evidence_required
from tests.planning import builders as b

from .conftest import enter

pytestmark = pytest.mark.django_db

WARNING = "belum memiliki data dukung"


def flag(kpi: Kpi, value: bool | None) -> Kpi:
    Kpi.objects.filter(pk=kpi.pk).update(evidence_required=value)
    kpi.refresh_from_db()
    return kpi


def test_per_kpi_required_blocks_even_when_the_setting_is_off(world, settings):
    settings.KINERJA_EVIDENCE_REQUIRED = False
    draft = enter(world, flag(world.quarterly, True), "2026-Q1", "90")
    with pytest.raises(ValidationError) as caught:
        services.submit_realization(realization=draft, by=world.employee)
    assert "Lampirkan data dukung" in caught.value.messages[0]


def test_per_kpi_warn_allows_even_when_the_setting_is_on_and_the_page_warns(world, settings, client):
    settings.KINERJA_EVIDENCE_REQUIRED = True
    draft = enter(world, flag(world.quarterly, False), "2026-Q1", "90")
    client.force_login(world.employee)
    page = client.get(reverse("reporting:realization", args=[draft.pk])).content.decode()
    assert WARNING in page
    services.submit_realization(realization=draft, by=world.employee)
    assert draft.state == "submitted"


@pytest.mark.parametrize("setting", [True, False])
def test_inherit_follows_the_setting(world, settings, setting):
    settings.KINERJA_EVIDENCE_REQUIRED = setting
    kpi = flag(world.quarterly, None)
    assert evidence_required(kpi) is setting
    draft = enter(world, kpi, "2026-Q1", "90")
    if setting:
        with pytest.raises(ValidationError):
            services.submit_realization(realization=draft, by=world.employee)
    else:
        services.submit_realization(realization=draft, by=world.employee)
        assert draft.state == "submitted"


def test_required_page_says_so_without_the_warning(world, settings, client):
    settings.KINERJA_EVIDENCE_REQUIRED = False
    draft = enter(world, flag(world.quarterly, True), "2026-Q1", "90")
    client.force_login(world.employee)
    page = client.get(reverse("reporting:realization", args=[draft.pk])).content.decode()
    assert "Data dukung wajib dilampirkan" in page and WARNING not in page


@pytest.mark.parametrize(("posted", "stored"), [("", None), ("true", True), ("false", False)])
def test_the_manual_form_offers_three_choices(world, posted, stored):
    kpi = world.quarterly
    form = KpiForm(instance=kpi, objective=kpi.objective)
    assert [value for value, _label in form.fields["evidence_required"].choices] == ["", "true", "false"]
    data = {name: form[name].value() for name in form.fields if not name.startswith("period_")}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["evidence_required"] = posted
    bound = KpiForm(data, instance=kpi, objective=kpi.objective)
    assert bound.is_valid(), bound.errors
    assert bound.manual_fields()["evidence_required"] is stored


def test_the_manual_page_shows_the_choice(world, client):
    client.force_login(world.employee)
    flag(world.quarterly, False)
    page = client.get(reverse("kpis:kpi", args=[world.quarterly.pk])).content.decode()
    assert "Wajib data dukung" in page and "hanya peringatan" in page


def test_workbook_column_round_trips_yes_no_blank(world, org, make_user):
    manager = make_user(org.kpp_a, Role.MANAGER)
    flag(world.quarterly, True)
    flag(world.monthly, False)
    exported = workbook.export_map(world.map)
    rows = list(load_workbook(io.BytesIO(exported))["iku"].iter_rows(values_only=True))
    column = rows[0].index("wajib_data_dukung")
    by_code = {row[1]: row[column] for row in rows[1:]}
    assert by_code == {"S1.1": "ya", "C1.1": "tidak"}
    target = b.bare_map(org.kpp_a, 2027)
    report = workbook.import_map(strategy_map=target, content=exported, by=manager, dry_run=False)
    assert report.ok, [str(i) for i in report.issues]
    imported = dict(Kpi.objects.filter(objective__map=target).values_list("code", "evidence_required"))
    assert imported == {"S1.1": True, "C1.1": False}
