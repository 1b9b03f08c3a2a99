"""A real Redis broker and a real Celery worker process run a task end to end."""

import os
import subprocess
import sys
import time
from email import parser as email_parser
from email import policy as email_policy
from pathlib import Path

import pytest
from django.db import connection

from adherents import services
from core.models import OutgoingEmail
from tests import redisserver
from tests.conftest import require

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.celery, pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_url():
    require(redisserver.available(), "redis-server is not installed (apt-get install redis-server)")
    with redisserver.throwaway_redis() as url:
        yield url


def use_broker(url: str, *, eager: bool) -> None:
    """Point the app at another broker: earlier tests may have opened a connection pool to the old one."""
    from config.celery import app

    app.conf.update(broker_url=url, task_always_eager=eager)
    app._pool = None  # the pools are rebuilt lazily from the new configuration
    app.amqp._producer_pool = None


@pytest.fixture
def worker(redis_url, tmp_path):
    """A Celery worker on the test database, sending e-mail to files in tmp_path."""
    database = connection.settings_dict
    env = os.environ | {
        "CELERY_BROKER_URL": redis_url,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=WARNING",
         "--without-heartbeat", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    use_broker(redis_url, eager=False)
    try:
        yield tmp_path
    finally:
        use_broker("", eager=True)
        process.terminate()
        output, _ = process.communicate(timeout=30)
        print(output)


def test_an_import_summary_is_sent_by_the_worker(worker, hr_user, organisation):
    raw = b"nom;prenom;population;contrat\nDiallo;Aminata;insertion;CDDI\n"
    services.import_employees(organisation=organisation, raw=raw, filename="salaries.csv", by=hr_user)
    email = OutgoingEmail.objects.get(kind="employee_import")
    deadline = time.monotonic() + 60
    while email.sent_at is None and time.monotonic() < deadline:
        time.sleep(0.2)
        email.refresh_from_db()
    assert email.sent_at is not None, "the worker did not send the e-mail within 60 s"
    files = list(worker.iterdir())
    assert len(files) == 1
    message = email_parser.BytesParser(policy=email_policy.default).parsebytes(files[0].read_bytes())
    assert "1 salarié importé" in message["Subject"]
    assert organisation.contact_email in message["To"]
