"""Test settings: SQLite in a temporary file unless DATABASE_URL picks PostgreSQL."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
LANGUAGE_CODE = "id"
WHITENOISE_AUTOREFRESH = True  # serve from the finders; no collectstatic before tests
# Lockout and throttling count across tests (one cache, one client address): lockout is switched on by the
# tests that prove it (override_settings), and the throttle rates are raised out of reach (DRF reads them
# once, at import; tests/accounts/test_lockout.py patches them).
AXES_ENABLED = False
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "1000000/minute", "user": "1000000/minute", "auth": "1000000/minute"},
}
KINERJA_PASSWORD_MAIL_RATE = (
    1_000_000  # no waiting in tests; tests/accounts/test_password_mails.py checks the rate
)
