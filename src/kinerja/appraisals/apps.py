from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalsConfig(AppConfig):
    name = "kinerja.appraisals"
    label = "appraisals"
    verbose_name = _("Penilaian pegawai")
