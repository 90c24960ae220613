from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "kinerja.contracts"
    label = "contracts"
    verbose_name = _("Kontrak kinerja dan cascading")

    def ready(self) -> None:
        # Imported here because models are not loaded before ready() (Django's rule, not a cycle dodge).
        # Reporting sits below contracts and never imports it: the roll-up listens for realization changes.
        from django.db.models.signals import post_save

        from kinerja.reporting.models import Realization
        from kinerja.reporting.signals import realizations_changed

        from .rollup import on_realization_saved, on_realizations_changed

        # a child's realization saved (a value, a workflow step): its direct parents recompute after commit
        post_save.connect(on_realization_saved, sender=Realization, dispatch_uid="contracts.rollup.saved")
        # a bulk write (an import) sends no post_save per row: reporting says so once
        realizations_changed.connect(on_realizations_changed, dispatch_uid="contracts.rollup.changed")
