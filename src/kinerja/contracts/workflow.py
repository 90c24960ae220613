"""The contract workflow: a table for the engine in `kinerja.common.workflow`.

draft → proposed (holder or performance manager; rules 6 and 13 checked at proposal) → agreed (the
superior, rule 18) → signed (the holder); proposed or agreed → back to draft with a reason; signed →
draft again only by a recorded revision with a reason (rule 19, revision + 1); signed → ended when a
replacement contract takes over (rule 16, the system). 'change' is a gate: may the contract's KPIs,
weights and texts be edited now.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.common.history import Actor, author
from kinerja.common.workflow import Step, Workflow

from .models import EDITABLE_CONTRACT_STATES, ContractEvent, ContractState


def _wrong_state(contract: Any, step: Step) -> str:
    if step.action == "change":
        message = _("Kontrak %(contract)s berstatus %(state)s dan hanya dapat diubah melalui revisi.")
    else:
        message = _("Tindakan ini tidak dapat dilakukan pada kontrak %(contract)s yang berstatus %(state)s.")
    return message % {"contract": str(contract), "state": contract.get_state_display()}


def _record(contract: Any, from_state: str, to_state: str, action: str, by: Actor, reason: str, /) -> None:
    ContractEvent.objects.create(
        contract=contract,
        revision=contract.revision,
        from_state=from_state,
        to_state=to_state,
        by=author(by),
        reason=reason,
    )


def _proposed(contract: Any, by: Actor, reason: str) -> None:
    contract.proposed_at = timezone.now()


def _agreed(contract: Any, by: Actor, reason: str) -> None:
    contract.agreed_at = timezone.now()
    contract.agreed_by = author(by)


def _signed(contract: Any, by: Actor, reason: str) -> None:
    contract.signed_at = timezone.now()
    contract.signed_by = author(by)


def _next_revision(contract: Any, by: Actor, reason: str) -> None:
    contract.revision += 1
    contract.agreed_at = contract.signed_at = None
    contract.agreed_by = contract.signed_by = None


CONTRACT_WORKFLOW = Workflow(
    steps=(
        Step(
            "change", EDITABLE_CONTRACT_STATES, None, "contracts.change_contract", code="contract_read_only"
        ),
        Step(
            "propose",
            frozenset({ContractState.DRAFT}),
            ContractState.PROPOSED,
            "contracts.propose_contract",
            effect=_proposed,
            fields=("proposed_at",),
        ),
        Step(
            "agree",
            frozenset({ContractState.PROPOSED}),
            ContractState.AGREED,
            "contracts.agree_contract",
            effect=_agreed,
            fields=("agreed_at", "agreed_by"),
        ),
        Step(
            "return",
            frozenset({ContractState.PROPOSED, ContractState.AGREED}),
            ContractState.DRAFT,
            "contracts.return_contract",
            reason_required=True,
        ),
        Step(
            "sign",
            frozenset({ContractState.AGREED}),
            ContractState.SIGNED,
            "contracts.sign_contract",
            effect=_signed,
            fields=("signed_at", "signed_by"),
        ),
        Step(
            "revise",
            frozenset({ContractState.SIGNED}),
            ContractState.DRAFT,
            "contracts.revise_contract",
            reason_required=True,
            effect=_next_revision,
            fields=("revision", "agreed_at", "agreed_by", "signed_at", "signed_by"),
        ),
        Step(
            "end",
            frozenset(
                {ContractState.SIGNED, ContractState.AGREED, ContractState.PROPOSED, ContractState.DRAFT}
            ),
            ContractState.ENDED,
            "contracts.revise_contract",
            reason_required=True,
        ),
    ),
    record=_record,
    code="invalid_state",
    wrong_state=_wrong_state,
    permission_first=False,
)
