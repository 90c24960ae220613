from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kinerja.api"
    label = "api"
    verbose_name = "API"
