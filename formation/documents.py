"""PDF documents built from the data (WeasyPrint): nobody fills a document by hand.

Every document names the course with the same `course.title`, as funders check they match.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from formation.models import Attendance, Enrolment, Session, TrainerSignature

# Which documents exist for an enrolment, by its status: a convocation once the seat is confirmed,
# a certificate of the hours attended once the session is over, an attestation for those who completed it.
DOCUMENT_STATUSES = {
    "convocation": {Enrolment.Status.CONFIRMED, Enrolment.Status.COMPLETED},
    "certificat": {Enrolment.Status.COMPLETED, Enrolment.Status.ABANDONED},
    "attestation": {Enrolment.Status.COMPLETED},
}


def available(enrolment: Enrolment) -> list[str]:
    return [kind for kind, statuses in DOCUMENT_STATUSES.items() if enrolment.status in statuses]


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML  # imported late: loading Pango costs time that only PDF requests should pay

    html = render_to_string(template, context | {"body": settings.TRAINING_BODY, "today": timezone.localdate()})
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def convocation(enrolment: Enrolment) -> bytes:
    session = enrolment.session
    return render_pdf("formation/documents/convocation.html", {
        "enrolment": enrolment, "session": session, "course": session.course,
        "slots": list(session.slots.all()), "trainers": list(session.trainers.all()),
    })


@dataclass(frozen=True)
class SheetRow:
    enrolment: Enrolment
    cells: list  # one Attendance or None per slot


def attendance_sheet(session: Session) -> bytes:
    """One signature box per trainee per half-day, filled with the signatures that exist."""
    slots = list(session.slots.all())
    enrolments = list(session.enrolments.filter(status__in=[
        Enrolment.Status.CONFIRMED, Enrolment.Status.COMPLETED, Enrolment.Status.ABANDONED,
    ]).select_related("employee", "organisation").order_by("employee__last_name", "employee__first_name"))
    marks = {(a.enrolment_id, a.slot_id): a for a in Attendance.objects.filter(slot__in=slots)}
    signatures = {(s.slot_id, s.trainer_id): s for s in TrainerSignature.objects.filter(slot__in=slots)}
    trainers = list(session.trainers.all())
    return render_pdf("formation/documents/attendance_sheet.html", {
        "session": session, "course": session.course, "slots": slots, "trainers": trainers,
        "rows": [SheetRow(e, [marks.get((e.pk, slot.pk)) for slot in slots]) for e in enrolments],
        "trainer_rows": [(t, [signatures.get((slot.pk, t.pk)) for slot in slots]) for t in trainers],
    })


def certificate(enrolment: Enrolment) -> bytes:
    """Certificat de réalisation: the hours actually attended."""
    return render_pdf("formation/documents/certificate.html", {
        "enrolment": enrolment, "session": enrolment.session, "course": enrolment.session.course,
        "hours": enrolment.attended_hours or Decimal("0"),
    })


def attestation(enrolment: Enrolment) -> bytes:
    """Attestation de fin de formation: objectives, nature, duration and the result for each objective."""
    return render_pdf("formation/documents/attestation.html", {
        "enrolment": enrolment, "session": enrolment.session, "course": enrolment.session.course,
        "assessments": list(enrolment.assessments.all()), "hours": enrolment.attended_hours or Decimal("0"),
    })
