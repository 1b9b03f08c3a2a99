from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from adherents.access import member_of, organisation_of
from adherents.models import Employee
from catalogue.pricing import Price, PriceBasis
from core.fields import is_database_id
from core.roles import Role
from core.views import FilteredTableView, RoleRequiredMixin
from formation import services
from formation.access import (
    document_scope,
    enrolment_scope,
    is_training_staff,
    may_cancel_enrolments,
    readable_sessions,
    visible_enrolments,
    visible_sessions,
)
from formation.exceptions import EnrolmentError, FormationError
from formation.filters import EnrolmentFilter, SessionFilter
from formation.forms import CancelSessionForm, ConfirmSessionForm, EnrolForm, SessionChangeForm, SessionForm, SlotForm
from formation.models import Enrolment, Session, Slot
from formation.services.attendance import may_take_attendance
from formation.services.enrolment import PriceChanged, SessionUnavailable, cancellation_refusal, enrolment_refusal
from formation.tables import EnrolmentTable, SessionTable

TRAINING_ROLES = frozenset({Role.TRAINING, Role.ADMIN})
TAKES_PLACE = (Session.Status.OPEN, Session.Status.FULL, Session.Status.CONFIRMED, Session.Status.COMPLETED)


class SessionListView(LoginRequiredMixin, FilteredTableView):
    """The planning: sessions by month or week, with fill rates; each role sees its own sessions."""

    table_class = SessionTable
    filterset_class = SessionFilter
    template_name = "formation/session_list.html"
    export_name = "sessions"

    def get_queryset(self):
        sessions = visible_sessions(self.request.user).select_related("course", "venue").prefetch_related("trainers")
        if not any(self.request.GET.get(key) for key in ("month", "week", "status")):
            sessions = sessions.filter(ends_at__gte=timezone.now())
        return sessions

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"may_plan": is_training_staff(self.request.user)}


class SessionMixin(LoginRequiredMixin):
    """The session in the URL, if this person may see it (404 otherwise)."""

    @cached_property
    def session(self) -> Session:
        session = readable_sessions(self.request.user).select_related("course", "venue", "organisation").filter(
            pk=self.kwargs["pk"]).first()
        if session is None:
            raise Http404
        return session


class SessionDetailView(SessionMixin, TemplateView):
    template_name = "formation/session_detail.html"

    def get_context_data(self, **kwargs):
        user, session = self.request.user, self.session
        enrolments = visible_enrolments(user, session).with_waiting_position().order_by("status", "enrolled_at", "pk")
        context = super().get_context_data(**kwargs) | {
            "session": session, "slots": list(session.slots.all()), "trainers": list(session.trainers.all()),
            # A member's page lists only their own enrolments: the documents' scope holds for every row shown.
            "enrolments": enrolments, "enrolment_scope": enrolment_scope(user, session),
            "document_scope": document_scope(user, session),
            "is_staff": is_training_staff(user),
            "may_cancel": may_cancel_enrolments(user) and cancellation_refusal(session, user) is None,
            "may_take_attendance": may_take_attendance(user, session) and session.status in TAKES_PLACE,
            "confirmed_count": session.enrolments.filter(
                status__in=[Enrolment.Status.CONFIRMED, Enrolment.Status.COMPLETED]).count(),
            "waitlisted_count": session.enrolments.waitlisted().count(),
            "cancel_form": CancelSessionForm(), "confirm_form": ConfirmSessionForm(),
        }
        member = member_of(user)
        if member is not None:
            organisation = member.organisation
            context["price"] = session.price_for(organisation, on=timezone.localdate())
            context["may_enrol"] = session.accepts_enrolment(timezone.localdate())
        return context


class SessionCreateView(RoleRequiredMixin, FormView):
    allowed_roles = TRAINING_ROLES
    form_class = SessionForm
    template_name = "formation/session_form.html"

    def get_initial(self):
        return {"course": self.request.GET.get("course", "")[:40]}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            session = services.create_session(
                course_id=data["course"].pk, kind=data["kind"], organisation_id=getattr(data["organisation"], "pk", None),
                start_date=data["start_date"], enrolment_deadline=data["enrolment_deadline"],
                venue_id=getattr(data["venue"], "pk", None), remote_url=data["remote_url"],
                trainer_ids=[trainer.pk for trainer in data["trainers"]], capacity=data["capacity"],
                min_participants=data["min_participants"], by=self.request.user,
            )
        except FormationError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The session was created as a draft: check its half-days, then open it."))
        return redirect(session)


