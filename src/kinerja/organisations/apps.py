from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "kinerja.organisations"
    label = "organisations"
    verbose_name = _("Organisasi")

    def ready(self) -> None:
        # Imported here because models are not loaded before ready() (Django's rule, not a cycle dodge).
        # Accounts sits below organisations and never imports it: a first single sign-on asks for the
        # employee's account through this hook.
        from kinerja.accounts.hooks import register_account_sync

        from .accounts_sync import sync_accounts

        register_account_sync(sync_accounts)
