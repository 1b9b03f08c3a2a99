"""Rules of the formation app that a small change to the code would break without any other test noticing
(found by mutation testing)."""

import base64
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry, OutgoingEmail
from core.roles import Role
from formation import documents, services
from formation.calendar_fr import working_days_from
from formation.exceptions import FormationError, SchedulingConflict
from formation.models import Attendance, Enrolment, Session, SurveyInvitation
from formation.quality import course_results
from formation.services import attendance, convocations, surveys
from tests.catalogue.factories import CourseFactory
from tests.factories import EmployeeFactory, UserFactory
from tests.formation.factories import EnrolmentFactory, SessionFactory, TrainerFactory, VenueFactory, next_monday
from tests.formation.helpers import PNG, pdf_text

pytestmark = pytest.mark.django_db


def past_session(**kwargs) -> Session:
    """A confirmed session of two 3.5-hour half-days that ended two days ago."""
    start = timezone.now() - datetime.timedelta(days=2, hours=9)
    return SessionFactory(status=Session.Status.CONFIRMED, starts_at=start, ends_at=start + datetime.timedelta(hours=8),
                          enrolment_deadline=(start - datetime.timedelta(days=7)).date(), **kwargs)


def working_day(weeks: int = 3) -> datetime.date:
    return next(working_days_from(next_monday(weeks)))


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


# --- seats and the waiting list -------------------------------------------------------------------------

class TestWaitingList:
    def test_a_seat_freed_in_a_confirmed_session_goes_to_the_first_waiting(self, organisation, hr_user):
        session = SessionFactory(capacity=1, status=Session.Status.CONFIRMED)
        seated = EnrolmentFactory(session=session, employee=EmployeeFactory(organisation=organisation))
        waiting = EnrolmentFactory(session=session, status="waitlisted")
        services.cancel_enrolment(enrolment_id=seated.pk, by=hr_user)
        waiting.refresh_from_db()
        session.refresh_from_db()
        assert waiting.status == "confirmed" and waiting.promoted_at is not None
        assert session.status == Session.Status.CONFIRMED

    def test_more_seats_tell_the_promoted_trainees(self, staff_user, django_capture_on_commit_callbacks):
        session = SessionFactory(capacity=1, status=Session.Status.FULL)
        EnrolmentFactory(session=session)
        waiting = EnrolmentFactory(session=session, status="waitlisted")
        with django_capture_on_commit_callbacks(execute=True):
            services.update_session(
                session_id=session.pk, capacity=2, min_participants=1, enrolment_deadline=session.enrolment_deadline,
                venue_id=session.venue_id, remote_url="", trainer_ids=[], by=staff_user)
        assert list(OutgoingEmail.objects.values_list("kind", "key")) == [("waitlist_promoted", str(waiting.pk))]

    def test_waiting_positions_at_the_same_instant_follow_the_enrolment_order(self, hr_client, organisation):
        """A batch enrolled in one statement shares its enrolled_at: the pk breaks the tie, and positions count from 1."""
        session = SessionFactory(capacity=1)
        EnrolmentFactory(session=session)
        same = timezone.now()
        first, second = (EnrolmentFactory(session=session, status="waitlisted", enrolled_at=same,
                                          employee=EmployeeFactory(organisation=organisation)) for _ in range(2))
        annotated = Enrolment.objects.filter(pk__in=[first.pk, second.pk]).with_waiting_position().order_by("pk")
        assert [e.waiting_ahead for e in annotated] == [0, 1]
        page = hr_client.get(reverse("formation:enrolments")).content.decode()
        assert "position 1" in page and "position 2" in page
        assert "position 0" not in page and "position 3" not in page


# --- the enrolment deadline and cancellations -----------------------------------------------------------

