"""Demo notifications: what each demo login finds behind the bell at first sign-in.

The workflow steps of the earlier demo steps already told people as they went, but most of those facts are
settled since (a realization submitted, then approved). This step clears those (the dialogues' invitations,
minutes and follow-ups stay) and runs the real producers on
the demo as it stands: the realizations still waiting for verification or approval and those returned to
their submitter (`reporting.services.notices`), the contracts waiting to be agreed or signed
(`contracts.notices`), and the reminders of the realizations still missing in the open periods as of the
demo's day (`reporting.reminders.notify_due`). A few of the older ones are marked read, as a user who has
been signing in would have left them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from kinerja.contracts.models import Contract, ContractState
from kinerja.contracts.notices import contract_stepped
from kinerja.notifications.models import Kind, Notification
from kinerja.planning.models import Kpi
from kinerja.reporting.models import PeriodState, Realization, RealizationState, ReportingPeriod
from kinerja.reporting.reminders import notify_due
from kinerja.reporting.services.notices import realizations_stepped
from kinerja.reporting.workflow import LOCK_RELATED

from .reporting import DEMO_YEAR, _actors, _report
from .steps import Counts, DemoRun, DemoStep

# The demo's "today" for the reminders: the year-end figures (December, Q4, S2, the year) are due on 10 January.
DEMO_DAY = dt.date(DEMO_YEAR + 1, 1, 6)
# KPP Madya Malang has begun its Q4 figures: its first quarterly KPIs (typed, not rolled up) are taken to
# these states, in this order
MALANG = "DJP-KPP-MADYA-MALANG"
MALANG_Q4 = (RealizationState.VERIFIED, RealizationState.SUBMITTED, "returned", RealizationState.VERIFIED)


def _malang_q4() -> None:
    """Take a few of KPP Madya Malang's Q4 realizations through the workflow services (idempotent): the
    steps tell the manager, the head of office and the employee as they happen."""
    period = ReportingPeriod.objects.filter(
        plan_year__year=DEMO_YEAR, frequency="quarterly", number=4, state=PeriodState.OPEN
    ).first()
    if period is None:
        return
    actors = _actors(MALANG)
    kpis = Kpi.objects.filter(
        objective__map__unit__code=MALANG,
        objective__map__plan_year__year=DEMO_YEAR,
        frequency="quarterly",
        rolled_up=False,
        target__isnull=False,
    ).select_related("objective__map__unit", "objective__map__plan_year")
    for kpi, state in zip(kpis.order_by("objective__code", "code"), MALANG_Q4, strict=False):
        if Realization.objects.filter(kpi=kpi, period=period).exists():
            continue
        _report(kpi, period, kpi.target, state, actors)


# what the earlier steps' workflow told as they went, settled since: replaced by what is still waiting
STALE_KINDS = (Kind.WAITING, Kind.RETURNED, Kind.CONTRACT, Kind.REALIZATION_DUE)


def _already_built() -> bool:
    """The reminders of the demo's day are stored once this step has run (their key names the day)."""
    return Notification.objects.filter(
        key__startswith="due:", key__endswith=f":{DEMO_DAY.isoformat()}"
    ).exists()


def build_notifications_demo() -> tuple[int, int]:
    """(notifications in the demo, made now); a second run makes none. The dialogues' invitations, minutes
    and follow-ups (the meetings step) are kept as they are."""
    if _already_built():
        return Notification.objects.count(), 0
    with transaction.atomic():
        Notification.objects.filter(kind__in=STALE_KINDS).delete()
        before = Notification.objects.count()
        _malang_q4()
        # only what can still be acted on: a closed period takes no step
        realizations = Realization.objects.filter(
            period__plan_year__year=DEMO_YEAR, period__state=PeriodState.OPEN
        ).select_related(*LOCK_RELATED, "submitted_by")
        for action, state in (("submit", RealizationState.SUBMITTED), ("verify", RealizationState.VERIFIED)):
            by_actor = defaultdict(list)
            for realization in realizations.filter(state=state):
                actor = realization.submitted_by if action == "submit" else realization.verified_by
                by_actor[actor].append(realization)
            for actor, items in by_actor.items():
                realizations_stepped(action=action, realizations=items, by=actor)
        returned = realizations.filter(state=RealizationState.DRAFT).exclude(return_reason="")
        by_reason = defaultdict(list)
        for realization in returned:
            by_reason[realization.return_reason].append(realization)
        for reason, items in by_reason.items():
            realizations_stepped(action="return", realizations=items, by=None, reason=reason)
        contracts = Contract.objects.filter(
            plan_year__year=DEMO_YEAR, state__in=(ContractState.PROPOSED, ContractState.AGREED)
        ).select_related("employee", "plan_year")
        for contract in contracts:
            action = "propose" if contract.state == ContractState.PROPOSED else "agree"
            contract_stepped(contract=contract, action=action, by=None)
        notify_due(today=DEMO_DAY)
        # a user who has been signing in has read some: the contracts' older news
        now = timezone.now()
        Notification.objects.filter(kind="contract").update(
            created_at=now - dt.timedelta(days=3), read_at=now - dt.timedelta(days=2)
        )
        total = Notification.objects.count()
        return total, total - before


def clear_notifications_demo() -> int:
    removed, _detail = Notification.objects.all().delete()
    return removed


def _build(run: DemoRun) -> Counts:
    total, created = build_notifications_demo()
    return Counts(total=total, created=created)


STEP = DemoStep(
    "notifications",
    gettext_lazy("Pemberitahuan"),
    _build,
    lambda run: clear_notifications_demo(),
)
