"""The contract document as PDF (issue 12 item 3): commitment page, the map for owners, Annex I (KPIs and
trajectory), Annex II (initiatives) for owners; the title of the rule set; English on request; 404 outside
the reader's scope."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from kinerja.accounts.models import Role
from kinerja.contracts import document, services
from kinerja.contracts.models import ContractState
from kinerja.organisations.models import Assignment, AssignmentKind, PositionType
from kinerja.planning.models import Initiative
from tests.factories import EmployeeFactory, PositionFactory, UserFactory, grant
from tests.planning import builders as b

D = Decimal
pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 1, 20, 9, 30, tzinfo=dt.UTC)


# --------------------------------------------------------------------------- building contracts


def _richer_map(office: Any) -> None:
    """Three more SS (one per perspective) with a KPI each, cause-effect links and two initiatives."""
    m = office.map
    s1 = office.kpi_sum.objective
    c1 = b.objective(m, "customer", "C1", "Kepuasan wajib pajak yang tinggi")
    p1 = b.objective(m, "internal_process", "P1", "Pelayanan dan pengawasan yang efektif")
    l1 = b.objective(m, "learning_growth", "L1", "SDM yang kompeten")
    b.link(c1, s1)
    b.link(p1, c1)
    b.link(l1, p1)
    b.kpi(c1, "C1.1", target=D("4.2"), unit_of_measure="indeks", frequency="semester")
    b.kpi(p1, "P1.1", target=D(95), frequency="quarterly")
    b.kpi(l1, "L1.1", target=D(40), unit_of_measure="jam", frequency="yearly")
    first = Initiative.objects.create(
        map=m,
        code="IS-1",
        name_id="Penguatan basis data perpajakan",
        budget=D("125000000"),
        start=dt.date(2026, 2, 1),
        end=dt.date(2026, 11, 30),
        owner_text="Seksi Pengawasan",
    )
    first.objectives.set([s1, p1])
    Initiative.objects.create(map=m, code="IS-2", name_id="Pelatihan pemeriksa", owner_text="Subbagian Umum")


def _acting_superior(office: Any) -> Any:
    """The head of KANWIL is vacant: an employee acts in the post (Plt.) and agrees the head's contract."""
    kanwil = office.org.kanwil
    post = PositionFactory(
        unit=kanwil, type=PositionType.STRUCTURAL, echelon=2, is_head=True, title_id="Kepala Kantor Wilayah"
    )
    own = PositionFactory(unit=kanwil, title_id="Kepala Bidang Data dan Pengawasan")
    acting = EmployeeFactory(unit=kanwil, position=own, name="Rina Plt Kanwil")
    Assignment.objects.create(
        employee=acting, unit=kanwil, position=post, kind=AssignmentKind.ACTING, start=dt.date(2025, 12, 1)
    )
    user = UserFactory(username=acting.nip)
    user.employee = acting
    user.save()
    grant(user, kanwil, Role.EMPLOYEE)
    office.users[acting.nip] = user
    head_position = office.head.position
    head_position.superior = post
    head_position.save()
    return acting


# The K3 inputs (kmk-127-2026) of the owner's KPIs: last year's target and realization, or a new KPI.
K3_INPUTS: dict[str, dict[str, Any]] = {
    "S1.1": {"target_prev": D(1100), "realization_prev": D(1150)},
    "S1.2": {"target_prev": D(85), "realization_prev": D(88)},
    "C1.1": {"kind": "new"},
    "P1.1": {"target_prev": D(95), "realization_prev": D(93)},
    "L1.1": {"kind": "new"},
}


def _sign(
    contract: Any, office: Any, weights: list[Decimal], inputs: dict[str, dict[str, Any]] | None = None
) -> Any:
    entries = list(contract.kpis.select_related("kpi").order_by("order"))
    for entry, weight in zip(entries, weights, strict=True):
        fields = {"weight": weight, **(inputs or {}).get(entry.kpi.code, {})}
        services.update_contract_kpi(entry=entry, fields=fields, by=office.manager)
    services.propose(contract=contract, by=office.manager)
    services.agree(contract=contract, by=office.user(contract.superior))
    services.sign(contract=contract, by=office.user(contract.employee))
    contract.refresh_from_db()
    return contract


def owner_contract(office: Any, *, sign: bool = True) -> Any:
    _richer_map(office)
    superior = _acting_superior(office)
    contract = services.create_contract(
        employee=office.head, plan_year=office.map.plan_year, superior=superior, by=office.manager
    )
    if sign:
        _sign(contract, office, [D(30), D(20), D(20), D(15), D(15)], K3_INPUTS)
    return contract


def executor_contract(office: Any, *, sign: bool = True) -> Any:
    """The head of section (no map of their own): a direct-full cascaded KPI and an individual KPI."""
    year = office.map.plan_year
    contract = services.create_contract(employee=office.kasi, plan_year=year, by=office.manager)
    services.cascade_to(parent=office.kpi_sum, contract=contract, mode="direct_full", by=office.manager)
    services.add_individual_kpi(
        contract=contract,
        objective=office.kpi_sum.objective,
        code="IKI-1",
        fields={
            "name_id": "Persentase berkas keberatan selesai tepat waktu",
            "name_en": "Objection files settled on time",
            "polarity": "max",
            "validity": "proxy",
            "controllability": "high",
            "consolidation": "last",
            "frequency": "quarterly",
            "target": D(95),
            **b.MANUAL,
        },
        trajectory=[D(80), D(85), D(90), D(95)],
        by=office.user(office.kasi),
    )
    if sign:
        _sign(contract, office, [D(60), D(40)])
    return contract


