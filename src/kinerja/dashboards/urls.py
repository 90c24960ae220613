from django.urls import path

from . import audit_views, views, views_documents, views_monthly

app_name = "dashboards"
urlpatterns = [
    path("", views.index, name="index"),
    path("dasbor/", views.dashboard, name="dashboard"),
    path("peringkat-nko/", views.ranking, name="ranking"),
    path("peringkat-nko/unduh.<str:fmt>", views.ranking_export, name="ranking-export"),
    path("kelengkapan/", views.completeness, name="completeness"),
    path("kelengkapan/unduh.<str:fmt>", views.completeness_export, name="completeness-export"),
    path("riwayat/", audit_views.audit_trail, name="audit"),
    path("riwayat/unduh.<str:fmt>", audit_views.audit_export, name="audit-export"),
    # the monthly performance report (issue 14 item 3)
    path("laporan-bulanan/", views_monthly.monthly_index, name="monthly-index"),
    path("laporan-bulanan/<int:unit_pk>/", views_monthly.monthly, name="monthly"),
    path("laporan-bulanan/pekerjaan/<int:pk>/", views_monthly.report_job, name="report-job"),
    path("laporan-bulanan/pekerjaan/<int:pk>/unduh/", views_monthly.report_download, name="report-download"),
    # documents of a strategy map (issue 14 items 4 and 5): the KPI manual booklet, the map coloured by status
    path("peta/<int:pk>/manual-iku.pdf", views_documents.kpi_booklet, name="kpi-booklet"),
    path("peta/<int:pk>/status/", views_documents.status_map_page, name="status-map"),
    path(
        "peta/<int:pk>/status/<int:period>/peta.<str:fmt>",
        views_documents.status_map_download,
        name="status-map-download",
    ),
]
