"""Routes of the meetings app (issue 14), at /rapat/: the dialogues, their agenda, minutes and actions, and the
follow-up matrix. One module of views per purpose (views/…); a flat list, one line per route."""

from django.urls import URLPattern, URLResolver, path, re_path

from .views import actions, endorsement, evaluation, follow_ups, meetings

app_name = "meetings"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", meetings.index, name="index"),
    path("baru/", meetings.meeting_create, name="create"),
    path("opsi-rapat/", meetings.meeting_options, name="meeting-options"),
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
    # --- the follow-up matrix (issue 14 item 2)
    path("tindak-lanjut/unit/<int:unit_pk>/", follow_ups.follow_up_matrix, name="follow-ups"),
    path(
        "tindak-lanjut/unit/<int:unit_pk>/matriks.xlsx",
        follow_ups.follow_up_matrix_xlsx,
        name="follow-ups-xlsx",
    ),
    path("tindak-lanjut/saya/", follow_ups.my_follow_ups, name="my-follow-ups"),
    # --- NKO endorsement (issue 14 item 6)
    path("pengesahan-nko/", endorsement.index, name="endorsements"),
    path("pengesahan-nko/<int:unit_pk>/<int:year>/", endorsement.page, name="endorsement"),
    path("pengesahan-nko/<int:unit_pk>/<int:year>/siapkan/", endorsement.prepare, name="endorsement-prepare"),
    path("pengesahan-nko/<int:unit_pk>/<int:year>/sahkan/", endorsement.endorse, name="endorsement-endorse"),
    path("pengesahan-nko/<int:unit_pk>/<int:year>/isi/", endorsement.enter, name="endorsement-enter"),
    path("pengesahan-nko/revisi/<int:pk>/", endorsement.reopen, name="endorsement-reopen"),
    # --- the yearly evaluation of performance management (issue 14 item 7)
    path("evaluasi/", evaluation.round_list, name="evaluation-rounds"),
    path("evaluasi/buka/", evaluation.round_create, name="evaluation-round-create"),
    path("evaluasi/<int:pk>/", evaluation.round_detail, name="evaluation-round"),
    re_path(
        r"^evaluasi/(?P<pk>[0-9]+)/(?P<action>close|units|window)/$",
        evaluation.round_action,
        name="evaluation-round-action",
    ),
    path("evaluasi/<int:pk>/ikhtisar.pdf", evaluation.round_pdf, name="evaluation-round-pdf"),
    path("evaluasi/unit/<int:pk>/", evaluation.evaluation_detail, name="evaluation"),
    path("evaluasi/unit/<int:pk>/isi/", evaluation.evaluation_answer, name="evaluation-answer"),
    re_path(
        r"^evaluasi/unit/(?P<pk>[0-9]+)/(?P<action>submit|return)/$",
        evaluation.evaluation_action,
        name="evaluation-action",
    ),
    path("evaluasi/unit/<int:pk>/reviu/", evaluation.evaluation_review, name="evaluation-review"),
    path("evaluasi/unit/<int:pk>/survei-sfo/", evaluation.evaluation_survey, name="evaluation-survey"),
    path("evaluasi/unit/<int:pk>/laporan.pdf", evaluation.evaluation_pdf_view, name="evaluation-pdf"),
    path("evaluasi/data-dukung/<int:pk>/", evaluation.evaluation_evidence, name="evaluation-evidence"),
    path("evaluasi/kuesioner/", evaluation.questionnaire_list, name="questionnaires"),
    path("evaluasi/kuesioner/<int:pk>/", evaluation.questionnaire_detail, name="questionnaire"),
]
