import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from core.roles import Role
from formation.models import Session, Slot
from tests.factories import UserFactory
from tests.formation.factories import SessionFactory, TrainerFactory


@pytest.fixture(params=["server", "python"])
def enrol_implementation(request, settings):
    """Run a test with each version of the enrolment: formation_enrol() on PostgreSQL (migration 0003), and the
    ORM version (SQLite's, and the reference for the first)."""
    if request.param == "server" and connection.vendor != "postgresql":
        pytest.skip("formation_enrol() exists on PostgreSQL only")
    settings.FORMATION_ENROL_ON_SERVER = request.param == "server"
    return request.param


@pytest.fixture
def trainer_user():
    user = UserFactory(role=Role.TRAINER, username="formateur")
    TrainerFactory(user=user, first_name="Marc", last_name="Formateur")
    return user


@pytest.fixture
def session(trainer_user):
    """A confirmed session of four half-days of 3.5 h, taught by trainer_user."""
    start = timezone.localtime(timezone.now() - datetime.timedelta(days=3))
    session = SessionFactory(status=Session.Status.CONFIRMED, course__title="Sauveteur secouriste du travail",
                             course__duration_hours=Decimal("14"), starts_at=start, ends_at=start + datetime.timedelta(days=1))
    Slot.objects.filter(session=session).delete()
    for day in range(2):
        for hour in (9, 13):
            begin = start.replace(hour=hour, minute=0) + datetime.timedelta(days=day)
            Slot.objects.create(session=session, starts_at=begin, ends_at=begin + datetime.timedelta(hours=3, minutes=30))
    session.trainers.add(trainer_user.trainer)
    return session
