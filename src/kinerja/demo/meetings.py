"""Demo performance dialogues (issue 14): for the ministry (KEMENKEU, quarterly) and for KPP Madya Malang
(monthly), two closed dialogues and one scheduled each, on real periods of 2026, with their minutes and the
follow-up matrix: one action carried over from the first meeting to the second (and still open), one overdue
(due before today, still open), one done with evidence; the next meeting's agenda proposed, the open
follow-ups included. Built through the services (the agenda proposed from the real scores, the notifications
sent), chaired and minuted by the units' heads and performance officers.

Idempotent: a unit whose demo dialogues exist is left as it is. `clear` removes the dialogues of the two units
(actions, agenda, participants) and their notifications.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from kinerja.meetings import services
from kinerja.meetings.models import (
    Action,
    AgendaItem,
    AgendaKind,
    Attendance,
    DialogueSchedule,
    Meeting,
    ParticipantRole,
)
from kinerja.notifications.models import Notification
from kinerja.organisations.models import Employee, Unit
from kinerja.planning.models import Kpi
from kinerja.reporting.models import ReportingPeriod

from .steps import Counts, DemoRun, DemoStep, demo_user

KPP = "DJP-KPP-MADYA-MALANG"
MINISTRY = "KEMENKEU"
YEAR = 2026

EVIDENCE_PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>"
    b"\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


@dataclass(frozen=True)
class ActionPlan:
    key: str
    description: str
    owner_title: (
        str  # a word of the owner's position title (the first employee of the unit subtree holding it)
    )
    due: dt.date
    kpi: str = ""
    done_on: dt.date | None = None  # completed (with evidence) on that day, after the meeting
    started: str = ""  # in progress, with this note


@dataclass(frozen=True)
class ItemMinutes:
    """The minutes of the proposed item about `match` (a KPI code, an initiative code, "risk", "follow:<key>");
    when there is none (or no `match`), of an item typed by the chair titled `typed`."""

    match: str
    discussion: str
    decision: str
    actions: tuple[ActionPlan, ...] = ()
    typed: str = ""


@dataclass(frozen=True)
class MeetingPlan:
    period: tuple[str, int]
    starts_at: dt.datetime
    place: str
    closed: bool
    summary: str = ""
    items: tuple[ItemMinutes, ...] = ()
    excused: tuple[str, ...] = ()  # position words of participants excused
    represented: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnitPlan:
    code: str
    frequency: str
    chair_title: str
    secretary_title: str
    closer: str | None  # the demo login who closes the meetings (None: the system)
    meetings: tuple[MeetingPlan, ...] = field(default_factory=tuple)


def _at(day: str, hour: int = 9, minute: int = 0) -> dt.datetime:
    y, m, d = (int(x) for x in day.split("-"))
    return timezone.make_aware(dt.datetime(y, m, d, hour, minute))


KPP_PLAN = UnitPlan(
    KPP,
    "monthly",
    "Kepala KPP",
    "Kepala Subbagian Umum",
    "pimpinan.kpp.malang",
    (
        MeetingPlan(
            ("monthly", 9),
            _at("2026-10-15", 9),
            "Ruang Rapat Lantai 3 KPP Madya Malang",
            True,
            "Dialog membahas capaian September 2026. Penerimaan pajak sampai dengan triwulan III sesuai rencana, "
            "tetapi pencairan piutang pajak masih jauh di bawah target. Pimpinan meminta setiap seksi menyiapkan "
            "rencana aksi yang terukur dan melaporkan perkembangannya pada dialog berikutnya.",
            (
                ItemMinutes(
                    "P2.2",
                    "Kepala Seksi Pemeriksaan, Penilaian, dan Penagihan menyampaikan bahwa pencairan piutang baru "
                    "72% dari target triwulan III. Sebagian besar tunggakan berasal dari 15 wajib pajak dengan nilai "
                    "di atas Rp1 miliar; tiga di antaranya sedang mengajukan keberatan.",
                    "Penagihan aktif diprioritaskan pada 15 wajib pajak dengan tunggakan terbesar; surat paksa "
                    "diterbitkan paling lambat akhir Oktober untuk yang tidak menanggapi teguran.",
                    (
                        ActionPlan(
                            "kpp-penagihan",
                            "Menyusun daftar prioritas penagihan 15 wajib pajak dengan tunggakan terbesar dan "
                            "menerbitkan surat paksa bagi yang tidak menanggapi surat teguran.",
                            "Kepala Seksi Pemeriksaan",
                            dt.date(2026, 11, 10),
                            "P2.2",
                            done_on=dt.date(2026, 11, 12),
                        ),
                        ActionPlan(
                            "kpp-blokir",
                            "Berkoordinasi dengan bank dan Kantor Pertanahan untuk pemblokiran rekening dan "
                            "penyitaan aset penanggung pajak yang telah diterbitkan surat paksa.",
                            "Kepala Seksi Pemeriksaan",
                            dt.date(2026, 12, 18),
                            "P2.2",
                            started="Surat permintaan pemblokiran ke tiga bank telah dikirim; menunggu jawaban.",
                        ),
                    ),
                ),
                ItemMinutes(
                    "IS3",
                    "Tonggak penyusunan profil penanggung pajak terlambat karena data aset dari pihak ketiga belum "
                    "lengkap.",
                    "Seksi Penjaminan Kualitas Data membantu melengkapi data aset dari ALPP dan pihak ketiga.",
                    typed="Penagihan aktif piutang pajak (IS3): profil penanggung pajak",
                    actions=(
                        ActionPlan(
                            "kpp-data-aset",
                            "Melengkapi data aset penanggung pajak prioritas dari data pihak ketiga (ALPP) dan "
                            "menyerahkannya ke Seksi Pemeriksaan, Penilaian, dan Penagihan.",
                            "Kepala Seksi Penjaminan Kualitas Data",
                            dt.date(2026, 10, 30),
                            done_on=dt.date(2026, 10, 29),
                        ),
                    ),
                ),
                ItemMinutes(
                    "risk",
                    "Restitusi PPN yang lebih besar dari proyeksi berpotensi menekan penerimaan neto triwulan IV.",
                    "Seksi Pengawasan memetakan permohonan restitusi yang akan jatuh tempo sampai Desember.",
                    typed="Risiko restitusi PPN terhadap penerimaan neto triwulan IV",
                ),
            ),
            excused=("Kepala Seksi Pengawasan III",),
        ),
        MeetingPlan(
            ("monthly", 10),
            _at("2026-11-16", 9),
            "Ruang Rapat Lantai 3 KPP Madya Malang",
            True,
            "Dialog membahas capaian Oktober 2026 dan tindak lanjut dialog September. Daftar prioritas "
            "penagihan telah selesai; pemblokiran rekening masih berjalan dan dibawa ke dialog berikutnya.",
            (
                ItemMinutes(
                    "follow:kpp-blokir",
                    "Surat permintaan pemblokiran telah dikirim ke tiga bank; dua bank belum menjawab. Penyitaan "
                    "aset tanah menunggu hasil penelusuran Kantor Pertanahan.",
                    "Tindak lanjut tetap terbuka; Kepala Seksi melaporkan hasil pemblokiran pada dialog Desember.",
                ),
                ItemMinutes(
                    "P2.2",
                    "Pencairan piutang Oktober naik menjadi Rp4,1 miliar, tetapi capaian kumulatif masih merah.",
                    "Target pencairan November ditetapkan Rp6 miliar; pimpinan memantau mingguan.",
                    (
                        ActionPlan(
                            "kpp-rekonsiliasi",
                            "Melakukan rekonsiliasi saldo piutang pajak dengan Kanwil DJP Jawa Timur III dan "
                            "menghapus piutang yang telah daluwarsa sesuai ketentuan.",
                            "Kepala Subbagian Umum",
                            dt.date(2026, 12, 1),
                            "P2.2",
                        ),
                    ),
                ),
                ItemMinutes(
                    "",
                    "Jumlah SP2DK yang belum ditanggapi wajib pajak lebih dari 30 hari meningkat di Seksi "
                    "Pengawasan II.",
                    "Account Representative melakukan kunjungan kepada wajib pajak yang belum menanggapi SP2DK.",
                    (
                        ActionPlan(
                            "kpp-sp2dk",
                            "Melakukan kunjungan kepada wajib pajak yang belum menanggapi SP2DK lebih dari 30 hari "
                            "dan melaporkan hasilnya dalam laporan hasil kunjungan.",
                            "Kepala Seksi Pengawasan II",
                            dt.date(2026, 12, 31),
                            "P1.2",
                        ),
                    ),
                    typed="Percepatan penyelesaian SP2DK di Seksi Pengawasan II",
                ),
            ),
            represented=("Kepala Seksi Pelayanan",),
        ),
        MeetingPlan(("monthly", 11), _at("2026-12-15", 9), "Ruang Rapat Lantai 3 KPP Madya Malang", False),
    ),
)

MINISTRY_PLAN = UnitPlan(
    MINISTRY,
    "quarterly",
    "Menteri Keuangan",
    "Kepala Bagian Manajemen Kinerja Organisasi",
    None,
    (
        MeetingPlan(
            ("quarterly", 2),
            _at("2026-07-22", 14),
            "Ruang Rapat Djuanda I, Gedung Djuanda, Jakarta",
            True,
            "Dialog Kinerja Organisasi tingkat Kementerian membahas capaian triwulan II 2026. NKO Kemenkeu "
            "96,69 dengan predikat baik; sertifikasi BMN tanah dan imbal hasil SBN menjadi perhatian pimpinan.",
            (
                ItemMinutes(
                    "C4.2",
                    "Sertifikasi BMN tanah baru mencapai 68% dari target karena berkas dari kementerian/lembaga "
                    "pengguna barang belum lengkap dan antrean di Kantor Pertanahan.",
                    "DJKN menyusun rencana percepatan sertifikasi bersama Kementerian ATR/BPN dengan target per "
                    "kanwil.",
                    (
                        ActionPlan(
                            "kemenkeu-bmn",
                            "Menyusun rencana aksi percepatan sertifikasi BMN tanah bersama Kementerian ATR/BPN, "
                            "lengkap dengan target per kanwil DJKN.",
                            "Sekretaris Jenderal",
                            dt.date(2026, 9, 30),
                            "C4.2",
                            started="Rancangan nota kesepahaman dengan Kementerian ATR/BPN dalam pembahasan.",
                        ),
                    ),
                ),
                ItemMinutes(
                    "IS1",
                    "Migrasi modul pembayaran Coretax mundur dua minggu dari rencana.",
                    "Sekretariat Jenderal memantau kesiapan infrastruktur pusat data untuk migrasi.",
                    typed="Kemajuan implementasi Sistem Inti Administrasi Perpajakan (Coretax)",
                    actions=(
                        ActionPlan(
                            "kemenkeu-coretax",
                            "Menyampaikan laporan kesiapan infrastruktur pusat data untuk migrasi modul pembayaran "
                            "Coretax.",
                            "Kepala Biro Perencanaan",
                            dt.date(2026, 8, 31),
                            done_on=dt.date(2026, 8, 28),
                        ),
                    ),
                ),
            ),
        ),
        MeetingPlan(
            ("quarterly", 3),
            _at("2026-10-21", 14),
            "Ruang Rapat Djuanda I, Gedung Djuanda, Jakarta",
            True,
            "Dialog membahas capaian triwulan III 2026 dan tindak lanjut dialog triwulan II. Percepatan "
            "sertifikasi BMN tanah belum selesai dan dibawa ke dialog berikutnya.",
            (
                ItemMinutes(
                    "follow:kemenkeu-bmn",
                    "Nota kesepahaman dengan Kementerian ATR/BPN belum ditandatangani; target per kanwil sudah "
                    "disusun.",
                    "Penandatanganan nota kesepahaman dijadwalkan November; tindak lanjut tetap terbuka.",
                ),
                ItemMinutes(
                    "C4.2",
                    "Capaian sertifikasi BMN tanah masih merah pada triwulan III.",
                    "Setiap eselon I pengguna BMN tanah melaporkan berkas yang belum lengkap.",
                    (
                        ActionPlan(
                            "kemenkeu-berkas",
                            "Menginventarisasi berkas sertifikasi BMN tanah yang belum lengkap di seluruh unit "
                            "eselon I dan menyampaikannya kepada DJKN.",
                            "Kepala Biro Perencanaan",
                            dt.date(2026, 11, 27),
                            "C4.2",
                        ),
                    ),
                ),
            ),
            excused=("Sekretaris Jenderal",),
        ),
        MeetingPlan(
            ("quarterly", 4), _at("2027-01-20", 14), "Ruang Rapat Djuanda I, Gedung Djuanda, Jakarta", False
        ),
    ),
)

PLANS = (MINISTRY_PLAN, KPP_PLAN)


def _person(unit: Unit, title: str) -> Employee:
    found = (
        Employee.objects.filter(unit__path__startswith=unit.path, position__title_id__startswith=title)
        .order_by("unit__depth", "pk")
        .first()
    )
    if found is None:
        raise LookupError(f"no employee '{title}' in {unit.code}")
    return found


def _item_for(meeting: Meeting, match: str, actions: dict[str, Action]) -> AgendaItem | None:
    items = meeting.agenda_items.select_related("kpi", "initiative", "risk")
    if match.startswith("follow:"):
        action = actions.get(match.split(":", 1)[1])
        return items.filter(action=action).first() if action else None
    if match == "risk":
        return items.filter(kind=AgendaKind.HIGH_RISK).first()
    return items.filter(Q(kpi__code=match, kind=AgendaKind.RED_KPI) | Q(initiative__code=match)).first() or (
        items.filter(kpi__code=match).first()
    )


def _build_unit(plan: UnitPlan, counts: Counts) -> None:
    unit = Unit.objects.get(code=plan.code)
    if Meeting.objects.filter(unit=unit, period__plan_year__year=YEAR).exists():
        counts.total += len(plan.meetings)
        return
    chair = _person(unit, plan.chair_title)
    secretary = _person(unit, plan.secretary_title)
    services.save_schedule(
        unit=unit,
        frequency=plan.frequency,
        day_of_month=plan.meetings[0].starts_at.day,
        chair=chair,
        secretary=secretary,
        by=None,
    )
    closer = demo_user(plan.closer)
    heads = list(
        Employee.objects.filter(
            unit__path__startswith=unit.path, unit__depth__lte=unit.depth + 1, position__is_head=True
        ).order_by("unit__path")
    )
    actions: dict[str, Action] = {}
    for step in plan.meetings:
        period = ReportingPeriod.objects.get(
            plan_year__year=YEAR, frequency=step.period[0], number=step.period[1]
        )
        meeting = services.schedule_meeting(
            unit=unit,
            period=period,
            starts_at=step.starts_at,
            chair=chair,
            secretary=secretary,
            participants=heads,
            place=step.place,
            by=None,
        )
        counts.total += 1
        counts.created += 1
        # the invitations went out a week before the meeting (or today, for one coming sooner)
        invited = min(timezone.now(), step.starts_at - dt.timedelta(days=7))
        Meeting.objects.filter(pk=meeting.pk).update(invitations_sent_at=invited)
        meeting.participants.update(invited_at=invited)
        meeting.invitations_sent_at = invited
        if not step.closed:
            continue
        entries = {}
        for p in meeting.participants.select_related("employee__position"):
            title = p.employee.position.title_id if p.employee.position is not None else ""
            attendance = Attendance.PRESENT
            note = ""
            if any(title.startswith(t) for t in step.excused):
                attendance, note = Attendance.EXCUSED, "Dinas luar"
            elif any(title.startswith(t) for t in step.represented):
                attendance, note = Attendance.REPRESENTED, "Diwakili pelaksana seksi"
            entries[p.pk] = (attendance, note)
        services.record_attendance(meeting=meeting, entries=entries, by=None)
        services.record_summary(meeting=meeting, summary=step.summary, by=None)
        for minutes in step.items:
            item = _item_for(meeting, minutes.match, actions) if minutes.match else None
            if item is None and minutes.typed:
                item = services.add_agenda_item(meeting=meeting, title=minutes.typed, by=None)
            if item is None:
                continue
            services.record_minutes(
                item=item, discussion=minutes.discussion, decision=minutes.decision, by=None
            )
            for a in minutes.actions:
                kpi = (
                    Kpi.objects.filter(
                        code=a.kpi, objective__map__unit=unit, objective__map__plan_year__year=YEAR
                    ).first()
                    if a.kpi
                    else None
                )
                actions[a.key] = services.add_action(
                    item=item,
                    description=a.description,
                    owner=_person(unit, a.owner_title),
                    due_date=a.due,
                    kpi=kpi,
                    by=None,
                )
        # the items nobody spoke to get a short note, as a secretary writes them
        for item in meeting.agenda_items.filter(discussion=""):
            services.record_minutes(
                item=item,
                discussion="Disampaikan oleh pengelola kinerja; tidak ada tanggapan khusus.",
                decision="Dipantau pada dialog berikutnya.",
                by=None,
            )
        services.close_meeting(
            meeting=meeting, by=closer, now=step.starts_at + dt.timedelta(hours=2, minutes=30)
        )
        # between this meeting and the next: what the owners did
        for step_items in step.items:
            for a in step_items.actions:
                action = actions[a.key]
                if a.started:
                    services.start_action(action=action, note=a.started, by=None)
                if a.done_on is not None:
                    services.complete_action(
                        action=action,
                        upload=SimpleUploadedFile(
                            f"laporan-{a.key}.pdf", EVIDENCE_PDF, content_type="application/pdf"
                        ),
                        note="Selesai; laporan terlampir.",
                        by=None,
                    )
                    Action.objects.filter(pk=action.pk).update(
                        completed_at=timezone.make_aware(dt.datetime.combine(a.done_on, dt.time(15, 0)))
                    )


def build(run: DemoRun) -> Counts:
    counts = Counts()
    for plan in PLANS:
        _build_unit(plan, counts)
    return counts


def clear(run: DemoRun) -> int:
    meetings = list(
        Meeting.objects.filter(unit__code__in=[p.code for p in PLANS]).values_list("pk", flat=True)
    )
    actions = list(Action.objects.filter(unit__code__in=[p.code for p in PLANS]).values_list("pk", flat=True))
    keys = Q(pk__in=[])
    for pk in meetings:
        keys |= Q(key__startswith=f"meeting:{pk}:")
    for pk in actions:
        keys |= Q(key__startswith=f"action:{pk}:")
    Notification.objects.filter(keys).delete()
    AgendaItem.objects.filter(meeting_id__in=meetings).update(action=None)
    Action.objects.filter(pk__in=actions).delete()
    Meeting.objects.filter(pk__in=meetings).delete()
    DialogueSchedule.objects.filter(unit__code__in=[p.code for p in PLANS]).delete()
    return len(meetings)


STEP = DemoStep("meetings", gettext_lazy("Dialog kinerja dan matriks tindak lanjut 2026"), build, clear)

__all__ = ["STEP", "ParticipantRole"]
