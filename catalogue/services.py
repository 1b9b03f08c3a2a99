"""Every change to the catalogue: one function per business action, each in the audit log."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from catalogue.access import may_edit_catalogue
from catalogue.models import Course
from core import audit

COURSE_FIELDS = (
    "code", "title", "objectives", "programme", "prerequisites", "audience", "duration_hours", "duration_days",
    "modality", "teaching_methods", "evaluation_method", "accessibility", "access_delay", "contact_name",
    "contact_email", "nsf_code", "certification_code", "member_price", "public_price", "intra_price_per_day",
)


def _require_editor(by) -> None:
    if not may_edit_catalogue(by):
        raise PermissionDenied


def _course_values(data: dict) -> dict:
    """The course's fields from cleaned form data, texts with the line endings they are stored with: browsers
    send a text area's lines ending in \\r\\n, which would otherwise count as a change of every text typed
    on more than one line."""
    return {field: data[field].replace("\r\n", "\n") if isinstance(data[field], str) else data[field]
            for field in COURSE_FIELDS}


def _snapshot(course: Course) -> dict:
    data = {field: getattr(course, field) for field in COURSE_FIELDS}
    data["themes"] = sorted(course.themes.values_list("slug", flat=True))
    data["published"] = course.published
    return data


@transaction.atomic
def create_course(*, data: dict, by) -> Course:
    """Add a course, unpublished, from data already cleaned by CourseForm (with its `themes`)."""
    _require_editor(by)
    course = Course(**_course_values(data))
    course.derive_fields()
    course.save()
    course.themes.set(data["themes"])
    audit.record(by, "catalogue.course.created", course, _snapshot(course))
    return course


@transaction.atomic
def update_course(*, course_id: int, data: dict, by) -> Course:
    """Change a course's public information; the audit log keeps the old and new values. A form saved
    unchanged writes nothing: the public "last updated" date and the order of the manage list stay."""
    _require_editor(by)
    course = Course.objects.select_for_update().get(pk=course_id)
    values = _course_values(data)
    after = values | {"themes": sorted(theme.slug for theme in data["themes"]), "published": course.published}
    diff = audit.changes(_snapshot(course), after)
    if not diff:
        return course
    for field, value in values.items():
        setattr(course, field, value)
    course.derive_fields()
    course.save()
    course.themes.set(data["themes"])
    audit.record(by, "catalogue.course.updated", course, diff)
    return course


@transaction.atomic
def duplicate_course(*, course_id: int, code: str, title: str, by) -> Course:
    """Copy a course under a new code and title, unpublished, to be adapted before publishing."""
    _require_editor(by)
    source = Course.objects.get(pk=course_id)
    course = Course(**{field: getattr(source, field) for field in COURSE_FIELDS} | {"code": code, "title": title})
    course.derive_fields()
    course.save()
    course.themes.set(source.themes.all())
    audit.record(by, "catalogue.course.duplicated", course, {"from": source.code} | _snapshot(course))
    return course


def _set_published(course_id: int, published: bool, by) -> Course:
    _require_editor(by)
    course = Course.objects.select_for_update().get(pk=course_id)
    if course.published != published:
        course.published = published
        course.save(update_fields=["published", "updated_at"])
        audit.record(by, f"catalogue.course.{'published' if published else 'unpublished'}", course)
    return course


@transaction.atomic
def publish_course(*, course_id: int, by) -> Course:
    """Show the course in the public catalogue."""
    return _set_published(course_id, True, by)


@transaction.atomic
def unpublish_course(*, course_id: int, by) -> Course:
    """Take the course out of the public catalogue; its page and history stay for training staff."""
    return _set_published(course_id, False, by)
