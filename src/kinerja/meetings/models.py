"""Performance dialogues (Dialog Kinerja Organisasi, DKO) and their follow-up matrix (domain.md §1 step 5,
§4 "meeting", rule 24, §6 "Minutes and follow-up matrix").

* `DialogueSchedule` — how often a unit holds its dialogue (monthly or quarterly), who chairs and who minutes.
* `Meeting` — one dialogue of a unit about one reporting period: scheduled → held → closed (read-only).
* `Participant` — who is invited, in which role, and whether they attended.
* `AgendaItem` — one point of the agenda: proposed from the period's red and missing KPIs, late
  initiatives, high risks and open follow-ups (or typed by the chair), with the discussion and the decision.
* `Action` — one line of the follow-up matrix: owner, due date, status, evidence of completion. An open
  action is carried to the next meeting (an `AgendaItem` pointing at it) until it is done or dropped.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from kinerja.organisations.models import Employee, Unit
from kinerja.planning.models import Initiative, Kpi, Objective, Risk
from kinerja.reporting.models import ReportingPeriod


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Bulanan")
    QUARTERLY = "quarterly", _("Triwulanan")


class DialogueSchedule(models.Model):
    """How often a unit meets (domain.md: "dialogue frequency … vary by unit"), its chair and secretary."""

    unit = models.OneToOneField(
        Unit, on_delete=models.CASCADE, related_name="dialogue_schedule", verbose_name=_("unit")
    )
    frequency = models.CharField(
        _("frekuensi"), max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    day_of_month = models.PositiveSmallIntegerField(_("tanggal rapat"), default=15)
    chair = models.ForeignKey(
        Employee,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("pimpinan rapat"),
    )
    secretary = models.ForeignKey(
        Employee,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("notulis"),
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("jadwal dialog kinerja")
        verbose_name_plural = _("jadwal dialog kinerja")

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.frequency}"


class MeetingState(models.TextChoices):
    SCHEDULED = "scheduled", _("Terjadwal")
    HELD = "held", _("Berlangsung")
    CLOSED = "closed", _("Ditutup")
    CANCELLED = "cancelled", _("Dibatalkan")


class Meeting(models.Model):
    """One performance dialogue of a unit about one reporting period. Closed by the chair, then read-only."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("unit"))
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("periode")
    )
    title = models.CharField(_("judul"), max_length=255)
    starts_at = models.DateTimeField(_("waktu"))
    place = models.CharField(_("tempat"), max_length=255, blank=True)
    chair = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="meetings_chaired", verbose_name=_("pimpinan rapat")
    )
    secretary = models.ForeignKey(
        Employee,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings_minuted",
        verbose_name=_("notulis"),
    )
    state = models.CharField(
        _("status"), max_length=10, choices=MeetingState.choices, default=MeetingState.SCHEDULED
    )
    summary = models.TextField(_("ringkasan / catatan umum"), blank=True)
    invitations_sent_at = models.DateTimeField(_("undangan dikirim"), null=True, blank=True)
    closed_at = models.DateTimeField(_("ditutup pada"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancel_reason = models.TextField(_("alasan pembatalan"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dialog kinerja")
        verbose_name_plural = _("dialog kinerja")
        ordering = ["unit", "-starts_at", "-pk"]
        indexes = [models.Index(fields=["unit", "starts_at"], name="meeting_unit_start")]

    def __str__(self) -> str:
        return self.title

    @property
    def read_only(self) -> bool:
        return self.state in (MeetingState.CLOSED, MeetingState.CANCELLED)


class ParticipantRole(models.TextChoices):
    CHAIR = "chair", _("Pimpinan rapat")
    SECRETARY = "secretary", _("Notulis")
    MEMBER = "member", _("Peserta")
    GUEST = "guest", _("Undangan")


class Attendance(models.TextChoices):
    UNKNOWN = "unknown", _("Belum dicatat")
    PRESENT = "present", _("Hadir")
    REPRESENTED = "represented", _("Diwakili")
    EXCUSED = "excused", _("Izin")
    ABSENT = "absent", _("Tidak hadir")


class Participant(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    employee = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="meeting_participations", verbose_name=_("pegawai")
    )
    role = models.CharField(
        _("peran"), max_length=10, choices=ParticipantRole.choices, default=ParticipantRole.MEMBER
    )
    attendance = models.CharField(
        _("kehadiran"), max_length=12, choices=Attendance.choices, default=Attendance.UNKNOWN
    )
    note = models.CharField(_("keterangan"), max_length=255, blank=True)
    invited_at = models.DateTimeField(_("diundang pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("peserta rapat")
        verbose_name_plural = _("peserta rapat")
        ordering = ["meeting", "role", "employee__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "employee"], name="unique_meeting_participant")
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.employee_id} ({self.role})"


class AgendaKind(models.TextChoices):
    RED_KPI = "red_kpi", _("IKU merah")
    MISSING_KPI = "missing_kpi", _("IKU belum dilaporkan")
    LATE_INITIATIVE = "late_initiative", _("Inisiatif terlambat")
    HIGH_RISK = "high_risk", _("Risiko tinggi")
    FOLLOW_UP = "follow_up", _("Tindak lanjut terbuka")
    STRATEGIC_ISSUE = "strategic_issue", _("Isu strategis")
    OTHER = "other", _("Lainnya")


class AgendaItem(models.Model):
    """One point of a meeting's agenda, with what was discussed and decided (the minutes, per item)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    kind = models.CharField(_("jenis"), max_length=20, choices=AgendaKind.choices, default=AgendaKind.OTHER)
    title = models.CharField(_("pokok bahasan"), max_length=500)
    kpi = models.ForeignKey(Kpi, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    initiative = models.ForeignKey(
        Initiative, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    risk = models.ForeignKey(Risk, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.ForeignKey(
        "Action",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda_items",
        help_text="The open follow-up this item carries over from an earlier meeting.",
    )
    discussion = models.TextField(_("pembahasan"), blank=True)
    decision = models.TextField(_("keputusan"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agenda rapat")
        verbose_name_plural = _("agenda rapat")
        ordering = ["meeting", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class ActionState(models.TextChoices):
    OPEN = "open", _("Terbuka")
    IN_PROGRESS = "in_progress", _("Dalam proses")
    DONE = "done", pgettext_lazy("tindak lanjut", "Selesai")  # done; a period's "Selesai" is its end
    DROPPED = "dropped", _("Dibatalkan")


OPEN_ACTION_STATES = (ActionState.OPEN, ActionState.IN_PROGRESS)


def action_evidence_path(instance: Action, filename: str) -> str:
    """`follow-up/<unit>/<uuid><ext>`: a fresh name for every upload, so nothing is overwritten."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"follow-up/{instance.unit_id}/{uuid.uuid4().hex}{suffix}"


class Action(models.Model):
    """One line of the follow-up matrix (matriks tindak lanjut). Owner and due date may be missing (rule 24
    warns); an action stays open — and is carried to the next meeting — until done (with evidence) or
    dropped (with a reason)."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("unit")
    )
    meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name=_("rapat asal"),
    )
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="decided_actions"
    )
    description = models.TextField(_("tindak lanjut"))
    owner = models.ForeignKey(
        Employee,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("penanggung jawab"),
    )
    due_date = models.DateField(_("batas waktu"), null=True, blank=True)
    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kpi = models.ForeignKey(Kpi, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(
        _("status"), max_length=12, choices=ActionState.choices, default=ActionState.OPEN
    )
    progress_note = models.TextField(_("perkembangan"), blank=True)
    drop_reason = models.TextField(_("alasan pembatalan"), blank=True)
    evidence = models.FileField(
        _("bukti penyelesaian"), upload_to=action_evidence_path, max_length=255, blank=True
    )
    evidence_name = models.CharField(_("nama berkas"), max_length=255, blank=True)
    completed_at = models.DateTimeField(_("diselesaikan pada"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tindak lanjut")
        verbose_name_plural = _("matriks tindak lanjut")
        ordering = ["unit", "due_date", "pk"]
        indexes = [
            models.Index(fields=["unit", "state", "due_date"], name="action_unit_state_due"),
            models.Index(fields=["owner", "state", "due_date"], name="action_owner_state_due"),
        ]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_ACTION_STATES


from kinerja.meetings.evaluation_models import *  # noqa: E402,F403  (the yearly evaluation, issue 14 item 7)

from .endorsement_models import EndorsementSource, EndorsementState, IncompleteReason, NkoEndorsement  # noqa: E402, F401
