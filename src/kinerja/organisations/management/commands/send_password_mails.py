"""`kinerja send-password-mails --unit CODE [--never-logged-in] [--by USERNAME]`.

Set-your-password e-mails to the active accounts of a unit's subtree (organisations/password_mails.py), sent
in the foreground at `KINERJA_PASSWORD_MAIL_RATE` a minute, the report stored as a job the page shows too.
Exit status 1 when a mail could not be sent.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from kinerja.accounts.models import MailOutcome, PasswordMailJob
from kinerja.organisations.models import Unit
from kinerja.organisations.password_mails import mail_preview, mail_rate, run_job


class Command(BaseCommand):
    help = _(
        "Mengirim surel atur kata sandi ke akun pegawai aktif sebuah unit dan seluruh unit di bawahnya, "
        "dengan laju terbatas (KINERJA_PASSWORD_MAIL_RATE surel per menit), dan mencatat laporannya."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, metavar="CODE", help=_("kode unit"))
        parser.add_argument(
            "--never-logged-in", action="store_true", help=_("hanya akun yang belum pernah masuk")
        )
        parser.add_argument(
            "--by", metavar="USERNAME", help=_("pengguna yang tercatat memulai pengiriman (bawaan: sistem)")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        unit = Unit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(_("Unit %(code)s tidak ada.") % {"code": options["unit"]})
        by = None
        if options["by"]:
            by = get_user_model().objects.filter(username=options["by"]).first()
            if by is None:
                raise CommandError(_("Pengguna %(name)s tidak ada.") % {"name": options["by"]})
        never = options["never_logged_in"]
        preview = mail_preview(unit, never_logged_in=never)
        self.stdout.write(
            _("%(n)d akun, %(rate)d surel per menit.") % {"n": preview.total, "rate": mail_rate()}
        )
        job = PasswordMailJob.objects.create(
            unit=unit,
            never_logged_in=never,
            created_by=by,
            total=preview.total,
            language=translation.get_language() or "",
        )
        job = run_job(job, progress=lambda j: self.stdout.write(f"{j.processed}/{j.total}"))
        self.stdout.write(
            _("Terkirim: %(sent)d, dilewati (tanpa surel): %(skipped)d, gagal: %(failed)d.")
            % {"sent": job.sent, "skipped": job.skipped, "failed": job.failed}
        )
        for line in job.mails.exclude(outcome=MailOutcome.SENT).order_by("pk"):
            self.stderr.write(f"{line.nip}\t{line.name}\t{line.get_outcome_display()}\t{line.error}")
        if job.failed:
            raise CommandError(_("%(n)d surel gagal dikirim.") % {"n": job.failed}, returncode=1)
