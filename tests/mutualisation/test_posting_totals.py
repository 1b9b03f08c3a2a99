"""A posting with legs out of account order, or an account on both sides: every account gets its own debits and
credits, in the stored balances and in the funds check (L2)."""

import pytest

from mutualisation import services
from mutualisation.exceptions import InsufficientFunds
from mutualisation.models import Account, TransactionCode
from mutualisation.services import credit, debit
from tests.mutualisation.factories import AccountFactory


@pytest.mark.postgresql
@pytest.mark.django_db
def test_each_account_gets_its_own_debits_and_credits(fiscal_year, finance_user, today):
    first, second, third = (AccountFactory(may_not_go_negative=False) for _ in range(3))
    # Legs out of account order, an account on both sides, distinct totals per account.
    services.post_transaction(date=today, code=TransactionCode.TRANSFER, label="split",
                              legs=[credit(third, 700), debit(first, 500), credit(first, 30), debit(second, 230)],
                              idempotency_key="split-1", by=finance_user)
    totals = {account.pk: (account.debits_posted, account.credits_posted)
              for account in Account.objects.filter(pk__in=[first.pk, second.pk, third.pk])}
    assert totals == {first.pk: (500, 30), second.pk: (230, 0), third.pk: (0, 700)}


@pytest.mark.postgresql
@pytest.mark.django_db
def test_the_funds_check_names_the_account_that_would_go_below_zero(fiscal_year, finance_user, today):
    source = AccountFactory(may_not_go_negative=False)
    rich, poor = AccountFactory(), AccountFactory()  # flagged: their balance may not go below zero
    services.post_transaction(date=today, code=TransactionCode.TRANSFER, label="fund", legs=[
        debit(source, 1_000), credit(rich, 900), credit(poor, 100)], idempotency_key="fund-1", by=finance_user)
    # The poor account is asked 150 of its 100, the rich one 50 of its 900.
    with pytest.raises(InsufficientFunds) as refused:
        services.post_transaction(date=today, code=TransactionCode.TRANSFER, label="spend", legs=[
            debit(rich, 50), debit(poor, 150), credit(source, 200)], idempotency_key="spend-1", by=finance_user)
    assert poor.aux_code in str(refused.value) and rich.aux_code not in str(refused.value)
    services.post_transaction(date=today, code=TransactionCode.TRANSFER, label="spend", legs=[
        debit(rich, 150), debit(poor, 50), credit(source, 200)], idempotency_key="spend-2", by=finance_user)
    assert {account.pk: account.credits_posted - account.debits_posted
            for account in Account.objects.filter(pk__in=[rich.pk, poor.pk])} == {rich.pk: 750, poor.pk: 50}
