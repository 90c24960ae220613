"""The demo's accounts for everyone (issue 15 item 3): after the organisation and the demo logins, every demo
employee gets an account through the organisation's account sync (`organisations.accounts_sync`), as an
imported ministry does: username = NIP, no password until one is set (the set-your-password e-mail, or an
administrator), the `employee` role on their unit and the `leader` role on the unit they head. The demo
logins (password `kinerja-demo`) are linked to their employees already and keep their roles, which were
granted by hand.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy

from kinerja.accounts.models import RoleAssignment, RoleSource
from kinerja.organisations.accounts_sync import sync_accounts

from .organisation import LOGINS, people
from .steps import Counts, DemoRun, DemoStep


def build_accounts(run: DemoRun) -> Counts:
    result = sync_accounts()
    return Counts(
        total=len(people()),
        created=result.created,
        updated=result.linked + result.deactivated + result.reactivated + result.granted + result.revoked,
    )


def clear_accounts(run: DemoRun) -> int:
    """The accounts the sync made for the demo's people (the demo logins are the logins step's) and the
    automatic roles of the demo logins."""
    users = get_user_model().objects.filter(employee__nip__in=[p.nip for p in people()])
    logins = [login.username for login in LOGINS]
    RoleAssignment.objects.filter(user__username__in=logins, source=RoleSource.AUTO).delete()
    _total, by_model = users.exclude(username__in=logins).delete()
    return by_model.get(get_user_model()._meta.label, 0)


STEP = DemoStep("accounts", gettext_lazy("Akun semua pegawai"), build_accounts, clear_accounts)
