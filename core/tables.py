import json

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from core.audit_labels import action_label, model_name
from core.columns import DateTimeColumn
from core.declarations import ListTable
from core.models import AuditEntry

SHOWN_ON_PAGE = 2_000  # characters of an entry's data on the page
CELL_LIMIT = 32_767  # characters a spreadsheet keeps in a cell


class DataColumn(tables.JSONColumn):
    """An entry's data as readable JSON (accents kept), cut to fit the page and a spreadsheet cell: an import of
    thousands of employees lists them all in its entry."""

    def render(self, record, value):
        return format_html("<pre>{}</pre>", Truncator(json.dumps(value, indent=2, ensure_ascii=False)).chars(SHOWN_ON_PAGE))

    def value(self, record, value):
        return Truncator(json.dumps(value, ensure_ascii=False)).chars(CELL_LIMIT)


class AuditEntryTable(ListTable):
    at = DateTimeColumn(format="d/m/Y H:i:s", verbose_name=_("Date"))
    actor = tables.Column(verbose_name=_("By"), default="—")
    data = DataColumn(verbose_name=_("Data"), orderable=False)

    class Meta:
        model = AuditEntry
        fields = ("at", "actor", "action", "object_type", "object_repr", "data")

    def render_action(self, value):
        return format_html('{}<br><small class="text-body-secondary">{}</small>', action_label(value), value)

    def value_action(self, value):
        return action_label(value)

    def render_object_type(self, value):
        return model_name(value) if value else "—"

    def value_object_type(self, value):
        return model_name(value) if value else ""
