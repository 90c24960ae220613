"""Set-your-password e-mails in bulk, where there is no single sign-on (issue 15 item 3).

An administrator picks a unit (its whole subtree) and, usually, "only those who never logged in";
`mail_preview` counts who would get one. `start_password_mails` records a `PasswordMailJob` and queues
`send_password_mails_job` after the commit; the task (or `kinerja send-password-mails`, in the foreground)
first brings the subtree's accounts in line with the organisation (`accounts_sync`), then sends one e-mail
per account at `KINERJA_PASSWORD_MAIL_RATE` e-mails a minute (a mail server and its spam limits are not
flooded), each with a link of Django's password-reset token machinery (`default_token_generator`, the
`accounts:password_reset_confirm` page): it works once, until the password is set, and for
`PASSWORD_RESET_TIMEOUT` seconds. Every account gets a line in the job's report: sent, skipped (no e-mail
address) or failed (the mail server's answer), with the counts on the job.

The recipients are the active accounts of the active employees of the subtree; the address is the account's,
else the employee's (as notifications do).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_tasks import task

from kinerja.accounts.models import MailJobState, MailOutcome, PasswordMail, PasswordMailJob, User
from kinerja.accounts.rules import ensure
from kinerja.common.history import Actor, author

from .accounts_sync import sync_accounts
from .models import Employee, Unit

log = logging.getLogger(__name__)
CHUNK = 200  # accounts loaded, and report lines written, at a time
DEFAULT_RATE = 30  # e-mails a minute

# The clock and the pause of the rate limit; tests replace them with a fake clock.
clock: Callable[[], float] = time.monotonic
sleep: Callable[[float], None] = time.sleep


# ---------------------------------------------------------------- who


def _employees(unit: Unit) -> QuerySet[Employee]:
    return Employee.objects.filter(is_active=True, unit__path__startswith=unit.path)


def recipients(unit: Unit, *, never_logged_in: bool) -> QuerySet[User]:
    """The accounts a job for `unit` sends to: active accounts of the subtree's active employees."""
    users = User.objects.filter(
        is_active=True, employee__is_active=True, employee__unit__path__startswith=unit.path
    )
    if never_logged_in:
        users = users.filter(last_login__isnull=True)
    return users.order_by("employee__unit__path", "employee__name", "pk")


@dataclass(frozen=True)
class Preview:
    total: int  # employees who would get an e-mail
    without_email: int  # of them, without an address: skipped
    without_account: int  # of them, with no account yet: made before sending

    @property
    def with_email(self) -> int:
        return self.total - self.without_email


def mail_preview(unit: Unit, *, never_logged_in: bool) -> Preview:
    """How many e-mails a job would send, counted on the employees (one query): an employee without an account
    yet gets one before the sending."""
    employees = _employees(unit).filter(Q(user__isnull=True) | Q(user__is_active=True))
    if never_logged_in:
        employees = employees.filter(Q(user__isnull=True) | Q(user__last_login__isnull=True))
    no_address = Q(email="") & (Q(user__isnull=True) | Q(user__email=""))
    counts = employees.aggregate(
        total=Count("pk"),
        without_email=Count("pk", filter=no_address),
        without_account=Count("pk", filter=Q(user__isnull=True)),
    )
    return Preview(counts["total"], counts["without_email"], counts["without_account"])


# ---------------------------------------------------------------- starting


def start_password_mails(*, unit: Unit, never_logged_in: bool, by: Actor) -> PasswordMailJob:
    """Record the job and queue its sending after the commit (an administrator on the unit)."""
    ensure(by, "accounts.send_password_mails", unit)
    with transaction.atomic():
        job = PasswordMailJob.objects.create(
            unit=unit,
            never_logged_in=never_logged_in,
            created_by=author(by),
            total=mail_preview(unit, never_logged_in=never_logged_in).total,
            language=translation.get_language() or "",
        )
        transaction.on_commit(lambda: send_password_mails_job.enqueue(job.pk))
    return job


@task()
def send_password_mails_job(job_id: int) -> str:
    """The background task: send a queued job's e-mails; returns the job's final state."""
    job = PasswordMailJob.objects.select_related("unit").filter(pk=job_id).first()
    if job is None:
        return ""
    return str(run_job(job).state)


# ---------------------------------------------------------------- sending


class Throttle:
    """At most `per_minute` calls of `wait()` a minute, evenly spaced (the first goes at once)."""

    def __init__(self, per_minute: int) -> None:
        self.interval = 60.0 / per_minute if per_minute > 0 else 0.0
        self.next_at: float | None = None

    def wait(self) -> None:
        now = clock()
        if self.next_at is not None and self.next_at > now:
            sleep(self.next_at - now)
            now = self.next_at
        self.next_at = now + self.interval


