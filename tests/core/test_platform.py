"""Settings, health check and deployment checks."""

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import DatabaseError

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_does_not(client):
    with mock.patch("core.views.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


@pytest.mark.django_db
def test_pages_are_french_by_default(client):
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="fr">' in page
    assert "Se connecter" in page and "Mot de passe oublié" in page


def test_time_zone_and_language(settings):
    assert settings.LANGUAGE_CODE == "fr"
    assert settings.TIME_ZONE == "Europe/Paris"
    assert settings.USE_TZ is True


def manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean | env, capture_output=True, text=True, timeout=120
    )


def test_deploy_check_passes_with_production_settings():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x7$kq" * 12, DJANGO_ALLOWED_HOSTS="formation.coorace.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_fails_with_the_development_secret():
    result = manage("check", "--deploy", "--fail-level", "WARNING", DJANGO_DEBUG="0",
                    DJANGO_ALLOWED_HOSTS="formation.coorace.org")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr


def test_without_a_broker_tasks_run_eagerly(settings):
    from config.celery import app

    assert app.conf.task_always_eager is (not settings.CELERY_BROKER_URL)
