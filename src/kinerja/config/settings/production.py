"""Production settings: refuse to start with a known secret or with DEBUG on."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CACHE_URL, DATABASES, INSECURE_DEFAULT_SECRET_KEY, SECRET_KEY, cache_settings
from .env import env_bool, env_int, env_str

DEBUG = env_bool("DEBUG", False)
if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production (unset DEBUG or set DEBUG=0).")
if SECRET_KEY == INSECURE_DEFAULT_SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "Set SECRET_KEY to a random value of at least 50 characters; the development key is public."
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Persistent database connections: a request reuses its worker's connection for DATABASE_CONN_MAX_AGE seconds
# instead of opening one (a PostgreSQL connection costs a process fork and authentication), and checks it
# before use, so a connection the server or PgBouncer closed is replaced instead of failing a request.
# DATABASE_CONN_MAX_AGE=0 turns it off (e.g. behind PgBouncer in transaction mode; docs/deploy.md).
# Behind PgBouncer in transaction mode also DATABASE_DISABLE_SERVER_SIDE_CURSORS=1 (`.iterator()` reads).
DATABASE_CONN_MAX_AGE = env_int("DATABASE_CONN_MAX_AGE", 60)
DATABASE_DISABLE_SERVER_SIDE_CURSORS = env_bool("DATABASE_DISABLE_SERVER_SIDE_CURSORS", False)
for _database in DATABASES.values():
    _database["CONN_MAX_AGE"] = DATABASE_CONN_MAX_AGE
    _database["CONN_HEALTH_CHECKS"] = True
    _database["DISABLE_SERVER_SIDE_CURSORS"] = DATABASE_DISABLE_SERVER_SIDE_CURSORS

# The cache (see base.py): CACHE_URL, else the Redis of the task queue (REDIS_URL) when one is set, shared by
# every app server; local memory per process otherwise.
CACHES = cache_settings(CACHE_URL or env_str("REDIS_URL"))
