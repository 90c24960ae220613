from django.urls import path

from . import views

app_name = "strategy"
urlpatterns = [
    path("", views.index, name="index"),
    path("peta/baru/", views.map_create, name="map-create"),
    path("peta/<int:pk>/", views.map_detail, name="map"),
    path("peta/<int:pk>/peta.<str:fmt>", views.map_download, name="map-download"),
    path("peta/<int:pk>/ubah/", views.map_edit, name="map-edit"),
    path("peta/<int:pk>/perspektif/", views.perspectives_edit, name="perspectives"),
    path("peta/<int:pk>/ss/baru/", views.objective_add, name="objective-add"),
    path("peta/<int:pk>/hubungan/baru/", views.link_add, name="link-add"),
    path("peta/<int:pk>/salin/", views.map_copy, name="map-copy"),
    path("peta/<int:pk>/<str:action>/", views.map_transition, name="map-transition"),
    path("ss/<int:pk>/", views.objective_detail, name="objective"),
    path("ss/<int:pk>/ubah/", views.objective_edit, name="objective-edit"),
    path("ss/<int:pk>/hapus/", views.objective_delete, name="objective-delete"),
    path("hubungan/<int:pk>/hapus/", views.link_delete, name="link-delete"),
]
