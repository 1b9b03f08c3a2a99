"""Invariants C1–C3 under real concurrency on PostgreSQL (real threads, one connection each)."""

import pytest

from formation import services
from formation.exceptions import EnrolmentError
from formation.models import Enrolment, Session
from tests.concurrency import run_in_threads
from tests.factories import EmployeeFactory, MembershipFactory, MemberUserFactory, OrganisationFactory
from tests.formation.factories import SessionFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.postgresql, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("enrol_implementation")]


@pytest.fixture
def members():
    """Fifty (HR user, employee) pairs spread over ten member organisations."""
    pairs = []
    for _ in range(10):
        organisation = OrganisationFactory()
        MembershipFactory(organisation=organisation)
        user = MemberUserFactory(organisation=organisation).user
        pairs += [(user, employee) for employee in EmployeeFactory.create_batch(5, organisation=organisation)]
    return pairs


def enrol_one(session_id, user, employee):
    return services.enrol_employees(session_id=session_id, employee_ids=[employee.pk], by=user)


def test_fifty_enrolments_never_overbook_ten_seats(members):
    session = SessionFactory(capacity=10)
    outcomes = run_in_threads(enrol_one, [(session.pk, user, employee) for user, employee in members])
    assert [o for o in outcomes if isinstance(o, Exception)] == []
    assert session.enrolments.confirmed().count() == 10
    assert session.enrolments.waitlisted().count() == 40
    session.refresh_from_db()
    assert session.status == Session.Status.FULL


def test_without_the_seat_lock_the_race_overbooks(members, settings):
    """The control: the same scenario with the lock switched off proves the test above can fail."""
    settings.FORMATION_SEAT_LOCK = False
    session = SessionFactory(capacity=10)
    for _attempt in range(5):
        run_in_threads(enrol_one, [(session.pk, user, employee) for user, employee in members])
        if session.enrolments.confirmed().count() > 10:
            break
        Enrolment.objects.all().delete()
    assert session.enrolments.confirmed().count() > 10


def test_a_cancellation_racing_new_enrolments_promotes_exactly_once(members):
    session = SessionFactory(capacity=2)
    (first_user, first), (second_user, second), (third_user, third) = members[0], members[5], members[10]
    enrolled = enrol_one(session.pk, first_user, first)[0]
    enrol_one(session.pk, second_user, second)
    waiting = enrol_one(session.pk, third_user, third)[0]
    newcomers = members[15:35]

    def act(kind, user, employee):
        if kind == "cancel":
            return services.cancel_enrolment(enrolment_id=enrolled.pk, by=first_user)
        return enrol_one(session.pk, user, employee)

    outcomes = run_in_threads(act, [("cancel", None, None)] + [("enrol", u, e) for u, e in newcomers])
    assert [o for o in outcomes if isinstance(o, Exception)] == []
    assert session.enrolments.confirmed().count() == 2
    waiting.refresh_from_db()
    assert waiting.status == Enrolment.Status.CONFIRMED
    assert Enrolment.objects.filter(session=session, promoted_at__isnull=False).count() == 1
    assert session.enrolments.waitlisted().count() == len(newcomers)


def test_the_same_employee_enrolled_twice_at_once_gives_one_enrolment(members):
    session = SessionFactory(capacity=10)
    user, employee = members[0]
    outcomes = run_in_threads(enrol_one, [(session.pk, user, employee)] * 8)
    assert sum(isinstance(o, list) for o in outcomes) == 1
    assert all(isinstance(o, EnrolmentError) for o in outcomes if not isinstance(o, list))
    assert Enrolment.objects.filter(session=session, employee=employee).count() == 1
