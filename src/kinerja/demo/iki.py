"""The individual KPIs (IKI) the demo's officials write in their contracts: a catalogue by line of work.

Each entry is a KPI manual an official of that kind of unit would really sign for — a number the section
produces and measures itself ("Persentase penyelesaian permohonan keberatan tepat waktu"), with its unit,
polarity, validity and controllability (never a pair the 2026 K3 table leaves out), consolidation,
frequency and year target. `templates_for(title)` picks the catalogue of a position from the words of its
title (which carries its unit's name); the first entry of a catalogue is the KPI that supports the
superior's KPI (an indirect cascade), the others are the holder's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Template:
    name_id: str
    name_en: str
    unit: str
    target: Decimal
    frequency: str = "quarterly"
    consolidation: str = "last"
    polarity: str = "max"
    validity: str = "proxy"
    controllability: str = "high"
    formula: str = ""
    data_source: str = "Laporan bulanan unit"
    new: bool = False  # a KPI with no history (K3: new)

    @property
    def lead_lag(self) -> str:
        return "lead" if self.validity == "activity" else "lag"


def _pct(name_id: str, name_en: str, target: str, formula: str, source: str, **extra: Any) -> Template:
    fields: dict[str, Any] = {"formula": formula, "data_source": source, **extra}
    return Template(name_id, name_en, "%", Decimal(target), **fields)


def _count(
    name_id: str, name_en: str, unit: str, target: str, formula: str, source: str, **extra: Any
) -> Template:
    """A count: summed over the periods, an activity KPI the holder controls unless said otherwise."""
    fields: dict[str, Any] = {
        "consolidation": "sum",
        "validity": "activity",
        "controllability": "high",
        "formula": formula,
        "data_source": source,
        **extra,
    }
    return Template(name_id, name_en, unit, Decimal(target), **fields)


ON_TIME = "(Jumlah {x} yang diselesaikan tepat waktu ÷ jumlah {x} yang jatuh tempo) × 100%"

CATALOGUE: dict[str, tuple[Template, ...]] = {
    "keberatan": (
        _pct(
            "Persentase penyelesaian permohonan keberatan tepat waktu",
            "Objections settled on time",
            "95",
            ON_TIME.format(x="permohonan keberatan"),
            "Aplikasi Keberatan dan Banding",
        ),
        _pct(
            "Persentase rancangan peraturan yang diselesaikan sesuai jadwal",
            "Draft regulations completed on schedule",
            "90",
            "(Rancangan peraturan selesai sesuai jadwal ÷ rancangan dalam program legislasi) × 100%",
            "Program penyusunan peraturan",
            consolidation="last",
            frequency="semester",
        ),
        _count(
            "Jumlah kajian peraturan yang disampaikan kepada pimpinan",
            "Regulatory studies submitted to management",
            "dokumen",
            "8",
            "Jumlah nota kajian yang disampaikan dalam periode",
            "Agenda surat keluar",
        ),
    ),
    "pelayanan": (
        _pct(
            "Persentase permohonan layanan perpajakan yang diselesaikan sesuai janji layanan",
            "Tax service requests completed within the service standard",
            "97",
            ON_TIME.format(x="permohonan layanan"),
            "Aplikasi Layanan Tempat Pelayanan Terpadu",
            controllability="moderate",
        ),
        _pct(
            "Persentase pengaduan wajib pajak yang ditindaklanjuti paling lama 5 hari kerja",
            "Taxpayer complaints followed up within 5 working days",
            "95",
            ON_TIME.format(x="pengaduan"),
            "Kanal pengaduan Kring Pajak dan surel kantor",
        ),
        _pct(
            "Persentase SPT Tahunan yang direkam melalui e-Filing",
            "Annual returns filed through e-Filing",
            "92",
            "(SPT Tahunan e-Filing ÷ SPT Tahunan diterima) × 100%",
            "Dashboard penerimaan SPT",
            controllability="moderate",
            frequency="semester",
        ),
    ),
    "pengawasan": (
        _pct(
            "Persentase SP2DK yang diselesaikan dengan LHP2DK tepat waktu",
            "Requests for explanation closed on time",
            "90",
            "(SP2DK dengan LHP2DK dalam 60 hari ÷ SP2DK terbit) × 100%",
            "Aplikasi Approweb",
        ),
        _count(
            "Jumlah wajib pajak strategis yang dikunjungi (visit)",
            "Strategic taxpayers visited",
            "wajib pajak",
            "24",
            "Jumlah laporan kunjungan wajib pajak yang disetujui atasan",
            "Aplikasi Approweb",
            controllability="moderate",
        ),
        _pct(
            "Persentase data pemicu (potensi) yang ditindaklanjuti",
            "Risk triggers followed up",
            "85",
            "(Data potensi yang ditindaklanjuti ÷ data potensi yang dialokasikan) × 100%",
            "Daftar Sasaran Prioritas Penggalian Potensi",
            controllability="moderate",
            new=True,
        ),
    ),
    "pemeriksaan": (
        _pct(
            "Persentase penyelesaian pemeriksaan tepat waktu",
            "Audits completed on time",
            "95",
            ON_TIME.format(x="pemeriksaan"),
            "Aplikasi Pemeriksaan (Approweb-Riksa)",
        ),
        _pct(
            "Persentase pencairan piutang pajak dari tunggakan awal tahun",
            "Tax arrears collected",
            "40",
            "(Pencairan tunggakan ÷ saldo tunggakan awal tahun) × 100%",
            "Aplikasi Penagihan",
            controllability="low",
        ),
        _count(
            "Jumlah laporan hasil pemeriksaan yang diselesaikan",
            "Audit reports completed",
            "laporan",
            "16",
            "Jumlah LHP yang ditandatangani dalam periode",
            "Aplikasi Pemeriksaan (Approweb-Riksa)",
            controllability="moderate",
        ),
    ),
    "penyuluh": (
        _count(
            "Jumlah kegiatan penyuluhan perpajakan",
            "Tax outreach events",
            "kegiatan",
            "16",
            "Jumlah kegiatan penyuluhan dengan daftar hadir dan laporan",
            "Laporan kegiatan edukasi",
        ),
        _pct(
            "Persentase peserta edukasi yang lulus uji pemahaman",
            "Participants passing the comprehension test",
            "80",
            "(Peserta dengan nilai uji ≥ 70 ÷ peserta yang mengikuti uji) × 100%",
            "Hasil uji pemahaman peserta",
            controllability="moderate",
            new=True,
        ),
    ),
    "data": (
        _pct(
            "Persentase data pihak ketiga yang diolah dan dialokasikan tepat waktu",
            "Third-party data processed and allocated on time",
            "95",
            ON_TIME.format(x="data pihak ketiga"),
            "Aplikasi Pengolahan Data Eksternal",
        ),
        _pct(
            "Persentase dokumen perpajakan yang direkam paling lama 2 hari kerja",
            "Tax documents recorded within 2 working days",
            "98",
            ON_TIME.format(x="dokumen"),
            "Aplikasi perekaman dokumen",
            consolidation="average",
            frequency="quarterly",
        ),
    ),
    "umum": (
        _pct(
            "Persentase realisasi anggaran satuan kerja",
            "Budget execution of the work unit",
            "95",
            "(Realisasi belanja ÷ pagu DIPA) × 100%, kumulatif",
            "OM-SPAN",
            controllability="moderate",
        ),
        _pct(
            "Persentase naskah dinas yang diselesaikan paling lama 3 hari kerja",
            "Official letters completed within 3 working days",
            "95",
            ON_TIME.format(x="naskah dinas"),
            "Aplikasi Nadine",
            consolidation="average",
            frequency="quarterly",
        ),
        _pct(
            "Persentase BMN yang tercatat lengkap dalam SIMAN",
            "State assets fully recorded in SIMAN",
            "100",
            "(BMN tercatat lengkap ÷ BMN dalam penguasaan) × 100%",
            "SIMAN",
            frequency="semester",
        ),
    ),
    "kepatuhan": (
        _pct(
            "Persentase rekomendasi pemantauan pengendalian intern yang ditindaklanjuti",
            "Internal-control recommendations followed up",
            "90",
            "(Rekomendasi yang ditindaklanjuti ÷ rekomendasi yang jatuh tempo) × 100%",
            "Laporan Pemantauan Pengendalian Intern",
        ),
        _count(
            "Jumlah kegiatan internalisasi kode etik dan disiplin",
            "Code-of-conduct awareness sessions",
            "kegiatan",
            "8",
            "Jumlah kegiatan dengan daftar hadir dan notula",
            "Laporan kegiatan kepatuhan internal",
        ),
    ),
    "penindakan": (
        _pct(
            "Persentase penindakan yang diselesaikan dengan penetapan atau penyidikan",
            "Seizures settled by a decision or investigation",
            "85",
            "(Penindakan yang diselesaikan ÷ penindakan dalam periode) × 100%",
            "Aplikasi SIPT",
            controllability="moderate",
        ),
        _count(
            "Jumlah patroli laut dan darat yang dilaksanakan",
            "Sea and land patrols carried out",
            "kali",
            "24",
            "Jumlah surat perintah patroli yang dilaksanakan",
            "Laporan patroli",
        ),
    ),
    "intelijen": (
        _pct(
            "Persentase Nota Hasil Intelijen yang ditindaklanjuti dengan penindakan",
            "Intelligence notes followed by enforcement",
            "60",
            "(NHI ditindaklanjuti ÷ NHI diterbitkan) × 100%",
            "Aplikasi intelijen (SIAP)",
            controllability="moderate",
        ),
        _count(
            "Jumlah profil risiko importir yang dimutakhirkan",
            "Importer risk profiles updated",
            "dokumen",
            "40",
            "Jumlah profil yang dimutakhirkan dalam sistem",
            "CEISA manajemen risiko",
        ),
    ),
    "perbendaharaan": (
        _pct(
            "Persentase penagihan SPTNP yang dilunasi tepat waktu",
            "Customs bills paid on time",
            "90",
            "(SPTNP lunas tepat waktu ÷ SPTNP jatuh tempo) × 100%",
            "CEISA penerimaan",
            controllability="moderate",
        ),
        _pct(
            "Persentase jaminan yang diadministrasikan tanpa selisih",
            "Guarantees administered without discrepancies",
            "100",
            "(Jaminan tanpa selisih ÷ jaminan yang dikelola) × 100%",
            "Register jaminan",
            frequency="semester",
        ),
    ),
    "kepabeanan": (
        _pct(
            "Persentase pemeriksaan fisik barang impor yang selesai sesuai janji layanan",
            "Physical inspections completed within the service standard",
            "95",
            ON_TIME.format(x="pemeriksaan fisik"),
            "CEISA impor",
            controllability="moderate",
        ),
        _pct(
            "Persentase dokumen pabean yang diteliti paling lama 1 hari kerja",
            "Customs documents examined within 1 working day",
            "95",
            ON_TIME.format(x="dokumen pabean"),
            "CEISA impor",
            consolidation="average",
            frequency="monthly",
        ),
    ),
    "sosialisasi": (
        _count(
            "Jumlah kegiatan sosialisasi kepabeanan dan cukai",
            "Customs and excise outreach events",
            "kegiatan",
            "12",
            "Jumlah kegiatan dengan daftar hadir dan laporan",
            "Laporan kegiatan penyuluhan",
        ),
        _pct(
            "Persentase permintaan informasi yang dijawab paling lama 3 hari kerja",
            "Information requests answered within 3 working days",
            "95",
            ON_TIME.format(x="permintaan informasi"),
            "Aplikasi Bravo Bea Cukai 1500225",
        ),
    ),
    "pencairan": (
        _pct(
            "Persentase SP2D yang diterbitkan paling lama 1 jam setelah SPM diterima lengkap",
            "Payment orders issued within 1 hour",
            "99",
            ON_TIME.format(x="SP2D"),
            "Aplikasi SPAN",
            consolidation="average",
            frequency="monthly",
        ),
        _pct(
            "Persentase satuan kerja yang dibina atas nilai IKPA rendah",
            "Work units coached on a low budget-performance score",
            "100",
            "(Satker dibina ÷ satker dengan IKPA < 80) × 100%",
            "OM-SPAN",
            frequency="semester",
        ),
    ),
    "bank": (
        _pct(
            "Persentase rekonsiliasi rekening pengeluaran yang selesai tepat waktu",
            "Disbursement account reconciliations on time",
            "100",
            ON_TIME.format(x="rekonsiliasi"),
            "Aplikasi SPAN",
        ),
    ),
    "akuntansi": (
        _pct(
            "Persentase laporan keuangan satker yang direkonsiliasi tepat waktu",
            "Work-unit financial statements reconciled on time",
            "100",
            ON_TIME.format(x="laporan keuangan satker"),
            "Aplikasi SAKTI",
        ),
    ),
    "piutang": (
        _pct(
            "Persentase berkas kasus piutang negara yang diselesaikan",
            "State receivable cases settled",
            "30",
            "(BKPN selesai ÷ BKPN aktif awal tahun) × 100%",
            "Aplikasi Focus",
            controllability="low",
        ),
        _count(
            "Jumlah surat paksa piutang negara yang diterbitkan",
            "Distress warrants issued for state receivables",
            "dokumen",
            "40",
            "Jumlah surat paksa yang diterbitkan",
            "Aplikasi Focus",
            controllability="moderate",
        ),
    ),
    "lelang": (
        _pct(
            "Persentase permohonan lelang yang dilaksanakan paling lama 5 hari kerja",
            "Auction requests scheduled within 5 working days",
            "95",
            ON_TIME.format(x="permohonan lelang"),
            "Aplikasi Lelang",
        ),
        _pct(
            "Persentase lot lelang yang laku terjual",
            "Auction lots sold",
            "45",
            "(Lot laku ÷ lot yang dilelang) × 100%",
            "Aplikasi Lelang",
            controllability="low",
        ),
    ),
    "penilaian": (
        _pct(
            "Persentase laporan penilaian yang diselesaikan sesuai jadwal",
            "Valuation reports completed on schedule",
            "95",
            ON_TIME.format(x="laporan penilaian"),
            "Aplikasi Penilaian (SIMAN)",
        ),
        _count(
            "Jumlah objek penilaian yang diselesaikan",
            "Valuation objects completed",
            "unit",
            "60",
            "Jumlah objek dengan laporan penilaian yang ditandatangani",
            "Aplikasi Penilaian (SIMAN)",
            controllability="moderate",
        ),
    ),
    "kekayaan": (
        _pct(
            "Persentase usulan pengelolaan BMN yang diselesaikan tepat waktu",
            "State-asset management requests settled on time",
            "95",
            ON_TIME.format(x="usulan pengelolaan BMN"),
            "SIMAN",
        ),
    ),
    "anggaran": (
        _pct(
            "Persentase dokumen anggaran yang ditelaah tepat waktu",
            "Budget documents reviewed on time",
            "95",
            ON_TIME.format(x="dokumen anggaran"),
            "Aplikasi SAKTI",
        ),
        _pct(
            "Persentase revisi anggaran yang diselesaikan paling lama 5 hari kerja",
            "Budget revisions settled within 5 working days",
            "90",
            ON_TIME.format(x="revisi anggaran"),
            "Aplikasi SAKTI",
            controllability="moderate",
        ),
    ),
    "kinerja": (
        _pct(
            "Persentase laporan capaian kinerja unit yang disampaikan tepat waktu",
            "Performance reports submitted on time",
            "100",
            ON_TIME.format(x="laporan capaian kinerja"),
            "Aplikasi Kinerja",
        ),
        _pct(
            "Persentase unit yang dimonitor melalui dialog kinerja organisasi",
            "Units monitored through performance dialogues",
            "90",
            "(Unit dengan notula DKO ÷ unit eselon II) × 100%",
            "Notula dialog kinerja organisasi",
            frequency="semester",
            new=True,
        ),
    ),
    "sdm": (
        _pct(
            "Persentase usulan kenaikan pangkat dan mutasi yang diproses tepat waktu",
            "Promotion and transfer requests processed on time",
            "95",
            ON_TIME.format(x="usulan"),
            "Aplikasi HRIS (SIKKA)",
        ),
        _pct(
            "Persentase pegawai yang memenuhi 20 jam pelajaran pengembangan kompetensi",
            "Employees with 20 learning hours",
            "90",
            "(Pegawai dengan ≥ 20 JP ÷ seluruh pegawai) × 100%",
            "Kemenkeu Learning Center",
            controllability="moderate",
            frequency="semester",
        ),
    ),
    "organisasi": (
        _pct(
            "Persentase SOP yang dievaluasi dan dimutakhirkan",
            "Standard procedures reviewed and updated",
            "80",
            "(SOP yang dievaluasi ÷ SOP yang berlaku) × 100%",
            "Sistem informasi SOP",
            frequency="semester",
        ),
    ),
    "audit": (
        _pct(
            "Persentase penugasan audit yang diselesaikan sesuai jadwal",
            "Audit assignments completed on schedule",
            "95",
            ON_TIME.format(x="penugasan audit"),
            "Aplikasi manajemen audit",
        ),
        _pct(
            "Persentase rekomendasi hasil audit yang ditindaklanjuti auditan",
            "Audit recommendations acted on by auditees",
            "85",
            "(Rekomendasi ditindaklanjuti ÷ rekomendasi jatuh tempo) × 100%",
            "Aplikasi pemantauan tindak lanjut",
            controllability="low",
        ),
    ),
    "kebijakan": (
        _count(
            "Jumlah rekomendasi kebijakan yang disampaikan kepada pimpinan",
            "Policy recommendations submitted",
            "dokumen",
            "12",
            "Jumlah nota rekomendasi kebijakan yang disampaikan",
            "Agenda surat keluar",
            controllability="moderate",
        ),
        _pct(
            "Persentase kajian yang diselesaikan sesuai rencana kerja",
            "Studies completed as planned",
            "90",
            "(Kajian selesai ÷ kajian dalam rencana kerja) × 100%",
            "Rencana kerja kajian",
            frequency="semester",
        ),
    ),
    "pendidikan": (
        _count(
            "Jumlah jam pelajaran mengajar",
            "Teaching hours",
            "jam pelajaran",
            "240",
            "Jumlah JP mengajar menurut jadwal diklat",
            "Sistem informasi diklat",
            controllability="moderate",
        ),
        _pct(
            "Nilai evaluasi pengajar oleh peserta",
            "Instructor evaluation score",
            "85",
            "Rata-rata nilai evaluasi pengajar oleh peserta (skala 100)",
            "Evaluasi penyelenggaraan diklat",
            consolidation="average",
            controllability="moderate",
        ),
    ),
    "utang": (
        _pct(
            "Persentase lelang SUN yang dilaksanakan sesuai kalender penerbitan",
            "Bond auctions held as scheduled",
            "100",
            "(Lelang terlaksana sesuai kalender ÷ lelang terjadwal) × 100%",
            "Kalender penerbitan SBN",
            validity="exact",
            controllability="moderate",
        ),
    ),
    "transfer": (
        _pct(
            "Persentase penyaluran DAU yang tepat waktu",
            "General allocation fund disbursed on time",
            "100",
            ON_TIME.format(x="penyaluran DAU"),
            "Aplikasi SIMTRADA",
            validity="exact",
            controllability="moderate",
        ),
    ),
    "pimpinan": (
        _pct(
            "Persentase rekomendasi BPK dan Itjen atas unit yang telah ditindaklanjuti",
            "Audit recommendations on the unit followed up",
            "90",
            "(Rekomendasi yang tuntas ditindaklanjuti ÷ seluruh rekomendasi) × 100%",
            "Aplikasi pemantauan tindak lanjut",
            controllability="moderate",
        ),
        _pct(
            "Persentase program prioritas unit yang diselesaikan sesuai jadwal",
            "Priority programmes completed on schedule",
            "90",
            "(Milestone program prioritas tercapai ÷ milestone jatuh tempo) × 100%",
            "Laporan kemajuan inisiatif strategis",
            frequency="semester",
            validity="proxy",
            controllability="moderate",
        ),
    ),
}

CATALOGUE_ALL: tuple[Template, ...] = tuple(t for group in CATALOGUE.values() for t in group)
NEW_KPIS: frozenset[str] = frozenset(t.name_id for t in CATALOGUE_ALL if t.new)

# Words of a position's title (which carries its unit's name) → catalogue; the first match wins.
KEYWORDS: tuple[tuple[str, str], ...] = (
    ("Kepatuhan Internal", "kepatuhan"),
    ("Umum", "umum"),
    ("Peraturan", "keberatan"),
    ("Hukum", "keberatan"),
    ("Penyuluh Pajak", "penyuluh"),
    ("Pemeriksa Pajak", "pemeriksaan"),
    ("Pemeriksaan", "pemeriksaan"),
    ("Pengawasan", "pengawasan"),
    ("Account Representative", "pengawasan"),
    ("Penjaminan Kualitas Data", "data"),
    ("Data", "data"),
    ("Penyuluhan", "sosialisasi"),
    ("Pelayanan Lelang", "lelang"),
    ("Lelang", "lelang"),
    ("Pelelang", "lelang"),
    ("Penilaian", "penilaian"),
    ("Penilai", "penilaian"),
    ("Pelayanan Kepabeanan", "kepabeanan"),
    ("Pemeriksa Bea", "kepabeanan"),
    ("Teknis", "kepabeanan"),
    ("Klasifikasi", "kepabeanan"),
    ("Nilai Pabean", "kepabeanan"),
    ("Pelayanan", "pelayanan"),
    ("Penindakan", "penindakan"),
    ("Intelijen", "intelijen"),
    ("Perbendaharaan", "perbendaharaan"),
    ("Pencairan", "pencairan"),
    ("Pranata Keuangan", "pencairan"),
    ("Pelaksanaan Anggaran", "pencairan"),
    ("Sistem Perbendaharaan", "akuntansi"),
    ("Bank", "bank"),
    ("Akuntansi", "akuntansi"),
    ("Piutang", "piutang"),
    ("Kekayaan Negara", "kekayaan"),
    ("Manajemen Kinerja", "kinerja"),
    ("Perencanaan", "kinerja"),
    ("Anggaran", "anggaran"),
    ("APBN", "anggaran"),
    ("Sumber Daya Manusia", "sdm"),
    ("Organisasi", "organisasi"),
    ("Auditor", "audit"),
    ("Inspektur", "audit"),
    ("Kebijakan", "kebijakan"),
    ("Pendidikan", "pendidikan"),
    ("Widyaiswara", "pendidikan"),
    ("Surat Utang", "utang"),
    ("Dana Transfer", "transfer"),
)


def templates_for(title: str) -> tuple[Template, ...]:
    """The catalogue of a position by the words of its title; the leaders' catalogue when none matches."""
    for word, key in KEYWORDS:
        if word.lower() in title.lower():
            return CATALOGUE[key]
    return CATALOGUE["pimpinan"]
