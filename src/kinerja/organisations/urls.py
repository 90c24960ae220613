from django.urls import path

from . import views

app_name = "organisations"
urlpatterns = [
    path("", views.unit_list, name="unit-list"),
    path("unit/<str:code>/", views.unit_detail, name="unit-detail"),
]
