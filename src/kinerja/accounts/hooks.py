"""Hooks the accounts layer offers to the layers above it (docs/architecture.md, "Hooks").

Accounts sits below organisations and never imports it, yet an account follows its employee: a first single
sign-on (`sso.account_for_nip`) needs the employee's account made with the roles the organisation gives. The
organisations layer registers its sync (`organisations.accounts_sync.sync_accounts`) in its
`AppConfig.ready()`; this module only passes the call on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

AccountSync = Callable[..., Any]  # sync(*, employee_ids: Iterable[int] | None, by: Actor) -> a result
_syncs: list[AccountSync] = []


def register_account_sync(sync: AccountSync) -> None:
    """Register `sync(*, employee_ids=…, by=…)` (once; registering again is a no-op)."""
    if sync not in _syncs:
        _syncs.append(sync)


def sync_employee_accounts(*, employee_ids: Iterable[int], by: Any = None) -> bool:
    """Make or update the accounts of these employees through the registered sync; False when none is."""
    ids = list(employee_ids)
    for sync in _syncs:
        sync(employee_ids=ids, by=by)
    return bool(_syncs)
