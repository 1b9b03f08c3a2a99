import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from adherents.models import (
    ContractType,
    Delegation,
    Employee,
    HeadcountBand,
    Organisation,
    OrganisationKind,
    Population,
)
from core.declarations import ListFilterSet


def search_words(queryset, fields: tuple[str, ...], value: str):
    """Every word must match one of the fields: 'martin sophie' finds Sophie Martin."""
    for word in value.split()[:8]:
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(condition)
    return queryset


class EmployeeFilter(ListFilterSet):
    form_is_fixed = True
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=200)
    population = django_filters.ChoiceFilter(label=_("Population"), choices=Population.choices)
    contract_type = django_filters.ChoiceFilter(label=_("Contract"), choices=ContractType.choices)

    class Meta:
        model = Employee
        fields = ["q", "population", "contract_type"]

    def search(self, queryset, name, value):
        return search_words(queryset, ("last_name", "first_name", "email", "job_title"), value)


class OrganisationFilter(ListFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=200)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=OrganisationKind.choices)
    delegation = django_filters.ModelChoiceFilter(label=_("Regional delegation"), queryset=Delegation.objects.all())
    headcount_band = django_filters.ChoiceFilter(label=_("Headcount"), choices=HeadcountBand.choices)

    class Meta:
        model = Organisation
        fields = ["q", "kind", "delegation", "headcount_band"]

    def search(self, queryset, name, value):
        compact = "".join(value.split())
        if compact.isdigit():
            return queryset.filter(siret__startswith=compact)
        return search_words(queryset, ("legal_name", "city", "economic_group"), value)
