"""Routes of the meetings app. A flat list: one line per route."""

from django.urls import URLPattern, URLResolver, path

from .views import endorsement

app_name = "meetings"
urlpatterns: list[URLPattern | URLResolver] = [
    # --- NKO endorsement (issue 14 item 6)
    path("pengesahan-nko/", endorsement.index, name="endorsements"),
    path("pengesahan-nko/<int:unit_pk>/<int:year>/", endorsement.page, name="endorsement"),
    path("pengesahan-nko/<int:unit_pk>/<int:year>/siapkan/", endorsement.prepare, name="endorsement-prepare"),
    path("pengesahan-nko/<int:unit_pk>/<int:year>/sahkan/", endorsement.endorse, name="endorsement-endorse"),
    path("pengesahan-nko/<int:unit_pk>/<int:year>/isi/", endorsement.enter, name="endorsement-enter"),
    path("pengesahan-nko/revisi/<int:pk>/", endorsement.reopen, name="endorsement-reopen"),
]
