from django.urls import path

from . import audit_views, views

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
]
