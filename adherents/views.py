from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from adherents import services
from adherents.access import may_edit_employees, may_see_employees, organisation_for
from adherents.employee_import import template_csv
from adherents.exceptions import ImportRejected
from adherents.filters import EmployeeFilter, OrganisationFilter
from adherents.forms import EmployeeForm, EmployeeImportForm
from adherents.models import Employee, Organisation
from adherents.tables import EmployeeTable, OrganisationTable
from core.roles import STAFF_ROLES
from core.views import FilteredTableView, RoleRequiredMixin


class OrganisationMixin(LoginRequiredMixin):
    """Resolves the organisation in the URL; another member's organisation answers 404."""

    edits_employees = False
    shows_employees = False

    @cached_property
    def organisation(self) -> Organisation:
        return organisation_for(self.request.user, self.kwargs["organisation_id"])

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.edits_employees and not may_edit_employees(request.user, self.organisation):
            raise PermissionDenied
        if self.shows_employees and not may_see_employees(request.user, self.organisation):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["organisation"] = self.organisation
        context["may_edit_employees"] = may_edit_employees(self.request.user, self.organisation)
        context["may_see_employees"] = may_see_employees(self.request.user, self.organisation)
        return context


class OrganisationListView(RoleRequiredMixin, FilteredTableView):
    allowed_roles = STAFF_ROLES
    model = Organisation
    table_class = OrganisationTable
    filterset_class = OrganisationFilter
    template_name = "adherents/organisation_list.html"
    export_name = "adherents"

    def get_queryset(self):
        return Organisation.objects.select_related("delegation")


class OrganisationDetailView(OrganisationMixin, TemplateView):
    template_name = "adherents/organisation_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context["memberships"] = self.organisation.memberships.all()[:5]
        context["in_good_standing"] = self.organisation.is_in_good_standing(today)
        context["employee_count"] = self.organisation.employees.active().count()
        context["insertion_count"] = self.organisation.employees.active().filter(population="insertion").count()
        context["today"] = today
        return context


class EmployeeListView(OrganisationMixin, FilteredTableView):
    shows_employees = True
    table_class = EmployeeTable
    filterset_class = EmployeeFilter
    template_name = "adherents/employee_list.html"

    def get_queryset(self):
        # Only the columns shown and exported: an adaptation need is read on the employee's own page, not listed.
        return Employee.objects.active(organisation_id=self.organisation.pk).only(*EmployeeTable.Meta.fields)

    def get_table_kwargs(self):
        return {
            "organisation_id": self.organisation.pk,
            "may_edit": may_edit_employees(self.request.user, self.organisation),
        }

    def get_export_filename(self, export_format):
        return f"salaries-{self.organisation.siren}-{timezone.localdate():%Y%m%d}.{export_format}"


class EmployeeFormMixin(OrganisationMixin):
    edits_employees = True
    form_class = EmployeeForm
    template_name = "adherents/employee_form.html"

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"organisation": self.organisation}


class EmployeeCreateView(EmployeeFormMixin, FormView):
    def form_valid(self, form):
        employee = services.create_employee(organisation=self.organisation, data=form.cleaned_data, by=self.request.user)
        messages.success(self.request, _("%(name)s was added.") % {"name": employee})
        return redirect("adherents:employees", self.organisation.pk)


class EmployeeUpdateView(EmployeeFormMixin, FormView):
    @cached_property
    def employee(self) -> Employee:
        return get_object_or_404(Employee.objects.active(), pk=self.kwargs["pk"], organisation=self.organisation)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": self.employee}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"employee": self.employee}

    def form_valid(self, form):
        services.update_employee(employee_id=self.employee.pk, data=form.cleaned_data, by=self.request.user)
        messages.success(self.request, _("The changes to %(name)s were saved.") % {"name": self.employee})
        return redirect("adherents:employees", self.organisation.pk)


class EmployeeArchiveView(OrganisationMixin, View):
    edits_employees = True
    http_method_names = ["post"]

    def post(self, request, organisation_id, pk):
        employee = Employee.objects.active().filter(pk=pk, organisation=self.organisation).first()
        if employee is None:
            raise Http404
        services.archive_employee(employee_id=employee.pk, by=request.user)
        messages.success(request, _("%(name)s was archived.") % {"name": employee})
        return redirect("adherents:employees", self.organisation.pk)


class EmployeeImportView(OrganisationMixin, FormView):
    edits_employees = True
    form_class = EmployeeImportForm
    template_name = "adherents/employee_import.html"

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        # One byte past the limit is enough for the parser to refuse an oversized file.
        raw = upload.read(settings.EMPLOYEE_IMPORT_MAX_BYTES + 1)
        try:
            employees = services.import_employees(
                organisation=self.organisation, raw=raw, filename=upload.name, by=self.request.user
            )
        except ImportRejected as rejected:
            return self.render_to_response(self.get_context_data(form=form, problems=rejected.problems))
        messages.success(
            self.request,
            ngettext("%(count)d employee was imported.", "%(count)d employees were imported.", len(employees))
            % {"count": len(employees)},
        )
        return redirect("adherents:employees", self.organisation.pk)


class EmployeeImportTemplateView(OrganisationMixin, View):
    def get(self, request, organisation_id):
        self.organisation  # noqa: B018 -- resolving it checks the user may see this organisation
        response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="modele-import-salaries.csv"'
        return response