class TestDeadline:
    def test_the_deadline_day_itself_still_takes_enrolments(self, hr_client, hr_user, organisation):
        session = SessionFactory(enrolment_deadline=timezone.localdate())
        employee = EmployeeFactory(organisation=organisation)
        page = hr_client.get(reverse("formation:enrol", args=[session.pk])).content.decode()
        assert "Les inscriptions sont fermées" not in page
        enrolled = services.enrol_employees(session_id=session.pk, employee_ids=[employee.pk], by=hr_user)
        assert [e.status for e in enrolled] == ["confirmed"]

    def test_a_cancellation_on_the_deadline_day_is_not_late_and_is_told_and_logged(
        self, organisation, hr_user, django_capture_on_commit_callbacks
    ):
        session = SessionFactory(capacity=1, status=Session.Status.FULL, enrolment_deadline=timezone.localdate())
        seated = EnrolmentFactory(session=session, employee=EmployeeFactory(organisation=organisation))
        waiting = EnrolmentFactory(session=session, status="waitlisted")
        with django_capture_on_commit_callbacks(execute=True):
            assert services.cancel_enrolment(enrolment_id=seated.pk, by=hr_user).cancelled_late is False
        entry = AuditEntry.objects.get(action="formation.enrolment.cancelled")
        assert (entry.actor, entry.object_id, entry.data) == (hr_user, str(seated.pk),
                                                             {"late": False, "promoted": [waiting.pk]})
        email = OutgoingEmail.objects.get(kind="enrolment_cancelled", key=str(seated.pk))
        assert set(email.to) == {seated.employee.email, organisation.contact_email}
        [ics] = [a for a in email.attachments if a["name"] == "invitation.ics"]
        assert b"METHOD:CANCEL" in base64.b64decode(ics["base64"])

    def test_the_enrol_page_leaves_out_employees_already_enrolled(self, hr_client, organisation):
        session = SessionFactory()
        EnrolmentFactory(session=session, employee=EmployeeFactory(organisation=organisation, last_name="Dejainscrit"))
        left = EmployeeFactory(organisation=organisation, last_name="Parti")
        EnrolmentFactory(session=session, employee=left, status="cancelled", cancelled_at=timezone.now())
        EmployeeFactory(organisation=organisation, last_name="Candidat")
        page = hr_client.get(reverse("formation:enrol", args=[session.pk])).content.decode()
        assert "Candidat" in page and "Parti" in page and "Dejainscrit" not in page


# --- changing and running sessions ----------------------------------------------------------------------

class TestSessionChanges:
    def update(self, session, by, **changes):
        values = {"capacity": session.capacity, "min_participants": session.min_participants,
                  "enrolment_deadline": session.enrolment_deadline, "venue_id": session.venue_id,
                  "remote_url": session.remote_url, "trainer_ids": []} | changes
        return services.update_session(session_id=session.pk, by=by, **values)

    def test_a_new_remote_link_raises_the_calendar_sequence(self, staff_user):
        session = SessionFactory(venue=None, remote_url="https://visio.example.org/salle-1")
        self.update(session, staff_user, remote_url="https://visio.example.org/salle-2")
        session.refresh_from_db()
        assert (session.remote_url, session.sequence) == ("https://visio.example.org/salle-2", 1)

    def test_the_limits_are_inclusive_capacity_down_to_the_seated_and_exactly_the_minimum(self, staff_user):
        session = SessionFactory(capacity=3, min_participants=2)
        EnrolmentFactory.create_batch(2, session=session)
        self.update(session, staff_user, capacity=2)
        session.refresh_from_db()
        assert (session.capacity, session.status) == (2, Session.Status.FULL)
        assert services.confirm_session(session_id=session.pk, by=staff_user).status == Session.Status.CONFIRMED

    def test_a_half_day_cannot_be_moved_onto_another_of_the_same_session(self, staff_user):
        session = SessionFactory()
        first, second = session.slots.order_by("starts_at")
        with pytest.raises(SchedulingConflict, match="chevauche une autre demi-journée de la même session"):
            services.reschedule_slot(slot_id=second.pk, starts_at=first.starts_at + datetime.timedelta(hours=1),
                                     ends_at=first.ends_at + datetime.timedelta(hours=1), by=staff_user)
        second.refresh_from_db()
        assert second.starts_at == session.ends_at - datetime.timedelta(hours=3.5)

    def test_moving_a_half_day_moves_the_session_bounds(self, staff_user):
        session = SessionFactory()
        first, last = session.slots.order_by("starts_at")
        earlier = first.starts_at - datetime.timedelta(hours=1)
        services.reschedule_slot(slot_id=first.pk, starts_at=earlier, ends_at=first.ends_at, by=staff_user)
        later = last.ends_at + datetime.timedelta(days=1)
        services.reschedule_slot(slot_id=last.pk, starts_at=later - datetime.timedelta(hours=3), ends_at=later,
                                 by=staff_user)
        session.refresh_from_db()
        assert (session.starts_at, session.ends_at) == (earlier, later)

    def test_only_live_overlapping_half_days_conflict(self, staff_user):
        """A cancelled session frees its trainer and venue; a half-day may start when another one ends."""
        course, venue, trainer = CourseFactory(duration_hours=Decimal("3.5")), VenueFactory(), TrainerFactory()
        day = working_day()
        plan = {"course_id": course.pk, "capacity": 10, "venue_id": venue.pk, "trainer_ids": [trainer.pk],
                "enrolment_deadline": day - datetime.timedelta(days=7), "by": staff_user}
        cancelled = services.create_session(start_date=day, **plan)
        services.cancel_session(session_id=cancelled.pk, reason="Report", by=staff_user)
        morning = services.create_session(start_date=day, **plan)
        assert (morning.starts_at, morning.ends_at) == (at(day, 9), at(day, 12, 30))
        other = services.create_session(start_date=next(working_days_from(day + datetime.timedelta(days=1))), **plan)
        slot = other.slots.get()
        services.reschedule_slot(slot_id=slot.pk, starts_at=at(day, 12, 30), ends_at=at(day, 16), by=staff_user)
        slot.refresh_from_db()
        assert slot.starts_at == at(day, 12, 30)


class TestEndOfSession:
    def test_cancelling_a_session_cancels_and_tells_the_waiting_list_too(self, staff_user,
                                                                      django_capture_on_commit_callbacks):
        session = SessionFactory(capacity=1, status=Session.Status.FULL)
        seated = EnrolmentFactory(session=session)
        waiting = EnrolmentFactory(session=session, status="waitlisted")
        with django_capture_on_commit_callbacks(execute=True):
            services.cancel_session(session_id=session.pk, reason="Formatrice malade", by=staff_user)
        assert {e.status for e in Enrolment.objects.filter(pk__in=[seated.pk, waiting.pk])} == {"cancelled"}
        assert OutgoingEmail.objects.filter(kind="session_cancelled", key=str(waiting.pk)).exists()

    def test_completion_closes_the_waiting_list(self, staff_user):
        session = past_session()
        waiting = EnrolmentFactory(session=session, status="waitlisted")
        services.complete_session(session_id=session.pk, by=staff_user)
        waiting.refresh_from_db()
        assert waiting.status == "cancelled" and waiting.cancelled_at is not None

    def test_completion_records_the_hours_of_a_trainee_who_gave_up_midway(self, staff_user):
        session = past_session()
        enrolment = EnrolmentFactory(session=session)
        first, second = session.slots.order_by("starts_at")
        attendance.record_attendance(slot_id=first.pk, marks=[attendance.Mark(enrolment.pk, "present")], by=staff_user)
        attendance.record_attendance(slot_id=second.pk, marks=[attendance.Mark(enrolment.pk, "absent")], by=staff_user)
        attendance.record_abandonment(enrolment_id=enrolment.pk, on=timezone.localdate(), reason="Reprise d'emploi",
                                      by=staff_user)
        services.complete_session(session_id=session.pk, by=staff_user)
        enrolment.refresh_from_db()
        assert (enrolment.status, enrolment.attended_hours) == ("abandoned", Decimal("3.50"))

    @pytest.mark.parametrize("status, kinds", [
        ("confirmed", ["convocation"]), ("waitlisted", []), ("cancelled", []),
        ("completed", ["convocation", "certificat", "attestation"]),
        ("abandoned", ["certificat"]),  # the hours attended, but no attestation of completion
    ])
    def test_documents_by_enrolment_status(self, status, kinds):
        completed = Session(status=Session.Status.COMPLETED)
        assert documents.available(Enrolment(status=status, session=completed)) == kinds

    @pytest.mark.parametrize("status", ["confirmed", "abandoned"])
    def test_before_completion_only_the_convocation(self, status):
        """The hours attended are counted at completion: no certificate of 0 hours for a trainee who left."""
        running = Session(status=Session.Status.CONFIRMED)
        expected = ["convocation"] if status == "confirmed" else []
        assert documents.available(Enrolment(status=status, session=running)) == expected

    def test_the_attendance_sheet_names_only_trainees_holding_a_seat(self, db):
        session = past_session()
        for last_name, status in (("Assis", "confirmed"), ("Attente", "waitlisted"), ("Desiste", "cancelled")):
            EnrolmentFactory(session=session, status=status, employee=EmployeeFactory(last_name=last_name),
                             cancelled_at=timezone.now() if status == "cancelled" else None)
        text = pdf_text(documents.attendance_sheet(session))
        assert "ASSIS" in text and "ATTENTE" not in text and "DESISTE" not in text


# --- attendance -----------------------------------------------------------------------------------------

