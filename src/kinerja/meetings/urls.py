"""Routes of the meetings app, one module of views per purpose (views/…). A flat list: one line per route."""

from django.urls import URLPattern, URLResolver, path

from .views import follow_ups

app_name = "meetings"
urlpatterns: list[URLPattern | URLResolver] = [
    # --- follow-up matrix (issue 14 item 2)
    path("tindak-lanjut/unit/<int:unit_pk>/", follow_ups.follow_up_matrix, name="follow-ups"),
    path(
        "tindak-lanjut/unit/<int:unit_pk>/matriks.xlsx",
        follow_ups.follow_up_matrix_xlsx,
        name="follow-ups-xlsx",
    ),
    path("tindak-lanjut/saya/", follow_ups.my_follow_ups, name="my-follow-ups"),
]
