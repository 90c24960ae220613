"""The KPI pages under /iku/ (namespace "kpis")."""

from django.urls import path

from .views import kpis as views

app_name = "kpis"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.kpi_detail, name="kpi"),
    path("<int:pk>/ubah/", views.kpi_edit, name="kpi-edit"),
    path("<int:pk>/hapus/", views.kpi_delete, name="kpi-delete"),
    path("ss/<int:pk>/baru/", views.kpi_add, name="kpi-add"),
    path("trajectory/", views.trajectory_fields, name="trajectory-fields"),
]
