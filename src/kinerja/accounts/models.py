"""Users and their roles on units. A role on a unit reaches that unit's whole subtree and nothing else."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


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


class RoleAssignment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    unit = models.ForeignKey("organisations.Unit", on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("peran"), max_length=16, choices=Role.choices)
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