class TestAttendanceRules:
    def test_attendance_is_only_for_seated_trainees_of_sessions_that_take_place(self, staff_user):
        session = SessionFactory(status=Session.Status.CONFIRMED)
        slot = session.slots.first()
        seated = EnrolmentFactory(session=session)
        for status in ("waitlisted", "cancelled"):
            enrolment = EnrolmentFactory(session=session, status=status,
                                         cancelled_at=timezone.now() if status == "cancelled" else None)
            with pytest.raises(FormationError, match="ne sont pas inscrits à cette session"):
                attendance.record_attendance(slot_id=slot.pk, marks=[attendance.Mark(enrolment.pk, "present")],
                                             by=staff_user)
        Session.objects.filter(pk=session.pk).update(status=Session.Status.CANCELLED, cancellation_reason="x")
        with pytest.raises(FormationError, match="ne concerne que les sessions qui ont lieu"):
            attendance.record_attendance(slot_id=slot.pk, marks=[attendance.Mark(seated.pk, "present")], by=staff_user)
        assert not Attendance.objects.exists()

    def test_a_waitlisted_trainee_cannot_abandon(self, staff_user):
        enrolment = EnrolmentFactory(status="waitlisted")
        with pytest.raises(FormationError, match="Seul un stagiaire confirmé peut abandonner"):
            attendance.record_abandonment(enrolment_id=enrolment.pk, on=timezone.localdate(), reason="x", by=staff_user)
        enrolment.refresh_from_db()
        assert (enrolment.status, enrolment.abandoned_on) == ("waitlisted", None)

    def test_a_trainer_neither_logs_contacts_nor_signs_another_sessions_sheet(self, db):
        user = UserFactory(role=Role.TRAINER)
        TrainerFactory(user=user)
        session = SessionFactory(status=Session.Status.CONFIRMED)
        enrolment = EnrolmentFactory(session=session)
        with pytest.raises(PermissionDenied):
            attendance.sign_half_day(slot_id=session.slots.first().pk, signature=PNG, by=user)
        session.trainers.add(user.trainer)  # even their own trainee: contacts are the training staff's
        with pytest.raises(PermissionDenied):
            attendance.log_contact(enrolment_id=enrolment.pk, on=timezone.localdate(), channel="phone", note="x", by=user)
        assert not enrolment.contacts.exists() and not session.slots.first().trainer_signatures.exists()


# --- reminders, questionnaires, published rates ---------------------------------------------------------

class TestFollowUps:
    def test_the_hourly_job_queues_the_reminder_the_day_before(self, db):
        start = timezone.now() + datetime.timedelta(hours=20)
        enrolment = EnrolmentFactory(session=SessionFactory(starts_at=start, ends_at=start + datetime.timedelta(hours=8),
                                                            enrolment_deadline=timezone.localdate()))
        OutgoingEmail.objects.create(kind="convocation", key=str(enrolment.pk), subject="Convocation", body_text="x")
        assert convocations.due_enrolments() == [enrolment.pk]
        OutgoingEmail.objects.create(kind="reminder", key=str(enrolment.pk), subject="Rappel", body_text="x")
        assert convocations.due_enrolments() == []

    def test_follow_up_questionnaires_go_to_recent_completers_only(self, db):
        def ended(days, status="completed"):
            end = timezone.now() - datetime.timedelta(days=days)
            session = SessionFactory(status="completed", starts_at=end - datetime.timedelta(hours=8), ends_at=end)
            return EnrolmentFactory(session=session, status=status, abandoned_on=timezone.localdate() if
                                    status == "abandoned" else None, abandon_reason="x" if status == "abandoned" else "")

        due = ended(61)
        ended(61, status="abandoned")
        ended(200)  # its 60-day questionnaire would be long expired
        assert surveys.invite_follow_ups() == 1
        assert list(SurveyInvitation.objects.values_list("enrolment", "kind")) == [(due.pk, "follow_up")]

    def test_satisfaction_counts_answered_end_of_training_questionnaires_only(self, db):
        session = SessionFactory(status="completed")

        def invite(kind, overall):
            answered = {"answered_at": timezone.now(), "overall": overall, "content": 3, "trainer_rating": 3,
                        "usefulness": 3} if overall else {}
            SurveyInvitation.objects.create(enrolment=EnrolmentFactory(session=session, status="completed"), kind=kind,
                                            expires_at=timezone.now(), **answered)

        for _ in range(5):
            invite("end", 5)
        for _ in range(3):
            invite("follow_up", 1)
            invite("end", None)
        results = course_results(session.course)
        assert (results.satisfaction, results.answers) == (Decimal("100"), 5)


# --- what pages show ------------------------------------------------------------------------------------

class TestPages:
    def test_completed_trainees_still_fill_their_seats(self, client, staff_user):
        session = SessionFactory(capacity=3, status="completed", course__title="Tutorat en chantier")
        EnrolmentFactory.create_batch(2, session=session, status="completed")
        client.force_login(staff_user)
        planning = client.get(reverse("formation:sessions"), {"status": "completed"}).content.decode()
        assert "2/3" in planning
        page = client.get(reverse("formation:session", args=[session.pk])).content.decode()
        assert "2 inscrits sur 3 places" in page

    def test_a_trainer_does_not_see_their_draft_sessions(self, client):
        user = UserFactory(role=Role.TRAINER)
        trainer = TrainerFactory(user=user)
        draft = SessionFactory(status=Session.Status.DRAFT, course__title="Brouillon du formateur")
        draft.trainers.add(trainer)
        client.force_login(user)
        assert "Brouillon du formateur" not in client.get(reverse("formation:sessions")).content.decode()
        assert client.get(reverse("formation:session", args=[draft.pk])).status_code == 404
