"""A new employee's first login (issue 15 item 3): an import adds them, an administrator sends the
set-your-password e-mails, they open the link from the e-mail, set a password and log in with their NIP."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail

from kinerja.accounts.models import MailJobState, PasswordMailJob, Role, User
from kinerja.organisations.models import Unit
from tests.accounts.test_account_sync import load, org
from tests.e2e.conftest import VIEWPORT
from tests.e2e.helpers import PASSWORD, login, path_of, signed_in_as
from tests.interchange.test_organisation_file import nip

pytestmark = pytest.mark.e2e
LINK = re.compile(r"https?://[^/\s]+(/accounts/reset/\S+/)")
NEW_PASSWORD = "Kinerja-Baru-2026!"


def test_a_new_employee_sets_a_password_from_the_email_and_logs_in(
    page, browser, live_server, make_user, tmp_path: Path
) -> None:
    tables = org()
    load(tmp_path, tables)
    admin = make_user(Unit.objects.get(code="KEMENKEU"), Role.ADMIN, username="admin.sdm")
    newcomer = [nip(800), "Rina Kusumawati", "rina.kusumawati@kemenkeu.example", "KPP-B-PELAKSANA"]
    tables["pegawai"][1].append([*newcomer, "", "", "", ""])
    load(tmp_path, tables, "next-month")  # next month's export: one new employee, an account for her
    assert User.objects.get(username=newcomer[0]).has_usable_password() is False

    # the administrator sends the e-mails to KPP B's people who never logged in
    login(page, live_server, admin.username, PASSWORD)
    page.goto("/organisasi/akun/surel-kata-sandi/")
    page.locator("#id_unit").select_option("KPP-B")
    assert page.locator("#id_never_logged_in").is_checked()
    with page.expect_navigation():
        page.get_by_role("button", name="Hitung penerima").click()
    assert page.locator('[data-count="sent"]').first.inner_text() == "4"  # the head, two executors and Rina
    mail.outbox.clear()
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"^Kirim \d+ surel$")).click()
    job = PasswordMailJob.objects.get()
    assert path_of(page.url) == f"/organisasi/akun/surel-kata-sandi/{job.pk}/"
    job.refresh_from_db()
    assert job.state == MailJobState.DONE and job.sent == job.total and job.failed == 0
    assert page.locator("#mail-job").get_attribute("data-state") == "done"
    assert page.locator("table.data tbody tr", has_text=newcomer[0]).count() == 1

    # the new employee opens the link of their e-mail, in their own browser
    message = next(m for m in mail.outbox if m.to == [newcomer[2]])
    link = LINK.search(message.body).group(1)
    context = browser.new_context(base_url=live_server.url, locale="id-ID", viewport=VIEWPORT)
    own = context.new_page()
    own.goto(link)
    own.locator("#id_new_password1").fill(NEW_PASSWORD)
    own.locator("#id_new_password2").fill(NEW_PASSWORD)
    with own.expect_navigation():
        own.locator("main form button[type=submit]").click()
    assert path_of(own.url) == "/accounts/reset/done/"

    login(own, live_server, newcomer[0], NEW_PASSWORD)
    assert path_of(own.url) == "/"
    assert signed_in_as(own) == newcomer[0]
    assert "Rina" in own.locator("h1").inner_text()
    context.close()
