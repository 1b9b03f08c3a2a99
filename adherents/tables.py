import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from adherents.models import Employee, Organisation


class EmployeeTable(tables.Table):
    edit = tables.TemplateColumn(
        template_name="adherents/_employee_actions.html", verbose_name="", orderable=False, exclude_from_export=True
    )

    class Meta:
        model = Employee
        fields = ("last_name", "first_name", "population", "contract_type", "job_title", "email", "mobile")
        order_by = ("last_name", "first_name")

    def render_mobile(self, value: str) -> str:
        if value.startswith("+33") and len(value) == 12:
            digits = "0" + value[3:]
            return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
        return value

    def value_mobile(self, value: str) -> str:
        return value


class OrganisationTable(tables.Table):
    legal_name = tables.Column(linkify=True)
    siret = tables.Column()
    delegation = tables.Column(accessor="delegation__name", verbose_name=_("regional delegation"))

    class Meta:
        model = Organisation
        fields = ("legal_name", "kind", "siret", "delegation", "city", "headcount_band", "opco")
        order_by = ("legal_name",)

    def render_kind(self, record) -> str:
        return format_html('<span title="{}">{}</span>', record.get_kind_display(), record.kind.replace("_", " "))
