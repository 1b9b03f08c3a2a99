"""Invariant C3 when seats are freed at the same time, on PostgreSQL with real threads: each freed seat goes to
someone waiting, and no promotion is lost."""

import pytest

from formation import services
from formation.models import Enrolment
from tests.concurrency import run_in_threads
from tests.factories import EmployeeFactory, MembershipFactory, MemberUserFactory, OrganisationFactory
from tests.formation.factories import SessionFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.postgresql, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("enrol_implementation")]


@pytest.fixture
def hr_user():
    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation)
    return MemberUserFactory(organisation=organisation).user


def full_session_with_two_waiting(user) -> tuple:
    """Four seats taken, two people waiting; returns the session and its confirmed enrolments."""
    session = SessionFactory(capacity=4)
    employees = EmployeeFactory.create_batch(6, organisation=user.member.organisation)
    created = services.enrol_employees(session_id=session.pk, employee_ids=[e.pk for e in employees], by=user)
    return session, [e for e in created if e.status == Enrolment.Status.CONFIRMED]


def cancel_two_at_once(user, confirmed) -> list:
    return run_in_threads(lambda pk: services.cancel_enrolment(enrolment_id=pk, by=user),
                          [(confirmed[0].pk,), (confirmed[1].pk,)])


@pytest.mark.parametrize("attempt", range(8))  # the race is lost about one time in two without the lock
def test_two_cancellations_at_once_promote_both_waiting(hr_user, attempt):
    session, confirmed = full_session_with_two_waiting(hr_user)
    outcomes = cancel_two_at_once(hr_user, confirmed)
    assert [o for o in outcomes if isinstance(o, Exception)] == []
    assert session.enrolments.confirmed().count() == 4
    assert session.enrolments.waitlisted().count() == 0
    assert session.enrolments.filter(promoted_at__isnull=False).count() == 2


def test_without_the_seat_lock_a_promotion_is_lost(hr_user, settings):
    """The control: with the lock switched off, each cancellation counts the free seats before the other commits."""
    session, confirmed = full_session_with_two_waiting(hr_user)
    settings.FORMATION_SEAT_LOCK = False
    for _attempt in range(10):
        cancel_two_at_once(hr_user, confirmed)
        if session.enrolments.confirmed().count() < 4:
            break
        session, confirmed = full_session_with_two_waiting(hr_user)
    assert session.enrolments.confirmed().count() < 4
