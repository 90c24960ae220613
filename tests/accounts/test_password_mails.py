"""Set-your-password e-mails in bulk (issue 15 item 3; `kinerja.organisations.password_mails`): who gets one,
the link works once, the rate limit, the report (sent, skipped without e-mail, failed), the page, the command."""

from __future__ import annotations

import itertools
import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from kinerja.accounts.models import MailJobState, MailOutcome, PasswordMail, PasswordMailJob, Role, User
from kinerja.organisations import password_mails
from kinerja.organisations.accounts_sync import sync_accounts
from kinerja.organisations.password_mails import mail_preview, run_job
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db
LINK = re.compile(r"https?://[^/\s]+(/accounts/reset/\S+/)")


@pytest.fixture
def people(org):
    """Three in KPP-A (one in its section, one without e-mail), one in KPP-B, one departed in KPP-A."""
    found = {
        "ani": EmployeeFactory(unit=org.kpp_a, name="Ani Lestari"),
        "budi": EmployeeFactory(unit=org.section_a, name="Budi Santoso"),
        "citra": EmployeeFactory(unit=org.kpp_a, name="Citra Dewi", email=""),
        "dodi": EmployeeFactory(unit=org.kpp_b, name="Dodi Hartono"),
        "eko": EmployeeFactory(unit=org.kpp_a, name="Eko Wibowo", is_active=False),
    }
    sync_accounts()
    return found


@pytest.fixture
def admin(org, make_user):
    return make_user(org.ministry, Role.ADMIN, username="admin.sdm")


def job_for(unit, *, never_logged_in=True, by=None) -> PasswordMailJob:
    return PasswordMailJob.objects.create(unit=unit, never_logged_in=never_logged_in, created_by=by)


def links() -> dict[str, str]:
    """{address: the path of its set-password link} of the e-mails sent."""
    return {m.to[0]: LINK.search(m.body).group(1) for m in mail.outbox}


# ---------------------------------------------------------------- who


def test_the_preview_counts_the_subtree_and_who_has_no_address(org, people) -> None:
    preview = mail_preview(org.kpp_a, never_logged_in=True)
    assert (preview.total, preview.with_email, preview.without_email) == (3, 2, 1)
    User.objects.filter(employee=people["ani"]).update(last_login=timezone.now())
    assert mail_preview(org.kpp_a, never_logged_in=True).total == 2
    assert mail_preview(org.kpp_a, never_logged_in=False).total == 3
    assert mail_preview(org.kanwil, never_logged_in=False).total == 4


def test_a_job_sends_reports_and_the_link_sets_the_password(org, people) -> None:
    User.objects.filter(employee=people["ani"]).update(last_login=timezone.now())  # has logged in: none
    job = run_job(job_for(org.kpp_a))
    assert (job.state, job.total, job.sent, job.skipped, job.failed) == (MailJobState.DONE, 2, 1, 1, 0)
    budi = people["budi"]
    assert [m.to for m in mail.outbox] == [[budi.email]]
    message = mail.outbox[0]
    assert budi.nip in message.body and "Budi Santoso" in message.body
    lines = {(line.nip, line.outcome) for line in job.mails.all()}
    assert lines == {(budi.nip, MailOutcome.SENT), (people["citra"].nip, MailOutcome.SKIPPED)}

    client = Client()
    path = links()[budi.email]
    form = client.get(path, follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Kinerja-2026!aman", "new_password2": "Kinerja-2026!aman"},
    )
    assert done.status_code == 302
    assert Client().login(username=budi.nip, password="Kinerja-2026!aman")
    # the link works once
    again = Client().get(path, follow=True)
    assert not again.context["validlink"]


def test_a_failed_address_is_reported_and_the_rest_go(org, people, monkeypatch) -> None:
    real_send = password_mails.EmailMultiAlternatives.send

    def send(message, fail_silently=False):
        if message.to == [people["ani"].email]:
            raise OSError("550 mailbox unavailable")
        return real_send(message, fail_silently)

    monkeypatch.setattr(password_mails.EmailMultiAlternatives, "send", send)
    job = run_job(job_for(org.kpp_a))
    assert (job.sent, job.skipped, job.failed) == (1, 1, 1)
    failed = job.mails.get(outcome=MailOutcome.FAILED)
    assert (failed.nip, failed.error) == (people["ani"].nip, "550 mailbox unavailable")
    assert [m.to for m in mail.outbox] == [[people["budi"].email]]


