import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.audit_labels import ACTIONS
from core.declarations import ListFilterSet
from core.models import AuditEntry


class AuditEntryFilter(ListFilterSet):
    form_is_fixed = True
    action = django_filters.CharFilter(label=_("Action"), method="search_action", max_length=100)
    actor = django_filters.CharFilter(label=_("By"), field_name="actor__username", lookup_expr="icontains", max_length=150)
    object_repr = django_filters.CharFilter(label=_("Object"), lookup_expr="icontains", max_length=255)
    after = django_filters.DateFilter(label=_("From"), field_name="at", lookup_expr="date__gte")
    before = django_filters.DateFilter(label=_("Until"), field_name="at", lookup_expr="date__lte")

    class Meta:
        model = AuditEntry
        fields = ["action", "actor", "object_repr", "after", "before"]

    def search_action(self, queryset, name, value):
        """The words the page shows ("Engagement") or the code the services write ("mutualisation.reservation")."""
        wanted = value.casefold()
        codes = [code for code, label in ACTIONS.items() if wanted in str(label).casefold()]
        return queryset.filter(Q(action__icontains=value) | Q(action__in=codes))
