import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.models import AuditEntry
from core.pagination import CountInPageQuery


class AuditEntryTable(CountInPageQuery, tables.Table):
    at = tables.DateTimeColumn(format="d/m/Y H:i:s", verbose_name=_("at"))
    actor = tables.Column(verbose_name=_("by"), default="—")
    data = tables.JSONColumn(verbose_name=_("data"), orderable=False)

    class Meta:
        model = AuditEntry
        fields = ("at", "actor", "action", "object_type", "object_repr", "data")
