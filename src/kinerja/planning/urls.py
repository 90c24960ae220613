"""The planning pages under /strategi/ (namespace "strategy"); the KPI pages are `kpi_urls` under /iku/."""

from django.urls import path

from .views import excel, initiatives, maps, objectives, risks, themes

app_name = "strategy"
urlpatterns = [
    path("", maps.index, name="index"),
    path("peta/baru/", maps.map_create, name="map-create"),
    path("peta/<int:pk>/", maps.map_detail, name="map"),
    path("peta/<int:pk>/peta.<str:fmt>", maps.map_download, name="map-download"),
    path("peta/<int:pk>/ubah/", maps.map_edit, name="map-edit"),
    path("peta/<int:pk>/perspektif/", maps.perspectives_edit, name="perspectives"),
    path("peta/<int:pk>/ss/baru/", objectives.objective_add, name="objective-add"),
    path("peta/<int:pk>/hubungan/baru/", objectives.link_add, name="link-add"),
    path("peta/<int:pk>/salin/", maps.map_copy, name="map-copy"),
    path("peta/<int:pk>/perubahan/", maps.map_compare, name="map-compare"),
    path("peta/<int:pk>/tema/", themes.themes, name="themes"),
    path("peta/<int:pk>/renstra/", themes.unit_plan, name="unit-plan"),
    path("peta/<int:pk>/excel/", excel.map_export, name="map-export"),
    path("peta/<int:pk>/impor/", excel.map_import, name="map-import"),
    path("peta/<int:pk>/inisiatif/baru/", initiatives.initiative_add, name="initiative-add"),
    path("peta/<int:pk>/<str:action>/", maps.map_transition, name="map-transition"),
    path("ss/<int:pk>/", objectives.objective_detail, name="objective"),
    path("ss/<int:pk>/ubah/", objectives.objective_edit, name="objective-edit"),
    path("ss/<int:pk>/hapus/", objectives.objective_delete, name="objective-delete"),
    path("hubungan/<int:pk>/hapus/", objectives.link_delete, name="link-delete"),
    path("tema/<int:pk>/hapus/", themes.theme_delete, name="theme-delete"),
    path("inisiatif/<int:pk>/", initiatives.initiative_detail, name="initiative"),
    path("inisiatif/<int:pk>/ubah/", initiatives.initiative_edit, name="initiative-edit"),
    path("inisiatif/<int:pk>/hapus/", initiatives.initiative_delete, name="initiative-delete"),
    path("inisiatif/<int:pk>/kemajuan/", initiatives.progress_add, name="progress-add"),
    path("inisiatif/<int:pk>/tonggak/baru/", initiatives.milestone_add, name="milestone-add"),
    path("tonggak/<int:pk>/ubah/", initiatives.milestone_edit, name="milestone-edit"),
    path("tonggak/<int:pk>/hapus/", initiatives.milestone_delete, name="milestone-delete"),
    path("tonggak/<int:pk>/selesai/", initiatives.milestone_done, name="milestone-done"),
    path("ss/<int:pk>/risiko/baru/", risks.risk_add, name="risk-add"),
    path("risiko/<int:pk>/", risks.risk_detail, name="risk"),
    path("risiko/<int:pk>/ubah/", risks.risk_edit, name="risk-edit"),
    path("risiko/<int:pk>/hapus/", risks.risk_delete, name="risk-delete"),
    path("risiko/<int:pk>/pemantauan/", risks.monitoring_add, name="monitoring-add"),
]