@override_settings(KINERJA_PASSWORD_MAIL_RATE=6)  # one e-mail every 10 seconds
def test_the_sending_is_rate_limited(org, people, monkeypatch) -> None:
    now = [1000.0]
    sent_at: list[float] = []
    monkeypatch.setattr(password_mails, "clock", lambda: now[0])
    monkeypatch.setattr(password_mails, "sleep", lambda seconds: now.__setitem__(0, now[0] + seconds))
    real_send = password_mails.EmailMultiAlternatives.send

    def send(message, fail_silently=False):
        sent_at.append(now[0])
        now[0] += 0.5  # the mail server takes half a second
        return real_send(message, fail_silently)

    monkeypatch.setattr(password_mails.EmailMultiAlternatives, "send", send)
    run_job(job_for(org.kanwil, never_logged_in=False))
    assert len(sent_at) == 3  # Ani, Budi, Dodi (Citra has no address: no mail, no wait)
    assert [b - a for a, b in itertools.pairwise(sent_at)] == [10.0, 10.0]


def test_accounts_missing_are_made_before_sending(org, people) -> None:
    late = EmployeeFactory(unit=org.kpp_b, name="Fajar Nugroho")  # no account yet
    assert mail_preview(org.kpp_b, never_logged_in=True).without_account == 1
    job = run_job(job_for(org.kpp_b))
    assert job.sent == 2 and User.objects.filter(employee=late, username=late.nip).exists()


# ---------------------------------------------------------------- the pages


def test_the_page_previews_sends_in_the_background_and_reports(
    org, people, admin, client, django_capture_on_commit_callbacks
) -> None:
    client.force_login(admin)
    url = reverse("organisations:password-mails")
    with translation.override("id"):
        page = client.get(url, {"unit": org.kpp_a.code, "never_logged_in": "on"})
    assert page.status_code == 200 and page.context["preview"].with_email == 2
    assert b'data-count="sent">2<' in page.content
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(url, {"unit": org.kpp_a.code, "never_logged_in": "on"})
    job = PasswordMailJob.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse(
        "organisations:password-mail-job", args=[job.pk]
    )
    job.refresh_from_db()
    assert (job.state, job.sent, job.skipped, job.created_by) == (MailJobState.DONE, 2, 1, admin)
    assert len(mail.outbox) == 2
    report = client.get(answer["Location"])
    assert report.status_code == 200 and report.context["page"].paginator.count == 3
    skipped = client.get(answer["Location"], {"hasil": "skipped"})
    assert [line.nip for line in skipped.context["page"]] == [people["citra"].nip]


def test_only_administrators_of_the_unit(org, people, admin, make_user) -> None:
    url = reverse("organisations:password-mails")
    manager = Client()
    manager.force_login(make_user(org.ministry, Role.MANAGER))
    assert manager.get(url).status_code == 403
    assert manager.post(url, {"unit": org.kpp_a.code}).status_code == 403
    local = Client()
    local.force_login(make_user(org.kpp_b, Role.ADMIN))
    page = local.post(url, {"unit": org.kpp_a.code, "never_logged_in": "on"})
    assert page.status_code == 200 and "unit" in page.context["form"].errors  # out of reach: not a choice
    assert not PasswordMailJob.objects.exists()
    job = run_job(job_for(org.kpp_a, by=admin))
    assert local.get(reverse("organisations:password-mail-job", args=[job.pk])).status_code == 404


def test_the_report_page_costs_the_same_for_more_lines(
    org, people, admin, client, django_assert_max_num_queries
) -> None:
    client.force_login(admin)
    job = run_job(job_for(org.ministry, never_logged_in=False))
    url = reverse("organisations:password-mail-job", args=[job.pk])
    client.get(url)
    with django_assert_max_num_queries(12):
        client.get(url)
    PasswordMail.objects.bulk_create(
        [
            PasswordMail(job=job, nip=f"{n:018d}", name="X", outcome=MailOutcome.SENT, at=timezone.now())
            for n in range(60)
        ]
    )
    with django_assert_max_num_queries(12):
        client.get(url)


# ---------------------------------------------------------------- the command


def test_the_command_sends_and_reports(org, people) -> None:
    out, err = StringIO(), StringIO()
    with translation.override("id"):
        call_command(
            "send_password_mails", "--unit", org.kpp_a.code, "--never-logged-in", stdout=out, stderr=err
        )
    assert "Terkirim: 2, dilewati (tanpa surel): 1, gagal: 0." in out.getvalue()
    assert people["citra"].nip in err.getvalue()
    assert len(mail.outbox) == 2 and PasswordMailJob.objects.get().state == MailJobState.DONE
    with pytest.raises(CommandError):
        call_command("send_password_mails", "--unit", "TIDAK-ADA", stdout=StringIO())
