"""Routes of the contracts app, one module of views per purpose (views/…). A flat list: one line per route."""

from django.urls import path, re_path

from .views import alignment, bulk, contracts, documents, matrix, scorecards, supports, workbook

app_name = "contracts"
urlpatterns = [
    path("", contracts.index, name="index"),
    path("baru/", contracts.create, name="create"),
    path("<int:pk>/", contracts.detail, name="detail"),
    path("massal/<int:unit_pk>/<int:year>/", bulk.bulk, name="bulk"),
    path("massal/pekerjaan/<int:pk>/", bulk.bulk_job, name="bulk-job"),
    path("unduh/<int:unit_pk>/<int:year>.xlsx", workbook.export_xlsx, name="export-xlsx"),
    path("impor/<int:unit_pk>/<int:year>/", workbook.import_view, name="import"),
    path("<int:pk>/dokumen.pdf", documents.contract_document, name="document"),
    path("matriks/", matrix.matrix_index, name="matrix-index"),
    path("matriks/<int:unit_pk>/<int:year>/", matrix.matrix, name="matrix"),
    path("matriks/<int:unit_pk>/<int:year>/matriks.xlsx", matrix.matrix_xlsx, name="matrix-xlsx"),
    path("penyelarasan/<int:unit_pk>/<int:year>/", alignment.alignment, name="alignment"),
    path("peta/<int:map_pk>/dukungan/", supports.supports, name="supports"),
    path("<int:pk>/iku-peta/", contracts.kpi_add_map, name="kpi-add-map"),
    path("<int:pk>/iki/", contracts.kpi_add_individual, name="kpi-add-individual"),
    path("<int:pk>/pengganti/", contracts.replace, name="replace"),
    re_path(
        r"^(?P<pk>[0-9]+)/(?P<action>propose|agree|return|sign|revise)/$", contracts.action, name="action"
    ),
    path("iku/<int:pk>/", contracts.kpi_edit, name="kpi-edit"),
    path("iku/<int:pk>/hapus/", contracts.kpi_remove, name="kpi-remove"),
    path("iku/<int:pk>/turunkan/", contracts.cascade, name="cascade"),
    path("turunan/<int:pk>/porsi/", contracts.share, name="share"),
    path("pegawai/<int:employee_pk>/<int:period_pk>/", scorecards.personal_scorecard, name="personal"),
    path("saya/", scorecards.my_scorecard, name="my-scorecard"),
]
