"""Attendance per half-day on a phone, the trainer's signature, assessments and drop-out follow-up."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.fields import is_database_id
from formation.access import is_training_staff
from formation.attendance_forms import ATTENDANCE_CHOICES, RESULT_CHOICES, AbandonForm, ContactForm
from formation.exceptions import FormationError
from formation.hours import needing_follow_up
from formation.models import Assessment, Attendance, Enrolment, Session, TrainerSignature
from formation.services import attendance as services
from formation.services.attendance import MARKABLE, Mark, may_take_attendance, teaches


class AttendanceSessionMixin(LoginRequiredMixin):
    """The session in the URL, for its trainers and training staff only (404 for anyone else)."""

    @cached_property
    def session(self) -> Session:
        session = Session.objects.select_related("course").filter(pk=self.kwargs["pk"]).first()
        if session is None or not may_take_attendance(self.request.user, session):
            raise Http404
        return session

    def trainees(self):
        return list(self.session.enrolments.filter(status__in=MARKABLE).select_related("employee", "organisation")
                    .order_by("employee__last_name", "employee__first_name"))


class AttendanceView(AttendanceSessionMixin, TemplateView):
    template_name = "formation/attendance.html"

    @cached_property
    def slot(self):
        slot = self.session.slots.filter(pk=self.kwargs["slot"]).first()
        if slot is None:
            raise Http404
        return slot

    def get_context_data(self, **kwargs):
        marks = {a.enrolment_id: a for a in Attendance.objects.filter(slot=self.slot)}
        trainer = getattr(self.request.user, "trainer", None)
        return super().get_context_data(**kwargs) | {
            "session": self.session, "slot": self.slot, "slots": list(self.session.slots.all()),
            "rows": [(e, marks.get(e.pk)) for e in self.trainees()], "choices": ATTENDANCE_CHOICES,
            "may_sign": teaches(self.request.user, self.session),
            "trainer_signature": TrainerSignature.objects.filter(slot=self.slot, trainer=trainer).first() if trainer else None,
        }

    def post(self, request, pk, slot):
        try:
            if "trainer_signature" in request.POST:
                services.sign_half_day(slot_id=self.slot.pk, signature=request.POST["trainer_signature"], by=request.user)
                messages.success(request, _("Your signature is saved."))
            else:
                marks = [Mark(e.pk, request.POST.get(f"status-{e.pk}", ""), request.POST.get(f"signature-{e.pk}", ""))
                         for e in self.trainees() if request.POST.get(f"status-{e.pk}")]
                if not marks:
                    messages.info(request, _("Nothing was saved: choose present, absent or excused for a trainee."))
                    return redirect("formation:attendance", self.session.pk, self.slot.pk)
                services.record_attendance(slot_id=self.slot.pk, marks=marks, by=request.user)
                messages.success(request, _("Attendance saved for %(slot)s.") % {"slot": self.slot})
        except FormationError as error:
            messages.error(request, error.message)
        return redirect("formation:attendance", self.session.pk, self.slot.pk)


class AssessmentView(AttendanceSessionMixin, TemplateView):
    template_name = "formation/assessments.html"

    def get_context_data(self, **kwargs):
        trainees = self.trainees()
        results = {(a.enrolment_id, a.position): a.result for a in Assessment.objects.filter(enrolment__in=trainees)}
        objectives = list(enumerate(self.session.course.objectives))
        return super().get_context_data(**kwargs) | {
            "session": self.session, "objectives": objectives, "choices": RESULT_CHOICES,
            "rows": [(e, [(position, results.get((e.pk, position), "")) for position, _text in objectives]) for e in trainees],
        }

    def post(self, request, pk):
        try:
            with transaction.atomic():  # one refused value saves no trainee's results: the page is sent again whole
                for enrolment in self.trainees():
                    results = {}
                    for position, _text in enumerate(self.session.course.objectives):
                        value = request.POST.get(f"result-{enrolment.pk}-{position}")
                        if value:
                            results[position] = value
                    if results:
                        services.record_assessments(enrolment_id=enrolment.pk, results=results, by=request.user)
        except FormationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Assessments saved."))
        return redirect("formation:assessments", self.session.pk)


class FollowUpView(AttendanceSessionMixin, TemplateView):
    """Training staff follow the trainees absent two half-days in a row: contacts, abandonment."""

    template_name = "formation/follow_up.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_training_staff(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        flagged = needing_follow_up(self.session)
        everyone = self.trainees()
        trainees = [e for e in everyone if e.pk in flagged or e.status == Enrolment.Status.ABANDONED
                    or e.contacts.exists()]
        return super().get_context_data(**kwargs) | {
            "session": self.session, "flagged": flagged,
            "rows": [(e, list(e.contacts.all())) for e in trainees],
            # A trainee may give up without two absences first (a call on the first day): anyone still attending.
            "others": [e for e in everyone if e not in trainees and e.status == Enrolment.Status.CONFIRMED]
            if self.session.has_started else [],
            "other_abandon_form": AbandonForm(auto_id="other-%s"),  # its own ids: the rows' forms use the default
            "contact_form": kwargs.get("contact_form") or ContactForm(),
            "abandon_form": kwargs.get("abandon_form") or AbandonForm(),
        }

    def post(self, request, pk):
        enrolment_id = request.POST.get("enrolment", "")
        enrolment = self.session.enrolments.filter(pk=enrolment_id).first() if is_database_id(enrolment_id) else None
        if enrolment is None:
            raise Http404
        form_class = AbandonForm if "abandon" in request.POST else ContactForm
        form = form_class(request.POST)
        if not form.is_valid():
            key = "abandon_form" if form_class is AbandonForm else "contact_form"
            return self.render_to_response(self.get_context_data(**{key: form}))
        try:
            if form_class is AbandonForm:
                services.record_abandonment(enrolment_id=enrolment.pk, by=request.user, **form.cleaned_data)
                messages.success(request, _("The abandonment of %(name)s is recorded.") % {"name": enrolment.employee})
            else:
                services.log_contact(enrolment_id=enrolment.pk, by=request.user, **form.cleaned_data)
                messages.success(request, _("The contact is recorded."))
        except FormationError as error:
            messages.error(request, error.message)
        return redirect("formation:follow_up", self.session.pk)
