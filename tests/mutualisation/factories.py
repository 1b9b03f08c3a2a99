import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from mutualisation.models import Account, AccountKind, Contribution, FiscalYear, RuleSet
from tests.factories import OrganisationFactory, UserFactory


class FiscalYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FiscalYear
        django_get_or_create = ("year",)

    year = factory.LazyFunction(lambda: timezone.localdate().year)
    start = factory.LazyAttribute(lambda fiscal_year: datetime.date(fiscal_year.year, 1, 1))
    end = factory.LazyAttribute(lambda fiscal_year: datetime.date(fiscal_year.year, 12, 31))


class AccountFactory(factory.django.DjangoModelFactory):
    """An envelope by default (credit-normal, may not go negative)."""

    class Meta:
        model = Account

    code = "467300"
    aux_code = factory.Sequence(lambda n: f"T{n:04d}")
    name = factory.Sequence(lambda n: f"Enveloppe test {n}")
    kind = AccountKind.ENVELOPE
    may_not_go_negative = True


class RuleSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RuleSet
        django_get_or_create = ("valid_from",)

    valid_from = datetime.date(2000, 1, 1)
    rate_etti_percent = Decimal("0.8")
    rate_other_percent = Decimal("0.6")
    drawing_right_ratio = Decimal("1")
    drawing_right_floor_cents = 200_000
    two_approvers_above_cents = 1_000_000
    created_by = factory.SubFactory(UserFactory, username="regles")


class ContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contribution

    organisation = factory.SubFactory(OrganisationFactory)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    payroll_base_cents = 50_000_000
    rate_percent = Decimal("0.6")
    amount_due_cents = 300_000
    ruleset = factory.SubFactory(RuleSetFactory)
    called_at = factory.LazyFunction(timezone.now)
    called_by = factory.SubFactory(UserFactory, username="appel")
