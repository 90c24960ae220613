"""The score pages: my appraisal, a person's year (only the person, their superior, the unit's roles), the
unit recap and its Excel download."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kinerja.appraisals import services
from tests.appraisals.test_scores import worked_example

pytestmark = pytest.mark.django_db


def test_an_employee_sees_only_their_own_scores(office, client):
    year = worked_example(office)
    services.compute_scores(unit=office.org.kpp_a, plan_year=year, by=office.manager)
    client.force_login(office.user(office.kasi))
    page = client.get(reverse("appraisals:employee", args=[office.kasi.pk, 2026]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "104,54" in text or "104.54" in text
    assert "Sangat Baik" in text and 'id="matrix"' in text and 'id="breakdown"' in text  # the 2026 breakdown
    assert client.get(reverse("appraisals:index")).status_code == 200
    # a colleague (not his subordinate) sees nothing of his; he sees his subordinates'
    client.force_login(office.user(office.staff[0]))
    assert client.get(reverse("appraisals:employee", args=[office.kasi.pk, 2026])).status_code == 404
    assert client.get(reverse("appraisals:employee", args=[office.staff[1].pk, 2026])).status_code == 404
    assert client.get(reverse("appraisals:unit", args=[office.org.kpp_a.pk, 2026])).status_code == 404
    client.force_login(office.user(office.kasi))
    assert client.get(reverse("appraisals:employee", args=[office.staff[1].pk, 2026])).status_code == 200


def test_the_manager_recomputes_and_reads_the_unit_recap(office, client):
    worked_example(office)
    client.force_login(office.manager)
    response = client.post(reverse("appraisals:index"), {"unit": office.org.kpp_a.pk, "tahun": 2026})
    assert response.status_code == 302
    recap = client.get(reverse("appraisals:unit", args=[office.org.kpp_a.pk, 2026])).content.decode()
    assert office.kasi.nip in recap and "Sangat Baik" in recap
    xlsx = client.get(reverse("appraisals:unit-xlsx", args=[office.org.kpp_a.pk, 2026]))
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")
