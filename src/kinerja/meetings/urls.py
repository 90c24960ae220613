"""Routes of the meetings app, one module of views per purpose (views/…). A flat list: one line per route."""

from django.urls import URLPattern, URLResolver, path, re_path

from .views import evaluation, follow_ups

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
