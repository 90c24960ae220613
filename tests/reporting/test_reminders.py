"""Reminders about missing realizations (rule 24): the managers' e-mail digest and its task."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from kinerja.reporting import services, tasks

from .conftest import enter, pdf

pytestmark = pytest.mark.django_db


def test_managers_hear_about_what_is_missing_near_and_after_the_due_date(world):
    submitted = enter(world, world.quarterly, "2026-Q1", "90")
    services.add_evidence(realization=submitted, upload=pdf(), by=world.employee)
    services.submit_realization(realization=submitted, by=world.employee)
    enter(world, world.monthly, "2026-03", "9")  # a draft is still missing
    report = services.send_reminders(today=dt.date(2026, 4, 8))  # March due 10 April; Q1 due 10 April
    assert report.emails == 3  # both managers of KPP-A, and KPP-B's manager
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {
        "pengelola.a@kemenkeu.example",
        "pengelola.a2@kemenkeu.example",
        "pengelola.b@kemenkeu.example",
    }
    body = by_address["pengelola.a@kemenkeu.example"].body
    assert "C1.1" in body and "Maret 2026" in body and "konsep" in body
    assert "Februari 2026" in body and "terlambat" in body  # February was due 10 March
    assert "Triwulan I 2026" not in body  # S1.1 was submitted
    assert "[Kinerja]" in by_address["pengelola.a@kemenkeu.example"].subject
    assert "mko@" not in " ".join(by_address)  # the unit's own managers, not every manager above it


def test_a_unit_without_a_manager_falls_back_to_the_nearest_one_above(world, org, make_user):
    from kinerja.accounts.models import RoleAssignment

    RoleAssignment.objects.filter(unit=org.kpp_b, role="manager").delete()
    make_user(org.kanwil, "manager", email="kanwil@kemenkeu.example")
    services.send_reminders(today=dt.date(2026, 4, 12))
    assert "kanwil@kemenkeu.example" in {m.to[0] for m in mail.outbox}


def test_nothing_is_sent_before_the_window_or_on_a_dry_run(world):
    assert services.send_reminders(today=dt.date(2026, 1, 15)).emails == 0
    assert services.send_reminders(today=dt.date(2026, 4, 8), dry_run=True).emails == 0
    assert mail.outbox == []
    # the daily `kinerja send_reminders` command now notifies (tests/notifications/test_reminders.py);
    # this digest stays a task for a scheduler that enqueues it
    assert tasks.send_reminders.enqueue("2026-04-08").return_value == 3
    assert len(mail.outbox) == 3
