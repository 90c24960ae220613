"""Routes of the appraisals app, one module of views per purpose (views/…). A flat list: one line per route."""

from django.urls import path  # noqa: F401  (the routes below use it)

app_name = "appraisals"
urlpatterns: list = []  # type: ignore[type-arg]
