"""Settings shared by every environment. Values that differ per deployment come from the environment."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent.parent.parent  # src/kinerja
# var/ holds the SQLite file, uploads and collected static files; KINERJA_VAR_DIR moves it.
VAR_DIR = Path(env_str("KINERJA_VAR_DIR", str(Path.cwd() / "var"))).resolve()

# The default key is public: production.py refuses to start with it.
INSECURE_DEFAULT_SECRET_KEY = "kinerja-insecure-development-key-do-not-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", INSECURE_DEFAULT_SECRET_KEY)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "treebeard",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "django_tasks_rq",  # the Redis queue (KINERJA_TASK_BACKEND=rq): its worker command and admin page
    "axes",
    # bottom to top, as the layers in docs/architecture.md
    "kinerja.common",
    "kinerja.accounts",
    "kinerja.notifications",
    "kinerja.organisations",
    "kinerja.planning",
    "kinerja.reporting",
    "kinerja.contracts",
    "kinerja.appraisals",
    "kinerja.meetings",
    "kinerja.dashboards",
    "kinerja.api",
    "kinerja.home",
    "kinerja.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kinerja.common.api_middleware.ApiErrorsAsJsonMiddleware",  # /api/ errors in JSON, whoever answers
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kinerja.common.middleware.DefaultLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "kinerja.common.replica.ReplicaReadsMiddleware",  # dashboards and reports read the replica, when there is one
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it turns a lockout into the lockout page
]

# Content-Security-Policy (django-csp): scripts only from our own static files — no inline script, no
# inline handler, no eval — so markup that slips into a page runs nothing. Inline styles stay allowed
# (templates and ECharts set style attributes; a style cannot run code). The API documentation pages
# (Swagger UI and Redoc from drf-spectacular-sidecar) start with an inline script and show only the
# schema, so they are left out of the policy.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/api/docs/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

ROOT_URLCONF = "kinerja.config.urls"
WSGI_APPLICATION = "kinerja.config.wsgi.application"
ASGI_APPLICATION = "kinerja.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "kinerja.home.context_processors.navigation",
                "kinerja.notifications.context_processors.bell",
            ],
        },
    },
]

# SQLite under var/ by default (zero set-up); PostgreSQL when DATABASE_URL says so. Connections live for
# DATABASE_CONN_MAX_AGE seconds (0 here: one per request; production.py keeps them, with health checks).
DEFAULT_SQLITE_URL = f"sqlite:///{VAR_DIR / 'kinerja.sqlite3'}"
DATABASE_CONN_MAX_AGE = env_int("DATABASE_CONN_MAX_AGE", 0)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", DEFAULT_SQLITE_URL) or DEFAULT_SQLITE_URL,
        conn_max_age=DATABASE_CONN_MAX_AGE,
    )
}
# A read replica (docs/deploy.md, "More than one machine"): when DATABASE_REPLICA_URL is set, the dashboards
# and reports read from it (kinerja.common.replica); everything else, and every write, uses the primary.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=DATABASE_CONN_MAX_AGE)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests read the primary's test database
DATABASE_ROUTERS = ["kinerja.common.replica.ReplicaRouter"]
KINERJA_REPLICA_NAMESPACES = env_list(
    "KINERJA_REPLICA_NAMESPACES", ["dashboards"]
)  # /laporan/: dashboards, reports
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL and a busy timeout let the background worker and the web process share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# Cache (issue 16 item 4): per-period summaries that change only when a score snapshot is written
# (`kinerja.dashboards.selectors.cached_heads`; each key holds its period's newest snapshot, so a new snapshot
# invalidates by construction). Local memory per process by default; one Redis shared by every app server
# when CACHE_URL names one (redis://host:6379/2; production also falls back to REDIS_URL), keys prefixed
# CACHE_KEY_PREFIX. Development and the tests keep local memory even where REDIS_URL is set for the task queue.
CACHE_URL = env_str("CACHE_URL")


def cache_settings(url: str) -> dict[str, dict[str, object]]:
    """CACHES for a Redis URL, or local memory when `url` is not one."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
                "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "kinerja"),
                "TIMEOUT": env_int("CACHE_TIMEOUT", 24 * 3600),
            }
        }
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "kinerja",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
    }


CACHES = cache_settings(CACHE_URL)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: a locked-out attempt never reaches a password check
    "rules.permissions.ObjectPermissionBackend",
    "kinerja.accounts.backends.UsernameOrNipBackend",
]
LOGIN_URL = "accounts:login"

