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
    rows = Employee.objects.filter(organisation_id=organisation_id, archived_at__isnull=True).order_by(
        "last_name", "first_name", "pk"
    ).values("last_name", "first_name", "population", "contract_type", "job_title", "email", "mobile")[:25]
    return HttpResponse(MINIMAL_TABLE.render({"rows": rows}))
