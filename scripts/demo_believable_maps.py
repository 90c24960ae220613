"""One-off edit of the demo planning workbooks (issue 10 item 16): a real formula per KPI, KEMENKEU's
monthly KPIs (so a month's NKO is a mix), no ceiling rule on availability targets below 100 %.

Run with the project's venv: `python scripts/demo_believable_maps.py`; it rewrites
`src/kinerja/demo/data/maps/*.xlsx` in place (the sheets keep the planning workbook layout).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

MAPS = Path(__file__).resolve().parents[1] / "src" / "kinerja" / "demo" / "data" / "maps"

AVAIL = "(Jam layanan tersedia ÷ jam layanan terjadwal) × 100%, di luar pemeliharaan terencana"
IKPA = "Nilai IKPA dari OM-SPAN: rata-rata tertimbang indikator kualitas perencanaan, pelaksanaan dan hasil anggaran (skala 0–100)"

FORMULAS: dict[str, dict[str, str]] = {
    "KEMENKEU": {
        "S1.1": "Defisit APBN ÷ PDB nominal × 100%",
        "S1.2": "Outstanding utang pemerintah pusat ÷ PDB nominal × 100%",
        "S2.1": "Realisasi pendapatan negara kumulatif ÷ target pendapatan negara APBN × 100%",
        "S2.2": "Penerimaan perpajakan (pajak + kepabeanan dan cukai) ÷ PDB nominal × 100%",
        "S3.1": "Realisasi belanja kementerian/lembaga kumulatif ÷ pagu belanja K/L × 100%",
        "S3.2": "Rata-rata skor penilaian kualitas belanja (ketepatan alokasi, efisiensi, output) pada skala 0–100",
        "C1.1": "Rata-rata harian imbal hasil SBN seri acuan tenor 10 tahun di pasar sekunder",
        "C1.2": "Realisasi pembiayaan utang kumulatif ÷ target pembiayaan utang APBN × 100%",
        "C2.1": "Jumlah SPT Tahunan PPh yang diterima tepat waktu ÷ jumlah wajib pajak wajib SPT × 100%",
        "C3.1": "Rata-rata skor survei kepuasan pengguna layanan Kemenkeu (skala Likert 1–5)",
        "C4.1": "Opini BPK atas LKPP dikonversi: WTP = 4, WDP = 3, TW = 2, TMP = 1",
        "C4.2": "Bidang tanah BMN bersertifikat ÷ seluruh bidang tanah BMN × 100%",
        "P1.1": "Rekomendasi kebijakan fiskal yang ditindaklanjuti ÷ rekomendasi yang disampaikan × 100%",
        "P2.1": "Rekomendasi hasil pengawasan yang selesai ditindaklanjuti ÷ seluruh rekomendasi × 100%",
        "P3.1": IKPA,
        "P4.1": "Layanan yang diproses digital dari permohonan sampai keluaran ÷ seluruh layanan publik Kemenkeu × 100%",
        "L1.1": "Indeks profesionalitas ASN dari BKN: kualifikasi, kompetensi, kinerja dan disiplin (skala 0–100)",
        "L1.2": "Pegawai yang memenuhi standar kompetensi jabatan ÷ pegawai yang diukur × 100%",
        "L2.1": "Nilai evaluasi reformasi birokrasi oleh KemenPAN-RB (skala 0–100)",
        "L3.1": AVAIL + " (layanan TIK Kemenkeu)",
        "L4.1": "Realisasi belanja Kemenkeu kumulatif ÷ pagu DIPA Kemenkeu × 100%",
    },
    "DJP": {
        "S1.1": "Realisasi penerimaan pajak kumulatif ÷ target penerimaan pajak APBN × 100%",
        "S1.2": "(Penerimaan pajak neto tahun ini − tahun lalu) ÷ penerimaan pajak neto tahun lalu × 100%",
        "C1.1": "SPT Tahunan PPh yang diterima tepat waktu ÷ wajib pajak wajib SPT × 100%",
        "C1.2": "Wajib pajak yang membayar pajak ÷ wajib pajak efektif × 100%",
        "C2.1": "Rata-rata skor survei kepuasan wajib pajak (skala Likert 1–5)",
        "P1.1": "Jumlah wajib pajak terdaftar baru yang melakukan pembayaran pertama dalam periode",
        "P2.1": "Pemeriksaan selesai dalam jangka waktu ÷ pemeriksaan yang jatuh tempo × 100%",
        "P3.1": "Berkas penyidikan dinyatakan lengkap (P-21) ÷ berkas yang dilimpahkan ke kejaksaan × 100%",
        "P4.1": "Jumlah kegiatan edukasi perpajakan (kelas pajak, sosialisasi, siaran) yang terlaksana",
        "P4.2": "Rata-rata skor pemahaman peserta sesudah edukasi dari survei efektivitas (skala 0–100)",
        "L1.1": "Pegawai yang mencapai 20 jam pelajaran pengembangan kompetensi ÷ seluruh pegawai × 100%",
        "L2.1": "Proses bisnis yang selesai dipetakan ulang ÷ proses bisnis dalam cakupan sistem inti × 100%",
        "L3.1": AVAIL + " (sistem inti administrasi perpajakan)",
        "L4.1": IKPA + " (satker DJP)",
    },
    "DJP-KPP-MADYA-MALANG": {
        "S1.1": "Realisasi penerimaan pajak KPP kumulatif ÷ target penerimaan pajak KPP × 100%",
        "S1.2": "(Penerimaan pajak bruto tahun ini − tahun lalu) ÷ penerimaan pajak bruto tahun lalu × 100%",
        "C1.1": "SPT Tahunan PPh yang diterima tepat waktu ÷ wajib pajak wajib SPT terdaftar di KPP × 100%",
        "C1.2": "Wajib pajak yang melakukan pembayaran ÷ wajib pajak efektif KPP × 100%",
        "C2.1": "Rata-rata skor survei kepuasan pengguna layanan KPP (skala Likert 1–5)",
        "C2.2": "Permohonan layanan selesai sesuai janji layanan ÷ permohonan yang jatuh tempo × 100%",
        "P1.1": "Penerimaan dari kegiatan pengawasan (SP2DK dan pemeriksaan) kumulatif ÷ target penerimaan pengawasan × 100%",
        "P1.2": "SP2DK yang selesai ditindaklanjuti (LHP2DK) ÷ SP2DK yang diterbitkan × 100%",
        "P2.1": "Pemeriksaan selesai dalam jangka waktu ÷ pemeriksaan yang jatuh tempo × 100%",
        "P2.2": "Pencairan piutang pajak kumulatif ÷ saldo awal piutang pajak yang dapat ditagih × 100%",
        "P3.1": "Jumlah kegiatan edukasi perpajakan (kelas pajak, sosialisasi, tax goes to campus) yang terlaksana",
        "P3.2": "Rata-rata skor pemahaman peserta sesudah edukasi dari survei efektivitas (skala 0–100)",
        "L1.1": "Pegawai yang mencapai 20 jam pelajaran pelatihan ÷ seluruh pegawai KPP × 100%",
        "L1.2": "Skor survei internalisasi nilai-nilai Kementerian Keuangan (skala 0–100)",
        "L2.1": AVAIL + " (jaringan dan aplikasi layanan KPP)",
        "L3.1": IKPA + " (satker KPP)",
    },
    "DJBC": {
        "S1.1": "Realisasi penerimaan bea masuk, bea keluar dan cukai kumulatif ÷ target APBN × 100%",
        "S2.1": "Penindakan BKC ilegal yang berhasil (barang disita atau ditetapkan) ÷ seluruh penindakan BKC × 100%",
        "C1.1": "Rata-rata waktu dari pengajuan PIB sampai surat persetujuan pengeluaran barang (hari)",
        "C1.2": "Rata-rata skor survei kepuasan pengguna jasa kepabeanan (skala Likert 1–5)",
        "C2.1": "Putusan banding yang dimenangkan DJBC ÷ putusan banding kepabeanan dan cukai × 100%",
        "P1.1": "Dokumen impor jalur hijau selesai ≤ 1 jam ÷ seluruh dokumen impor jalur hijau × 100%",
        "P2.1": "Pemeriksaan fisik jalur merah yang menemukan pelanggaran ÷ seluruh pemeriksaan fisik jalur merah × 100%",
        "P2.2": "Jumlah surat bukti penindakan atas barang ilegal yang diterbitkan",
        "P3.1": "NHI yang terbukti (ditindaklanjuti dengan temuan) ÷ NHI yang diterbitkan × 100%",
        "L1.1": "Pegawai yang lulus uji kompetensi teknis kepabeanan ÷ pegawai teknis × 100%",
        "L2.1": "Unit vertikal dengan profil dan register risiko yang dimutakhirkan ÷ seluruh unit vertikal × 100%",
        "L3.1": AVAIL + " (CEISA)",
        "L4.1": IKPA + " (satker DJBC)",
    },
    "DJBC-KPPBC-TANJUNG-PERAK": {
        "S1.1": "Realisasi penerimaan bea dan cukai kantor kumulatif ÷ target penerimaan kantor × 100%",
        "C1.1": "Skor survei kepuasan pengguna jasa atas layanan kantor (skala 0–100)",
        "C2.1": "Pengguna jasa yang diblokir ÷ pengguna jasa aktif × 100%",
        "C2.2": "SPTNP yang dilunasi dalam jatuh tempo ÷ SPTNP yang diterbitkan × 100%",
        "P1.1": "Pemeriksaan fisik barang impor yang selesai sesuai janji layanan ÷ seluruh pemeriksaan fisik × 100%",
        "P1.2": "Penelitian dokumen impor yang selesai sesuai janji layanan ÷ seluruh dokumen yang diteliti × 100%",
        "P2.1": "Jumlah kegiatan sosialisasi ketentuan kepabeanan dan cukai yang diselenggarakan",
        "P2.2": "Rata-rata skor pemahaman peserta sosialisasi dari kuesioner (skala 0–100)",
        "P3.1": "NHI yang terbukti akurat ÷ NHI yang diterbitkan × 100%",
        "P3.2": "Kasus dari Nota Pemberitahuan internal yang selesai ditindaklanjuti ÷ kasus yang diterima × 100%",
        "P3.3": "Perkara pidana kepabeanan dan cukai yang diserahkan ke Kejaksaan (P-21) ÷ perkara yang disidik × 100%",
        "P3.4": "Hari pemakaian sarana intelijen, penindakan dan penyidikan ÷ hari siap operasi × 100%",
        "L1.1": "Jumlah pelaksanaan PPKP yang terselenggara",
        "L1.2": "Pegawai yang dijatuhi sanksi disiplin ÷ pegawai yang diperiksa atas dugaan pelanggaran × 100%",
        "L2.1": "Jumlah rancangan SOP yang diusulkan ke kantor pusat DJBC",
        "L2.2": "Jumlah rapat evaluasi kinerja kantor yang terselenggara (dengan notula)",
        "L2.3": "Temuan Itjen yang selesai ditindaklanjuti ÷ seluruh temuan Itjen × 100%",
        "L3.1": "PC yang terhubung ke jaringan kantor ÷ seluruh PC × 100%",
        "L3.2": "Jumlah gangguan layanan jaringan atau aplikasi lebih dari 1 jam",
        "L4.1": "Realisasi belanja kantor kumulatif ÷ pagu DIPA kantor × 100%",
    },
    "DJPB": {
        "S1.1": IKPA + " (seluruh satker K/L)",
        "S2.1": "Hari dengan saldo kas di atas saldo kas minimal ÷ hari kerja dalam bulan × 100%",
        "C1.1": "Rata-rata skor survei kepuasan satuan kerja atas layanan KPPN (skala Likert 1–5)",
        "C2.1": "Opini BPK atas LKBUN dikonversi: WTP = 4, WDP = 3, TW = 2, TMP = 1",
        "P1.1": "SP2D yang terbit dalam 1 jam sejak SPM diterima lengkap ÷ seluruh SP2D × 100%",
        "P2.1": "100% − |proyeksi kas − realisasi kas| ÷ realisasi kas × 100%",
        "P3.1": "K/L yang menyampaikan laporan keuangan tepat waktu ÷ seluruh K/L × 100%",
        "L1.1": "Pegawai bersertifikat keahlian perbendaharaan ÷ pegawai teknis × 100%",
        "L2.1": "Nilai penilaian maturitas manajemen risiko (skala 1–5)",
        "L3.1": AVAIL + " (SAKTI dan SPAN)",
    },
}

# KEMENKEU: a month's NKO is a mix (five monthly KPIs), cumulative trajectories reach the yearly target.
MONTHLY: dict[str, tuple[str, list[float]]] = {
    "S2.1": ("last", [7, 14, 22, 30, 37, 45, 53, 61, 70, 79, 89, 100]),
    "S3.1": ("last", [4, 9, 15, 22, 29, 40, 47, 55, 65, 74, 83, 95]),
    "L4.1": ("last", [5, 11, 15, 22, 30, 40, 47, 55, 65, 75, 85, 95]),
    "C1.1": ("average", [6.9] * 12),
}
NO_CEILING = {"L3.1"}  # 99.5 % availability is not the most a KPI can reach


def edit(path: Path, unit: str) -> None:
    book = load_workbook(path)
    iku = book["iku"]
    header = [c.value for c in iku[1]]
    col = {name: header.index(name) for name in header}
    for row in iku.iter_rows(min_row=2):
        code = row[col["kode"]].value
        row[col["formula"]].value = FORMULAS[unit][code]
        if unit == "KEMENKEU" and code in MONTHLY:
            row[col["periode_pelaporan"]].value = "monthly"
            row[col["konsolidasi"]].value = MONTHLY[code][0]
        if unit == "KEMENKEU" and code in NO_CEILING:
            row[col["target_maksimal"]].value = "tidak"
    if unit == "KEMENKEU":
        targets = book["target_periode"]
        kept = [[c.value for c in r] for r in targets.iter_rows(min_row=2) if r[0].value not in MONTHLY]
        for code, (_consolidation, values) in MONTHLY.items():
            kept += [[code, n, v] for n, v in enumerate(values, start=1)]
        targets.delete_rows(2, targets.max_row)
        for r in kept:
            targets.append(r)
    book.save(path)


if __name__ == "__main__":
    for unit in FORMULAS:
        edit(MAPS / f"{unit}.xlsx", unit)
        print("edited", unit)
