"""PDF downloads, each for those entitled only: member HR for their own employees, trainers for their
sessions, training staff for all. Anyone else gets 404, which tells nothing."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.utils.text import slugify
from django.views import View

from formation import documents
from formation.access import is_training_staff, may_read_documents
from formation.models import Enrolment, Session
from formation.services.attendance import teaches

BUILDERS = {"convocation": documents.convocation, "certificat": documents.certificate, "attestation": documents.attestation}


def pdf_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


class EnrolmentDocumentView(LoginRequiredMixin, View):
    def get(self, request, pk, kind):
        if kind not in BUILDERS:
            raise Http404
        enrolment = Enrolment.objects.select_related(
            "session__course", "session__venue", "employee", "organisation").filter(pk=pk).first()
        if enrolment is None or not may_read_documents(request.user, enrolment) or kind not in documents.available(enrolment):
            raise Http404
        name = f"{kind}-{slugify(enrolment.employee.last_name)}-{enrolment.session.course.code.lower()}"
        return pdf_response(BUILDERS[kind](enrolment), name)


class AttendanceSheetView(LoginRequiredMixin, View):
    """The session's attendance sheet: trainers of the session and training staff (it names every member's trainees)."""

    def get(self, request, pk):
        session = Session.objects.select_related("course", "venue").filter(pk=pk).first()
        if session is None or not (is_training_staff(request.user) or teaches(request.user, session)):
            raise Http404
        return pdf_response(documents.attendance_sheet(session), f"emargement-{session.course.code.lower()}-{session.pk}")
