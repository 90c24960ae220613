"""Routes of the contracts app, one module of views per purpose (views/…)."""

from django.urls import path

from .views import contracts, documents

app_name = "contracts"
urlpatterns = [
    path("", contracts.index, name="index"),
    path("<int:pk>/", contracts.detail, name="detail"),
    path("<int:pk>/dokumen.pdf", documents.contract_document, name="document"),
]
