import django_filters
from django import forms
from django.db.models import Case, F, IntegerField, Q, When
from django.utils.translation import gettext_lazy as _

from adherents.filters import search_words
from adherents.models import OrganisationKind
from mutualisation.models import (
    Account,
    AccountKind,
    Contribution,
    Entry,
    FiscalYear,
    Reservation,
    RuleSet,
    TransactionCode,
)

DATE = {"type": "date"}


class AccountFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=200)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=AccountKind.choices)

    class Meta:
        model = Account
        fields = ["q", "kind"]

    def search(self, queryset, name, value):
        return search_words(queryset, ("name", "code", "aux_code"), value)


class DateRangeFilter(django_filters.FilterSet):
    after = django_filters.DateFilter(label=_("From"), field_name="date", lookup_expr="gte",
                                      widget=forms.DateInput(attrs=DATE))
    before = django_filters.DateFilter(label=_("Until"), field_name="date", lookup_expr="lte",
                                       widget=forms.DateInput(attrs=DATE))


class StatementFilter(DateRangeFilter):
    class Meta:
        model = Entry
        fields = ["after", "before"]


class EntryFilter(DateRangeFilter):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=200)
    fiscal_year = django_filters.ModelChoiceFilter(label=_("Fiscal year"), field_name="transaction__fiscal_year",
                                                   queryset=FiscalYear.objects.all())
    code = django_filters.ChoiceFilter(label=_("Why"), field_name="transaction__code", choices=TransactionCode.choices)
    kind = django_filters.ChoiceFilter(label=_("Account kind"), field_name="account__kind", choices=AccountKind.choices)

    class Meta:
        model = Entry
        fields = ["q", "fiscal_year", "code", "kind", "after", "before"]

    def search(self, queryset, name, value):
        words = value.split()
        if len(words) == 1 and words[0].lstrip("#").isdigit():
            return queryset.filter(Q(transaction__number=int(words[0].lstrip("#"))) | Q(account__code=words[0])
                                   | Q(account__aux_code=words[0]))
        return search_words(queryset, ("transaction__label", "account__name"), value)


class ContributionFilter(django_filters.FilterSet):
    STATUS = (("paid", _("paid")), ("partial", _("partly paid")), ("unpaid", _("unpaid")))

    year = django_filters.NumberFilter(label=_("Year"), min_value=2000, max_value=2100)
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=200)
    kind = django_filters.ChoiceFilter(label=_("Kind"), field_name="organisation__kind",
                                       choices=OrganisationKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=STATUS, method="by_status")

    class Meta:
        model = Contribution
        fields = ["year", "q", "kind", "status"]

    def search(self, queryset, name, value):
        compact = "".join(value.split())
        if compact.isdigit():
            return queryset.filter(organisation__siret__startswith=compact)
        return search_words(queryset, ("organisation__legal_name", "organisation__city"), value)

    def by_status(self, queryset, name, value):
        queryset = queryset.annotate(payment_status=Case(
            When(paid_cents__gte=F("amount_due_cents"), then=0), When(paid_cents__gt=0, then=1), default=2,
            output_field=IntegerField()))
        return queryset.filter(payment_status={"paid": 0, "partial": 1, "unpaid": 2}[value])


class ReservationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=200)
    fiscal_year = django_filters.ModelChoiceFilter(label=_("Fiscal year"), queryset=FiscalYear.objects.all())
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Reservation.Status.choices)

    class Meta:
        model = Reservation
        fields = ["q", "fiscal_year", "status"]

    def search(self, queryset, name, value):
        return search_words(queryset, ("label", "source__name"), value)


class RuleSetFilter(django_filters.FilterSet):
    class Meta:
        model = RuleSet  # no filter: the few rule sets are listed whole
        fields: list = []