# Lockout after failed sign-ins, pages and API token alike (django-axes; see accounts/lockout.py).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "kinerja.accounts.lockout.username_of"
AXES_LOCKOUT_CALLABLE = "kinerja.accounts.lockout.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Single sign-on (accounts/sso.py, docs/deploy.md), each switched on by its settings: the person is found
# by NIP. OpenID Connect (mozilla-django-oidc) when OIDC_RP_CLIENT_ID is set; LDAP when KINERJA_LDAP_URL is.
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT", "") or None
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid email profile")
KINERJA_OIDC_NIP_CLAIM = env_str("KINERJA_OIDC_NIP_CLAIM", "nip")
KINERJA_LDAP_URL = env_str("KINERJA_LDAP_URL", "")
KINERJA_LDAP_USER_DN_TEMPLATE = env_str(
    "KINERJA_LDAP_USER_DN_TEMPLATE", "uid=%(user)s,ou=people,dc=kemenkeu,dc=go,dc=id"
)
KINERJA_LDAP_NIP_ATTRIBUTE = env_str("KINERJA_LDAP_NIP_ATTRIBUTE", "employeeNumber")
SSO_OIDC = bool(OIDC_RP_CLIENT_ID)
if SSO_OIDC:
    AUTHENTICATION_BACKENDS.append("kinerja.accounts.sso.NipOIDCBackend")
    LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=gagal"
if KINERJA_LDAP_URL:
    AUTHENTICATION_BACKENDS.append(
        "kinerja.accounts.sso.LdapBackend"
    )  # no banner on every command; lockouts are still logged
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0)  # 1 behind one reverse proxy (X-Forwarded-For)
LOGIN_REDIRECT_URL = "home:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Indonesian first, English second; every string goes through gettext.
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "id")
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
WHITENOISE_AUTOREFRESH = False
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploaded files (evidence, imports) on S3-compatible storage (MinIO, Ceph, AWS) when KINERJA_S3_BUCKET is set,
# so that every app server sees the same files; needs the `s3` extra (django-storages, boto3). The keys come
# from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or the machine's role), as boto3 reads them.
KINERJA_S3_BUCKET = env_str("KINERJA_S3_BUCKET", "")
if KINERJA_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": KINERJA_S3_BUCKET,
            # e.g. https://minio.kemenkeu.go.id; none: AWS itself
            "endpoint_url": env_str("KINERJA_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("KINERJA_S3_REGION", "") or None,
            "location": env_str("KINERJA_S3_PREFIX", ""),  # a folder inside the bucket
            "default_acl": None,  # private: files leave only through Kinerja's views or signed links
            "querystring_auth": True,
            "querystring_expire": env_int("KINERJA_S3_LINK_SECONDS", 300),
            "file_overwrite": False,
        },
    }

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)  # seconds; the e-mails go from a background task anyway
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "kinerja@localhost")
# The site's address as people reach it, for links in e-mails (notifications): e.g. https://kinerja.kemenkeu.go.id
KINERJA_SITE_URL = env_str("KINERJA_SITE_URL", "http://localhost:8000")
# Set-your-password e-mails sent in bulk by an administrator (organisations/password_mails.py): at most this
# many a minute, so that the mail server and its limits are not flooded.
KINERJA_PASSWORD_MAIL_RATE = env_int("KINERJA_PASSWORD_MAIL_RATE", 30)

