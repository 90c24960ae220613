"""Demo strategy maps for plan year 2026 (rule set kmk-127-2026): the ministry, three echelon I units, a customs office
and a tax office.

`build_strategy_demo` builds, idempotently (keyed by unit and year, SS code,
link, KPI code), the maps of KEMENKEU, DJP, DJBC and DJPB and the map of KPPBC
Tipe Madya Pabean Tanjung Perak from domain.md §7 — its 10 SS and 20 IKU with
the polarity, target, validity and controllability of the table. It is meant
to run as a step of `kinerja demo` (see `kinerja.demo.organisation`) after the
organisation, whose units it needs; `clear_strategy_demo` undoes it for
`--reset`. Running it again creates nothing new and saves only what differs;
a map's workflow state is set only when the map is created.

KPP Madya Malang's map is complete and approved (9 SS, 16 IKU, no finding), so
the demo leader `pimpinan.kpp.malang` has a map and a scorecard to look at.
The ministry, Tanjung Perak and Malang maps carry a few strategic initiatives
(milestones, progress reports) and risks (monitoring entries) from `PLANS`.

The Tanjung Perak map is left as a draft for the demo's performance manager to
work on; its health panel shows the findings domain.md §7 predicts (P3 has four
KPIs, row 19 is activity/low, 20 KPIs is exactly the office's cap).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from kinerja.organisations.models import Unit
from kinerja.planning.models import (
    PERSPECTIVE_DEFAULTS,
    Initiative,
    Kpi,
    MapState,
    Milestone,
    Objective,
    ObjectiveLink,
    PeriodTarget,
    Perspective,
    PlanPeriod,
    PlanYear,
    ProgressReport,
    Risk,
    RiskMonitoring,
    StateChange,
    StrategyMap,
)
from kinerja.planning.selectors import load_map_data
from kinerja.planning.validation import validate_map

DEMO_YEAR = 2026
DEMO_RULE_SET = "kmk-127-2026"
RENSTRA = ("Renstra Kementerian Keuangan 2025–2029", 2025, 2029)
PERSPECTIVE_OF = {"S": "stakeholder", "C": "customer", "P": "internal_process", "L": "learning_growth"}
QUARTER_SHARES = (Decimal("0.20"), Decimal("0.25"), Decimal("0.25"), Decimal("0.30"))
COUNT_UNITS = {"kali", "dokumen", "kegiatan", "laporan", "rekomendasi"}


@dataclass(frozen=True)
class K:
    """One IKU of a demo map: SS code, names, polarity, target, unit, validity, controllability and options."""

    ss: str
    name_id: str
    name_en: str
    polarity: str
    target: str
    unit: str
    validity: str
    control: str
    frequency: str = "quarterly"
    consolidation: str | None = None
    formula: str = ""
    source: str = ""
    lead_lag: str = "lag"
    ramp: tuple[str, ...] | None = None  # an explicit trajectory, one value per period
    worst: str | None = None
    cap_on_target: bool = False
    mandatory: bool = False


@dataclass(frozen=True)
class MapSpec:
    unit: str
    state: str
    vision: str
    mission: str
    weights: tuple[int, int, int, int] | None
    objectives: tuple[
        tuple[str, str, str], ...
    ]  # (code, name_id, name_en); the code's letter gives the perspective
    links: tuple[tuple[str, str], ...]  # (cause, effect)
    kpis: tuple[K, ...]
    measured_by: str = "Bagian Organisasi dan Tata Laksana"
    owner: str = "Kepala Unit"
    notes: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------------- the maps

KEMENKEU = MapSpec(
    unit="KEMENKEU",
    state=MapState.APPROVED,
    vision="Menjadi pengelola keuangan negara untuk mewujudkan perekonomian Indonesia yang produktif, "
    "kompetitif, inklusif, dan berkeadilan.",
    mission="1. Mengembangkan kebijakan fiskal yang sehat, berkelanjutan, dan berdaya guna.\n"
    "2. Mengoptimalkan penerimaan negara.\n3. Mewujudkan belanja negara yang berkualitas.\n"
    "4. Mengelola pembiayaan dan kekayaan negara secara aman dan efisien.",
    weights=(30, 25, 25, 20),
    measured_by="Biro Organisasi dan Ketatalaksanaan, Sekretariat Jenderal",
    owner="Menteri Keuangan",
    objectives=(
        ("S1", "Kebijakan fiskal yang sehat dan berkelanjutan", "Sound and sustainable fiscal policy"),
        ("S2", "Pendapatan negara yang optimal", "Optimal state revenue"),
        ("S3", "Belanja negara yang berkualitas", "Quality state spending"),
        (
            "C1",
            "Pembiayaan dan risiko fiskal yang terkelola aman",
            "Safely managed financing and fiscal risk",
        ),
        (
            "C2",
            "Kepatuhan wajib pajak dan pengguna jasa yang tinggi",
            "High compliance of taxpayers and users",
        ),
        ("C3", "Layanan publik yang prima", "Excellent public service"),
        ("C4", "Pengelolaan kekayaan negara yang optimal", "Optimal state asset management"),
        ("P1", "Perumusan kebijakan fiskal berbasis data dan bukti", "Evidence-based fiscal policy making"),
        ("P2", "Pengawasan dan penegakan hukum yang efektif", "Effective supervision and law enforcement"),
        ("P3", "Pelaksanaan anggaran yang tepat waktu dan akuntabel", "Timely, accountable budget execution"),
        (
            "P4",
            "Proses bisnis yang terintegrasi dan terdigitalisasi",
            "Integrated, digitalised business processes",
        ),
        ("L1", "SDM yang kompeten dan berintegritas", "Competent staff with integrity"),
        ("L2", "Organisasi yang adaptif dan kolaboratif", "Adaptive, collaborative organisation"),
        ("L3", "Sistem informasi dan data yang andal", "Reliable information systems and data"),
        ("L4", "Pengelolaan anggaran internal yang efektif", "Effective internal budget management"),
    ),
    links=(
        ("S2", "S1"),
        ("S3", "S1"),
        ("C1", "S1"),
        ("C2", "S2"),
        ("C3", "S2"),
        ("C3", "S3"),
        ("C4", "S3"),
        ("P1", "C1"),
        ("P1", "C4"),
        ("P2", "C2"),
        ("P3", "C3"),
        ("P3", "C4"),
        ("P4", "C3"),
        ("L1", "P1"),
        ("L1", "P2"),
        ("L2", "P3"),
        ("L2", "P4"),
        ("L3", "P4"),
        ("L3", "P2"),
        ("L4", "P3"),
    ),
    kpis=(
        K(
            "S1",
            "Rasio defisit APBN terhadap PDB",
            "Budget deficit to GDP ratio",
            "min",
            "2.48",
            "%",
            "exact",
            "moderate",
            frequency="yearly",
            source="Laporan Keuangan Pemerintah Pusat",
        ),
        K(
            "S1",
            "Rasio utang pemerintah terhadap PDB",
            "Government debt to GDP ratio",
            "min",
            "39.5",
            "%",
            "exact",
            "moderate",
            frequency="semester",
            consolidation="last",
        ),
        K(
            "S2",
            "Persentase realisasi pendapatan negara",
            "State revenue realized",
            "max",
            "100",
            "%",
            "exact",
            "moderate",
            consolidation="last",
            ramp=("20", "45", "70", "100"),
            source="Aplikasi MPN G3",
        ),
        K(
            "S2",
            "Rasio perpajakan (tax ratio)",
            "Tax ratio",
            "max",
            "10.24",
            "%",
            "exact",
            "low",
            frequency="yearly",
        ),
        K(
            "S3",
            "Persentase penyerapan belanja kementerian/lembaga",
            "Ministries' spending absorbed",
            "max",
            "95",
            "%",
            "proxy",
            "moderate",
            consolidation="last",
            ramp=("15", "40", "65", "95"),
            source="OM-SPAN",
        ),
        K(
            "S3",
            "Indeks kualitas belanja negara",
            "State spending quality index",
            "max",
            "80",
            "indeks",
            "exact",
            "moderate",
            frequency="semester",
            consolidation="last",
        ),
        K(
            "C1",
            "Biaya utang: imbal hasil SBN tenor 10 tahun",
            "Cost of debt: 10-year bond yield",
            "min",
            "6.9",
            "%",
            "proxy",
            "low",
            consolidation="average",
        ),
        K(
            "C1",
            "Persentase pemenuhan target pembiayaan",
            "Financing target met",
            "max",
            "100",
            "%",
            "exact",
            "moderate",
            consolidation="last",
            ramp=("30", "60", "85", "100"),
            cap_on_target=True,
        ),
        K(
            "C2",
            "Persentase kepatuhan penyampaian SPT Tahunan",
            "Annual tax returns filed on time",
            "max",
            "85",
            "%",
            "proxy",
            "moderate",
            frequency="yearly",
        ),
        K(
            "C3",
            "Indeks kepuasan pengguna layanan Kemenkeu",
            "Service user satisfaction index",
            "max",
            "4.3",
            "indeks (skala 5)",
            "exact",
            "moderate",
            frequency="yearly",
            source="Survei kepuasan pengguna layanan",
        ),
        K(
            "C4",
            "Opini BPK atas Laporan Keuangan Pemerintah Pusat",
            "Audit opinion on central government accounts",
            "max",
            "4",
            "skala (WTP = 4)",
            "proxy",
            "moderate",
            frequency="yearly",
            cap_on_target=True,
        ),
        K(
            "C4",
            "Persentase BMN tanah yang bersertifikat",
            "State land assets certified",
            "max",
            "90",
            "%",
            "proxy",
            "high",
            consolidation="last",
            ramp=("80", "84", "87", "90"),
        ),
        K(
            "P1",
            "Persentase rekomendasi kebijakan fiskal yang ditindaklanjuti",
            "Fiscal policy recommendations acted upon",
            "max",
            "80",
            "%",
            "proxy",
            "moderate",
            frequency="semester",
            consolidation="last",
            lead_lag="lead",
        ),
        K(
            "P2",
            "Persentase tindak lanjut hasil pengawasan yang diselesaikan",
            "Audit findings settled",
            "max",
            "90",
            "%",
            "proxy",
            "moderate",
            consolidation="last",
            ramp=("60", "70", "80", "90"),
        ),
        K(
            "P3",
            "Nilai Indikator Kinerja Pelaksanaan Anggaran (IKPA)",
            "Budget execution performance score",
            "max",
            "95",
            "nilai",
            "proxy",
            "high",
            consolidation="average",
            source="OM-SPAN",
        ),
        K(
            "P4",
            "Persentase layanan yang terdigitalisasi end-to-end",
            "Services digitalised end to end",
            "max",
            "75",
            "%",
            "proxy",
            "moderate",
            frequency="semester",
            consolidation="last",
            ramp=("60", "75"),
            lead_lag="lead",
        ),
        K(
            "L1",
            "Indeks profesionalitas ASN",
            "Civil service professionalism index",
            "max",
            "85",
            "indeks",
            "exact",
            "moderate",
            frequency="yearly",
            lead_lag="lead",
        ),
        K(
            "L1",
            "Persentase pegawai yang memenuhi standar kompetensi jabatan",
            "Staff meeting their job's competency standard",
            "max",
            "80",
            "%",
            "proxy",
            "moderate",
            frequency="semester",
            consolidation="last",
            ramp=("70", "80"),
            lead_lag="lead",
        ),
        K(
            "L2",
            "Nilai reformasi birokrasi Kemenkeu",
            "Bureaucratic reform score",
            "max",
            "90",
            "nilai",
            "proxy",
            "moderate",
            frequency="yearly",
            lead_lag="lead",
        ),
        K(
            "L3",
            "Tingkat ketersediaan layanan TIK",
            "ICT service availability",
            "max",
            "99.5",
            "%",
            "proxy",
            "high",
            frequency="monthly",
            consolidation="average",
            lead_lag="lead",
            cap_on_target=True,
        ),
        K(
            "L4",
            "Persentase realisasi anggaran Kemenkeu",
            "Ministry budget absorbed",
            "max",
            "95",
            "%",
            "proxy",
            "moderate",
            consolidation="last",
            ramp=("15", "40", "65", "95"),
            lead_lag="lead",
            mandatory=True,
        ),
    ),
)

DJP = MapSpec(
    unit="DJP",
    state=MapState.APPROVED,
    vision="Menjadi mitra tepercaya membangun negeri untuk menghimpun penerimaan pajak negara melalui "
    "pelayanan, edukasi, pengawasan, dan penegakan hukum yang adil.",
    mission="Menghimpun penerimaan pajak negara berdasarkan undang-undang perpajakan yang mampu mewujudkan "
    "kemandirian pembiayaan pemerintah.",
    weights=(30, 25, 25, 20),
    measured_by="Direktorat Transformasi Proses Bisnis",
    owner="Direktur Jenderal Pajak",
    objectives=(
        ("S1", "Penerimaan pajak negara yang optimal", "Optimal tax revenue"),
        ("C1", "Kepatuhan wajib pajak yang tinggi", "High taxpayer compliance"),
        ("C2", "Pelayanan perpajakan yang mudah dan andal", "Easy, reliable tax services"),
        ("P1", "Ekstensifikasi dan intensifikasi pajak yang efektif", "Effective tax base broadening"),
        ("P2", "Pengawasan dan pemeriksaan yang berkualitas", "Quality supervision and audit"),
        ("P3", "Penegakan hukum pajak yang berkeadilan", "Fair tax law enforcement"),
        ("P4", "Edukasi dan penyuluhan perpajakan yang efektif", "Effective tax education"),
        ("L1", "SDM yang kompeten dan berintegritas", "Competent staff with integrity"),
        ("L2", "Organisasi dan proses bisnis yang adaptif", "Adaptive organisation and processes"),
        ("L3", "Sistem inti administrasi perpajakan yang andal", "Reliable core tax system"),
        ("L4", "Pengelolaan anggaran yang berkualitas", "Quality budget management"),
    ),
    links=(
        ("C1", "S1"),
        ("C2", "C1"),
        ("P1", "S1"),
        ("P2", "C1"),
        ("P3", "C1"),
        ("P4", "C1"),
        ("P4", "C2"),
        ("L1", "P2"),
        ("L1", "P3"),
        ("L2", "P1"),
        ("L2", "P4"),
        ("L3", "P1"),
        ("L3", "P2"),
        ("L4", "P4"),
    ),
    kpis=(
        K(
            "S1",
            "Persentase realisasi penerimaan pajak",
            "Tax revenue realized",
            "max",
            "100",
            "%",
            "exact",
            "moderate",
            consolidation="last",
            ramp=("20", "45", "70", "100"),
            source="Aplikasi MPN G3",
        ),
        K(
            "S1",
            "Pertumbuhan penerimaan pajak neto",
            "Net tax revenue growth",
            "max",
            "13.9",
            "%",
            "exact",
            "low",
            frequency="yearly",
        ),
        K(
            "C1",
            "Persentase kepatuhan formal wajib pajak",
            "Formal taxpayer compliance",
            "max",
            "85",
            "%",
            "proxy",
            "moderate",
            frequency="yearly",
        ),
        K(
            "C1",
            "Persentase kepatuhan pembayaran pajak",
            "Tax payment compliance",
            "max",
            "80",
            "%",
            "proxy",
            "moderate",
            consolidation="average",
        ),
        K(
            "C2",
            "Indeks kepuasan wajib pajak",
            "Taxpayer satisfaction index",
            "max",
            "4.2",
            "indeks (skala 5)",
            "exact",
            "moderate",
            frequency="yearly",
        ),
        K(
            "P1",
            "Jumlah wajib pajak baru yang membayar",
            "New paying taxpayers",
            "max",
            "1200000",
            "wajib pajak",
            "proxy",
            "moderate",
            consolidation="sum",
            lead_lag="lead",
        ),
        K(
            "P2",
            "Persentase pemeriksaan yang diselesaikan tepat waktu",
            "Audits finished on time",
            "max",
            "90",
            "%",
            "proxy",
            "high",
            consolidation="average",
            lead_lag="lead",
        ),
        K(
            "P3",
            "Persentase berkas penyidikan yang dinyatakan lengkap (P-21)",
            "Investigations ready for trial",
            "max",
            "80",
            "%",
            "proxy",
            "moderate",
            frequency="semester",
            consolidation="last",
        ),
        K(
            "P4",
            "Jumlah kegiatan edukasi perpajakan",
            "Tax education events",
            "max",
            "4800",
            "kegiatan",
            "activity",
            "high",
            consolidation="sum",
            lead_lag="lead",
        ),
        K(
            "P4",
            "Indeks efektivitas edukasi perpajakan",
            "Tax education effectiveness index",
            "max",
            "80",
            "indeks",
            "exact",
            "moderate",
            frequency="semester",
            consolidation="last",
        ),
        K(
            "L1",
            "Persentase pegawai yang memenuhi jam pelajaran pengembangan kompetensi",
            "Staff meeting training hours",
            "max",
            "90",
            "%",
            "proxy",
            "high",
            consolidation="last",
            ramp=("20", "45", "70", "90"),
            lead_lag="lead",
        ),
        K(
            "L2",
            "Persentase proses bisnis yang dipetakan ulang untuk sistem inti",
            "Business processes redesigned for the core system",
            "max",
            "100",
            "%",
            "project",
            "moderate",
            frequency="semester",
            consolidation="last",
            ramp=("50", "100"),
            cap_on_target=True,
        ),
        K(
            "L3",
            "Tingkat ketersediaan sistem inti administrasi perpajakan",
            "Core tax system availability",
            "max",
            "99",
            "%",
            "proxy",
            "moderate",
            frequency="monthly",
            consolidation="average",
        ),
        K(
            "L4",
            "Nilai IKPA DJP",
            "DGT budget execution score",
            "max",
            "95",
            "nilai",
            "proxy",
            "high",
            consolidation="average",
            mandatory=True,
        ),
    ),
)

DJBC = MapSpec(
    unit="DJBC",
    state=MapState.APPROVED,
    vision="Menjadi institusi kepabeanan dan cukai terkemuka di dunia.",
    mission="1. Memberikan fasilitasi perdagangan dan industri.\n2. Menjaga perbatasan dan melindungi "
    "masyarakat Indonesia dari penyelundupan dan perdagangan ilegal.\n3. Mengoptimalkan penerimaan negara "
    "di sektor kepabeanan dan cukai.",
    weights=(30, 25, 25, 20),
    measured_by="Direktorat Kepatuhan Internal",
    owner="Direktur Jenderal Bea dan Cukai",
    objectives=(
        ("S1", "Penerimaan kepabeanan dan cukai yang optimal", "Optimal customs and excise revenue"),
        ("S2", "Masyarakat terlindungi dari barang ilegal", "Society protected from illegal goods"),
        (
            "C1",
            "Fasilitasi perdagangan dan industri yang efektif",
            "Effective trade and industry facilitation",
        ),
        ("C2", "Kepatuhan pengguna jasa yang tinggi", "High compliance of service users"),
        ("P1", "Pelayanan kepabeanan dan cukai yang cepat dan andal", "Fast, reliable customs services"),
        ("P2", "Pengawasan kepabeanan dan cukai yang efektif", "Effective customs and excise supervision"),
        ("P3", "Intelijen dan manajemen risiko yang tajam", "Sharp intelligence and risk management"),
        ("L1", "SDM yang kompeten dan berintegritas", "Competent staff with integrity"),
        ("L2", "Organisasi yang adaptif", "Adaptive organisation"),
        ("L3", "Sistem informasi kepabeanan yang andal", "Reliable customs information system"),
        ("L4", "Pengelolaan anggaran yang efektif", "Effective budget management"),
    ),
    links=(
        ("C1", "S1"),
        ("C2", "S1"),
        ("C2", "S2"),
        ("P1", "C1"),
        ("P2", "C2"),
        ("P2", "S2"),
        ("P3", "P2"),
        ("L1", "P1"),
        ("L1", "P2"),
        ("L2", "P1"),
        ("L3", "P1"),
        ("L3", "P3"),
        ("L4", "P3"),
    ),
    kpis=(
        K(
            "S1",
            "Persentase realisasi penerimaan bea dan cukai",
            "Customs and excise revenue realized",
            "max",
            "100",
            "%",
            "exact",
            "moderate",
            consolidation="last",
            ramp=("22", "48", "73", "100"),
        ),
        K(
            "S2",
            "Tingkat keberhasilan pengawasan peredaran BKC ilegal",
            "Success rate in supervising illegal excisable goods",
            "max",
            "85",
            "%",
            "proxy",
            "moderate",
            consolidation="average",
        ),
        K(
            "C1",
            "Waktu penyelesaian proses kepabeanan impor (customs clearance time)",
            "Customs clearance time",
            "min",
            "1.2",
            "hari",
            "proxy",
            "moderate",
            consolidation="average",
        ),
        K(
            "C1",
            "Indeks kepuasan pengguna jasa kepabeanan",
            "Customs service satisfaction index",
            "max",
            "4.2",
            "indeks (skala 5)",
            "exact",
            "moderate",
            frequency="yearly",
        ),
        K(
            "C2",
            "Persentase sengketa banding yang dimenangkan di Pengadilan Pajak",
            "Tax Court appeals won",
            "max",
            "60",
            "%",
            "proxy",
            "low",
            frequency="semester",
            consolidation="average",
        ),
        K(
            "P1",
            "Persentase dokumen impor jalur hijau yang selesai dalam satu jam",
            "Green-channel import documents cleared within an hour",
            "max",
            "95",
            "%",
            "proxy",
            "high",
            consolidation="average",
            lead_lag="lead",
        ),
        K(
            "P2",
            "Hit rate pemeriksaan fisik jalur merah",
            "Red-line hit rate",
            "max",
            "15",
            "%",
            "proxy",
            "moderate",
            consolidation="average",
        ),
        K(
            "P2",
            "Jumlah penindakan atas barang ilegal",
            "Enforcement actions on illegal goods",
            "max",
            "32000",
            "kali",
            "activity",
            "moderate",
            consolidation="sum",
            lead_lag="lead",
        ),
        K(
            "P3",
            "Persentase Nota Hasil Intelijen yang akurat",
            "Accurate intelligence notes",
            "max",
            "60",
            "%",
            "proxy",
            "moderate",
            consolidation="average",
            lead_lag="lead",
        ),
        K(
            "L1",
            "Persentase pegawai yang memenuhi standar kompetensi teknis kepabeanan",
            "Staff meeting the customs competency standard",
            "max",
            "85",
            "%",
            "proxy",
            "high",
            frequency="semester",
            consolidation="last",
            ramp=("75", "85"),
            lead_lag="lead",
        ),
        K(
            "L2",
            "Persentase unit vertikal yang menerapkan manajemen risiko",
            "Field offices applying risk management",
            "max",
            "100",
            "%",
            "proxy",
            "moderate",
            frequency="yearly",
            cap_on_target=True,
        ),
        K(
            "L3",
            "Tingkat ketersediaan sistem CEISA",
            "CEISA system availability",
            "max",
            "99.5",
            "%",
            "proxy",
            "moderate",
            frequency="monthly",
            consolidation="average",
        ),
        K(
            "L4",
            "Nilai IKPA DJBC",
            "DGCE budget execution score",
            "max",
            "95",
            "nilai",
            "proxy",
            "high",
            consolidation="average",
            mandatory=True,
        ),
    ),
)

DJPB = MapSpec(
    unit="DJPB",
    state=MapState.SUBMITTED,
    vision="Menjadi pengelola perbendaharaan negara yang unggul di tingkat dunia.",
    mission="1. Mewujudkan pengelolaan kas negara yang efisien dan optimal.\n2. Mewujudkan pelaksanaan "
    "anggaran yang berkualitas.\n3. Mewujudkan akuntabilitas pelaporan keuangan pemerintah.",
    weights=(30, 25, 25, 20),
    measured_by="Sekretariat Direktorat Jenderal Perbendaharaan",
    owner="Direktur Jenderal Perbendaharaan",
    objectives=(
        ("S1", "Pelaksanaan anggaran yang berkualitas", "Quality budget execution"),
        ("S2", "Pengelolaan kas negara yang optimal", "Optimal state cash management"),
        ("C1", "Layanan perbendaharaan yang prima", "Excellent treasury services"),
        ("C2", "Laporan keuangan pemerintah yang akuntabel", "Accountable government financial reports"),
        ("P1", "Penyaluran dana APBN yang tepat waktu", "Timely disbursement of state funds"),
        ("P2", "Manajemen kas dan investasi yang efektif", "Effective cash and investment management"),
        ("P3", "Pembinaan akuntansi dan pelaporan yang berkualitas", "Quality accounting guidance"),
        ("L1", "SDM perbendaharaan yang kompeten", "Competent treasury staff"),
        ("L2", "Organisasi yang adaptif", "Adaptive organisation"),
        ("L3", "Sistem perbendaharaan yang andal", "Reliable treasury systems"),
    ),
    links=(
        ("C1", "S1"),
        ("C2", "S1"),
        ("C1", "S2"),
        ("P1", "C1"),
        ("P2", "S2"),
        ("P3", "C2"),
        ("L1", "P1"),
        ("L1", "P3"),
        ("L2", "P1"),
        ("L2", "P2"),
        ("L3", "P1"),
        ("L3", "P3"),
    ),
    kpis=(
        K(
            "S1",
            "Nilai IKPA tingkat nasional",
            "National budget execution score",
            "max",
            "95",
            "nilai",
            "proxy",
            "moderate",
            consolidation="average",
            source="OM-SPAN",
        ),
        K(
            "S2",
            "Persentase saldo kas minimal yang terjaga",
            "Minimum cash balance kept",
            "max",
            "100",
            "%",
            "exact",
            "moderate",
            frequency="monthly",
            consolidation="average",
            cap_on_target=True,
        ),
        K(
            "C1",
            "Indeks kepuasan satuan kerja atas layanan KPPN",
            "Work units' satisfaction with KPPN services",
            "max",
            "4.4",
            "indeks (skala 5)",
            "exact",
            "moderate",
            frequency="yearly",
        ),
        K(
            "C2",
            "Opini BPK atas Laporan Keuangan Bendahara Umum Negara",
            "Audit opinion on the state treasurer's accounts",
            "max",
            "4",
            "skala (WTP = 4)",
            "proxy",
            "moderate",
            frequency="yearly",
            cap_on_target=True,
        ),
        K(
            "P1",
            "Persentase SP2D yang terbit tepat waktu",
            "Payment orders issued on time",
            "max",
            "99",
            "%",
            "proxy",
            "high",
            frequency="monthly",
            consolidation="average",
            lead_lag="lead",
        ),
        K(
            "P2",
            "Persentase akurasi proyeksi kas",
            "Cash forecast accuracy",
            "max",
            "95",
            "%",
            "proxy",
            "moderate",
            consolidation="average",
        ),
        K(
            "P3",
            "Persentase K/L dengan laporan keuangan tepat waktu",
            "Ministries reporting on time",
            "max",
            "100",
            "%",
            "proxy",
            "moderate",
            frequency="semester",
            consolidation="average",
            cap_on_target=True,
        ),
        K(
            "L1",
            "Persentase pegawai bersertifikat keahlian perbendaharaan",
            "Staff with treasury certification",
            "max",
            "70",
            "%",
            "proxy",
            "high",
            frequency="semester",
            consolidation="last",
            ramp=("60", "70"),
            lead_lag="lead",
        ),
        K(
            "L2",
            "Nilai maturitas manajemen risiko",
            "Risk management maturity score",
            "max",
            "3.5",
            "skala 5",
            "proxy",
            "moderate",
            frequency="yearly",
        ),
        K(
            "L3",
            "Tingkat ketersediaan aplikasi SAKTI dan SPAN",
            "SAKTI and SPAN availability",
            "max",
            "99",
            "%",
            "proxy",
            "moderate",
            frequency="monthly",
            consolidation="average",
        ),
    ),
)

# domain.md §7: KPPBC Tipe Madya Pabean Tanjung Perak (the 2010 table, as a 2026 draft).
TANJUNG_PERAK = MapSpec(
    unit="DJBC-KPPBC-TANJUNG-PERAK",
    state=MapState.DRAFT,
    vision="Menjadi kantor pelayanan dan pengawasan kepabeanan dan cukai terbaik di pelabuhan utama.",
    mission="Memberikan pelayanan yang optimal, pengawasan yang efektif, dan penerimaan negara yang optimal.",
    weights=(25, 25, 30, 20),
    measured_by="Seksi Kepatuhan Internal",
    owner="Kepala KPPBC TMP Tanjung Perak",
    objectives=(
        ("S1", "Penerimaan negara yang optimal", "Optimal state revenue"),
        ("C1", "Kepuasan layanan yang tinggi", "High service satisfaction"),
        ("C2", "Kepatuhan pengguna jasa yang tinggi", "High compliance of service users"),
        ("P1", "Pelayanan yang optimal", "Optimal service"),
        ("P2", "Peningkatan pemahaman pengguna jasa yang efektif", "Users understand the rules better"),
        ("P3", "Pengawasan yang efektif", "Effective supervision"),
        ("L1", "Pengembangan dan pembinaan SDM", "Developing and guiding staff"),
        (
            "L2",
            "Pengelolaan organisasi yang selaras dengan proses bisnis",
            "Organisation fits business processes",
        ),
        ("L3", "Pemanfaatan sistem teknologi informasi yang optimal", "Optimal use of IT"),
        (
            "L4",
            "Perencanaan dan penyerapan anggaran yang efisien dan efektif",
            "Efficient budget planning and spending",
        ),
    ),
    links=(
        ("C1", "S1"),
        ("C2", "S1"),
        ("P1", "C1"),
        ("P2", "C2"),
        ("P3", "C2"),
        ("P3", "S1"),
        ("L1", "P1"),
        ("L1", "P3"),
        ("L2", "P1"),
        ("L2", "P2"),
        ("L3", "P1"),
        ("L3", "P3"),
        ("L4", "P2"),
    ),
    kpis=(
        K(
            "S1",
            "Realisasi penerimaan bea dan cukai",
            "Customs and excise revenue realized",
            "max",
            "100",
            "%",
            "exact",
            "moderate",
            consolidation="last",
            ramp=("22", "48", "73", "100"),
        ),
        K(
            "C1",
            "Indeks kepuasan layanan",
            "Service satisfaction index",
            "max",
            "75",
            "indeks",
            "exact",
            "moderate",
            frequency="yearly",
        ),
        K(
            "C2",
            "Persentase jumlah pengguna jasa yang diblokir",
            "% service users blocked",
            "min",
            "1",
            "%",
            "proxy",
            "low",
            consolidation="average",
        ),
        K(
            "C2",
            "Persentase jumlah SPTNP yang dibayar tepat waktu",
            "% tariff/value assessment notices paid on time",
            "max",
            "85",
            "%",
            "proxy",
            "low",
            consolidation="average",
        ),
        K(
            "P1",
            "Realisasi janji pelayanan pemeriksaan fisik barang impor",
            "Service promise met: physical inspection of imports",
            "max",
            "70",
            "%",
            "proxy",
            "moderate",
            consolidation="average",
        ),
        K(
            "P1",
            "Realisasi janji pelayanan penelitian dokumen impor",
            "Service promise met: import document review",
            "max",
            "70",
            "%",
            "proxy",
            "moderate",
            consolidation="average",
        ),
        K(
            "P2",
            "Jumlah sosialisasi yang diselenggarakan",
            "Outreach events held",
            "max",
            "24",
            "kegiatan",
            "activity",
            "high",
            consolidation="sum",
            lead_lag="lead",
        ),
        K(
            "P2",
            "Indeks sosialisasi",
            "Outreach index",
            "max",
            "75",
            "indeks",
            "exact",
            "moderate",
            frequency="semester",
            consolidation="average",
        ),
        K(
            "P3",
            "Persentase keakuratan Nota Hasil Intelijen (NHI)",
            "% accurate intelligence notes",
            "max",
            "50",
            "%",
            "proxy",
            "moderate",
            consolidation="average",
        ),
        K(
            "P3",
            "Persentase tindak lanjut penyelesaian kasus berdasarkan Nota Pemberitahuan dari internal",
            "% cases from internal notices followed up",
            "max",
            "90",
            "%",
            "proxy",
            "moderate",
            consolidation="average",
        ),
        K(
            "P3",
            "Persentase tindak pidana di bidang kepabeanan dan cukai yang diserahkan ke Kejaksaan",
            "% customs/excise crimes handed to prosecutors",
            "max",
            "100",
            "%",
            "proxy",
            "moderate",
            frequency="semester",
            consolidation="average",
        ),
        K(
            "P3",
            "Persentase pemanfaatan sarana intelijen, penindakan dan penyidikan",
            "% use of intelligence and enforcement equipment",
            "max",
            "90",
            "%",
            "proxy",
            "high",
            consolidation="average",
        ),
        K(
            "L1",
            "Jumlah pelaksanaan Program Pembinaan Keterampilan Pegawai (PPKP)",
            "Staff skill programme runs",
            "max",
            "24",
            "kali",
            "activity",
            "high",
            consolidation="sum",
            lead_lag="lead",
        ),
        K(
            "L1",
            "Persentase penjatuhan sanksi disiplin",
            "% disciplinary sanctions imposed",
            "min",
            "10",
            "%",
            "proxy",
            "high",
            frequency="semester",
            consolidation="average",
        ),
        K(
            "L2",
            "Jumlah rancangan SOP yang diusulkan ke tingkat pusat",
            "Draft SOPs proposed to headquarters",
            "max",
            "12",
            "dokumen",
            "proxy",
            "high",
            consolidation="sum",
        ),
        K(
            "L2",
            "Frekuensi rapat evaluasi kinerja yang dilakukan oleh KPPBC",
            "Performance review meetings held",
            "max",
            "12",
            "kali",
            "activity",
            "high",
            frequency="monthly",
            consolidation="sum",
            lead_lag="lead",
        ),
        K(
            "L2",
            "Persentase temuan Itjen Kemenkeu yang ditindaklanjuti",
            "% Inspectorate General findings followed up",
            "max",
            "90",
            "%",
            "proxy",
            "moderate",
            frequency="semester",
            consolidation="last",
        ),
        K(
            "L3",
            "Persentase jumlah PC yang terhubung dalam jaringan",
            "% PCs networked",
            "max",
            "90",
            "%",
            "proxy",
            "high",
            frequency="semester",
            consolidation="last",
            ramp=("85", "90"),
        ),
        K(
            "L3",
            "Jumlah downtime",
            "Downtime occurrences",
            "min",
            "6",
            "kali",
            "activity",
            "low",
            consolidation="sum",
        ),
        K(
            "L4",
            "Tingkat realisasi penyerapan anggaran",
            "Budget absorption rate",
            "max",
            "85",
            "%",
            "proxy",
            "moderate",
            consolidation="last",
            ramp=("15", "40", "62", "85"),
        ),
    ),
    notes={
        "L2.3": "Baris 17 tabel sumber jatuh pada pergantian halaman; ditempatkan di bawah L2 menurut maknanya "
        "(L3 juga mungkin).",
    },
)

KPP_MADYA_MALANG = MapSpec(
    unit="DJP-KPP-MADYA-MALANG",
    state=MapState.APPROVED,
    vision="Menjadi kantor pelayanan pajak madya yang tepercaya dalam menghimpun penerimaan negara "
    "di wilayah Malang Raya.",
    mission="1. Menghimpun penerimaan pajak melalui pengawasan dan penegakan hukum yang berkeadilan.\n"
    "2. Memberikan pelayanan dan edukasi perpajakan yang prima.\n"
    "3. Mengembangkan SDM, teknologi informasi, dan tata kelola anggaran yang andal.",
    weights=(30, 25, 25, 20),
    measured_by="Subbagian Umum dan Kepatuhan Internal",
    owner="Kepala KPP Madya Malang",
    objectives=(
        ("S1", "Penerimaan pajak yang optimal", "Optimal tax revenue"),
        ("C1", "Kepatuhan wajib pajak yang tinggi", "High taxpayer compliance"),
        ("C2", "Pelayanan perpajakan yang prima", "Excellent tax services"),
        (
            "P1",
            "Pengawasan dan penggalian potensi pajak yang efektif",
            "Effective supervision of tax potential",
        ),
        ("P2", "Pemeriksaan dan penagihan yang berkualitas", "Quality audit and collection"),
        ("P3", "Edukasi dan penyuluhan perpajakan yang efektif", "Effective tax education"),
        ("L1", "SDM yang kompeten dan berintegritas", "Competent staff with integrity"),
        ("L2", "Pemanfaatan teknologi informasi dan data yang optimal", "Optimal use of IT and data"),
        ("L3", "Pengelolaan anggaran yang efektif dan efisien", "Effective, efficient budget management"),
    ),
    links=(
        ("C1", "S1"),
        ("C2", "C1"),
        ("P1", "S1"),
        ("P1", "C1"),
        ("P2", "S1"),
        ("P3", "C1"),
        ("P3", "C2"),
        ("L1", "P1"),
        ("L1", "P2"),
        ("L2", "P1"),
        ("L2", "P2"),
        ("L3", "P3"),
    ),
    kpis=(
        K(
            "S1",
            "Persentase realisasi penerimaan pajak",
            "Tax revenue realized",
            "max",
            "100",
            "%",
            "exact",
            "moderate",
            consolidation="last",
            ramp=("20", "45", "70", "100"),
            source="Modul Penerimaan Negara (MPN)",
        ),
        K(
            "S1",
            "Persentase pertumbuhan penerimaan pajak bruto",
            "Gross tax revenue growth",
            "max",
            "8",
            "%",
            "proxy",
            "moderate",
            frequency="yearly",
        ),
        K(
            "C1",
            "Persentase kepatuhan penyampaian SPT Tahunan PPh",
            "Annual income tax return filing compliance",
            "max",
            "85",
            "%",
            "exact",
            "moderate",
            frequency="yearly",
        ),
        K(
            "C1",
            "Persentase wajib pajak yang melakukan pembayaran",
            "Share of taxpayers paying",
            "max",
            "80",
            "%",
            "proxy",
            "moderate",
        ),
        K(
            "C2",
            "Indeks kepuasan pengguna layanan",
            "Service user satisfaction index",
            "max",
            "4.2",
            "indeks",
            "exact",
            "moderate",
            frequency="yearly",
        ),
        K(
            "C2",
            "Persentase penyelesaian layanan tepat waktu",
            "Services completed on time",
            "max",
            "98",
            "%",
            "proxy",
            "high",
            lead_lag="lead",
        ),
        K(
            "P1",
            "Persentase realisasi penerimaan dari kegiatan pengawasan",
            "Revenue from supervision realized",
            "max",
            "100",
            "%",
            "proxy",
            "moderate",
            consolidation="last",
            ramp=("20", "45", "70", "100"),
        ),
        K(
            "P1",
            "Persentase penyelesaian SP2DK",
            "Data clarification letters settled",
            "max",
            "90",
            "%",
            "proxy",
            "high",
            lead_lag="lead",
        ),
        K(
            "P2",
            "Persentase penyelesaian pemeriksaan tepat waktu",
            "Audits completed on time",
            "max",
            "95",
            "%",
            "proxy",
            "high",
            lead_lag="lead",
        ),
        K(
            "P2",
            "Persentase pencairan piutang pajak",
            "Tax arrears collected",
            "max",
            "40",
            "%",
            "proxy",
            "moderate",
            consolidation="last",
            ramp=("10", "20", "30", "40"),
        ),
        K(
            "P3",
            "Jumlah kegiatan edukasi perpajakan",
            "Tax education events held",
            "max",
            "24",
            "kegiatan",
            "activity",
            "high",
            lead_lag="lead",
        ),
        K(
            "P3",
            "Indeks efektivitas edukasi perpajakan",
            "Tax education effectiveness index",
            "max",
            "80",
            "indeks",
            "exact",
            "moderate",
            frequency="yearly",
        ),
        K(
            "L1",
            "Persentase pegawai yang memenuhi standar jam pelatihan",
            "Staff meeting training-hour standard",
            "max",
            "90",
            "%",
            "proxy",
            "high",
            frequency="yearly",
            lead_lag="lead",
        ),
        K(
            "L1",
            "Indeks internalisasi nilai-nilai Kementerian Keuangan",
            "Ministry values internalisation index",
            "max",
            "85",
            "indeks",
            "proxy",
            "moderate",
            frequency="yearly",
        ),
        K(
            "L2",
            "Persentase ketersediaan layanan teknologi informasi",
            "IT service availability",
            "max",
            "99",
            "%",
            "proxy",
            "moderate",
            lead_lag="lead",
        ),
        K(
            "L3",
            "Nilai Indikator Kinerja Pelaksanaan Anggaran (IKPA)",
            "Budget execution performance indicator (IKPA)",
            "max",
            "95",
            "nilai",
            "proxy",
            "moderate",
        ),
    ),
)

DEMO_MAPS: tuple[MapSpec, ...] = (KEMENKEU, DJP, DJBC, DJPB, TANJUNG_PERAK, KPP_MADYA_MALANG)


# ---------------------------------------------------------------------------------- initiatives and risks


@dataclass(frozen=True)
class IS:
    """A demo initiative: code, names, owner, budget (IDR), dates, SS, milestones and progress reports."""

    code: str
    name_id: str
    name_en: str
    owner: str
    budget: str
    start: str
    end: str
    objectives: tuple[str, ...]
    milestones: tuple[tuple[str, str, str | None], ...] = ()  # (name, due, done on)
    progress: tuple[tuple[str, str, str], ...] = ()  # (date, percent, note)


@dataclass(frozen=True)
class R:
    """A demo risk of an SS: likelihood and impact 1–5, mitigation, owner, monitoring entries (date, note)."""

    ss: str
    code: str
    description: str
    likelihood: int
    impact: int
    mitigation: str
    owner: str
    monitoring: tuple[tuple[str, str], ...] = ()


PLANS: dict[str, tuple[tuple[IS, ...], tuple[R, ...]]] = {
    "KEMENKEU": (
        (
            IS(
                "IS1",
                "Implementasi Sistem Inti Administrasi Perpajakan (Coretax)",
                "Core tax administration system roll-out",
                "Direktur Jenderal Pajak",
                "1500000000000",
                "2026-01-01",
                "2026-12-31",
                ("S2", "C2", "P4"),
                (
                    ("Stabilisasi modul pendaftaran dan pembayaran", "2026-03-31", "2026-03-28"),
                    ("Migrasi data wajib pajak badan", "2026-06-30", "2026-07-10"),
                    ("Integrasi dengan sistem perbendaharaan", "2026-09-30", None),
                    ("Evaluasi pascaimplementasi", "2026-12-15", None),
                ),
                (
                    ("2026-03-31", "25", "Modul inti berjalan stabil."),
                    ("2026-06-30", "48", "Migrasi data badan mundur 10 hari."),
                ),
            ),
            IS(
                "IS2",
                "Penguatan kualitas belanja melalui spending review",
                "Stronger spending quality through spending reviews",
                "Direktur Jenderal Anggaran",
                "25000000000",
                "2026-02-01",
                "2026-11-30",
                ("S3", "P3"),
                (
                    ("Penetapan kementerian/lembaga sampel", "2026-03-15", "2026-03-10"),
                    ("Laporan spending review semester I", "2026-08-31", "2026-08-29"),
                    ("Rekomendasi realokasi anggaran 2027", "2026-11-30", None),
                ),
                (("2026-08-31", "70", "Laporan semester I disampaikan."),),
            ),
        ),
        (
            R(
                "S2",
                "R1",
                "Penerimaan negara tidak mencapai target akibat perlambatan harga komoditas.",
                3,
                5,
                "Intensifikasi pengawasan sektor dominan dan ekstensifikasi basis pajak.",
                "Direktur Jenderal Pajak",
                (("2026-06-30", "Realisasi semester I 47%; pengawasan sektor komoditas diperketat."),),
            ),
            R(
                "P4",
                "R1",
                "Gangguan layanan akibat migrasi sistem inti yang tidak stabil.",
                3,
                4,
                "Uji beban bertahap, rencana pemulihan, dan layanan manual cadangan.",
                "Kepala Pusat Sistem Informasi dan Teknologi Keuangan",
            ),
        ),
    ),
    "DJBC-KPPBC-TANJUNG-PERAK": (
        (
            IS(
                "IS1",
                "Pengembangan layanan kepabeanan berbasis janji layanan 24 jam",
                "24-hour service promise for customs clearance",
                "Kepala Seksi Pelayanan Kepabeanan dan Cukai",
                "750000000",
                "2026-01-15",
                "2026-10-31",
                ("P1", "C1"),
                (
                    ("Penetapan standar janji layanan", "2026-02-28", "2026-02-27"),
                    ("Uji coba layanan 24 jam di terminal peti kemas", "2026-05-31", None),
                    ("Evaluasi dan penetapan layanan permanen", "2026-10-31", None),
                ),
                (("2026-03-31", "20", "Standar layanan ditetapkan."),),
            ),
            IS(
                "IS2",
                "Penguatan analisis intelijen berbasis manajemen risiko",
                "Risk-based intelligence analysis",
                "Kepala Seksi Penindakan dan Penyidikan",
                "420000000",
                "2026-03-01",
                "2026-12-31",
                ("P3",),
                (("Pelatihan analis intelijen", "2026-12-15", None),),
            ),
        ),
        (
            R(
                "S1",
                "R1",
                "Penerimaan bea masuk turun karena penurunan volume impor.",
                3,
                4,
                "Pemantauan harian volume impor dan optimalisasi penelitian nilai pabean.",
                "Kepala Kantor",
            ),
            R(
                "P3",
                "R1",
                "Penyelundupan barang kena cukai melalui pelabuhan tidak resmi.",
                4,
                4,
                "Patroli laut terpadu dan pertukaran informasi dengan aparat penegak hukum.",
                "Kepala Seksi Penindakan dan Penyidikan",
                (("2026-05-15", "Dua penindakan rokok ilegal; patroli terpadu dijalankan."),),
            ),
        ),
    ),
    "DJP-KPP-MADYA-MALANG": (
        (
            IS(
                "IS1",
                "Pengawasan berbasis Compliance Risk Management (CRM) untuk wajib pajak strategis",
                "CRM-based supervision of strategic taxpayers",
                "Kepala Seksi Pengawasan I",
                "350000000",
                "2026-01-02",
                "2026-12-31",
                ("P1", "S1"),
                (
                    ("Pemetaan daftar prioritas pengawasan", "2026-02-27", "2026-02-25"),
                    ("Penyelesaian SP2DK prioritas semester I", "2026-06-30", "2026-06-30"),
                    ("Kunjungan wajib pajak strategis", "2026-09-30", None),
                    ("Evaluasi hasil pengawasan", "2026-12-15", None),
                ),
                (
                    ("2026-03-31", "25", "Daftar prioritas pengawasan ditetapkan."),
                    ("2026-06-30", "50", "SP2DK prioritas semester I selesai."),
                    ("2026-09-30", "65", "Kunjungan baru mencapai 60% wajib pajak strategis."),
                ),
            ),
            IS(
                "IS2",
                "Layanan perpajakan tanpa tatap muka dan klinik pajak digital",
                "Contactless tax services and digital tax clinic",
                "Kepala Seksi Pelayanan",
                "180000000",
                "2026-02-01",
                "2026-11-30",
                ("C2", "P3"),
                (
                    ("Peluncuran kanal konsultasi daring", "2026-03-31", "2026-03-30"),
                    ("Klinik pajak digital di tiga perguruan tinggi", "2026-08-31", "2026-08-20"),
                    ("Survei kepuasan layanan daring", "2026-11-30", None),
                ),
                (("2026-08-31", "70", "Klinik pajak digital berjalan di tiga kampus."),),
            ),
            IS(
                "IS3",
                "Penagihan aktif piutang pajak dengan prioritas nilai tertinggi",
                "Active collection of the largest tax arrears",
                "Kepala Seksi Pemeriksaan, Penilaian, dan Penagihan",
                "120000000",
                "2026-01-15",
                "2026-12-31",
                ("P2",),
                (
                    ("Penerbitan surat paksa untuk 50 penunggak terbesar", "2026-04-30", "2026-05-12"),
                    ("Penyitaan dan lelang aset penunggak", "2026-10-31", None),
                ),
                (("2026-06-30", "35", "Surat paksa terbit; dua penunggak melunasi."),),
            ),
        ),
        (
            R(
                "S1",
                "R1",
                "Penerimaan tidak tercapai karena restitusi pajak yang lebih besar dari proyeksi.",
                3,
                5,
                "Pemantauan restitusi mingguan dan pemeriksaan restitusi berisiko tinggi.",
                "Kepala KPP Madya Malang",
                (
                    ("2026-04-15", "Restitusi triwulan I 12% di atas proyeksi; pemantauan mingguan dimulai."),
                    ("2026-07-15", "Restitusi terkendali; selisih terhadap proyeksi turun menjadi 4%."),
                ),
            ),
            R(
                "C1",
                "R1",
                "Kepatuhan penyampaian SPT menurun akibat kendala akses sistem pelaporan daring.",
                2,
                4,
                "Pojok pelaporan SPT, asistensi daring, dan pengingat melalui surel.",
                "Kepala Seksi Pelayanan",
                (("2026-04-30", "Pojok pelaporan dibuka; antrean terkendali."),),
            ),
            R(
                "P2",
                "R1",
                "Pemeriksaan melewati jangka waktu karena keterbatasan fungsional pemeriksa.",
                3,
                3,
                "Penjadwalan ulang beban pemeriksaan dan bantuan pemeriksa dari kanwil.",
                "Kepala Seksi Pemeriksaan, Penilaian, dan Penagihan",
            ),
            R(
                "L2",
                "R1",
                "Gangguan jaringan dan aplikasi yang menghentikan layanan.",
                2,
                3,
                "Jaringan cadangan dan prosedur layanan darurat.",
                "Kepala Subbagian Umum dan Kepatuhan Internal",
            ),
        ),
    ),
}


# ---------------------------------------------------------------------------------- manuals and trajectories

PERIODS = {"monthly": 12, "quarterly": 4, "semester": 2, "yearly": 1}


def _consolidation(spec: K) -> str:
    if spec.consolidation:
        return spec.consolidation
    return "sum" if spec.unit in COUNT_UNITS else "last"


def trajectory(spec: K) -> list[Decimal]:
    """The period targets of a demo KPI; by construction they reach the yearly target (rule 12)."""
    target = Decimal(spec.target)
    count = PERIODS[spec.frequency]
    if spec.ramp is not None:
        if len(spec.ramp) != count:
            raise ValueError(f"{spec.ss} {spec.name_id}: the ramp needs {count} values")
        return [Decimal(v) for v in spec.ramp]
    if _consolidation(spec) == "sum" and count > 1:
        if count == 4:
            shares = [(target * s).quantize(Decimal("1")) for s in QUARTER_SHARES[:-1]]
        else:
            shares = [(target / count).quantize(Decimal("1")) for _ in range(count - 1)]
        return [*shares, target - sum(shares)]
    return [target] * count


def _formula(spec: K) -> str:
    if spec.formula:
        return spec.formula
    if spec.unit == "%":
        return f"(Jumlah yang memenuhi kriteria ÷ jumlah seluruhnya) × 100% — {spec.name_id}"
    if spec.unit in COUNT_UNITS or spec.unit in {"wajib pajak"}:
        return f"Jumlah {spec.unit} yang terealisasi dalam periode pelaporan"
    return f"Nilai {spec.name_id.lower()} menurut metodologi pengukuran yang ditetapkan"


def manual_fields(spec: K, map_spec: MapSpec) -> dict[str, Any]:
    """Every field of the KPI manual of a demo KPI."""
    frequency_text = {
        "monthly": "bulanan",
        "quarterly": "triwulanan",
        "semester": "semesteran",
        "yearly": "tahunan",
    }
    return {
        "name_id": spec.name_id,
        "name_en": spec.name_en,
        "description": f"Mengukur {spec.name_id[0].lower()}{spec.name_id[1:]} sebagai ukuran keberhasilan "
        f"sasaran strategis {spec.ss}; dilaporkan secara {frequency_text[spec.frequency]}.",
        "formula": _formula(spec),
        "unit_of_measure": spec.unit,
        "validity": spec.validity,
        "controllability": spec.control,
        "lead_lag": spec.lead_lag,
        "polarity": spec.polarity,
        "consolidation": _consolidation(spec),
        "frequency": spec.frequency,
        "data_source": spec.source or "Laporan capaian kinerja unit",
        "measured_by": map_spec.measured_by,
        "owner_text": map_spec.owner,
        "baseline": None,
        "worst": Decimal(spec.worst) if spec.worst else None,
        "cap_on_target": spec.cap_on_target,
        "mandatory": spec.mandatory,
        "weight": None,
        "target": Decimal(spec.target),
        "target_low": None,
        "target_high": None,
    }


# ---------------------------------------------------------------------------------- building


@dataclass
class DemoCounts:
    total: int = 0
    created: int = 0
    updated: int = 0

    def add(self, created: bool, changed: bool) -> None:
        self.total += 1
        self.created += int(created)
        self.updated += int(changed and not created)


def _upsert(model: Any, lookup: dict[str, Any], values: dict[str, Any], counts: DemoCounts) -> Any:
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        counts.add(True, False)
        return obj
    dirty = [name for name, value in values.items() if getattr(obj, name) != value]
    if dirty:
        for name in dirty:
            setattr(obj, name, values[name])
        obj.save()
    counts.add(False, bool(dirty))
    return obj


def _plan_year(counts: DemoCounts) -> PlanYear:
    name, start, end = RENSTRA
    period = _upsert(PlanPeriod, {"start_year": start, "end_year": end}, {"name": name}, counts)
    return _upsert(PlanYear, {"year": DEMO_YEAR}, {"plan_period": period, "rule_set": DEMO_RULE_SET}, counts)


def _build_map(spec: MapSpec, plan_year: PlanYear, actor: Any, counts: DemoCounts) -> StrategyMap | None:
    unit = Unit.objects.filter(code=spec.unit).first()
    if unit is None:
        return None
    existing = StrategyMap.objects.filter(unit=unit, plan_year=plan_year).first()
    strategy_map = _upsert(
        StrategyMap,
        {"unit": unit, "plan_year": plan_year},
        {"vision": spec.vision, "mission": spec.mission},
        counts,
    )
    if existing is None:
        _record_workflow(strategy_map, spec.state, actor)
    perspectives = {}
    for (code, order, name_id, name_en), weight in zip(
        PERSPECTIVE_DEFAULTS, spec.weights or (None,) * 4, strict=True
    ):
        perspectives[code] = _upsert(
            Perspective,
            {"map": strategy_map, "code": code},
            {
                "order": order,
                "name_id": name_id,
                "name_en": name_en,
                "weight": None if weight is None else Decimal(weight),
            },
            counts,
        )
    objectives = {}
    for code, name_id, name_en in spec.objectives:
        objectives[code] = _upsert(
            Objective,
            {"map": strategy_map, "code": code},
            {"perspective": perspectives[PERSPECTIVE_OF[code[0]]], "name_id": name_id, "name_en": name_en},
            counts,
        )
    wanted = {(objectives[c].pk, objectives[e].pk) for c, e in spec.links}
    for link in ObjectiveLink.objects.filter(map=strategy_map):
        if (link.cause_id, link.effect_id) not in wanted:
            link.delete()
    for cause, effect in spec.links:
        _upsert(
            ObjectiveLink,
            {"cause": objectives[cause], "effect": objectives[effect]},
            {"map": strategy_map},
            counts,
        )
    numbers: dict[str, int] = {}
    for kpi_spec in spec.kpis:
        numbers[kpi_spec.ss] = numbers.get(kpi_spec.ss, 0) + 1
        code = f"{kpi_spec.ss}.{numbers[kpi_spec.ss]}"
        fields = manual_fields(kpi_spec, spec)
        if code in spec.notes:
            fields["description"] += " " + spec.notes[code]
        kpi = _upsert(Kpi, {"objective": objectives[kpi_spec.ss], "code": code}, fields, counts)
        values = trajectory(kpi_spec)
        stored = list(
            PeriodTarget.objects.filter(kpi=kpi).order_by("period").values_list("target", flat=True)
        )
        if stored != values:
            PeriodTarget.objects.filter(kpi=kpi).delete()
            PeriodTarget.objects.bulk_create(
                PeriodTarget(kpi=kpi, period=i + 1, target=v) for i, v in enumerate(values)
            )
    return strategy_map


def _build_plans(strategy_map: StrategyMap, actor: Any, counts: DemoCounts) -> None:
    """The map's demo initiatives (milestones, progress) and risks (monitoring), keyed by their codes."""
    initiatives, risks = PLANS.get(strategy_map.unit.code, ((), ()))
    objectives = {o.code: o for o in Objective.objects.filter(map=strategy_map)}
    for spec in initiatives:
        initiative = _upsert(
            Initiative,
            {"map": strategy_map, "code": spec.code},
            {
                "name_id": spec.name_id,
                "name_en": spec.name_en,
                "owner_text": spec.owner,
                "budget": Decimal(spec.budget),
                "start": date.fromisoformat(spec.start),
                "end": date.fromisoformat(spec.end),
            },
            counts,
        )
        wanted = {objectives[code].pk for code in spec.objectives}
        if set(initiative.objectives.values_list("pk", flat=True)) != wanted:
            initiative.objectives.set(wanted)
        for name, due, done_on in spec.milestones:
            _upsert(
                Milestone,
                {"initiative": initiative, "name": name},
                {
                    "due_date": date.fromisoformat(due),
                    "done": done_on is not None,
                    "done_on": date.fromisoformat(done_on) if done_on else None,
                },
                counts,
            )
        for day, percent, note in spec.progress:
            _upsert(
                ProgressReport,
                {"initiative": initiative, "date": date.fromisoformat(day)},
                {"percent": Decimal(percent), "note": note, "by": actor},
                counts,
            )
    for risk_spec in risks:
        risk = _upsert(
            Risk,
            {"objective": objectives[risk_spec.ss], "code": risk_spec.code},
            {
                "description": risk_spec.description,
                "likelihood": risk_spec.likelihood,
                "impact": risk_spec.impact,
                "mitigation": risk_spec.mitigation,
                "owner_text": risk_spec.owner,
            },
            counts,
        )
        for day, note in risk_spec.monitoring:
            _upsert(
                RiskMonitoring,
                {"risk": risk, "date": date.fromisoformat(day)},
                {"note": note, "by": actor},
                counts,
            )


