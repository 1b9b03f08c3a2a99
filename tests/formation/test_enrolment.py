import datetime
import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from adherents.models import Membership
from core.models import AuditEntry, OutgoingEmail
from core.roles import Role
from formation import services, tasks
from formation.exceptions import EnrolmentError
from formation.models import Enrolment, Session
from formation.services.enrolment import SessionUnavailable
from tests.factories import EmployeeFactory, MemberUserFactory, OrganisationFactory, UserFactory
from tests.formation.factories import EnrolmentFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(db):
    return SessionFactory(capacity=2, course__member_price=Decimal("300.00"), course__public_price=Decimal("450.00"))


@pytest.fixture
def employees(organisation):
    return EmployeeFactory.create_batch(4, organisation=organisation)


def enrol(session, employees, by):
    return services.enrol_employees(session_id=session.pk, employee_ids=[e.pk for e in employees], by=by)


@pytest.mark.usefixtures("enrol_implementation")
class TestEnrol:
    def test_member_in_good_standing_pays_the_member_price_frozen_on_the_enrolment(self, session, employees, hr_user):
        enrolments = enrol(session, employees[:1], hr_user)
        assert [(e.status, e.unit_price, e.price_basis) for e in enrolments] == [("confirmed", Decimal("300.00"), "member")]
        session.course.member_price = Decimal("250.00")
        session.course.save()
        enrolments[0].refresh_from_db()
        assert enrolments[0].unit_price == Decimal("300.00")

    def test_lapsed_member_pays_the_public_price(self, session, employees, hr_user, organisation):
        Membership.objects.filter(organisation=organisation).update(status=Membership.Status.LAPSED)
        enrolment = enrol(session, employees[:1], hr_user)[0]
        assert (enrolment.unit_price, enrolment.price_basis) == (Decimal("450.00"), "public")

    def test_when_full_the_rest_go_to_the_waiting_list_in_order(self, session, employees, hr_user):
        enrolments = enrol(session, employees[:3], hr_user)
        assert [e.status for e in enrolments] == ["confirmed", "confirmed", "waitlisted"]
        assert enrolments[2].waiting_position() == 1
        session.refresh_from_db()
        assert session.status == Session.Status.FULL

    def test_notices_are_queued_for_each_enrolment(self, session, employees, hr_user, django_capture_on_commit_callbacks,
                                                   mailoutbox):
        with django_capture_on_commit_callbacks(execute=True):
            enrol(session, employees[:3], hr_user)
        kinds = sorted(OutgoingEmail.objects.values_list("kind", flat=True))
        assert kinds == ["enrolment_confirmed", "enrolment_confirmed", "enrolment_waitlisted"]
        assert len(mailoutbox) == 3
        assert "liste d’attente" in next(m.subject.lower() for m in mailoutbox if "attente" in m.subject.lower())

    def test_the_audit_log_records_the_price(self, session, employees, hr_user):
        enrol(session, employees[:1], hr_user)
        assert AuditEntry.objects.get(action="formation.enrolment.created").data["unit_price"] == "300.00"

    @pytest.mark.parametrize("change, message", [
        ({"status": Session.Status.DRAFT}, "pas ouverte aux inscriptions"),
        ({"status": Session.Status.CANCELLED, "cancellation_reason": "x"}, "pas ouverte aux inscriptions"),
        ({"enrolment_deadline": datetime.date(2020, 1, 1)}, "Les inscriptions ont fermé le"),
    ])
    def test_closed_sessions_refuse_with_a_french_message_and_change_nothing(self, session, employees, hr_user, change, message):
        Session.objects.filter(pk=session.pk).update(**change)
        with pytest.raises(EnrolmentError) as refused:
            enrol(session, employees[:1], hr_user)
        assert message in str(refused.value.message)
        assert not Enrolment.objects.exists()
        assert not AuditEntry.objects.exists()

    def test_another_organisations_employee_is_refused(self, session, hr_user):
        stranger = EmployeeFactory(organisation=OrganisationFactory())
        with pytest.raises(EnrolmentError, match="n’appartiennent pas"):
            enrol(session, [stranger], hr_user)
        assert not Enrolment.objects.exists()
        assert not AuditEntry.objects.exists()

    def test_the_same_employee_twice_is_refused(self, session, employees, hr_user):
        enrol(session, employees[:1], hr_user)
        with pytest.raises(EnrolmentError, match="Déjà inscrit"):
            enrol(session, employees[:1], hr_user)
        assert Enrolment.objects.count() == 1

    def test_an_intra_session_of_another_organisation_is_refused(self, employees, hr_user):
        session = SessionFactory(kind=Session.Kind.INTRA, organisation=OrganisationFactory())
        with pytest.raises(EnrolmentError, match="réservée à une autre structure"):
            enrol(session, employees[:1], hr_user)

    def test_only_member_hr_enrol(self, session, employees, staff_user):
        with pytest.raises(PermissionDenied):
            enrol(session, employees[:1], staff_user)


