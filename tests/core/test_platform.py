"""Settings, health check and deployment checks."""

import json
import logging
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


@pytest.mark.django_db
def test_without_a_broker_tasks_run_eagerly_and_nothing_warns(caplog):
    from config.celery import app
    from mutualisation.tasks import verify_ledger_nightly

    assert app.conf.task_always_eager is (not os.environ.get("CELERY_BROKER_URL"))
    with caplog.at_level(logging.WARNING):
        assert verify_ledger_nightly.delay().get() == 0
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING] == []


def settings_seen_with(**env) -> dict:
    """The database and session settings a process started with this environment gets."""
    code = ("import json, config.settings as s; print(json.dumps({'options': s.DATABASES['default'].get('OPTIONS', {}), "
            "'sessions': s.SESSION_ENGINE, 'ledger_prepared': s.LEDGER_PREPARED_STATEMENTS}))")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean | env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_prepared_statements_keep_the_options_of_the_database_url():
    seen = settings_seen_with(DATABASE_URL="postgres://u:p@db.example.org:5432/coorace?sslmode=require")
    assert seen["options"] == {"sslmode": "require", "server_side_binding": True, "prepare_threshold": 2}
    assert seen["ledger_prepared"] is True


def test_prepared_statements_can_be_turned_off_for_a_pooler():
    seen = settings_seen_with(DATABASE_URL="postgres://u:p@db.example.org:5432/coorace?sslmode=require",
                              DATABASE_PREPARED_STATEMENTS="0")
    assert seen["options"] == {"sslmode": "require"}
    assert seen["ledger_prepared"] is False


def test_sessions_are_read_from_the_database_with_the_user_whatever_the_cache():
    assert settings_seen_with()["sessions"] == "adherents.sessions"
    assert settings_seen_with(DJANGO_CACHE_URL="redis://127.0.0.1:6379/1")["sessions"] == "adherents.sessions"


def test_debug_is_off_unless_the_environment_turns_it_on():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    code = "import config.settings as s; print(s.DEBUG)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr
