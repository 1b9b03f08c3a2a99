"""Bare views: the same rows as a real page, fetched with .values() into a minimal template."""

from django.http import HttpResponse
from django.template import engines

from adherents.models import Employee

MINIMAL_TABLE = engines["django"].from_string(
    "<table>{% for row in rows %}<tr><td>{{ row.last_name }}</td><td>{{ row.first_name }}</td>"
    "<td>{{ row.population }}</td><td>{{ row.contract_type }}</td><td>{{ row.job_title }}</td>"
    "<td>{{ row.email }}</td><td>{{ row.mobile }}</td></tr>{% endfor %}</table>"
)


def employee_values(request, organisation_id: int) -> HttpResponse:
    return HttpResponse(MINIMAL_TABLE.render({"rows": employee_rows(organisation_id)}))


def employee_values_for_member(request, organisation_id: int) -> HttpResponse:
    """The same rows, for the logged-in member of that organisation only (the page's access rule):
    what the login alone costs (session, user and organisation), with nothing else of the page."""
    from adherents.access import organisation_for

    organisation_for(request.user, organisation_id)
    return employee_values(request, organisation_id)


EMPTY_LAYOUT_PAGE = engines["django"].from_string('{% extends "base.html" %}{% block content %}{% endblock %}')


def empty_layout_page(request, organisation_id: int) -> HttpResponse:
    """The site's layout with nothing in it, for the logged-in member of that organisation: what every page of
    the site costs before its own content (the login, the access rule and the layout)."""
    from adherents.access import organisation_for

    organisation_for(request.user, organisation_id)
    return HttpResponse(EMPTY_LAYOUT_PAGE.render({}, request))


def employee_rows(organisation_id: int):
    return Employee.objects.filter(organisation_id=organisation_id, archived_at__isnull=True).order_by(
        "last_name", "first_name", "pk"
    ).values("last_name", "first_name", "population", "contract_type", "job_title", "email", "mobile")[:25]


COURSE_TABLE = engines["django"].from_string(
    "<table>{% for row in rows %}<tr><td>{{ row.code }}</td><td><a href=\"/catalogue/{{ row.slug }}/\">"
    "{{ row.title }}</a> {{ row.audience }}</td><td>{{ row.modality }}</td><td>{{ row.duration_hours }} h "
    "{{ row.duration_days }} j</td><td>{{ row.public_price }}</td><td>{{ row.member_price }}</td></tr>"
    "{% endfor %}</table>"
)


def course_values(request) -> HttpResponse:
    """The first 25 published courses the catalogue shows for ?modality= or ?q= (one word), by title or
    by ?sort=public_price."""
    from catalogue.models import Course

    rows = Course.objects.filter(published=True)
    if "modality" in request.GET:
        rows = rows.filter(modality=request.GET["modality"])
    if "q" in request.GET:
        rows = rows.filter(search_text__contains=request.GET["q"])
    rows = rows.order_by("public_price" if request.GET.get("sort") == "public_price" else "title", "pk").values(
        "code", "slug", "title", "audience", "modality", "duration_hours", "duration_days", "public_price", "member_price"
    )[:25]
    return HttpResponse(COURSE_TABLE.render({"rows": rows}))


def course_values_for_member(request) -> HttpResponse:
    """The same rows, after deciding which rates this visitor sees (the login and the membership status):
    what a member's catalogue page needs at least, with nothing else of the page."""
    from django.utils import timezone

    from catalogue.pricing import rates_for

    rates_for(request.user, on=timezone.localdate())
    return course_values(request)


# The three views below were appended by the sessions benchmarks' author and lost by mistake when the
# catalogue's view above was edited; they are rebuilt from their use in bench_enrolment.py and
# bench_calendar.py (see the catalogue helper's report).
SESSION_TABLE = engines["django"].from_string(
    "<table>{% for row in rows %}<tr><td>{{ row.starts_at }}</td><td>{{ row.ends_at }}</td>"
    "<td>{{ row.course__title }}</td><td>{{ row.kind }}</td><td>{{ row.venue__city }}</td>"
    "<td>{{ row.status }}</td><td>{{ row.capacity }}</td></tr>{% endfor %}</table>"
)


def insert_one(request) -> HttpResponse:
    """One INSERT in a transaction, then a redirect: the bare cost of a POST that creates a row."""
    from django.db import transaction
    from django.http import HttpResponseRedirect

    from core.models import AuditEntry

    with transaction.atomic():
        AuditEntry.objects.create(action="bench.insert", data={"n": request.POST.get("n", "")})
    return HttpResponseRedirect("/")


def session_values(request) -> HttpResponse:
    """The planning page's first 25 sessions to come, by start, fetched with .values() into a minimal template."""
    from django.utils import timezone

    from formation.models import Session

    rows = Session.objects.filter(ends_at__gte=timezone.now()).order_by("starts_at", "pk").values(
        "starts_at", "ends_at", "course__title", "kind", "venue__city", "status", "capacity"
    )[:25]
    return HttpResponse(SESSION_TABLE.render({"rows": rows}))


def calendar_values(request, course_id: int | None = None) -> HttpResponse:
    """The public feed's half-days (of one course when given), fetched with .values(), one text line each."""
    from formation.calendar import public_sessions
    from formation.models import Slot

    slots = Slot.objects.filter(session__in=public_sessions())
    if course_id is not None:
        slots = slots.filter(session__course_id=course_id)
    rows = slots.order_by("starts_at", "pk").values_list(
        "pk", "starts_at", "ends_at", "session__sequence", "session__status", "session__course__title",
        "session__venue__name", "session__venue__address", "session__venue__postal_code", "session__venue__city",
    )
    body = "\n".join(";".join(str(value) for value in row) for row in rows)
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")
