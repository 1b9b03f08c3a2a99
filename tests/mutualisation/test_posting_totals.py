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


BEYOND_32_BITS = 2**32 + 100  # 42,949,673.96 €: a 32-bit parameter would store it as 100 cents


@pytest.mark.postgresql
@pytest.mark.django_db
def test_amounts_beyond_32_bits_are_stored_exactly_by_every_verb(fiscal_year, finance_user, second_finance_user,
                                                                 preparer, today):
    source, flagged = AccountFactory(may_not_go_negative=False), AccountFactory()
    payee = AccountFactory(may_not_go_negative=False)
    services.post_transaction(date=today, code=TransactionCode.TRANSFER, label="fund", idempotency_key="fund-big",
                              legs=[debit(source, 5_000_000_000), credit(flagged, 5_000_000_000)], by=finance_user)
    people = {"by": finance_user, "prepared_by": preparer, "second_approver": second_finance_user}
    first = services.reserve(date=today, label="big", source_id=flagged.pk, destination_id=payee.pk,
                             amount=BEYOND_32_BITS, idempotency_key="big-1", **people)
    flagged.refresh_from_db()
    assert flagged.debits_pending == BEYOND_32_BITS
    # Only 5,000,000,000 - 4,294,967,396 cents are left: a second commitment of as much is refused.
    with pytest.raises(InsufficientFunds):
        services.reserve(date=today, label="again", source_id=flagged.pk, destination_id=payee.pk,
                         amount=BEYOND_32_BITS, idempotency_key="big-2", **people)
    settlement = services.settle(reservation_id=first.pk, amount=BEYOND_32_BITS - 1, date=today, by=finance_user)
    services.reverse_transaction(transaction_id=settlement.pk, date=today, reason="erreur", by=finance_user)
    flagged.refresh_from_db()
    assert (flagged.debits_posted, flagged.credits_posted, flagged.debits_pending) == (
        BEYOND_32_BITS - 1, 5_000_000_000 + BEYOND_32_BITS - 1, 0)
