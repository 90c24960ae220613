from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpisConfig(AppConfig):
    name = "kinerja.kpis"
    label = "kpis"
    verbose_name = _("Indikator Kinerja Utama")