REST_FRAMEWORK = {
    # Token first: a request without credentials gets 401 with `WWW-Authenticate: Token`, which tells a
    # script what to send. The tokens expire and die with a password change (accounts/tokens.py).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "kinerja.accounts.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON nested too deeply to read is a 400, not a RecursionError (issue 11 item 7)
    "DEFAULT_PARSER_CLASSES": [
        "kinerja.common.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "PAGE_SIZE": 50,
    # Throttling: generous for people and scripts, tight enough that guessing is slow; lockout (axes) does
    # the rest for passwords.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "30/minute"),
        "user": env_str("API_THROTTLE_USER", "1200/minute"),
        "auth": env_str("API_THROTTLE_AUTH", "10/minute"),  # the token endpoint, per client address
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kinerja API",
    "DESCRIPTION": "Balanced Scorecard performance management for the Ministry of Finance.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its documentation pages are for signed-in users and scripts with a token.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SERVE_AUTHENTICATION": [
        "kinerja.accounts.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    # The error answers (400, 401, 403, 404, 409, 429) documented once for every operation.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "kinerja.common.api.error_responses",
    ],
    # Swagger UI and Redoc from the drf-spectacular-sidecar package: no CDN, works on an intranet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": True, "validatorUrl": None},
    "ENUM_NAME_OVERRIDES": {
        "UnitLevelEnum": "kinerja.organisations.models.UnitLevel",
        "UnitKindEnum": "kinerja.organisations.models.UnitKind",
        "PositionTypeEnum": "kinerja.organisations.models.PositionType",
        "AssignmentKindEnum": "kinerja.organisations.models.AssignmentKind",
        "RoleEnum": "kinerja.accounts.models.Role",
        # the yearly evaluation (issue 14)
        "QuestionnaireKindEnum": "kinerja.meetings.evaluation_models.QuestionnaireKind",
        "UnitEvaluationStateEnum": "kinerja.meetings.evaluation_models.EvaluationState",
        "BandToneEnum": "kinerja.meetings.evaluation_models.BandTone",
        "ActionStateEnum": "kinerja.meetings.models.ActionState",
        "NotificationKindEnum": "kinerja.notifications.models.Kind",
        "SourceEnum": "kinerja.contracts.models.ContractKpiSource",
        "EndorsementSourceEnum": "kinerja.meetings.models.EndorsementSource",
        "NominationKindEnum": "kinerja.appraisals.models.NominationKind",
    },
}

# Background work (docs/decisions/0006, 0013). The database backend by default: no broker, `kinerja worker`
# runs `db_worker`. KINERJA_TASK_BACKEND=rq queues the tasks in Redis (django-tasks-rq) for workers on their
# own machines; `kinerja worker` then runs `rqworker` on the queues below.
KINERJA_TASK_BACKEND = env_str("KINERJA_TASK_BACKEND", "database").strip().lower() or "database"
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
TASK_QUEUES = ["default"]
RQ_QUEUES = {
    name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": env_int("KINERJA_TASK_TIMEOUT", 3600)} for name in TASK_QUEUES
}
TASK_BACKENDS = {
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "rq": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": TASK_QUEUES},
}
if KINERJA_TASK_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"KINERJA_TASK_BACKEND={KINERJA_TASK_BACKEND!r}: use one of {', '.join(TASK_BACKENDS)}"
    )
TASKS = {"default": TASK_BACKENDS[KINERJA_TASK_BACKEND]}

# What an uploaded spreadsheet may cost (kinerja.common.uploads): size as uploaded, unpacked size and
# compression ratio of an .xlsx (checked before openpyxl opens it), data rows; above
# KINERJA_IMPORT_BACKGROUND_ROWS a realization import runs as a background job with its progress shown.
KINERJA_IMPORT_MAX_BYTES = env_int("KINERJA_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
KINERJA_IMPORT_MAX_UNZIPPED_BYTES = env_int("KINERJA_IMPORT_MAX_UNZIPPED_BYTES", 200 * 1024 * 1024)
KINERJA_IMPORT_MAX_RATIO = env_int("KINERJA_IMPORT_MAX_RATIO", 100)
KINERJA_IMPORT_MAX_ROWS = env_int("KINERJA_IMPORT_MAX_ROWS", 200_000)
KINERJA_IMPORT_BACKGROUND_ROWS = env_int("KINERJA_IMPORT_BACKGROUND_ROWS", 5_000)
# The alignment panel checks every contract, KPI and cascade link of a subtree: above this many contracts in the
# year (an echelon I, the ministry) it lists the units below to check one at a time (kinerja.contracts.alignment).
KINERJA_ALIGNMENT_MAX_CONTRACTS = env_int("KINERJA_ALIGNMENT_MAX_CONTRACTS", 2_000)
# Reward candidates are drawn from every person of a unit's subtree (the month's from the scoring core on that
# month's inputs): above this many active people (an echelon I, the ministry) the units below are listed instead.
KINERJA_REWARDS_MAX_PEOPLE = env_int("KINERJA_REWARDS_MAX_PEOPLE", 2_000)
# The unit recap and the distribution curve read every current score of a subtree (kinerja.appraisals.standing):
# above this many active people they list the units below instead (the recap's Excel file still has everyone).
KINERJA_STANDINGS_MAX_PEOPLE = env_int("KINERJA_STANDINGS_MAX_PEOPLE", 5_000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # one line per task run or PDF rendered drowns what matters (the demo runs thousands): warnings only
        "django_tasks": {"level": env_str("TASKS_LOG_LEVEL", "WARNING")},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