def mail_rate() -> int:
    return int(getattr(settings, "KINERJA_PASSWORD_MAIL_RATE", DEFAULT_RATE) or DEFAULT_RATE)


def set_password_link(user: User) -> str:
    """The absolute link of the set-password page for `user` (a password-reset token)."""
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return str(getattr(settings, "KINERJA_SITE_URL", "") or "").rstrip("/") + path


def _message(user: User, address: str, connection: Any) -> EmailMultiAlternatives:
    employee = user.employee
    context = {
        "name": employee.name if employee is not None else user.get_full_name() or user.username,
        "username": user.username,
        "nip": employee.nip if employee is not None else "",
        "link": set_password_link(user),
        "days": max(1, int(settings.PASSWORD_RESET_TIMEOUT) // 86400),
        "login": str(getattr(settings, "KINERJA_SITE_URL", "") or "").rstrip("/") + reverse("accounts:login"),
    }
    subject = render_to_string("organisations/password_mail_subject.txt", context).strip()
    body = render_to_string("organisations/password_mail.txt", context)
    return EmailMultiAlternatives(
        subject, body, settings.DEFAULT_FROM_EMAIL, [address], connection=connection
    )


def _address(user: User) -> str:
    if user.email:
        return str(user.email)
    return str(getattr(user.employee, "email", "") or "")


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def run_job(
    job: PasswordMailJob, *, progress: Callable[[PasswordMailJob], None] | None = None
) -> PasswordMailJob:
    """Send a job's e-mails at the configured rate, writing its report as it goes; a failure of the whole job
    (not of one e-mail) is recorded on it."""
    if job.finished:
        return job
    PasswordMailJob.objects.filter(pk=job.pk).update(state=MailJobState.RUNNING, updated_at=timezone.now())
    job.state = MailJobState.RUNNING
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            _send(job, progress)
    except Exception as error:  # recorded for the job's page; the task runner logs it too
        job.state, job.error = MailJobState.FAILED, str(error)[:2000]
        job.save(update_fields=["state", "error", "updated_at"])
        raise
    job.state = MailJobState.DONE
    job.save(update_fields=["state", "processed", "total", "sent", "skipped", "failed", "updated_at"])
    return job


def _send(job: PasswordMailJob, progress: Callable[[PasswordMailJob], None] | None) -> None:
    sync_accounts(employee_ids=_employees(job.unit).values_list("pk", flat=True), by=job.created_by)
    ids = list(recipients(job.unit, never_logged_in=job.never_logged_in).values_list("pk", flat=True))
    job.total, job.processed, job.sent, job.skipped, job.failed = len(ids), 0, 0, 0, 0
    throttle = Throttle(mail_rate())
    connection = get_connection(fail_silently=False)
    try:
        for chunk in _chunks(ids):
            users = User.objects.select_related("employee").in_bulk(chunk)
            lines = []
            for pk in chunk:
                user = users.get(pk)
                if user is None:  # gone meanwhile
                    continue
                lines.append(_send_one(user, connection, throttle, job))
            PasswordMail.objects.bulk_create(lines)
            job.processed += len(chunk)
            PasswordMailJob.objects.filter(pk=job.pk).update(
                processed=job.processed,
                total=job.total,
                sent=job.sent,
                skipped=job.skipped,
                failed=job.failed,
                updated_at=timezone.now(),
            )
            if progress is not None:
                progress(job)
    finally:
        connection.close()


def _send_one(user: User, connection: Any, throttle: Throttle, job: PasswordMailJob) -> PasswordMail:
    employee = user.employee
    line = PasswordMail(
        job=job,
        user=user,
        nip=employee.nip if employee is not None else "",
        name=(employee.name if employee is not None else user.get_full_name())[:255],
        email=_address(user)[:254],
        outcome=MailOutcome.SENT,
        at=timezone.now(),
    )
    if not line.email:
        line.outcome = MailOutcome.SKIPPED
        job.skipped += 1
        return line
    throttle.wait()
    try:
        _message(user, line.email, connection).send()
    except Exception as error:  # one address refused, the server down a moment: reported, the rest goes on
        log.warning("set-password e-mail to %s failed: %s", line.email, error)
        line.outcome, line.error = MailOutcome.FAILED, (str(error) or error.__class__.__name__)[:255]
        job.failed += 1
    else:
        job.sent += 1
    line.at = timezone.now()
    return line


def report_lines(job: PasswordMailJob, outcome: str | None = None) -> QuerySet[PasswordMail]:
    lines = job.mails.order_by("pk")
    return lines.filter(outcome=outcome) if outcome else lines


def outcome_label(outcome: str) -> str:
    return str(MailOutcome(outcome).label) if outcome in MailOutcome.values else _("Semua")
