"""Notifications in the application and by e-mail (issue 14 item 9): each user chooses per kind.

* `Notification` — one message to one user, linked to where it is acted on; unread until `read_at`.
  A user who takes a kind by e-mail only still gets a row (`in_app=False`, never shown in the inbox): it
  records that the fact was told (the `key` stays idempotent) and when the e-mail went (`emailed_at`).
* `Preference` — a user's choice for one kind: in the application, by e-mail, both or neither
  (no row: the kind's default, `DEFAULTS` in `services.py`).
* `Recipient` — what the e-mails need to know of a user beyond the account: the language they read.
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
    # shown in the user's inbox (False: the user takes this kind by e-mail only)
    in_app = models.BooleanField(_("di aplikasi"), default=True)
    # the e-mail is owed (the user's preference said so when it was stored); `emailed_at` says it went
    email = models.BooleanField(_("lewat surel"), default=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    read_at = models.DateTimeField(_("dibaca"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("dikirim lewat surel"), null=True, blank=True)

    class Meta:
        verbose_name = _("pemberitahuan")
        verbose_name_plural = _("pemberitahuan")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at", "-created_at"], name="notification_inbox"),
            # the bell: a count of a user's unread rows shown in the application
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True, in_app=True),
                name="notification_unread",
            ),
        ]
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


class Recipient(models.Model):
    """The language a user's e-mails are written in (blank: the site's language, Indonesian)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    language = models.CharField(_("bahasa surel"), max_length=8, blank=True, choices=settings.LANGUAGES)

    class Meta:
        verbose_name = _("penerima surel")
        verbose_name_plural = _("penerima surel")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.language or '-'}"
