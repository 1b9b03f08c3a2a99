import django_filters
from django.utils.translation import gettext_lazy as _

from core.declarations import ListFilterSet
from core.models import AuditEntry


class AuditEntryFilter(ListFilterSet):
    action = django_filters.CharFilter(label=_("Action"), lookup_expr="icontains", max_length=100)
    actor = django_filters.CharFilter(label=_("By"), field_name="actor__username", lookup_expr="icontains", max_length=150)
    object_repr = django_filters.CharFilter(label=_("Object"), lookup_expr="icontains", max_length=255)
    after = django_filters.DateFilter(label=_("From"), field_name="at", lookup_expr="date__gte")
    before = django_filters.DateFilter(label=_("Until"), field_name="at", lookup_expr="date__lte")

    class Meta:
        model = AuditEntry
        fields = ["action", "actor", "object_repr", "after", "before"]
