"""Routes of the appraisals app, one module of views per purpose (views/…). A flat list: one line per route."""

from django.urls import URLPattern, URLResolver, path, re_path

from .views import behaviour, campaigns, distribution, recaps, rewards, scores
from .views import calibration as calibration_views
from .views import diagnostics as diagnostics_views

app_name = "appraisals"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", scores.index, name="index"),
    path("pegawai/<int:employee_pk>/<int:year>/", scores.employee, name="employee"),
    path("unit/<int:unit_pk>/<int:year>/", scores.unit, name="unit"),
    path("unit/<int:unit_pk>/<int:year>/rekap.xlsx", scores.unit_xlsx, name="unit-xlsx"),
    path("distribusi/<int:unit_pk>/<int:year>/", distribution.distribution, name="distribution"),
    path("tunjangan/<int:unit_pk>/<int:year>/", recaps.allowance_page, name="allowance"),
    path("tunjangan/<int:unit_pk>/<int:year>/rekap.xlsx", recaps.allowance_xlsx, name="allowance-xlsx"),
    path("tunjangan/<int:unit_pk>/<int:year>/rekap.pdf", recaps.allowance_pdf, name="allowance-pdf"),
    path("talenta/<int:unit_pk>/", recaps.talent, name="talent"),
    path("penghargaan/<int:unit_pk>/<int:year>/", rewards.nominations, name="nominations"),
    path("penghargaan/<int:unit_pk>/<int:year>/usul/", rewards.nominate, name="nomination-create"),
    re_path(
        r"^penghargaan/usulan/(?P<pk>[0-9]+)/(?P<action>accept|reject)/$",
        rewards.decide,
        name="nomination-decide",
    ),
    path("tim/<int:year>/", behaviour.team, name="team"),
    path("perilaku/<int:employee_pk>/", behaviour.employee_behaviour, name="behaviour"),
    path("disiplin/<int:unit_pk>/", behaviour.sentences, name="sentences"),
    path("perilaku-unit/<int:unit_pk>/", behaviour.behaviour_setting, name="behaviour-setting"),
    path("koreksi/<int:employee_pk>/<int:year>/", behaviour.correction, name="correction"),
    path("360/", campaigns.campaign_list, name="campaigns"),
    path("360/baru/", campaigns.campaign_create, name="campaign-create"),
    path("360/<int:pk>/", campaigns.campaign_detail, name="campaign"),
    re_path(
        r"^360/(?P<pk>[0-9]+)/(?P<action>generate|launch|remind|close)/$",
        campaigns.campaign_action,
        name="campaign-action",
    ),
    path("360/<int:pk>/penilai/", campaigns.rater_add, name="rater-add"),
    path("360/penilai/<int:pk>/hapus/", campaigns.rater_remove, name="rater-remove"),
    path("360/saya/", campaigns.my_ratings, name="my-ratings"),
    path("360/isi/<int:assignment_pk>/", campaigns.rating, name="rating"),
    path("diagnostik/<int:unit_pk>/<int:year>/", diagnostics_views.diagnostics_page, name="diagnostics"),
    path("kalibrasi/unit/<int:unit_pk>/<int:year>/", calibration_views.calibrations, name="calibrations"),
    path(
        "kalibrasi/unit/<int:unit_pk>/<int:year>/buka/",
        calibration_views.calibration_open,
        name="calibration-open",
    ),
    path("kalibrasi/<int:pk>/", calibration_views.calibration_detail, name="calibration"),
    path("kalibrasi/<int:pk>/sesuaikan/", calibration_views.calibration_adjust, name="calibration-adjust"),
    path("kalibrasi/<int:pk>/hapus/", calibration_views.calibration_remove, name="calibration-remove"),
    path("kalibrasi/<int:pk>/tutup/", calibration_views.calibration_close, name="calibration-close"),
]
