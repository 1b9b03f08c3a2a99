"""On the zero-setup SQLite database (make run), people enrolling at the same moment queue for the write lock
(config.settings: transaction_mode IMMEDIATE, a 20 s timeout) instead of getting "database is locked"."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.concurrency


def test_twenty_people_enrolling_at_once_into_five_seats(tmp_path):
    root = Path(__file__).resolve().parents[2]
    environment = {**os.environ, "PYTHONPATH": str(root), "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    environment.pop("DATABASE_URL", None)
    environment.pop("CELERY_BROKER_URL", None)
    result = subprocess.run([sys.executable, str(Path(__file__).with_name("sqlite_enrolment_race.py")),
                             str(tmp_path / "race.sqlite3")], cwd=root, env=environment, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    confirmed, waitlisted, errors, first_errors = result.stdout.strip().splitlines()[-1].split(" ", 3)
    assert (confirmed, waitlisted, errors) == ("5", "15", "0"), first_errors