class SessionActionView(RoleRequiredMixin, View):
    """POST-only lifecycle actions: open, confirm, cancel, complete."""

    allowed_roles = TRAINING_ROLES
    http_method_names = ["post"]
    done = {
        "open": gettext_lazy("The session is open for enrolment."),
        "confirm": gettext_lazy("The session is confirmed."),
        "cancel": gettext_lazy("The session is cancelled; everyone enrolled will be told."),
        "complete": gettext_lazy("The session is completed."),
    }

    def post(self, request, pk, action):
        if action not in self.done:
            raise Http404
        if not visible_sessions(request.user).filter(pk=pk).exists():
            raise Http404
        try:
            self.perform(action, pk, request)
        except FormationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, self.done[action])
        return redirect("formation:session", pk)

    def perform(self, action: str, pk: int, request) -> None:
        by = request.user
        if action == "open":
            services.open_session(session_id=pk, by=by)
        elif action == "confirm":
            form = ConfirmSessionForm(request.POST)
            form.is_valid()
            services.confirm_session(session_id=pk, by=by, despite_minimum=form.cleaned_data.get("despite_minimum", False))
        elif action == "cancel":
            services.cancel_session(session_id=pk, reason=request.POST.get("reason", "")[:1000], by=by)
        elif action == "complete":
            services.complete_session(session_id=pk, by=by)


class SessionUpdateView(RoleRequiredMixin, SessionMixin, FormView):
    allowed_roles = TRAINING_ROLES
    template_name = "formation/session_change.html"

    def get_form(self, form_class=None):
        return SessionChangeForm.for_session(self.session, self.request.POST if self.request.method == "POST" else None)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"session": self.session}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.update_session(
                session_id=self.session.pk, capacity=data["capacity"], min_participants=data["min_participants"],
                enrolment_deadline=data["enrolment_deadline"], venue_id=getattr(data["venue"], "pk", None),
                remote_url=data["remote_url"], trainer_ids=[t.pk for t in data["trainers"]], by=self.request.user,
            )
        except FormationError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The session was updated."))
        return redirect(self.session)


class SlotUpdateView(RoleRequiredMixin, SessionMixin, FormView):
    allowed_roles = TRAINING_ROLES
    form_class = SlotForm
    template_name = "formation/slot_form.html"

    @cached_property
    def slot(self) -> Slot:
        slot = self.session.slots.filter(pk=self.kwargs["slot"]).first()
        if slot is None:
            raise Http404
        return slot

    def get_initial(self):
        start, end = timezone.localtime(self.slot.starts_at), timezone.localtime(self.slot.ends_at)
        return {"day": start.date(), "starts": start.time(), "ends": end.time()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"session": self.session, "slot": self.slot}

    def form_valid(self, form):
        starts_at, ends_at = form.bounds()
        try:
            services.reschedule_slot(slot_id=self.slot.pk, starts_at=starts_at, ends_at=ends_at, by=self.request.user)
        except FormationError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The half-day was moved."))
        return redirect(self.session)


def previewed_price(data) -> Price | None:
    """The price per trainee and rate the preview showed (hidden fields): the service compares them with the
    price it computes, never charges them. None when the confirmation carries none; ValueError when they are
    not a price."""
    amount, basis = data.get("previewed_unit_price"), data.get("previewed_price_basis")
    if amount is None and basis is None:
        return None
    try:
        return Price(Decimal(amount), PriceBasis(basis))
    except (TypeError, ArithmeticError) as error:
        raise ValueError(f"not a price: {amount!r} {basis!r}") from error


