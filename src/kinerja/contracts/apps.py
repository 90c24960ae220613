from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "kinerja.contracts"
    label = "contracts"
    verbose_name = _("Kontrak kinerja dan cascading")

    def ready(self) -> None:
        # Imported here because models are not loaded before ready() (Django's rule, not a cycle dodge).
        # Reporting sits below contracts and never imports it: the roll-up listens for realization changes.
        from django.db.models.signals import post_delete, post_save

        from kinerja.planning.kpi_services import register_kpi_guard
        from kinerja.reporting.models import Realization
        from kinerja.reporting.signals import realizations_changed

        from .rollup import on_realization_deleted, on_realization_saved, on_realizations_changed
        from .services import direct_full_guard

        # a child's realization saved (a value, a workflow step): its direct parents recompute after commit
        post_save.connect(on_realization_saved, sender=Realization, dispatch_uid="contracts.rollup.saved")
        post_delete.connect(on_realization_deleted, sender=Realization, dispatch_uid="contracts.rollup.deleted")
        # a bulk write (an import) sends no post_save per row: reporting says so once
        realizations_changed.connect(on_realizations_changed, dispatch_uid="contracts.rollup.changed")
        # rule 14 on map KPIs edited in planning: a direct-full child keeps its parent's manual and target
        register_kpi_guard(direct_full_guard)
