from django.contrib import admin

from adherents.forms import EmployeeAdminForm, OrganisationAdminForm
from adherents.models import Delegation, Employee, Membership, MemberUser, Organisation
from core.admin import AuditedAdmin


@admin.register(Delegation)
class DelegationAdmin(AuditedAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    form = OrganisationAdminForm
    list_display = ("legal_name", "siret", "kind", "delegation", "headcount_band", "opco")
    list_filter = ("kind", "delegation", "headcount_band", "opco")
    search_fields = ("legal_name", "siret", "city", "economic_group")
    list_select_related = ("delegation",)
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ("organisation", "year", "status", "fee_paid")
    list_filter = ("year", "status", "fee_paid")
    search_fields = ("organisation__legal_name", "organisation__siret")
    autocomplete_fields = ("organisation",)
    list_select_related = ("organisation",)


@admin.register(Employee)
class EmployeeAdmin(AuditedAdmin):
    form = EmployeeAdminForm
    list_display = ("last_name", "first_name", "organisation", "population", "contract_type", "archived_at")
    list_filter = ("population", "contract_type", "organisation__delegation")
    search_fields = ("last_name", "first_name", "email", "organisation__legal_name")
    autocomplete_fields = ("organisation",)
    list_select_related = ("organisation",)
    show_full_result_count = False


@admin.register(MemberUser)
class MemberUserAdmin(AuditedAdmin):
    list_display = ("user", "organisation")
    list_filter = ("organisation__delegation",)
    search_fields = ("user__username", "organisation__legal_name")
    autocomplete_fields = ("organisation",)
