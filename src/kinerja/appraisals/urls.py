"""Routes of the appraisals app, one module of views per purpose (views/…). A flat list: one line per route."""

from django.urls import path

from .views import scores

app_name = "appraisals"
urlpatterns = [
    path("", scores.index, name="index"),
    path("pegawai/<int:employee_pk>/<int:year>/", scores.employee, name="employee"),
    path("unit/<int:unit_pk>/<int:year>/", scores.unit, name="unit"),
    path("unit/<int:unit_pk>/<int:year>/rekap.xlsx", scores.unit_xlsx, name="unit-xlsx"),
]
