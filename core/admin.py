from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.db.models.fields import BLANK_CHOICE_DASH
from django.forms import PasswordInput
from django.utils.translation import gettext_lazy as _

from core import audit
from core.models import AuditEntry, OutgoingEmail, User


def audited_changes(form) -> dict:
    """The fields a form changed, with their new values; a password typed in is never written down (the audit
    log is read by every administrator and exported)."""
    return {field: form.cleaned_data.get(field) for field in form.changed_data
            if not isinstance(form.fields[field].widget, PasswordInput)}


class AuditedAdmin(admin.ModelAdmin):
    """Every change made in the admin is written to the audit log, with the fields changed."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = audited_changes(form)
        action = "updated" if change else "created"
        audit.record(request.user, f"admin.{obj._meta.label_lower}.{action}", obj, changed)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            audit.record(request.user, f"admin.{obj._meta.label_lower}.created", obj)
        for obj, fields in formset.changed_objects:
            audit.record(request.user, f"admin.{obj._meta.label_lower}.updated", obj, {"fields": fields})
        for obj in formset.deleted_objects:
            audit.record(request.user, f"admin.{obj._meta.label_lower}.deleted", obj)

    def delete_model(self, request, obj):
        audit.record(request.user, f"admin.{obj._meta.label_lower}.deleted", obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit.record(request.user, f"admin.{obj._meta.label_lower}.deleted", obj)
        super().delete_queryset(request, queryset)


class UserAddForm(AdminUserCreationForm):
    """Whoever creates an account chooses its role: none is preselected (a member HR account left without its
    organisation would see nothing of its own)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [*BLANK_CHOICE_DASH, *self.fields["role"].choices]
        self.initial["role"] = None


@admin.register(User)
class CoraceUserAdmin(AuditedAdmin, UserAdmin):
    add_form = UserAddForm
    list_display = ("username", "email", "first_name", "last_name", "role", "is_active")
    list_filter = ("role", "is_active", "is_superuser")
    fieldsets = UserAdmin.fieldsets + ((_("Role"), {"fields": ("role",)}),)
    add_fieldsets = UserAdmin.add_fieldsets + ((_("Role"), {"fields": ("role", "email")}),)

    def user_change_password(self, request, id, form_url=""):
        """The admin's own password page saves without save_model: its success (a redirect) is audited here,
        without the password."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            audit.record(request.user, "admin.core.user.password_changed", self.get_object(request, id))
        return response


class ReadOnlyInline(admin.TabularInline):
    """Rows shown inside their parent's page (the `fields` listed), never added, changed or deleted there."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("action", "object_repr", "actor__username")
    date_hierarchy = "at"


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "key", "subject", "sent_at")
    list_filter = ("kind",)
    search_fields = ("subject", "key")

