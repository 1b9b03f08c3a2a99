from html import escape

import django_tables2 as tables
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from adherents.models import Employee, Organisation, Population, full_name, mobile_for_display
from core.addresses import address_of
from core.declarations import ListTable


class EmployeeTable(ListTable):
    """Columns, sorting and export come from django-tables2; the rows of a page are drawn in
    Python by render_body, many times cheaper than rendering each cell through a column, from the
    page's fields read as dictionaries (page_fields: core/pagination.py)."""

    actions = tables.Column(verbose_name="", empty_values=(), orderable=False, exclude_from_export=True)

    class Meta:
        model = Employee
        fields = ("last_name", "first_name", "population", "contract_type", "job_title", "email", "mobile")
        order_by = ("last_name", "first_name")

    page_fields = (*Meta.fields, "pk")

    def __init__(self, *args, organisation_id: int, may_edit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id = organisation_id
        self.may_edit = may_edit
        if not may_edit:
            self.columns.hide("actions")

    def value_mobile(self, record) -> str:
        """Exported as shown ('06 12 34 56 78'): a spreadsheet keeps it as text, the import reads it back."""
        return record.mobile_display

    def render_body(self) -> SafeString:
        populations = {value: str(label) for value, label in Population.choices}
        # One address and one translation for the page rather than one per row.
        base = escape(address_of("adherents:employees", self.organisation_id))
        edit = escape(gettext("Edit"))
        rows = []
        for e in self.paginated_records():
            html = (f"<td>{escape(e['last_name'])}</td><td>{escape(e['first_name'])}</td>"
                    f"<td>{escape(populations[e['population']])}</td><td>{escape(e['contract_type'])}</td>"
                    f"<td>{escape(e['job_title'])}</td><td>{escape(e['email'])}</td>"
                    f"<td>{escape(mobile_for_display(e['mobile']))}</td>")
            if self.may_edit:
                html += (f'<td><a class="btn btn-sm btn-outline-secondary" href="{base}{e["pk"]}/modifier/">'
                         f"{edit}"
                         f'<span class="visually-hidden"> {escape(full_name(e["first_name"], e["last_name"]))}</span>'
                         "</a></td>")
            rows.append(f"<tr>{html}</tr>")
        return mark_safe("".join(rows))  # noqa: S308 -- every value above is escaped


class OrganisationTable(ListTable):
    legal_name = tables.Column(linkify=True)
    delegation = tables.Column(accessor="delegation__name", verbose_name=_("Regional delegation"))

    class Meta:
        model = Organisation
        fields = ("legal_name", "kind", "siret", "delegation", "city", "headcount_band", "opco")
        order_by = ("legal_name",)
