"""Users and their roles on units. A role on a unit reaches that unit's whole subtree and nothing else."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kinerja.common import progress


class User(AbstractUser):
    employee = models.OneToOneField(
        "organisations.Employee",  # by name: accounts sits below organisations
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
        verbose_name=_("pegawai"),
    )

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    MANAGER = "manager", _("Pengelola kinerja")
    LEADER = "leader", _("Pimpinan (pemilik peta)")
    EMPLOYEE = "employee", _("Pegawai")
    AUDITOR = "auditor", _("Auditor (hanya baca)")


class RoleSource(models.TextChoices):
    """Where a role comes from: granted by hand, or kept by the account sync from the organisation (the
    `employee` role on one's own unit, the `leader` role on the unit one heads; organisations/accounts_sync.py).
    The sync adds and removes automatic roles only; a role granted by hand stays as it is."""

    MANUAL = "manual", _("Diberikan manual")
    AUTO = "auto", _("Otomatis dari organisasi")


class RoleAssignment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    unit = models.ForeignKey("organisations.Unit", on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("peran"), max_length=16, choices=Role.choices)
    source = models.CharField(_("asal"), max_length=8, choices=RoleSource.choices, default=RoleSource.MANUAL)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()  # who granted or revoked which role, and when

    class Meta:
        verbose_name = _("peran pengguna")
        verbose_name_plural = _("peran pengguna")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="unique_role_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.unit.code}"


class ApiToken(models.Model):
    """A key a script uses for the API: it expires, dies when its owner's password changes, can be revoked.

    Only the key's SHA-256 is stored (the key is shown once, when it is made); `password_mark` is a digest of
    the owner's password hash at that moment, so a new password makes every older key stop working
    (accounts/tokens.py).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nama"), max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("awalan"), max_length=8, editable=False)  # shown to tell keys apart
    password_mark = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    expires_at = models.DateTimeField(_("berlaku sampai"))
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} — {self.name} ({self.prefix}…)"


class MailJobState(models.TextChoices):
    QUEUED = "queued", _("Menunggu")
    RUNNING = "running", _("Berjalan")
    DONE = "done", _("Selesai")
    FAILED = "failed", _("Gagal")


class PasswordMailJob(models.Model):
    """Set-your-password e-mails to the accounts of a unit's subtree, sent in the background at a limited rate
    (organisations/password_mails.py); `sent`, `skipped` (no e-mail address) and `failed` count the report,
    whose lines are the job's `mails`."""

    unit = models.ForeignKey(
        "organisations.Unit",  # by name: accounts sits below organisations
        on_delete=models.CASCADE,
        related_name="password_mail_jobs",
        verbose_name=_("unit"),
    )
    never_logged_in = models.BooleanField(_("hanya yang belum pernah masuk"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    state = models.CharField(max_length=10, choices=MailJobState.choices, default=MailJobState.QUEUED)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    language = models.CharField(max_length=8, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("pengiriman surel kata sandi")
        verbose_name_plural = _("pengiriman surel kata sandi")

    def __str__(self) -> str:
        return f"{self.unit_id} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in (MailJobState.DONE, MailJobState.FAILED)

    @property
    def percent(self) -> int:
        return progress.percent(self.processed, self.total, finished=self.finished)


class MailOutcome(models.TextChoices):
    SENT = "sent", _("Terkirim")
    SKIPPED = "skipped", _("Dilewati: tanpa surel")
    FAILED = "failed", _("Gagal")


class PasswordMail(models.Model):
    """One line of a job's report: to whom, to which address, and what happened."""

    job = models.ForeignKey(PasswordMailJob, on_delete=models.CASCADE, related_name="mails")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    nip = models.CharField(_("NIP"), max_length=18, blank=True)
    name = models.CharField(_("nama"), max_length=255, blank=True)
    email = models.CharField(_("surel"), max_length=254, blank=True)
    outcome = models.CharField(_("hasil"), max_length=8, choices=MailOutcome.choices)
    error = models.CharField(_("kesalahan"), max_length=255, blank=True)
    at = models.DateTimeField(_("waktu"))

    class Meta:
        ordering = ["job", "pk"]
        verbose_name = _("surel kata sandi")
        verbose_name_plural = _("surel kata sandi")

    def __str__(self) -> str:
        return f"{self.nip} {self.outcome}"
