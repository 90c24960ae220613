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