class EnrolView(SessionMixin, FormView):
    """Member HR enrol their employees: choose, check the price and total, confirm."""

    form_class = EnrolForm
    template_name = "formation/enrol.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if request.method == "POST" and request.POST.get("step") == "confirm":
            return self.confirm(request)
        self.organisation = organisation_of(request.user)
        return super().dispatch(request, *args, **kwargs)

    def confirm(self, request):
        """The final POST goes straight to the service, which checks everything (and prices) itself, and
        refuses what this member may not see: such a session is answered 404, as on every other page.
        A price other than the one previewed shows the preview again, with the new price."""
        ids = request.POST.getlist("employees")
        session_id = self.kwargs["pk"]
        try:
            expected_price = previewed_price(request.POST)
        except ValueError:
            return self.preview_again(request)
        try:
            if not ids or not all(is_database_id(value) for value in ids):
                raise EnrolmentError(_("Choose at least one employee."))
            enrolments = services.enrol_employees(session_id=session_id, employee_ids=[int(v) for v in ids],
                                                  by=request.user, expected_price=expected_price)
        except Session.DoesNotExist:
            raise Http404 from None
        except PriceChanged as error:
            messages.error(request, error.message)
            return self.preview_again(request)
        except FormationError as error:
            return self.refused(error)
        waiting = sum(e.status == Enrolment.Status.WAITLISTED for e in enrolments)
        messages.success(request, ngettext(
            "%(count)d employee enrolled.", "%(count)d employees enrolled.", len(enrolments)) % {"count": len(enrolments)}
            + (" " + ngettext("%(count)d is on the waiting list.", "%(count)d are on the waiting list.", waiting)
               % {"count": waiting} if waiting else ""))
        return redirect("formation:enrolments")

    def preview_again(self, request):
        """The preview of the employees posted, with today's price (as the preview step would show it)."""
        self.organisation = organisation_of(request.user)
        return self.post(request)

    def refused(self, error: FormationError):
        if isinstance(error, SessionUnavailable) and error.hidden:
            raise Http404 from None
        messages.error(self.request, error.message)
        return redirect("formation:enrol", self.kwargs["pk"])

    def candidates(self):
        enrolled = self.session.enrolments.live().values("employee")
        return Employee.objects.active().filter(organisation=self.organisation).exclude(pk__in=enrolled)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"employees": self.candidates()}

    def get_context_data(self, **kwargs):
        price = self.session.price_for(self.organisation, on=timezone.localdate())
        free = self.session.capacity - self.session.enrolments.confirmed().count()
        return super().get_context_data(**kwargs) | {
            "session": self.session, "price": price, "free": max(free, 0),
            "open": self.session.accepts_enrolment(timezone.localdate()),
        }

    def form_valid(self, form):
        """The preview: the chosen employees, the price per trainee and the total, to confirm. A session that
        takes no enrolment shows no price to confirm: the refusal the final step would give."""
        refusal = enrolment_refusal(self.session, self.organisation.pk, timezone.localdate())
        if refusal:
            return self.refused(refusal)
        employees = list(form.cleaned_data["employees"])
        context = self.get_context_data(form=form, chosen=employees)
        context["total"] = context["price"].amount * len(employees)
        return self.render_to_response(context, template_name="formation/enrol_confirm.html")

    def render_to_response(self, context, template_name=None, **kwargs):
        if template_name:
            return self.response_class(request=self.request, template=[template_name], context=context, **kwargs)
        return super().render_to_response(context, **kwargs)


class EnrolmentListView(LoginRequiredMixin, FilteredTableView):
    """A member's enrolments, filtered and exportable."""

    table_class = EnrolmentTable
    filterset_class = EnrolmentFilter
    template_name = "formation/enrolment_list.html"

    def get_queryset(self):
        organisation = organisation_of(self.request.user)
        return Enrolment.objects.filter(organisation=organisation).select_related(
            "employee", "session__course").with_waiting_position()

    def get_export_filename(self, export_format):
        return f"inscriptions-{timezone.localdate():%Y%m%d}.{export_format}"


class EnrolmentCancelView(LoginRequiredMixin, TemplateView):
    """Asks before cancelling; the POST cancels (free before the deadline, marked late after)."""

    template_name = "formation/enrolment_cancel.html"

    @cached_property
    def enrolment(self) -> Enrolment:
        enrolment = Enrolment.objects.select_related("session__course", "employee").filter(pk=self.kwargs["pk"]).first()
        member = getattr(self.request.user, "member", None)
        allowed = is_training_staff(self.request.user) or (
            member is not None and enrolment is not None and enrolment.organisation_id == member.organisation_id)
        if enrolment is None or not allowed:
            raise Http404
        return enrolment

    def get_context_data(self, **kwargs):
        session = self.enrolment.session
        return super().get_context_data(**kwargs) | {
            "enrolment": self.enrolment, "late": timezone.localdate() > session.enrolment_deadline,
            "refusal": cancellation_refusal(session, self.request.user),
        }

    def post(self, request, pk):
        try:
            services.cancel_enrolment(enrolment_id=self.enrolment.pk, by=request.user)
        except FormationError as error:
            messages.error(request, error.message)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("The enrolment of %(name)s is cancelled.") % {"name": self.enrolment.employee})
        if is_training_staff(request.user):
            return redirect("formation:session", self.enrolment.session_id)
        return redirect("formation:enrolments")
