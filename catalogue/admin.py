from django.contrib import admin

from catalogue.models import Course, Theme
from core.admin import AuditedAdmin, ReadOnlyAdmin


@admin.register(Theme)
class ThemeAdmin(AuditedAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Course)
class CourseAdmin(ReadOnlyAdmin):
    """Read-only here: courses are created and edited in the application (Catalogue › Manage), through the services."""

    list_display = ("code", "title", "audience", "modality", "member_price", "public_price", "published", "updated_at")
    list_filter = ("published", "modality", "audience", "themes")
    search_fields = ("code", "title")
