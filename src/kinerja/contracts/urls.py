"""Routes of the contracts app, one module of views per purpose (views/…)."""

from django.urls import path

from .views import contracts, scorecards

app_name = "contracts"
urlpatterns = [
    path("", contracts.index, name="index"),
    path("<int:pk>/", contracts.detail, name="detail"),
    path("pegawai/<int:employee_pk>/<int:period_pk>/", scorecards.personal_scorecard, name="personal"),
    path("saya/", scorecards.my_scorecard, name="my-scorecard"),
]
