"""Routes of the appraisals app, one module of views per purpose (views/…). A flat list: one line per route."""

from django.urls import URLPattern, path

from .views import behaviour, scores

app_name = "appraisals"
urlpatterns: list[URLPattern] = [
    path("", scores.index, name="index"),
    path("pegawai/<int:employee_pk>/<int:year>/", scores.employee, name="employee"),
    path("unit/<int:unit_pk>/<int:year>/", scores.unit, name="unit"),
    path("unit/<int:unit_pk>/<int:year>/rekap.xlsx", scores.unit_xlsx, name="unit-xlsx"),
    path("tim/<int:year>/", behaviour.team, name="team"),
    path("perilaku/<int:employee_pk>/", behaviour.employee_behaviour, name="behaviour"),
    path("disiplin/<int:unit_pk>/", behaviour.sentences, name="sentences"),
    path("koreksi/<int:employee_pk>/<int:year>/", behaviour.correction, name="correction"),
]
