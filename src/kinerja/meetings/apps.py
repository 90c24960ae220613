from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "kinerja.meetings"
    label = "meetings"
    verbose_name = _("Dialog kinerja dan evaluasi")

    def ready(self) -> None:
        # Imported here because models are not loaded before ready() (Django's rule, not a cycle dodge).
        # Reporting sits below meetings and never imports it: its scorecard asks for the endorsed figure.
        from kinerja.reporting.signals import register_endorsed_lookup

        from .endorsement import endorsement_for_snapshot

        register_endorsed_lookup(endorsement_for_snapshot)