def _record_workflow(strategy_map: StrategyMap, state: str, actor: Any) -> None:
    """A new demo map's history: drafted, and submitted and approved when the spec says so."""
    steps = [("", MapState.DRAFT)]
    if state in (MapState.SUBMITTED, MapState.APPROVED):
        steps.append((MapState.DRAFT, MapState.SUBMITTED))
    if state == MapState.APPROVED:
        steps.append((MapState.SUBMITTED, MapState.APPROVED))
    for from_state, to_state in steps:
        StateChange.objects.create(
            map=strategy_map, revision=0, from_state=from_state, to_state=to_state, by=actor
        )
    strategy_map.state = state
    strategy_map.save(update_fields=["state"])


def build_strategy_demo(*, stdout: Callable[[str], Any] | None = None) -> DemoCounts:
    """Build the 2026 demo maps (idempotent); report each map's findings to `stdout` when given."""
    counts = DemoCounts()
    actor = get_user_model().objects.filter(username="admin").first()
    with transaction.atomic():
        plan_year = _plan_year(counts)
        for spec in DEMO_MAPS:
            strategy_map = _build_map(spec, plan_year, actor, counts)
            if strategy_map is None:
                if stdout:
                    stdout(f"  {spec.unit}: unit tidak ditemukan, peta dilewati")
                continue
            _build_plans(strategy_map, actor, counts)
            if stdout:
                strategy_map = StrategyMap.objects.select_related("unit", "plan_year").get(pk=strategy_map.pk)
                findings = validate_map(load_map_data(strategy_map))
                blocking = sum(f.blocks for f in findings)
                stdout(
                    f"  {spec.unit} {DEMO_YEAR}: {len(spec.objectives)} SS, {len(spec.kpis)} IKU, "
                    f"{blocking} temuan blokir, {len(findings) - blocking} peringatan"
                )
    return counts


def clear_strategy_demo() -> int:
    """Remove the demo maps (and the demo plan year and period when nothing else uses them)."""
    units = [spec.unit for spec in DEMO_MAPS]
    removed = 0
    with transaction.atomic():
        for strategy_map in StrategyMap.objects.filter(unit__code__in=units, plan_year__year=DEMO_YEAR):
            strategy_map.delete()
            removed += 1
        year = PlanYear.objects.filter(year=DEMO_YEAR, maps__isnull=True).first()
        if year is not None:
            period = year.plan_period
            year.delete()
            if not period.years.exists():
                period.delete()
    return removed


def _register() -> None:
    """Add the strategy maps to `kinerja demo`, after the organisation and the demo logins."""
    from django.utils.translation import gettext_lazy

    from kinerja.demo import organisation as core_demo

    def build(run: core_demo.DemoRun) -> core_demo.Counts:
        made = build_strategy_demo(stdout=run.report)
        return core_demo.Counts(total=made.total, created=made.created, updated=made.updated)

    core_demo.register(
        core_demo.DemoStep(
            "strategy",
            gettext_lazy("Peta strategi dan IKU 2026"),
            build,
            lambda run: clear_strategy_demo(),
            order=50,
        )
    )


_register()
