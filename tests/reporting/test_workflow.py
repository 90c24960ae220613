"""The realization workflow (rule 22): every step, who may take it, and what stops it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kinerja.accounts.models import Role
from kinerja.reporting import services
from kinerja.reporting.models import RealizationState, WorkflowEvent
from kinerja.reporting.workflow import REALIZATION_WORKFLOW
from tests.factories import UserFactory, grant

from .conftest import approved, enter, pdf

D = Decimal
pytestmark = pytest.mark.django_db


def ready(world, label="2026-Q1", value="95"):
    realization = enter(world, world.quarterly, label, value)
    services.add_evidence(realization=realization, upload=pdf(), by=world.employee)
    return realization


def test_the_whole_way_records_each_step(world):
    realization = approved(world, world.quarterly, "2026-Q1", "95")
    assert realization.state == RealizationState.APPROVED
    steps = list(
        WorkflowEvent.objects.filter(realization=realization).values_list("from_state", "to_state", "actor")
    )
    assert steps == [
        ("draft", "submitted", world.employee.pk),
        ("submitted", "verified", world.manager.pk),
        ("verified", "approved", world.leader.pk),
    ]
    realization.refresh_from_db()
    assert (realization.submitted_by, realization.verified_by, realization.approved_by) == (
        world.employee,
        world.manager,
        world.leader,
    )
    assert realization.history.count() >= 4  # created + three steps, each a history row


def test_a_manager_may_enter_and_submit_too(world):
    realization = enter(world, world.quarterly, "2026-Q1", "95", by=world.manager)
    services.add_evidence(realization=realization, upload=pdf(), by=world.manager)
    services.submit_realization(realization=realization, by=world.manager)
    assert realization.state == RealizationState.SUBMITTED


def test_the_verifier_is_never_the_submitter(world):
    realization = enter(world, world.quarterly, "2026-Q1", "95", by=world.manager)
    services.add_evidence(realization=realization, upload=pdf(), by=world.manager)
    services.submit_realization(realization=realization, by=world.manager)
    with pytest.raises(ValidationError) as caught:
        services.verify_realization(realization=realization, by=world.manager)
    assert "Verifikator tidak boleh" in caught.value.messages[0]
    services.verify_realization(realization=realization, by=world.manager2)
    assert realization.state == RealizationState.VERIFIED


@pytest.mark.parametrize(
    ("step", "who"),
    [
        ("submit", "auditor"),
        ("submit", "leader"),
        ("verify", "employee"),
        ("verify", "leader"),
        ("verify", "auditor"),
    ],
)
def test_roles_that_may_not_take_a_step(world, step, who):
    realization = ready(world)
    if step == "verify":
        services.submit_realization(realization=realization, by=world.employee)
    with pytest.raises(PermissionDenied):
        getattr(services, f"{step}_realization")(realization=realization, by=getattr(world, who))


@pytest.mark.parametrize("who", ["employee", "manager", "auditor"])
def test_only_the_leader_approves(world, who):
    realization = ready(world)
    services.submit_realization(realization=realization, by=world.employee)
    services.verify_realization(realization=realization, by=world.manager)
    with pytest.raises(PermissionDenied):
        services.approve_realization(realization=realization, by=getattr(world, who))
    services.approve_realization(realization=realization, by=world.leader)


def test_steps_follow_the_order(world):
    realization = ready(world)
    with pytest.raises(ValidationError):
        services.verify_realization(realization=realization, by=world.manager)
    with pytest.raises(ValidationError):
        services.approve_realization(realization=realization, by=world.leader)
    with pytest.raises(ValidationError):
        services.return_realization(realization=realization, reason="x", by=world.manager)
    services.submit_realization(realization=realization, by=world.employee)
    with pytest.raises(ValidationError):
        services.submit_realization(realization=realization, by=world.employee)
    with pytest.raises(ValidationError):
        services.approve_realization(realization=realization, by=world.leader)


def test_another_units_manager_cannot_touch_it(world):
    realization = ready(world)
    services.submit_realization(realization=realization, by=world.employee)
    with pytest.raises(PermissionDenied):
        services.verify_realization(realization=realization, by=world.outsider)
    with pytest.raises(PermissionDenied):
        services.save_realization(
            kpi=world.quarterly, period=world.period("2026-Q2"), value=1, by=world.outsider
        )


@pytest.mark.parametrize("state", ["submitted", "verified", "approved"])
def test_return_to_draft_needs_a_reason_which_the_submitter_sees(world, state):
    realization = ready(world)
    services.submit_realization(realization=realization, by=world.employee)
    if state in ("verified", "approved"):
        services.verify_realization(realization=realization, by=world.manager)
    if state == "approved":
        services.approve_realization(realization=realization, by=world.leader)
    with pytest.raises(ValidationError) as caught:
        services.return_realization(realization=realization, reason="   ", by=world.manager)
    assert caught.value.code == "reason_required"
    services.return_realization(
        realization=realization, reason="Angka tidak cocok dengan laporan.", by=world.manager
    )
    realization.refresh_from_db()
    assert realization.state == RealizationState.DRAFT
    assert realization.return_reason == "Angka tidak cocok dengan laporan."
    assert (realization.verified_by, realization.approved_by) == (None, None)
    event = realization.events.order_by("-pk").first()
    assert (event.from_state, event.to_state, event.reason) == (
        state,
        "draft",
        "Angka tidak cocok dengan laporan.",
    )
    # corrected and submitted again: the reason is cleared from the realization, kept in the events
    services.save_realization(kpi=world.quarterly, period=realization.period, value="97", by=world.employee)
    services.submit_realization(realization=realization, by=world.employee)
    realization.refresh_from_db()
    assert realization.return_reason == ""
    assert realization.events.filter(reason__startswith="Angka").exists()


def test_the_leader_may_return_too_but_an_employee_may_not(world):
    realization = ready(world)
    services.submit_realization(realization=realization, by=world.employee)
    with pytest.raises(PermissionDenied):
        services.return_realization(realization=realization, reason="tidak", by=world.employee2)
    services.return_realization(realization=realization, reason="Perbaiki analisis.", by=world.leader)
    assert realization.state == RealizationState.DRAFT


def test_bulk_verify_reports_each_item_in_one_transaction(world):
    own = enter(world, world.quarterly, "2026-Q1", "95", by=world.manager)
    services.add_evidence(realization=own, upload=pdf(), by=world.manager)
    services.submit_realization(realization=own, by=world.manager)
    theirs = ready(world, "2026-Q2")
    services.submit_realization(realization=theirs, by=world.employee)
    draft = ready(world, "2026-Q3")
    results = services.bulk_verify(realizations=[own, theirs, draft], by=world.manager)
    assert [(r.realization_id, r.ok) for r in results] == [
        (own.pk, False),
        (theirs.pk, True),
        (draft.pk, False),
    ]
    assert "Verifikator tidak boleh" in results[0].message
    theirs.refresh_from_db()
    own.refresh_from_db()
    assert (theirs.state, own.state) == ("verified", "submitted")
    approvals = services.bulk_approve(realizations=[theirs], by=world.leader)
    assert approvals[0].ok
    theirs.refresh_from_db()
    assert theirs.state == "approved"


def test_bulk_by_someone_without_the_role_changes_nothing(world):
    realization = ready(world)
    services.submit_realization(realization=realization, by=world.employee)
    results = services.bulk_verify(realizations=[realization], by=world.employee2)
    assert not results[0].ok
    realization.refresh_from_db()
    assert realization.state == "submitted"


# --------------------------------------------------------------------------- separation of duties (issue 11 item 4)


def test_one_person_with_two_roles_cannot_verify_and_approve_the_same_realization(world, org):
    both = world.manager
    grant(both, org.kpp_a, Role.LEADER)  # the same person is also the unit's leader
    realization = ready(world)
    services.submit_realization(realization=realization, by=world.employee)
    services.verify_realization(realization=realization, by=both)
    with pytest.raises(ValidationError, match="Penyetuju tidak boleh"):
        services.approve_realization(realization=realization, by=both)
    realization.refresh_from_db()
    assert realization.state == RealizationState.VERIFIED
    assert not REALIZATION_WORKFLOW.allowed(realization, both)["approve"]
    services.approve_realization(realization=realization, by=world.leader)  # a third person may


def test_the_submitter_cannot_approve_either(world, org):
    grant(world.manager2, org.kpp_a, Role.LEADER)
    realization = enter(world, world.quarterly, "2026-Q1", "95", by=world.manager2)
    services.add_evidence(realization=realization, upload=pdf(), by=world.manager2)
    services.submit_realization(realization=realization, by=world.manager2)
    services.verify_realization(realization=realization, by=world.manager)
    with pytest.raises(ValidationError, match="Penyetuju tidak boleh"):
        services.approve_realization(realization=realization, by=world.manager2)


def test_a_superuser_is_no_exception(world):
    root = UserFactory(is_superuser=True, is_staff=True)
    realization = ready(world)
    services.submit_realization(realization=realization, by=world.employee)
    services.verify_realization(realization=realization, by=root)
    with pytest.raises(ValidationError, match="Penyetuju tidak boleh"):
        services.approve_realization(realization=realization, by=root)


def test_a_setting_relaxes_it_to_verifier_not_submitter(world, org, settings):
    settings.KINERJA_SEPARATION_OF_DUTIES = False
    both = world.manager
    grant(both, org.kpp_a, Role.LEADER)
    realization = ready(world)
    services.submit_realization(realization=realization, by=world.employee)
    services.verify_realization(realization=realization, by=both)
    services.approve_realization(realization=realization, by=both)
    assert realization.state == RealizationState.APPROVED
