from django.urls import path

from . import history_views, views

app_name = "reporting"
urlpatterns = [
    path("", views.index, name="index"),
    path("peta/<int:pk>/", views.map_detail, name="map"),
    path("peta/<int:pk>/massal/", views.bulk, name="bulk"),
    path("peta/<int:pk>/impor/", views.import_view, name="import"),
    path("impor/<int:pk>/", views.import_job, name="import-job"),
    path("peta/<int:pk>/templat.<str:fmt>", views.template_download, name="template"),
    path("peta/<int:pk>/skor/<int:period>/", views.scorecard, name="scorecard"),
    path("peta/<int:pk>/skor/<int:period>/unduh.<str:fmt>", views.export, name="export"),
    path("skor/<int:pk>/", views.snapshot_detail, name="snapshot"),
    path("skor/<int:pk>/penjelasan/", views.explanation, name="explanation"),
    path("iku/<int:kpi>/periode/<int:period>/", views.entry, name="entry"),
    path("realisasi/<int:pk>/", views.realization_detail, name="realization"),
    path("realisasi/<int:pk>/data-dukung/", views.evidence_upload, name="evidence-upload"),
    path("realisasi/<int:pk>/<str:action>/", views.realization_action, name="realization-action"),
    path("data-dukung/<int:pk>/", views.evidence_download, name="evidence"),
    path("periode/", views.periods, name="periods"),
    path("periode/tahun/<int:year>/buat/", views.periods_generate, name="periods-generate"),
    path("periode/<int:pk>/tutup/", views.period_close, name="period-close"),
    path("periode/<int:pk>/buka/", views.period_reopen, name="period-reopen"),
    # --- past years' data (issue 15)
    path("impor-tahun-lalu/", history_views.history_import, name="history-import"),
]
