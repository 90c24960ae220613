from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/buka/", views.follow, name="follow"),
    path("tandai-dibaca/", views.read_all, name="read-all"),
    path("pilihan/", views.preferences, name="preferences"),
]