# --------------------------------------------------------------------------- reading the PDF


def pdf_text(pdf: bytes, tmp_path: Any) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "contract.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, check=True, timeout=60)
    return out.stdout.decode("utf-8")


def flat(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- the document


def test_owner_contract_has_commitment_map_kpis_trajectory_and_initiatives(office, tmp_path):
    contract = owner_contract(office)
    with translation.override("id"):
        pdf = document.render_pdf(contract, now=NOW)
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf, tmp_path)
    assert text.count("\f") == 5  # commitment, map, Annex I, trajectory, Annex II
    words = flat(text)
    assert "PERJANJIAN KINERJA" in words and "TAHUN 2026" in words  # kmk-127-2026
    assert office.head.name in words and office.head.nip in words and "Kepala KPP" in words
    assert "Rina Plt Kanwil" in words and "Plt. Kepala Kantor Wilayah" in words  # acting in the post
    assert "PIHAK PERTAMA" in words and "PIHAK KEDUA" in words
    assert "Peta Strategi KPP Pratama A 2026" in words  # the map page
    for code, weight in (("S1.1", "30,00"), ("S1.2", "20,00"), ("C1.1", "20,00"), ("L1.1", "15,00")):
        assert re.search(rf"{re.escape(code)}\b.*?{re.escape(weight)}", words), code
    assert "Jumlah bobot 100,00" in words
    assert "1.200" in words  # the year target of S1.1, Indonesian thousands
    assert "K3" in words
    assert "LAMPIRAN II" in words and "IS-1" in words and "Penguatan basis data perpajakan" in words
    assert "125.000.000" in words and "1 Feb 2026 – 30 Nov 2026" in words
    assert "Halaman 1 dari 5" in words and "Halaman 5 dari 5" in words
    assert "Revisi 0" in words and "Dibuat 20 Januari 2026 16:30" in words  # Asia/Jakarta
    assert "KONSEP" not in words  # signed


def test_executor_contract_has_no_map_and_no_initiatives_and_is_marked_konsep_until_signed(office, tmp_path):
    contract = executor_contract(office, sign=False)
    with translation.override("id"):
        pdf = document.render_pdf(contract, now=NOW)
    text = pdf_text(pdf, tmp_path)
    assert text.count("\f") == 3  # commitment, Annex I, trajectory
    words = flat(text)
    assert "KONSEP" in words
    assert office.kasi.name in words and office.head.name in words  # holder and superior
    assert "Plt." not in words
    assert "LAMPIRAN II" not in words and "Peta Strategi" not in words
    assert "S1.1" in words and "IKI-1" in words
    assert "TW1 TW2 TW3 TW4" in words and "B1 B2 B3" in words  # quarterly and monthly tables
    assert re.search(r"IKI-1 .*?80 85 90 95", words)  # the current period targets
    assert "Halaman 3 dari 3" in words


def test_signed_contract_shows_the_frozen_trajectory_not_the_current_one(office, tmp_path):
    contract = executor_contract(office)
    iki = contract.kpis.get(kpi__code="IKI-1").kpi
    iki.period_targets.filter(period=1).update(target=D(10))  # a later change behind the contract's back
    with translation.override("id"):
        words = flat(pdf_text(document.render_pdf(contract, now=NOW), tmp_path))
    assert re.search(r"IKI-1 .*?80 85 90 95", words)
    assert "KONSEP" not in words


def test_title_follows_the_rule_set_of_the_year(office):
    contract = executor_contract(office, sign=False)
    with translation.override("id"):  # a request in English earlier on this worker leaves English active
        assert document.title_for(contract) == "PERJANJIAN KINERJA"
        contract.plan_year.rule_set = "kmk-467-2014"
        assert document.title_for(contract) == "KONTRAK KINERJA"
        assert document.filename(contract) == f"kontrak-kinerja-2026-{office.kasi.nip}.pdf"


def test_page_counter_is_css_around_the_counters():
    with translation.override("id"):
        assert document.page_counter_css() == '"Halaman " counter(page) " dari " counter(pages)'
    assert document.css_string('a "b" \\ c') == '"a \\"b\\" \\\\ c"'


# --------------------------------------------------------------------------- the page


def test_download_by_the_holder_in_english(office, client, tmp_path):
    contract = executor_contract(office)
    client.force_login(office.user(office.kasi))
    response = client.get(reverse("contracts:document", args=[contract.pk]), {"lang": "en"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="performance-agreement-2026-{office.kasi.nip}.pdf"'
    )
    words = flat(pdf_text(response.content, tmp_path))
    assert "PERFORMANCE AGREEMENT" in words
    assert "Page 1 of 3" in words
    assert "Objection files settled on time" in words


def test_superior_and_manager_download_in_indonesian(office, client, tmp_path):
    contract = executor_contract(office)
    for user in (office.user(office.head), office.manager):
        client.force_login(user)
        response = client.get(reverse("contracts:document", args=[contract.pk]))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith('attachment; filename="perjanjian-kinerja-2026-')
    assert "PERJANJIAN KINERJA" in flat(pdf_text(response.content, tmp_path))


def test_someone_outside_the_scope_gets_404(office, client, make_user):
    contract = executor_contract(office, sign=False)
    url = reverse("contracts:document", args=[contract.pk])
    client.force_login(make_user(office.org.kpp_b, Role.MANAGER))
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_ended_contract_counts_as_signed(office):
    contract = executor_contract(office)
    contract.state = ContractState.ENDED
    assert document.is_signed(contract)
