"""Routes of the contracts app, one module of views per purpose (views/…)."""

from django.urls import path

from .views import alignment, contracts, matrix, supports

app_name = "contracts"
urlpatterns = [
    path("", contracts.index, name="index"),
    path("<int:pk>/", contracts.detail, name="detail"),
    path("matriks/", matrix.matrix_index, name="matrix-index"),
    path("matriks/<int:unit_pk>/<int:year>/", matrix.matrix, name="matrix"),
    path("matriks/<int:unit_pk>/<int:year>/matriks.xlsx", matrix.matrix_xlsx, name="matrix-xlsx"),
    path("penyelarasan/<int:unit_pk>/<int:year>/", alignment.alignment, name="alignment"),
    path("peta/<int:map_pk>/dukungan/", supports.supports, name="supports"),
]
