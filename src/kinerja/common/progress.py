"""The progress of a background job as a page shows it (imports, bulk contracts, reports, e-mails)."""

from __future__ import annotations


def percent(processed: int, total: int, *, finished: bool) -> int:
    """0–100: a finished job is 100; a running one never shows 100 before it has finished."""
    if finished:
        return 100
    return min(99, processed * 100 // total) if total else 0
