"""Production settings refuse unsafe values; the environment helpers parse strictly."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from kinerja.config.settings.env import env_bool, env_int, env_list

GOOD_KEY = "x" * 64


def _import_production(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import kinerja.config.settings.production"],
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_the_development_secret_key():
    result = _import_production()
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_debug():
    result = _import_production(SECRET_KEY=GOOD_KEY, DEBUG="1")
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_production_starts_with_a_real_key():
    result = _import_production(SECRET_KEY=GOOD_KEY)
    assert result.returncode == 0, result.stderr


def test_env_bool_rejects_garbage(monkeypatch):
    monkeypatch.setenv("KINERJA_FLAG", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="KINERJA_FLAG"):
        env_bool("KINERJA_FLAG")
    monkeypatch.setenv("KINERJA_FLAG", "Ya")
    assert env_bool("KINERJA_FLAG") is True


def test_env_int_and_list(monkeypatch):
    monkeypatch.setenv("KINERJA_N", "12")
    monkeypatch.setenv("KINERJA_HOSTS", " a.go.id, ,b.go.id ")
    assert env_int("KINERJA_N", 1) == 12
    assert env_list("KINERJA_HOSTS") == ["a.go.id", "b.go.id"]
    monkeypatch.setenv("KINERJA_N", "dua")
    with pytest.raises(ImproperlyConfigured, match="KINERJA_N"):
        env_int("KINERJA_N", 1)


def test_database_url_selects_the_engine():
    import dj_database_url

    assert dj_database_url.parse("postgresql://postgres@127.0.0.1:5432/test")["ENGINE"] == (
        "django.db.backends.postgresql"
    )


def _settings_of(module: str, names: list[str], **env: str) -> dict:
    """The values of some settings of `module` under `env`, read in a fresh interpreter (no network)."""
    import json

    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SECRET_KEY",
            "DEBUG",
            "DATABASE_URL",
            "DATABASE_CONN_MAX_AGE",
            "DATABASE_REPLICA_URL",
            "KINERJA_TASK_BACKEND",
            "KINERJA_S3_BUCKET",
            "REDIS_URL",
        }
    }
    clean.update(env)
    code = (
        "import importlib, json, sys\n"
        f"m = importlib.import_module({module!r})\n"
        f"print(json.dumps({{n: getattr(m, n) for n in {names!r}}}, default=str))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


PRODUCTION = "kinerja.config.settings.production"
PG = "postgresql://kinerja@db.example:5432/kinerja"


def test_production_keeps_database_connections_with_health_checks():
    databases = _settings_of(PRODUCTION, ["DATABASES"], SECRET_KEY=GOOD_KEY, DATABASE_URL=PG)["DATABASES"]
    assert databases["default"]["CONN_MAX_AGE"] == 60
    assert databases["default"]["CONN_HEALTH_CHECKS"] is True
    assert databases["default"]["DISABLE_SERVER_SIDE_CURSORS"] is False


def test_production_behind_pgbouncer_in_transaction_mode():
    databases = _settings_of(
        PRODUCTION,
        ["DATABASES"],
        SECRET_KEY=GOOD_KEY,
        DATABASE_URL=PG,
        DATABASE_CONN_MAX_AGE="0",
        DATABASE_DISABLE_SERVER_SIDE_CURSORS="1",
    )["DATABASES"]
    assert databases["default"]["CONN_MAX_AGE"] == 0
    assert databases["default"]["DISABLE_SERVER_SIDE_CURSORS"] is True


def test_production_connection_age_comes_from_the_environment_and_covers_the_replica():
    databases = _settings_of(
        PRODUCTION,
        ["DATABASES"],
        SECRET_KEY=GOOD_KEY,
        DATABASE_URL=PG,
        DATABASE_REPLICA_URL="postgresql://kinerja@replica.example:5432/kinerja",
        DATABASE_CONN_MAX_AGE="0",
    )["DATABASES"]
    assert {alias: db["CONN_MAX_AGE"] for alias, db in databases.items()} == {"default": 0, "replica": 0}
    assert databases["replica"]["HOST"] == "replica.example"
    assert databases["replica"]["TEST"] == {"MIRROR": "default"}
    assert all(db["CONN_HEALTH_CHECKS"] for db in databases.values())


def test_development_opens_a_connection_per_request_and_has_no_replica():
    databases = _settings_of("kinerja.config.settings.local", ["DATABASES"])["DATABASES"]
    assert list(databases) == ["default"]
    assert databases["default"]["CONN_MAX_AGE"] == 0


def test_uploaded_files_go_to_s3_when_a_bucket_is_set():
    env = {
        "SECRET_KEY": GOOD_KEY,
        "KINERJA_S3_BUCKET": "kinerja-bukti",
        "KINERJA_S3_ENDPOINT_URL": "https://minio.example.go.id",
        "KINERJA_S3_PREFIX": "produksi",
    }
    storages = _settings_of(PRODUCTION, ["STORAGES"], **env)["STORAGES"]
    assert storages["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storages["default"]["OPTIONS"]
    assert options["bucket_name"] == "kinerja-bukti"
    assert options["endpoint_url"] == "https://minio.example.go.id"
    assert options["location"] == "produksi"
    assert options["default_acl"] is None  # private files
    assert storages["staticfiles"]["BACKEND"].startswith("whitenoise.")  # static files stay with the app
    without = _settings_of(PRODUCTION, ["STORAGES"], SECRET_KEY=GOOD_KEY)["STORAGES"]
    assert without["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_the_s3_storage_builds_from_those_settings_without_the_network():
    """django-storages makes its client lazily: building the storage proves the settings fit its options."""
    code = (
        "import django; django.setup()\n"
        "from django.core.files.storage import storages\n"
        "s = storages['default']\n"
        "print(type(s).__name__, s.bucket_name, s.location, s.endpoint_url)\n"
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "KINERJA_S3_BUCKET"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        SECRET_KEY=GOOD_KEY,
        KINERJA_S3_BUCKET="kinerja-bukti",
        KINERJA_S3_ENDPOINT_URL="https://minio.example.go.id",
        KINERJA_S3_PREFIX="produksi",
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["S3Storage", "kinerja-bukti", "produksi", "https://minio.example.go.id"]


def test_the_task_backend_is_the_database_unless_rq_is_chosen():
    chosen = _settings_of(PRODUCTION, ["TASKS", "INSTALLED_APPS"], SECRET_KEY=GOOD_KEY)
    assert chosen["TASKS"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    rq = _settings_of(
        PRODUCTION,
        ["TASKS", "RQ_QUEUES", "INSTALLED_APPS"],
        SECRET_KEY=GOOD_KEY,
        KINERJA_TASK_BACKEND="rq",
        REDIS_URL="redis://redis.example:6379/2",
    )
    assert rq["TASKS"]["default"] == {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}
    assert rq["RQ_QUEUES"]["default"]["URL"] == "redis://redis.example:6379/2"
    assert "django_rq" in rq["INSTALLED_APPS"]


def test_an_unknown_task_backend_is_refused():
    result = _import_production(SECRET_KEY=GOOD_KEY, KINERJA_TASK_BACKEND="celery")
    assert result.returncode != 0
    assert "KINERJA_TASK_BACKEND" in result.stderr


def run_production(code: str, variable: str, value: str | None) -> str:
    """The output of `code` run in a fresh interpreter with the production settings and `variable` set to
    `value` (None: not set)."""
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", variable}}
    env.update(DJANGO_SETTINGS_MODULE=PRODUCTION, SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="kinerja.example.go.id")
    if value is not None:
        env[variable] = value
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize(("given", "expected"), [(None, 0.0005), ("", 0.005), ("0.002", 0.002)])
def test_the_wsgi_application_sets_the_gil_switch_interval(given, expected):
    code = "import sys, kinerja.config.wsgi; print(sys.getswitchinterval())"
    assert float(run_production(code, "KINERJA_SWITCH_INTERVAL", given)) == pytest.approx(expected)
