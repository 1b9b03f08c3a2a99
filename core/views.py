from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export.views import ExportMixin

from core.exports import SafeTableExport
from core.filters import AuditEntryFilter
from core.home import home_context
from core.models import AuditEntry
from core.pagination import ForgivingPaginator
from core.roles import Role
from core.tables import AuditEntryTable


class RoleRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Only the listed roles (and superusers) may open the view; others get 403."""

    allowed_roles: frozenset[str] = frozenset()

    def test_func(self) -> bool:
        user = self.request.user
        return user.is_superuser or user.role in self.allowed_roles


class FilteredTableView(ExportMixin, SingleTableMixin, FilterView):
    """The house list: a django-filter form, a django-tables2 table, CSV/XLSX export of the filtered rows."""

    per_page = 25
    export_formats = ("csv", "xlsx")
    export_class = SafeTableExport
    # A filter form with bad values shows an empty, corrected page rather than every row.
    strict = True

    def get_table_pagination(self, table):
        # The table paginates; ListView's own pagination (paginate_by) stays off to avoid a second count.
        return {"per_page": self.per_page, "paginator_class": ForgivingPaginator}


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | home_context(self.request.user)


class AuditLogView(RoleRequiredMixin, FilteredTableView):
    allowed_roles = frozenset({Role.ADMIN})
    model = AuditEntry
    table_class = AuditEntryTable
    filterset_class = AuditEntryFilter
    template_name = "core/audit_log.html"
    export_name = "journal-audit"
    per_page = 50

    def get_queryset(self):
        return AuditEntry.objects.select_related("actor")


class LogoutView(auth_views.LogoutView):
    """Logging out is a POST, as Django requires; the address typed or bookmarked (a GET) asks to confirm."""

    http_method_names = ["get", "post", "options"]

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return render(request, self.template_name)
        return render(request, "registration/logout_confirm.html")


@never_cache
def healthz(request) -> HttpResponse:
    """200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})
