"""Routes of the dialogues (issue 14), at /rapat/. A flat list: one line per route. The follow-up lists and
their API (another part of the work) add their own routes from `views/follow_ups.py`."""

from django.urls import URLPattern, URLResolver, path

from .views import actions, meetings

app_name = "meetings"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", meetings.index, name="index"),
    path("baru/", meetings.meeting_create, name="create"),
    path("jadwal/<int:unit_pk>/", meetings.schedule, name="schedule"),
    path("<int:pk>/", meetings.meeting_detail, name="detail"),
    path("<int:pk>/ubah/", meetings.meeting_edit, name="edit"),
    path("<int:pk>/usulkan-agenda/", meetings.meeting_propose, name="propose"),
    path("<int:pk>/agenda/", meetings.agenda_add, name="agenda-add"),
    path("<int:pk>/kehadiran/", meetings.attendance, name="attendance"),
    path("<int:pk>/ringkasan/", meetings.summary, name="summary"),
    path("<int:pk>/undang/", meetings.invite, name="invite"),
    path("<int:pk>/tutup/", meetings.close, name="close"),
    path("<int:pk>/batal/", meetings.cancel, name="cancel"),
    path("<int:pk>/notula.pdf", meetings.minutes_pdf, name="minutes"),
    path("agenda/<int:pk>/hapus/", meetings.agenda_remove, name="agenda-remove"),
    path("agenda/<int:pk>/pindah/", meetings.agenda_move, name="agenda-move"),
    path("agenda/<int:pk>/notula/", meetings.agenda_minutes, name="agenda-minutes"),
    path("agenda/<int:pk>/tindak-lanjut/", meetings.action_add, name="action-add"),
    path("tindak-lanjut/<int:pk>/", actions.action_detail, name="action-detail"),
    path("tindak-lanjut/<int:pk>/bukti/", actions.action_evidence, name="action-evidence"),
]
