"""The dashboard's figures: flows of the year, and the money held, as the ledger's stored balances say."""

import datetime

import pytest

from mutualisation import services
from mutualisation.models import Account, AccountKind
from mutualisation.reports import year_figures
from tests.mutualisation.factories import FiscalYearFactory

pytestmark = pytest.mark.django_db


def test_in_january_before_the_closing_the_new_year_shows_the_money_held(funded, bank, finance_user, today,
                                                                         fiscal_year):
    funded(1_000_000)
    envelope = services.envelope_account(code="bretagne", name="Bretagne")
    services.fund_envelope(envelope_id=envelope.pk, amount=400_000, date=today, idempotency_key="env", by=finance_user)
    next_year = FiscalYearFactory(year=today.year + 1)
    services.record_grant(amount=100, date=datetime.date(next_year.year, 1, 5), label="OPCO", idempotency_key="g2",
                          by=finance_user)

    figures = year_figures(next_year)
    bank.refresh_from_db()
    pool = Account.objects.get(kind=AccountKind.FUND_AVAILABLE)
    assert figures.bank == bank.balance == 1_000_100
    assert figures.pool.balance == pool.balance == 600_100
    assert [line.balance for line in figures.envelopes] == [400_000]
    assert figures.grants == 100  # the flows stay the year's own

    this_year = year_figures(fiscal_year)
    assert (this_year.bank, this_year.grants, this_year.pool.balance) == (1_000_000, 1_000_000, 600_000)