@pytest.mark.usefixtures("enrol_implementation")
class TestEnrolDetails:
    """What both versions (ORM, and formation_enrol() on PostgreSQL) must agree on, to the column."""

    @pytest.fixture
    def named(self, organisation):
        return [EmployeeFactory(organisation=organisation, last_name=name, first_name="Alex") for name in
                ("Zola", "Abad", "Martin")]

    def test_seats_go_in_the_order_of_names_and_the_returned_enrolments_are_those_stored(self, session, named,
                                                                                        hr_user, organisation):
        created = enrol(session, named, hr_user)
        assert [(e.employee.last_name, e.status) for e in created] == [
            ("Abad", "confirmed"), ("Martin", "confirmed"), ("Zola", "waitlisted")]
        columns = ("pk", "session_id", "employee_id", "organisation_id", "status", "unit_price", "price_basis",
                   "enrolled_by_id", "enrolled_at", "cancelled_at", "cancelled_late", "promoted_at")
        stored = {e.pk: e for e in Enrolment.objects.filter(session=session)}
        assert [[getattr(e, c) for c in columns] for e in created] == [
            [getattr(stored[e.pk], c) for c in columns] for e in created]
        assert {e.organisation_id for e in created} == {organisation.pk}
        assert [e.waiting_position() for e in created] == [None, None, 1]

    def test_the_audit_entry(self, session, named, hr_user):
        created = enrol(session, named, hr_user)
        entry = AuditEntry.objects.get(action="formation.enrolment.created")
        session.refresh_from_db()
        assert (entry.actor_id, entry.object_type, entry.object_id, entry.object_repr) == (
            hr_user.pk, "formation.session", str(session.pk), str(session))
        assert entry.data == {"employees": [e.employee_id for e in created], "unit_price": "300.00", "basis": "member",
                              "waitlisted": 1}

    def test_without_a_membership_this_year_the_public_price(self, session, employees, hr_user, organisation):
        Membership.objects.filter(organisation=organisation).update(year=timezone.localdate().year - 1)
        enrolment = enrol(session, employees[:1], hr_user)[0]
        assert (enrolment.unit_price, enrolment.price_basis) == (Decimal("450.00"), "public")
        price = session.course.price_for(organisation, on=timezone.localdate())
        assert (price.amount, price.basis) == (enrolment.unit_price, enrolment.price_basis)

    def test_one_employee_not_allowed_refuses_the_whole_batch(self, session, employees, hr_user):
        archived = EmployeeFactory(organisation=employees[0].organisation, archived_at=timezone.now())
        with pytest.raises(EnrolmentError, match="n’appartiennent pas"):
            enrol(session, [employees[0], archived], hr_user)
        assert not Enrolment.objects.exists()

    def test_one_already_enrolled_refuses_the_whole_batch_and_names_them(self, session, employees, hr_user):
        enrol(session, employees[:1], hr_user)
        with pytest.raises(EnrolmentError, match=str(employees[0])):
            enrol(session, employees[:2], hr_user)
        assert Enrolment.objects.count() == 1

    def test_the_session_is_full_only_when_the_last_seat_goes(self, session, employees, hr_user):
        enrol(session, employees[:1], hr_user)
        session.refresh_from_db()
        assert session.status == Session.Status.OPEN
        enrol(session, employees[1:2], hr_user)
        session.refresh_from_db()
        assert session.status == Session.Status.FULL
        assert [e.status for e in enrol(session, employees[2:3], hr_user)] == ["waitlisted"]
        assert session.enrolments.confirmed().count() == 2

    def test_a_cancelled_seat_is_taken_again(self, session, employees, hr_user):
        first = enrol(session, employees[:2], hr_user)[0]
        services.cancel_enrolment(enrolment_id=first.pk, by=hr_user)
        assert [e.status for e in enrol(session, employees[2:3], hr_user)] == ["confirmed"]
        session.refresh_from_db()
        assert session.status == Session.Status.FULL

    @pytest.mark.parametrize("change, hidden", [
        ({"status": Session.Status.DRAFT}, True),
        ({"kind": Session.Kind.INTRA}, True),
        ({"status": Session.Status.CANCELLED, "cancellation_reason": "x"}, False),
        ({"enrolment_deadline": datetime.date(2020, 1, 1)}, False),
    ])
    def test_what_a_member_may_not_see_is_refused_as_hidden(self, session, employees, hr_user, change, hidden):
        if change.get("kind") == Session.Kind.INTRA:
            change |= {"organisation": OrganisationFactory(), "intra_price": Decimal("2000.00")}
        Session.objects.filter(pk=session.pk).update(**change)
        with pytest.raises(SessionUnavailable) as refused:
            enrol(session, employees[:1], hr_user)
        assert refused.value.hidden is hidden

    def test_an_unknown_session(self, employees, hr_user):
        with pytest.raises(Session.DoesNotExist):
            services.enrol_employees(session_id=999999, employee_ids=[employees[0].pk], by=hr_user)

    def test_member_hr_without_an_organisation_is_refused(self, session, employees):
        with pytest.raises(PermissionDenied):
            enrol(session, employees[:1], UserFactory(role=Role.MEMBER_HR))

    def test_one_notice_task_per_kind_for_a_batch(self, session, employees, hr_user, monkeypatch,
                                                  django_capture_on_commit_callbacks):
        queued = []

        class Recorder:
            def delay_on_commit(self, enrolment_ids, kind):
                queued.append((enrolment_ids, kind))

        monkeypatch.setattr(tasks, "send_enrolment_notices", Recorder())
        with django_capture_on_commit_callbacks(execute=True):
            created = enrol(session, employees, hr_user)
        assert queued == [([e.pk for e in created[:2]], "enrolment_confirmed"),
                          ([e.pk for e in created[2:]], "enrolment_waitlisted")]


