import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from core.roles import Role
from formation import documents
from formation.exceptions import FormationError
from formation.hours import attended_hours, needing_follow_up
from formation.models import Attendance, Enrolment, Session
from formation.services import attendance, complete_session
from tests.factories import EmployeeFactory, UserFactory
from tests.formation.factories import EnrolmentFactory, SessionFactory, TrainerFactory
from tests.formation.helpers import PNG, pdf_text

pytestmark = pytest.mark.django_db


def mark(session, enrolment, statuses, by):
    for slot, status in zip(session.slots.order_by("starts_at"), statuses, strict=True):
        if status:
            attendance.record_attendance(slot_id=slot.pk, marks=[attendance.Mark(enrolment.pk, status)], by=by)


class TestHours:
    @pytest.mark.parametrize("statuses, hours", [
        (["present"] * 4, Decimal("14.00")),
        (["present", "absent", "present", "excused"], Decimal("7.00")),   # excused is not attended
        (["absent"] * 4, Decimal("0.00")),
        (["present", None, None, None], Decimal("3.50")),                  # unmarked half-days are not attended
    ])
    def test_hours_count_only_half_days_present(self, session, trainer_user, statuses, hours):
        enrolment = EnrolmentFactory(session=session)
        mark(session, enrolment, statuses, trainer_user)
        assert attended_hours(session)[enrolment.pk] == hours

    def test_completion_sets_hours_and_final_status(self, session, trainer_user, staff_user):
        came = EnrolmentFactory(session=session)
        never = EnrolmentFactory(session=session)
        mark(session, came, ["present", "present", "absent", "present"], trainer_user)
        mark(session, never, ["absent"] * 4, trainer_user)
        Session.objects.filter(pk=session.pk).update(ends_at=timezone.now() - datetime.timedelta(hours=1))
        complete_session(session_id=session.pk, by=staff_user)
        came.refresh_from_db()
        never.refresh_from_db()
        assert (came.status, came.attended_hours) == ("completed", Decimal("10.50"))
        assert (never.status, never.attended_hours, never.abandon_reason) == ("abandoned", Decimal("0.00"),
                                                                              "Absent(e) à toutes les demi-journées.")
        assert came.surveys.filter(kind="end").exists() and not never.surveys.exists()


class TestRecording:
    def test_a_later_edit_is_kept_in_the_audit_log(self, session, trainer_user):
        enrolment = EnrolmentFactory(session=session)
        slot = session.slots.first()
        attendance.record_attendance(slot_id=slot.pk, marks=[attendance.Mark(enrolment.pk, "present", PNG)], by=trainer_user)
        first = Attendance.objects.get()
        attendance.record_attendance(slot_id=slot.pk, marks=[attendance.Mark(enrolment.pk, "absent")], by=trainer_user)
        mark_now = Attendance.objects.get()
        assert (mark_now.status, mark_now.signature) == ("absent", "")
        last = AuditEntry.objects.filter(action="formation.attendance.recorded").first()
        # The signature cleared is kept in the trail, with when it was given.
        assert last.data["changes"] == [{"enrolment": enrolment.pk, "before": "present", "after": "absent",
                                         "signature_replaced": True, "previous_signature": {
                                             "signature": PNG, "signed_at": first.signed_at.isoformat()}}]

    def test_another_sessions_trainer_cannot_take_attendance(self, session):
        other = UserFactory(role=Role.TRAINER)
        TrainerFactory(user=other)
        enrolment = EnrolmentFactory(session=session)
        with pytest.raises(PermissionDenied):
            attendance.record_attendance(slot_id=session.slots.first().pk, marks=[attendance.Mark(enrolment.pk, "present")],
                                         by=other)
        assert not Attendance.objects.exists()

    def test_a_trainee_of_another_session_is_refused(self, session, trainer_user):
        stranger = EnrolmentFactory()
        with pytest.raises(FormationError):
            attendance.record_attendance(slot_id=session.slots.first().pk, marks=[attendance.Mark(stranger.pk, "present")],
                                         by=trainer_user)
        assert not Attendance.objects.exists()

    def test_a_forged_signature_is_refused(self, session, trainer_user):
        enrolment = EnrolmentFactory(session=session)
        with pytest.raises(FormationError):
            attendance.record_attendance(slot_id=session.slots.first().pk,
                                         marks=[attendance.Mark(enrolment.pk, "present", "javascript:alert(1)")], by=trainer_user)

    def test_two_absences_in_a_row_flag_a_follow_up(self, session, trainer_user):
        flagged, fine = EnrolmentFactory(session=session), EnrolmentFactory(session=session)
        mark(session, flagged, ["present", "absent", "absent", None], trainer_user)
        mark(session, fine, ["absent", "present", "absent", "excused"], trainer_user)
        assert needing_follow_up(session) == {flagged.pk}

    def test_abandonment_needs_a_reason_and_a_date(self, session, staff_user):
        enrolment = EnrolmentFactory(session=session)
        with pytest.raises(FormationError):
            attendance.record_abandonment(enrolment_id=enrolment.pk, on=timezone.localdate(), reason=" ", by=staff_user)
        attendance.record_abandonment(enrolment_id=enrolment.pk, on=timezone.localdate(), reason="A trouvé un CDI",
                                      by=staff_user)
        enrolment.refresh_from_db()
        assert (enrolment.status, enrolment.abandon_reason) == ("abandoned", "A trouvé un CDI")


