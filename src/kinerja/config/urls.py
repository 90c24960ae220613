from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from kinerja.home import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("accounts/", include("kinerja.accounts.urls")),
    path("organisasi/", include("kinerja.organisations.urls")),
    path("strategi/", include("kinerja.planning.urls")),
    path("iku/", include("kinerja.planning.kpi_urls")),
    path("capaian/", include("kinerja.reporting.urls")),
    path("kontrak/", include("kinerja.contracts.urls")),
    path("penilaian/", include("kinerja.appraisals.urls")),
    path("rapat/", include("kinerja.meetings.urls")),
    path("laporan/", include("kinerja.dashboards.urls")),
    path("pemberitahuan/", include("kinerja.notifications.urls")),
    path("api/", include("kinerja.api.urls")),
    path("", include("kinerja.home.urls")),
]

if settings.SSO_OIDC:  # the identity provider's sign-in and callback (accounts/sso.py)
    urlpatterns.insert(0, path("oidc/", include("mozilla_django_oidc.urls")))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
