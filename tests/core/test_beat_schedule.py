"""The schedule `celery beat` runs: every entry names a task that exists, and the ledger is checked every night."""

from celery.schedules import crontab
from django.conf import settings

from config.celery import app


def registered_tasks() -> set[str]:
    app.loader.import_default_modules()
    return set(app.tasks)


def test_every_scheduled_entry_names_a_registered_task():
    tasks = registered_tasks()
    assert settings.CELERY_BEAT_SCHEDULE
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in tasks, name


def test_the_ledger_is_verified_every_night_at_half_past_two_paris_time():
    entry = settings.CELERY_BEAT_SCHEDULE["verify-ledger-nightly"]
    assert entry["task"] == "mutualisation.tasks.verify_ledger_nightly"
    schedule = entry["schedule"]
    assert isinstance(schedule, crontab)
    assert (schedule.hour, schedule.minute) == ({2}, {30})
    assert (schedule.day_of_week, schedule.day_of_month, schedule.month_of_year) == (
        set(range(7)), set(range(1, 32)), set(range(1, 13)))
    assert app.conf.timezone == "Europe/Paris"
