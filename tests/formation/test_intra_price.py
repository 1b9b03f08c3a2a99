"""An intra session is priced per day for its organisation: a flat price for the whole session, frozen when it is
scheduled and paid once; its trainees cost nothing each (basis "intra"), on both versions of the enrolment."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.models import AuditEntry
from formation import services
from formation.models import Enrolment, Session
from tests.catalogue.factories import CourseFactory
from tests.factories import EmployeeFactory
from tests.formation.factories import SessionFactory, next_monday

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    return CourseFactory(intra_price_per_day=Decimal("1290.00"), duration_days=Decimal("2"),
                         duration_hours=Decimal("14"), member_price=Decimal("290.00"), public_price=Decimal("450.00"))


@pytest.fixture
def intra(course, organisation):
    return SessionFactory(course=course, kind=Session.Kind.INTRA, organisation=organisation)


def test_scheduling_an_intra_session_freezes_its_flat_price(course, organisation, staff_user):
    plan = {"course_id": course.pk, "start_date": next_monday(4), "capacity": 12, "by": staff_user,
            "enrolment_deadline": next_monday(4) - datetime.timedelta(days=7)}
    intra = services.create_session(kind=Session.Kind.INTRA, organisation_id=organisation.pk, **plan)
    inter = services.create_session(**plan | {"start_date": next_monday(6),
                                              "enrolment_deadline": next_monday(6) - datetime.timedelta(days=7)})
    assert (intra.intra_price, inter.intra_price) == (Decimal("2580.00"), None)
    course.intra_price_per_day = Decimal("1500.00")
    course.save()
    intra.refresh_from_db()
    assert intra.intra_price == Decimal("2580.00")
    created = AuditEntry.objects.get(action="formation.session.created", object_id=str(intra.pk))
    assert created.data["intra_price"] == "2580.00"


def test_an_intra_session_without_a_price_is_refused_by_the_database(organisation, course):
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionFactory(course=course, kind=Session.Kind.INTRA, organisation=organisation, intra_price=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionFactory(course=course, intra_price=Decimal("100.00"))


@pytest.mark.usefixtures("enrol_implementation")
def test_its_trainees_cost_nothing_each(intra, organisation, hr_user):
    employees = EmployeeFactory.create_batch(3, organisation=organisation)
    enrolled = services.enrol_employees(session_id=intra.pk, employee_ids=[e.pk for e in employees], by=hr_user)
    assert {(e.price_basis, e.unit_price) for e in Enrolment.objects.filter(pk__in=[e.pk for e in enrolled])} == {
        ("intra", Decimal("0.00"))}
    entry = AuditEntry.objects.get(action="formation.enrolment.created")
    assert (entry.data["basis"], Decimal(entry.data["unit_price"])) == ("intra", Decimal("0"))


def test_the_pages_show_the_flat_price_once(intra, organisation, hr_client):
    employees = EmployeeFactory.create_batch(2, organisation=organisation)
    detail = hr_client.get(reverse("formation:session", args=[intra.pk])).content.decode()
    assert "Forfait de cette session intra : <strong>2\u202f580,00\u00a0€</strong>" in detail
    assert "Prix par stagiaire pour votre structure" not in detail
    preview = hr_client.post(reverse("formation:enrol", args=[intra.pk]),
                             {"employees": [e.pk for e in employees]}).content.decode()
    assert preview.count("inclus dans le forfait") == 2 and "2\u202f580,00\u00a0€" in preview
    confirmed = hr_client.post(reverse("formation:enrol", args=[intra.pk]), {
        "step": "confirm", "employees": [e.pk for e in employees],
        "previewed_unit_price": "0.00", "previewed_price_basis": "intra"})
    assert confirmed.status_code == 302
    assert set(Enrolment.objects.values_list("price_basis", flat=True)) == {"intra"}


def test_the_migration_prices_the_intra_sessions_already_scheduled(intra):
    Session.objects.filter(pk=intra.pk).update(intra_price=Decimal("0.00"))
    migration = importlib.import_module("formation.migrations.0006_intra_flat_price_and_enrol_sequence")
    migration.price_intra_sessions(apps, schema_editor=None)
    intra.refresh_from_db()
    assert intra.intra_price == Decimal("2580.00")