class TestAttendancePage:
    def test_the_trainer_marks_and_signs_a_half_day(self, client, session, trainer_user):
        enrolment = EnrolmentFactory(session=session)
        slot = session.slots.first()
        client.force_login(trainer_user)
        url = reverse("formation:attendance", args=[session.pk, slot.pk])
        assert client.get(url).status_code == 200
        client.post(url, {f"status-{enrolment.pk}": "present", f"signature-{enrolment.pk}": PNG})
        client.post(url, {"trainer_signature": PNG})
        saved = Attendance.objects.get()
        assert (saved.status, saved.signature) == ("present", PNG) and saved.signed_at is not None
        assert slot.trainer_signatures.get().signature == PNG

    def test_member_hr_and_other_trainers_get_404(self, client, session, hr_user):
        slot = session.slots.first()
        url = reverse("formation:attendance", args=[session.pk, slot.pk])
        client.force_login(hr_user)
        assert client.get(url).status_code == 404
        other = UserFactory(role=Role.TRAINER)
        TrainerFactory(user=other)
        client.force_login(other)
        assert client.post(url, {}).status_code == 404

    def test_a_slot_of_another_session_is_404(self, client, session, trainer_user):
        client.force_login(trainer_user)
        other_slot = SessionFactory().slots.first()
        assert client.get(reverse("formation:attendance", args=[session.pk, other_slot.pk])).status_code == 404


class TestDocuments:
    @pytest.fixture
    def completed(self, session, trainer_user, staff_user, organisation):
        enrolment = EnrolmentFactory(session=session, employee=EmployeeFactory(organisation=organisation, first_name="Aminata",
                                                                               last_name="Diallo"))
        mark(session, enrolment, ["present", "present", "excused", "present"], trainer_user)
        attendance.record_assessments(enrolment_id=enrolment.pk, results={0: "acquired", 1: "in_progress"}, by=trainer_user)
        Session.objects.filter(pk=session.pk).update(ends_at=timezone.now() - datetime.timedelta(hours=1))
        complete_session(session_id=session.pk, by=staff_user)
        enrolment.refresh_from_db()
        return enrolment

    def test_certificate_states_the_hours_attended(self, completed):
        text = pdf_text(documents.certificate(completed))
        assert "Aminata Diallo" in text and "Sauveteur secouriste du travail" in text and "10,50 h sur 14 h prévues" in text
        assert completed.organisation.legal_name in text

    def test_a_mark_corrected_after_completion_reaches_the_certificate(self, completed, session, trainer_user):
        excused = session.slots.order_by("starts_at")[2]
        attendance.record_attendance(slot_id=excused.pk, marks=[attendance.Mark(completed.pk, "present", PNG)],
                                     by=trainer_user)
        completed.refresh_from_db()
        assert completed.attended_hours == Decimal("14.00")
        assert "14 h sur 14 h prévues" in pdf_text(documents.certificate(completed))
        entry = AuditEntry.objects.filter(action="formation.attendance.recorded").first()
        assert entry.data["hours"] == {str(completed.pk): "14.00"}

    def test_attestation_lists_each_objective_and_its_result(self, completed):
        text = pdf_text(documents.attestation(completed))
        assert "Identifier les étapes d'un parcours" in text and "Acquis" in text and "En cours d’acquisition" in text

    def test_attendance_sheet_has_the_trainer_and_every_trainee(self, completed, session):
        text = pdf_text(documents.attendance_sheet(session))
        assert "Sauveteur secouriste du travail" in text and "DIALLO Aminata" in text and "Marc Formateur" in text

    def test_convocation_has_every_half_day_and_the_address(self, session):
        enrolment = EnrolmentFactory(session=session)
        text = pdf_text(documents.convocation(enrolment))
        assert "17 rue Froment" in text and text.count("12:30") == 2 and "Sauveteur secouriste du travail" in text

    def test_each_document_only_for_those_entitled(self, client, completed, hr_user, other_hr_user, trainer_user):
        another_trainer = UserFactory(role=Role.TRAINER, username="autre-formateur")
        TrainerFactory(user=another_trainer)
        finance = UserFactory(role=Role.FINANCE, username="finance")
        entitled = ((hr_user, 200), (trainer_user, 200), (other_hr_user, 404), (another_trainer, 404), (finance, 404))
        for kind in ("convocation", "certificat", "attestation"):
            for user, status in entitled:
                client.force_login(user)
                response = client.get(reverse("formation:enrolment_document", args=[completed.pk, kind]))
                assert response.status_code == status, (kind, user.username)
        client.force_login(hr_user)
        assert client.get(reverse("formation:attendance_sheet", args=[completed.session_id])).status_code == 404
        assert client.get(reverse("formation:enrolment_document", args=[completed.pk, "nope"])).status_code == 404

    def test_no_certificate_before_the_session_is_over(self, client, session, hr_user, organisation):
        enrolment = EnrolmentFactory(session=session, employee=EmployeeFactory(organisation=organisation))
        client.force_login(hr_user)
        assert client.get(reverse("formation:enrolment_document", args=[enrolment.pk, "certificat"])).status_code == 404
        response = client.get(reverse("formation:enrolment_document", args=[enrolment.pk, "convocation"]))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert Enrolment.objects.get(pk=enrolment.pk).status == "confirmed"
