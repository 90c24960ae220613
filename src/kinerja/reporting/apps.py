from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "kinerja.reporting"
    label = "reporting"
    verbose_name = _("Pelaporan capaian kinerja")

    def ready(self) -> None:
        # Imported here because models are not loaded before ready() (Django's rule, not a cycle dodge).
        # Planning sits below reporting and never imports it: reporting listens for plan changes instead.
        from django.db.models.signals import post_migrate, post_save

        from kinerja.planning.models import PlanYear
        from kinerja.planning.signals import plan_changed

        from .services import on_plan_changed
        from .services.periods import on_plan_year_saved
        from .versions import on_post_migrate

        plan_changed.connect(on_plan_changed, dispatch_uid="reporting.on_plan_changed")
        # a plan year's reporting periods are made with it (a GET never makes them)
        post_save.connect(on_plan_year_saved, sender=PlanYear, dispatch_uid="reporting.on_plan_year_saved")
        # the map data versions' triggers, again after every migrate (a rebuilt SQLite table loses them)
        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="reporting.map_version_triggers")
