"""Attendance and documents as an acceptance review found them wanting: a certificate only once the hours are
counted, the sheet of a long course on the paper, a replaced trainer's signatures kept, all-or-nothing
assessments, and follow-up input that cannot break the page."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from core.models import AuditEntry
from formation import documents
from formation.exceptions import FormationError
from formation.models import Assessment, Enrolment, Session, Slot, TrainerSignature
from formation.services import attendance, complete_session, update_session
from tests.factories import EmployeeFactory
from tests.formation.factories import EnrolmentFactory, SessionFactory, TrainerFactory
from tests.formation.helpers import PNG

pytestmark = pytest.mark.django_db


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


class TestCertificateOfAnAbandonment:
    @pytest.fixture
    def abandoned(self, session, trainer_user, staff_user, organisation):
        enrolment = EnrolmentFactory(session=session, employee=EmployeeFactory(organisation=organisation))
        for slot in session.slots.order_by("starts_at")[:2]:
            attendance.record_attendance(slot_id=slot.pk, marks=[attendance.Mark(enrolment.pk, "present")],
                                         by=trainer_user)
        return attendance.record_abandonment(enrolment_id=enrolment.pk, on=timezone.localdate(), reason="Malade",
                                             by=staff_user)

    def test_none_while_the_session_runs(self, abandoned, hr_client):
        url = reverse("formation:enrolment_document", args=[abandoned.pk, "certificat"])
        assert hr_client.get(url).status_code == 404
        assert url not in hr_client.get(reverse("formation:session", args=[abandoned.session_id])).content.decode()

    def test_at_completion_with_the_hours_attended(self, abandoned, hr_client, staff_user):
        Session.objects.filter(pk=abandoned.session_id).update(ends_at=timezone.now() - datetime.timedelta(hours=1))
        complete_session(session_id=abandoned.session_id, by=staff_user)
        response = hr_client.get(reverse("formation:enrolment_document", args=[abandoned.pk, "certificat"]))
        assert response.status_code == 200
        assert "7 h sur 14 h prévues" in " ".join(pdf_pages(response.content))


class TestAttendanceSheet:
    def test_a_long_course_is_printed_eight_half_days_a_page(self, staff_user):
        start = timezone.make_aware(datetime.datetime(2026, 3, 2, 9))
        long_session = SessionFactory(status=Session.Status.CONFIRMED, starts_at=start,
                                 ends_at=start + datetime.timedelta(days=8, hours=7),
                                 enrolment_deadline=datetime.date(2026, 2, 20))
        Slot.objects.filter(session=long_session).delete()
        for day in range(9):
            for hour in (9, 13):
                begin = start + datetime.timedelta(days=day, hours=hour - 9)
                Slot.objects.create(session=long_session, starts_at=begin, ends_at=begin + datetime.timedelta(hours=3))
        EnrolmentFactory(session=long_session, employee=EmployeeFactory(last_name="Diallo"))
        pages = pdf_pages(documents.attendance_sheet(long_session))
        assert len(pages) == 3
        assert ["DIALLO" in page for page in pages] == [True, True, True]
        assert ["02/03/2026" in pages[0], "06/03/2026" in pages[1], "10/03/2026" in pages[2]] == [True] * 3
        assert "06/03/2026" not in pages[0] and "02/03/2026" not in pages[1]

    def test_a_replaced_trainer_keeps_the_signatures_they_gave(self, session, trainer_user, staff_user):
        first = session.slots.order_by("starts_at").first()
        attendance.sign_half_day(slot_id=first.pk, signature=PNG, by=trainer_user)
        replacement = TrainerFactory(first_name="Nadia", last_name="Remplaçante")
        update_session(session_id=session.pk, capacity=session.capacity, min_participants=session.min_participants,
                       enrolment_deadline=timezone.localtime(session.starts_at).date(), venue_id=session.venue_id,
                       remote_url="",
                       trainer_ids=[replacement.pk], by=staff_user)
        text = " ".join(pdf_pages(documents.attendance_sheet(session)))
        assert "Nadia Remplaçante" in text and "Marc Formateur" in text
        assert TrainerSignature.objects.filter(slot=first).count() == 1


class TestAssessmentsPage:
    def test_one_refused_value_saves_no_one(self, session, trainer_user, client):
        first, second = EnrolmentFactory(session=session), EnrolmentFactory(session=session)
        client.force_login(trainer_user)
        response = client.post(reverse("formation:assessments", args=[session.pk]),
                               {f"result-{first.pk}-0": "acquired", f"result-{second.pk}-0": "bogus"}, follow=True)
        assert "Objectif ou résultat inconnu." in response.content.decode()
        assert not Assessment.objects.exists()
        assert not AuditEntry.objects.filter(action="formation.assessment.recorded").exists()


class TestAttendancePage:
    def test_a_post_with_no_mark_saves_nothing_and_says_so(self, session, trainer_user, client):
        EnrolmentFactory(session=session)
        slot = session.slots.order_by("starts_at").first()
        client.force_login(trainer_user)
        response = client.post(reverse("formation:attendance", args=[session.pk, slot.pk]), {}, follow=True)
        assert "Rien n’a été enregistré" in response.content.decode()
        assert not AuditEntry.objects.filter(action="formation.attendance.recorded").exists()


class TestFollowUpPage:
    @pytest.fixture
    def staff_client(self, client, staff_user):
        client.force_login(staff_user)
        return client

    @pytest.mark.parametrize("enrolment_id", ["abc", "", "²", "9" * 30])
    def test_a_malformed_trainee_id_is_404(self, session, staff_client, enrolment_id):
        response = staff_client.post(reverse("formation:follow_up", args=[session.pk]),
                                     {"enrolment": enrolment_id, "abandon": "1", "on": "2026-01-05", "reason": "x"})
        assert response.status_code == 404

    def test_an_abandonment_cannot_be_dated_in_the_future(self, session, staff_client, trainer_user):
        enrolment = EnrolmentFactory(session=session)
        for slot in session.slots.order_by("starts_at")[:2]:  # two absences in a row: the trainee is on the page
            attendance.record_attendance(slot_id=slot.pk, marks=[attendance.Mark(enrolment.pk, "absent")],
                                         by=trainer_user)
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        response = staff_client.post(reverse("formation:follow_up", args=[session.pk]), {
            "enrolment": enrolment.pk, "abandon": "1", "on": tomorrow.isoformat(), "reason": "Déménagement"})
        assert response.status_code == 200
        assert "La date ne peut pas être dans le futur." in response.content.decode()
        enrolment.refresh_from_db()
        assert (enrolment.status, enrolment.abandoned_on) == (Enrolment.Status.CONFIRMED, None)


def test_hours_are_exact_decimals_on_the_certificate_data(session, trainer_user, staff_user):
    enrolment = EnrolmentFactory(session=session)
    for slot, status in zip(session.slots.order_by("starts_at"), ["present", "present", "present", "absent"],
                            strict=True):
        attendance.record_attendance(slot_id=slot.pk, marks=[attendance.Mark(enrolment.pk, status)], by=trainer_user)
    Session.objects.filter(pk=session.pk).update(ends_at=timezone.now() - datetime.timedelta(hours=1))
    complete_session(session_id=session.pk, by=staff_user)
    enrolment.refresh_from_db()
    assert enrolment.attended_hours == Decimal("10.50")
    assert documents.available(enrolment) == ["convocation", "certificat", "attestation"]


def test_before_the_start_an_abandonment_is_refused_for_a_cancellation(staff_user):
    enrolment = EnrolmentFactory(session=SessionFactory(status=Session.Status.FULL, capacity=1))
    with pytest.raises(FormationError, match="annulez plutôt l’inscription"):
        attendance.record_abandonment(enrolment_id=enrolment.pk, on=timezone.localdate(), reason="Parti", by=staff_user)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.CONFIRMED


def test_a_cancelled_sessions_half_day_cannot_be_signed(session, trainer_user):
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CANCELLED, cancellation_reason="Formateur malade")
    with pytest.raises(FormationError, match="ne concerne que les sessions qui ont lieu"):
        attendance.sign_half_day(slot_id=session.slots.first().pk, signature=PNG, by=trainer_user)
    assert not TrainerSignature.objects.exists()


def test_any_trainee_still_attending_can_be_recorded_as_abandoned(session, client, staff_user):
    """Without two absences first: a trainee who phones on the first day to give up."""
    quitting = EnrolmentFactory(session=session, employee=EmployeeFactory(last_name="Départ"))
    client.force_login(staff_user)
    url = reverse("formation:follow_up", args=[session.pk])
    page = client.get(url).content.decode()
    assert f'<option value="{quitting.pk}">' in page and 'id="other-id_on"' not in page
    assert 'id="other-on"' in page
    client.post(url, {"enrolment": quitting.pk, "abandon": "1", "on": timezone.localdate().isoformat(),
                      "reason": "A trouvé un emploi"})
    quitting.refresh_from_db()
    assert (quitting.status, quitting.abandon_reason) == (Enrolment.Status.ABANDONED, "A trouvé un emploi")
    assert f'<option value="{quitting.pk}">' not in client.get(url).content.decode()


def test_before_the_start_no_one_is_offered_for_abandonment(client, staff_user):
    upcoming = EnrolmentFactory(session=SessionFactory(status=Session.Status.CONFIRMED))
    client.force_login(staff_user)
    page = client.get(reverse("formation:follow_up", args=[upcoming.session_id])).content.decode()
    assert f'<option value="{upcoming.pk}">' not in page