@pytest.mark.postgresql
def test_on_postgresql_an_enrolment_is_one_statement(session, employees, hr_user, settings):
    settings.FORMATION_ENROL_ON_SERVER = True
    with CaptureQueriesContext(connection) as queries:
        enrol(session, employees[:3], hr_user)
    statements = [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(statements) == 1 and "formation_enrol(" in statements[0]


def test_the_tasks_module_imports_on_its_own():
    """A worker imports formation.tasks before the services, which import the tasks back."""
    code = "import django; django.setup(); import formation.tasks"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=settings.BASE_DIR,
                   env=os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings"})


@pytest.mark.usefixtures("enrol_implementation")
class TestCancel:
    def test_a_freed_seat_goes_to_the_first_waitlisted_once(self, session, employees, hr_user,
                                                          django_capture_on_commit_callbacks):
        enrolments = enrol(session, employees, hr_user)  # 2 confirmed, 2 waitlisted
        with django_capture_on_commit_callbacks(execute=True):
            services.cancel_enrolment(enrolment_id=enrolments[0].pk, by=hr_user)
        statuses = [Enrolment.objects.get(pk=e.pk).status for e in enrolments]
        assert statuses == ["cancelled", "confirmed", "confirmed", "waitlisted"]
        assert Enrolment.objects.get(pk=enrolments[3].pk).waiting_position() == 1
        assert OutgoingEmail.objects.filter(kind="waitlist_promoted").count() == 1

    def test_cancelling_twice_is_refused(self, session, employees, hr_user):
        enrolment = enrol(session, employees[:1], hr_user)[0]
        services.cancel_enrolment(enrolment_id=enrolment.pk, by=hr_user)
        with pytest.raises(EnrolmentError, match="déjà"):
            services.cancel_enrolment(enrolment_id=enrolment.pk, by=hr_user)

    def test_cancellation_after_the_deadline_is_marked_late(self, session, employees, hr_user):
        enrolment = enrol(session, employees[:1], hr_user)[0]
        Session.objects.filter(pk=session.pk).update(enrolment_deadline=timezone.localdate() - datetime.timedelta(days=1))
        assert services.cancel_enrolment(enrolment_id=enrolment.pk, by=hr_user).cancelled_late is True

    def test_the_session_reopens_when_a_seat_is_freed_and_nobody_waits(self, session, employees, hr_user):
        enrolments = enrol(session, employees[:2], hr_user)
        services.cancel_enrolment(enrolment_id=enrolments[0].pk, by=hr_user)
        session.refresh_from_db()
        assert session.status == Session.Status.OPEN

    def test_another_member_cannot_cancel(self, session, employees, hr_user):
        enrolment = enrol(session, employees[:1], hr_user)[0]
        other = MemberUserFactory().user
        with pytest.raises(PermissionDenied):
            services.cancel_enrolment(enrolment_id=enrolment.pk, by=other)
        enrolment.refresh_from_db()
        assert enrolment.status == "confirmed"


class TestConstraints:
    def test_one_live_enrolment_per_employee_and_session_in_the_database(self, session, employees):
        from django.db import IntegrityError, transaction

        EnrolmentFactory(session=session, employee=employees[0])
        EnrolmentFactory(session=session, employee=employees[1], status="cancelled", cancelled_at=timezone.now())
        EnrolmentFactory(session=session, employee=employees[1])  # a new one after a cancellation is fine
        with pytest.raises(IntegrityError), transaction.atomic():
            EnrolmentFactory(session=session, employee=employees[0], status="waitlisted")
