import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import OutgoingEmail
from formation.models import Session, SurveyInvitation
from formation.services import convocations, surveys
from formation.tasks import send_due_convocations
from tests.formation.factories import EnrolmentFactory, SessionFactory

pytestmark = pytest.mark.django_db


def session_starting_in(delta: datetime.timedelta) -> Session:
    start = timezone.now() + delta
    return SessionFactory(starts_at=start, ends_at=start + datetime.timedelta(hours=8),
                          enrolment_deadline=(start - datetime.timedelta(days=10)).date())


class TestConvocations:
    def test_due_seven_days_before_with_the_pdf_and_the_calendar_file(self, mailoutbox, django_capture_on_commit_callbacks):
        enrolment = EnrolmentFactory(session=session_starting_in(datetime.timedelta(days=6)))
        EnrolmentFactory(session=session_starting_in(datetime.timedelta(days=12)))  # not due yet
        with django_capture_on_commit_callbacks(execute=True):
            assert send_due_convocations() == 1
        assert len(mailoutbox) == 1
        names = sorted(part.get_filename() for part in mailoutbox[0].attachments)
        assert names == ["convocation.pdf", "invitation.ics"]
        assert enrolment.employee.email in mailoutbox[0].to

    def test_the_sending_job_run_twice_sends_once(self, mailoutbox, django_capture_on_commit_callbacks):
        EnrolmentFactory(session=session_starting_in(datetime.timedelta(days=3)))
        with django_capture_on_commit_callbacks(execute=True):
            send_due_convocations()
        with django_capture_on_commit_callbacks(execute=True):
            assert send_due_convocations() == 0
        assert len(mailoutbox) == 1
        assert OutgoingEmail.objects.filter(kind="convocation").count() == 1

    def test_the_day_before_a_reminder_follows_the_convocation_once(self, mailoutbox, django_capture_on_commit_callbacks):
        enrolment = EnrolmentFactory(session=session_starting_in(datetime.timedelta(hours=20)))
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                convocations.send_convocation(enrolment_id=enrolment.pk)
        assert sorted(OutgoingEmail.objects.values_list("kind", flat=True)) == ["convocation", "reminder"]
        assert len(mailoutbox) == 2

    def test_a_late_enrolment_is_convoked_at_once(self, hr_user, organisation, mailoutbox,
                                                  django_capture_on_commit_callbacks):
        from formation import services
        from tests.factories import EmployeeFactory

        session = session_starting_in(datetime.timedelta(days=2))
        Session.objects.filter(pk=session.pk).update(enrolment_deadline=timezone.localdate() + datetime.timedelta(days=1))
        employee = EmployeeFactory(organisation=organisation)
        with django_capture_on_commit_callbacks(execute=True):
            services.enrol_employees(session_id=session.pk, employee_ids=[employee.pk], by=hr_user)
        assert OutgoingEmail.objects.filter(kind="convocation").count() == 1

    def test_cancelled_or_waitlisted_enrolments_get_none(self):
        EnrolmentFactory(session=session_starting_in(datetime.timedelta(days=3)), status="waitlisted")
        assert convocations.due_enrolments() == []


class TestSurveys:
    @pytest.fixture
    def invitation(self):
        enrolment = EnrolmentFactory(status="completed")
        return SurveyInvitation.objects.create(enrolment=enrolment, kind="end",
                                               expires_at=timezone.now() + datetime.timedelta(days=30))

    answers = {"overall": "5", "content": "4", "trainer_rating": "5", "usefulness": "3", "comment": "Très concret"}

    def test_a_link_answers_once(self, client, invitation):
        url = reverse("survey", args=[invitation.token])
        assert client.get(url).status_code == 200
        assert client.post(url, self.answers).status_code == 200
        invitation.refresh_from_db()
        assert (invitation.overall, invitation.comment) == (5, "Très concret")
        again = client.post(url, self.answers | {"overall": "1"})
        assert again.status_code == 410 and "déjà été rempli" in again.content.decode()
        invitation.refresh_from_db()
        assert invitation.overall == 5

    def test_a_forged_token_is_404(self, client, invitation):
        assert client.get(reverse("survey", args=["forged-token"])).status_code == 404
        assert client.post(reverse("survey", args=["forged-token"]), self.answers).status_code == 404

    def test_an_expired_link_is_refused(self, client, invitation):
        SurveyInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(days=1))
        response = client.post(reverse("survey", args=[invitation.token]), self.answers)
        assert response.status_code == 410 and "a expiré" in response.content.decode()
        invitation.refresh_from_db()
        assert invitation.answered_at is None

    def test_out_of_scale_answers_are_refused(self, client, invitation):
        response = client.post(reverse("survey", args=[invitation.token]), self.answers | {"overall": "9"})
        assert response.status_code == 400
        invitation.refresh_from_db()
        assert invitation.answered_at is None

    def test_follow_up_questionnaires_sixty_days_after_the_end(self, django_capture_on_commit_callbacks):
        ended = timezone.now() - datetime.timedelta(days=61)
        due = EnrolmentFactory(status="completed", session=SessionFactory(
            status="completed", starts_at=ended - datetime.timedelta(hours=8), ends_at=ended))
        EnrolmentFactory(status="completed")  # session not ended 60 days ago
        assert surveys.invite_follow_ups() == 1
        assert surveys.invite_follow_ups() == 0
        assert due.surveys.get().kind == "follow_up"
