"""Notifications in the application and by e-mail (issue 14 item 9): each user chooses per kind.

* `Notification` — one message to one user, linked to where it is acted on; unread until `read_at`.
* `Preference` — a user's choice for one kind: in the application, by e-mail, both or neither
  (no row: the kind's default, `DEFAULTS` in `services.py`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    REALIZATION_DUE = "realization_due", _("Realisasi jatuh tempo atau belum dilaporkan")
    RETURNED = "returned", _("Data dikembalikan kepada saya")
    WAITING = "waiting", _("Menunggu langkah saya (verifikasi, persetujuan)")
    MEETING = "meeting", _("Undangan dan notula dialog kinerja")
    FOLLOW_UP = "follow_up", _("Tindak lanjut untuk saya dan yang terlambat")
    CONTRACT = "contract", _("Kontrak kinerja untuk disetujui atau ditandatangani")


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("judul"), max_length=255)
    body = models.TextField(_("isi"), blank=True)
    url = models.CharField(_("tautan"), max_length=500, blank=True)
    # one fact notified once: a repeat of the same key for the same user is not stored again
    key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    read_at = models.DateTimeField(_("dibaca"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("dikirim lewat surel"), null=True, blank=True)

    class Meta:
        verbose_name = _("pemberitahuan")
        verbose_name_plural = _("pemberitahuan")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="notification_inbox")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~models.Q(key=""), name="unique_notification_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.title}"


class Preference(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    in_app = models.BooleanField(_("di aplikasi"), default=True)
    email = models.BooleanField(_("lewat surel"), default=False)

    class Meta:
        verbose_name = _("pilihan pemberitahuan")
        verbose_name_plural = _("pilihan pemberitahuan")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="unique_notification_preference")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind}"
