"""PDF documents built from the data (WeasyPrint): nobody fills a document by hand.

Every document names the course with the same `course.title`, as funders check they match.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from formation.models import Attendance, Enrolment, Session, TrainerSignature
from formation.signatures import pdf_url_fetcher

# Which documents exist for an enrolment, by its status: a convocation once the seat is confirmed,
# a certificate of the hours attended once the session is over, an attestation for those who completed it.
DOCUMENT_STATUSES = {
    "convocation": {Enrolment.Status.CONFIRMED, Enrolment.Status.COMPLETED},
    "certificat": {Enrolment.Status.COMPLETED, Enrolment.Status.ABANDONED},
    "attestation": {Enrolment.Status.COMPLETED},
}
# The hours attended are counted when the session is completed: a trainee who gives up mid-session gets their
# certificate then, not a certificate of 0 hours the day they leave.
ONCE_THE_SESSION_IS_COMPLETED = {"certificat", "attestation"}


def available(enrolment: Enrolment) -> list[str]:
    completed = enrolment.session.status == Session.Status.COMPLETED
    return [kind for kind, statuses in DOCUMENT_STATUSES.items()
            if enrolment.status in statuses and (completed or kind not in ONCE_THE_SESSION_IS_COMPLETED)]


def render_pdf(template: str, context: dict) -> bytes:
    """The document as PDF; it loads only data: URLs (the signatures) and static files, never another address."""
    from weasyprint import HTML  # imported late: loading Pango costs time that only PDF requests should pay

    html = render_to_string(template, context | {"body": settings.TRAINING_BODY, "today": timezone.localdate()})
    return HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=pdf_url_fetcher()).write_pdf()


def convocation(enrolment: Enrolment) -> bytes:
    session = enrolment.session
    return render_pdf("formation/documents/convocation.html", {
        "enrolment": enrolment, "session": session, "course": session.course,
        "slots": list(session.slots.all()), "trainers": list(session.trainers.all()),
    })


# Half-days on one page of the attendance sheet (A4 landscape): more would push boxes off the paper.
HALF_DAYS_PER_PAGE = 8


@dataclass(frozen=True)
class SheetRow:
    enrolment: Enrolment
    cells: list  # one Attendance or None per half-day of the page


@dataclass(frozen=True)
class SheetPage:
    slots: list
    rows: list[SheetRow]
    trainer_rows: list  # (trainer, one TrainerSignature or None per half-day of the page)


def attendance_sheet(session: Session) -> bytes:
    """One signature box per trainee per half-day, filled with the signatures that exist, HALF_DAYS_PER_PAGE
    half-days a page. A trainer who signed half-days and was then replaced keeps a row with their signatures."""
    slots = list(session.slots.all())
    enrolments = list(session.enrolments.filter(status__in=[
        Enrolment.Status.CONFIRMED, Enrolment.Status.COMPLETED, Enrolment.Status.ABANDONED,
    ]).select_related("employee", "organisation").order_by("employee__last_name", "employee__first_name"))
    marks = {(a.enrolment_id, a.slot_id): a for a in Attendance.objects.filter(slot__in=slots)}
    signed = TrainerSignature.objects.filter(slot__in=slots).select_related("trainer")
    signatures = {(s.slot_id, s.trainer_id): s for s in signed}
    trainers = list(session.trainers.all())
    trainers += sorted({s.trainer for s in signatures.values()} - set(trainers), key=str)
    pages = [slots[start:start + HALF_DAYS_PER_PAGE] for start in range(0, len(slots), HALF_DAYS_PER_PAGE)] or [[]]
    return render_pdf("formation/documents/attendance_sheet.html", {
        "session": session, "course": session.course, "trainers": trainers,
        "pages": [SheetPage(
            slots=page,
            rows=[SheetRow(e, [marks.get((e.pk, slot.pk)) for slot in page]) for e in enrolments],
            trainer_rows=[(t, [signatures.get((slot.pk, t.pk)) for slot in page]) for t in trainers],
        ) for page in pages],
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
