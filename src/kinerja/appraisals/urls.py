"""Routes of the appraisals app, one module of views per purpose (views/…). A flat list: one line per route."""

from django.urls import URLPattern, path

from .views import behaviour

app_name = "appraisals"
urlpatterns: list[URLPattern] = [
    path("tim/<int:year>/", behaviour.team, name="team"),
    path("perilaku/<int:employee_pk>/", behaviour.employee_behaviour, name="behaviour"),
    path("disiplin/<int:unit_pk>/", behaviour.sentences, name="sentences"),
    path("koreksi/<int:employee_pk>/<int:year>/", behaviour.correction, name="correction"),
]
