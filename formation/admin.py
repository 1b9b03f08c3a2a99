"""Training in the Django admin. Venues and trainers are kept here (no page of the application edits them);
sessions, enrolments and what hangs from them are only looked at: they change through the training staff's
pages and their services, which keep the capacity, the waiting list and the documents right."""

from django.contrib import admin
from django.db import models

from core.admin import AuditedAdmin, ReadOnlyAdmin, ReadOnlyInline
from formation.models import (
    Assessment,
    Attendance,
    ContactAttempt,
    Enrolment,
    OrganisationCalendar,
    Session,
    Slot,
    SurveyInvitation,
    Trainer,
    TrainerSignature,
    Venue,
)
from formation.services import places

EMPLOYEE_SEARCH = ("enrolment__employee__last_name", "enrolment__employee__first_name",
                   "enrolment__session__course__title")
ENROLMENT_SHOWN = ("enrolment__employee", "enrolment__session__course")  # what a row names of its enrolment


@admin.register(Venue)
class VenueAdmin(AuditedAdmin):
    list_display = ("name", "city", "postal_code", "delegation")
    list_filter = ("delegation",)
    search_fields = ("name", "city", "postal_code", "address")
    list_select_related = ("delegation",)

    def save_model(self, request, obj, form, change):
        """Saved and audited as any admin change; then the sessions there tell calendars of a new address."""
        super().save_model(request, obj, form, change)
        if change:
            places.venue_edited(venue=obj, fields=form.changed_data, by=request.user)


@admin.register(Trainer)
class TrainerAdmin(AuditedAdmin):
    list_display = ("last_name", "first_name", "email", "external", "user")
    list_filter = ("external",)
    search_fields = ("last_name", "first_name", "email", "user__username")
    autocomplete_fields = ("user",)
    readonly_fields = ("calendar_token",)
    list_select_related = ("user",)

    def save_model(self, request, obj, form, change):
        """Saved and audited as any admin change; then the trainer's sessions tell calendars of a new name."""
        super().save_model(request, obj, form, change)
        if change:
            places.trainer_edited(trainer=obj, fields=form.changed_data, by=request.user)


class SlotInline(ReadOnlyInline):
    model = Slot
    fields = ("starts_at", "ends_at")


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ("course", "kind", "status", "starts_at", "venue", "capacity")
    list_filter = ("status", "kind", "venue__delegation")
    search_fields = ("course__title", "course__code", "venue__city", "organisation__legal_name")
    date_hierarchy = "starts_at"
    list_select_related = ("course", "venue")
    inlines = [SlotInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # as the application's own session forms


@admin.register(Slot)
class SlotAdmin(ReadOnlyAdmin):
    list_display = ("session", "starts_at", "ends_at")
    list_filter = ("session__status",)
    search_fields = ("session__course__title",)
    date_hierarchy = "starts_at"
    list_select_related = ("session__course",)


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    list_display = ("employee", "organisation", "session", "status", "price_basis", "unit_price", "enrolled_at")
    list_filter = ("status", "price_basis", "cancelled_late")
    search_fields = ("employee__last_name", "employee__first_name", "organisation__legal_name", "session__course__title")
    list_select_related = ("employee", "organisation", "session__course")
    show_full_result_count = False


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    list_display = ("enrolment", "slot", "status", "signed_at", "recorded_by")
    list_filter = ("status",)
    search_fields = EMPLOYEE_SEARCH
    exclude = ("signature",)
    list_select_related = (*ENROLMENT_SHOWN, "slot", "recorded_by")
    show_full_result_count = False


@admin.register(TrainerSignature)
class TrainerSignatureAdmin(ReadOnlyAdmin):
    list_display = ("slot", "trainer", "signed_at")
    list_filter = ("trainer__external",)
    search_fields = ("trainer__last_name", "trainer__first_name", "slot__session__course__title")
    exclude = ("signature",)
    list_select_related = ("slot__session__course", "trainer")


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ("enrolment", "position", "objective", "result")
    list_filter = ("result",)
    search_fields = (*EMPLOYEE_SEARCH, "objective")
    list_select_related = ENROLMENT_SHOWN


@admin.register(ContactAttempt)
class ContactAttemptAdmin(ReadOnlyAdmin):
    list_display = ("enrolment", "on", "channel", "by")
    list_filter = ("channel",)
    search_fields = (*EMPLOYEE_SEARCH, "note")
    list_select_related = (*ENROLMENT_SHOWN, "by")


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(ReadOnlyAdmin):
    list_display = ("enrolment", "kind", "created_at", "expires_at", "answered_at", "overall")
    list_filter = ("kind",)
    search_fields = EMPLOYEE_SEARCH
    exclude = ("token",)
    list_select_related = ENROLMENT_SHOWN


@admin.register(OrganisationCalendar)
class OrganisationCalendarAdmin(ReadOnlyAdmin):
    list_display = ("organisation",)
    list_filter = ("organisation__delegation",)
    search_fields = ("organisation__legal_name", "organisation__siret")
    exclude = ("token",)
    list_select_related = ("organisation",)
