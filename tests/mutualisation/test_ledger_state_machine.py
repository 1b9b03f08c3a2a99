"""Stateful property test: random sequences of post, reserve, settle, void, reverse and close, run
against the real services and against a pure-Python model of the books; after every step the stored
balances equal the model's and verify_ledger finds nothing (L1–L9)."""

import datetime
import os
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule, run_state_machine_as_test

from mutualisation import services
from mutualisation.exceptions import IdempotencyConflict, InsufficientFunds, LedgerError
from mutualisation.models import Account, AccountKind, FiscalYear, Reservation
from mutualisation.services import Leg
from mutualisation.verification import verify_ledger
from tests.mutualisation.factories import AccountFactory, FiscalYearFactory

IN_CI = os.environ.get("CI") == "true"
FIRST_YEAR = 2010  # years long ended: a year is closed only after its last day
amounts = st.one_of(st.integers(1, 5_000), st.sampled_from([1, 2_500, 10_000]))


@dataclass
class ModelAccount:
    """An account as the model sees it: its four totals and the rule of its flag."""

    debit_normal: bool
    flagged: bool
    totals: list[int] = field(default_factory=lambda: [0, 0, 0, 0])  # debits, credits, pending debits, pending credits

    def fits(self, totals: list[int]) -> bool:
        debits, credits, debits_pending, credits_pending = totals
        if not self.flagged:
            return True
        if self.debit_normal:
            return debits - credits - credits_pending >= 0
        return credits - debits - debits_pending >= 0


@dataclass
class ModelReservation:
    pk: int
    source: int
    destination: int
    amount: int
    status: str = "open"
    settled: tuple[int, int, datetime.date] | None = None  # (settled amount, settlement pk, its date)


class Books(RuleBasedStateMachine):
    """The ledger and its model side by side; each example runs in a savepoint rolled back at the end."""

    user = preparer = None

    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.year = FIRST_YEAR
        FiscalYearFactory(year=FIRST_YEAR)
        self.accounts: dict[int, ModelAccount] = {}
        self.reservations: dict[int, ModelReservation] = {}
        self.transactions: dict[int, tuple[list[Leg], bool]] = {}  # pk → (legs, reversible)
        self.reversed: dict[int, tuple[int, datetime.date]] = {}  # original pk → (reversal pk, its date)
        self.keys: dict[str, tuple[int, list[Leg], datetime.date]] = {}
        self.counter = 0

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    @initialize()
    def open_accounts(self):
        specs = [(AccountKind.ENVELOPE, False), (AccountKind.ENVELOPE, True), (AccountKind.ENVELOPE, True),
                 (AccountKind.BANK, True)]
        for kind, flagged in specs:
            account = AccountFactory(kind=kind, may_not_go_negative=flagged)
            self.accounts[account.pk] = ModelAccount(debit_normal=kind == AccountKind.BANK, flagged=flagged)
        # Closing a year carries open commitments through this account.
        commitments = services.fund_account(AccountKind.COMMITMENTS)
        self.accounts[commitments.pk] = ModelAccount(debit_normal=False, flagged=True)

    @property
    def day(self) -> datetime.date:
        return datetime.date(self.year, 6, 15)

    def next_key(self) -> str:
        self.counter += 1
        return f"op-{self.counter}"

    def apply(self, changes: dict[int, list[int]]) -> bool:
        """Apply total changes to the model if every flagged account stays within its rule."""
        proposed = {pk: [a + b for a, b in zip(self.accounts[pk].totals, delta, strict=True)]
                    for pk, delta in changes.items()}
        if not all(self.accounts[pk].fits(totals) for pk, totals in proposed.items()):
            return False
        for pk, totals in proposed.items():
            self.accounts[pk].totals = totals
        return True

    @staticmethod
    def posting_changes(legs: list[Leg], changes=None) -> dict[int, list[int]]:
        changes = changes if changes is not None else {}
        for leg in legs:
            delta = changes.setdefault(leg.account_id, [0, 0, 0, 0])
            delta[0 if leg.amount > 0 else 1] += abs(leg.amount)
        return changes

    def account_pks(self):
        return st.sampled_from(sorted(self.accounts))

    @rule(data=st.data(), cents=amounts)
    def post(self, data, cents):
        debit_pk = data.draw(self.account_pks())
        credit_pk = data.draw(self.account_pks().filter(lambda pk: pk != debit_pk))
        legs = [Leg(debit_pk, cents), Leg(credit_pk, -cents)]
        key = self.next_key()
        fits = self.apply(self.posting_changes(legs))
        try:
            posted = services.post_transaction(date=self.day, code="transfer", label="t", legs=legs,
                                               idempotency_key=key, by=self.user)
        except InsufficientFunds:
            assert not fits
            return
        assert fits
        self.transactions[posted.pk] = (legs, True)
        self.keys[key] = (posted.pk, legs, self.day)

    @precondition(lambda self: self.keys)
    @rule(data=st.data(), same=st.booleans())
    def retry(self, data, same):
        key = data.draw(st.sampled_from(sorted(self.keys)))
        pk, legs, day = self.keys[key]
        if same:
            again = services.post_transaction(date=day, code="transfer", label="t", legs=legs, idempotency_key=key,
                                              by=self.user)
            assert again.pk == pk
            return
        changed = [Leg(legs[0].account_id, legs[0].amount + 1), Leg(legs[1].account_id, legs[1].amount - 1)]
        with pytest.raises(IdempotencyConflict):
            services.post_transaction(date=day, code="transfer", label="t", legs=changed, idempotency_key=key,
                                      by=self.user)

    @rule(data=st.data(), cents=amounts)
    def reserve(self, data, cents):
        source = data.draw(self.account_pks())
        destination = data.draw(self.account_pks().filter(lambda pk: pk != source))
        fits = self.apply({source: [0, 0, cents, 0], destination: [0, 0, 0, cents]})
        try:
            reservation = services.reserve(date=self.day, label="r", source_id=source, destination_id=destination,
                                           amount=cents, idempotency_key=self.next_key(), by=self.user,
                                           prepared_by=self.preparer)
        except InsufficientFunds:
            assert not fits
            return
        assert fits
        self.reservations[reservation.pk] = ModelReservation(reservation.pk, source, destination, cents)

    @precondition(lambda self: self.reservations)
    @rule(data=st.data(), share=st.floats(0, 1.2))
    def settle(self, data, share):
        reservation = self.reservations[data.draw(st.sampled_from(sorted(self.reservations)))]
        cents = max(1, int(reservation.amount * share))
        if reservation.settled and reservation.settled[0::2] == (cents, self.day):
            # A retry of the same settlement (amount and date) returns it and changes nothing; another is refused.
            again = services.settle(reservation_id=reservation.pk, amount=cents, date=self.day, by=self.user)
            assert again.pk == reservation.settled[1]
            return
        legs = [Leg(reservation.source, cents), Leg(reservation.destination, -cents)]
        allowed = reservation.status == "open" and cents <= reservation.amount
        changes = {reservation.source: [0, 0, -reservation.amount, 0],
                   reservation.destination: [0, 0, 0, -reservation.amount]}
        fits = allowed and self.apply(self.posting_changes(legs, changes))
        try:
            settlement = services.settle(reservation_id=reservation.pk, amount=cents, date=self.day, by=self.user)
        except InsufficientFunds:
            assert allowed and not fits
            return
        except LedgerError:
            assert not allowed
            return
        assert fits
        reservation.status = "settled"
        reservation.settled = (cents, settlement.pk, self.day)
        self.transactions[settlement.pk] = (legs, True)

    @precondition(lambda self: self.reservations)
    @rule(data=st.data())
    def void(self, data):
        reservation = self.reservations[data.draw(st.sampled_from(sorted(self.reservations)))]
        try:
            services.void(reservation_id=reservation.pk, by=self.user)
        except LedgerError:
            assert reservation.status not in ("open", "voided")
            return
        if reservation.status == "open":
            assert self.apply({reservation.source: [0, 0, -reservation.amount, 0],
                               reservation.destination: [0, 0, 0, -reservation.amount]})
        assert reservation.status in ("open", "voided")
        reservation.status = "voided"

    @precondition(lambda self: self.transactions)
    @rule(data=st.data())
    def reverse(self, data):
        pk = data.draw(st.sampled_from(sorted(self.transactions)))
        legs, reversible = self.transactions[pk]
        if pk in self.reversed:
            # A retry of the same reversal returns the first one and changes nothing.
            reversal_pk, day = self.reversed[pk]
            again = services.reverse_transaction(transaction_id=pk, date=day, reason="erreur", by=self.user)
            assert again.pk == reversal_pk
            return
        mirror = [Leg(leg.account_id, -leg.amount) for leg in legs]
        allowed = reversible
        fits = allowed and self.apply(self.posting_changes(mirror))
        try:
            reversal = services.reverse_transaction(transaction_id=pk, date=self.day, reason="erreur", by=self.user)
        except InsufficientFunds:
            assert allowed and not fits
            return
        except LedgerError:
            assert not allowed
            return
        assert fits
        self.reversed[pk] = (reversal.pk, self.day)
        self.transactions[reversal.pk] = (mirror, False)

    @precondition(lambda self: self.year < FIRST_YEAR + 3)
    @rule()
    def close(self):
        services.close_fiscal_year(year=self.year, by=self.user)
        self.year += 1
        carried = [r for r in self.reservations.values() if r.status == "open"]
        for reservation in carried:
            reservation.status = "carried"
            new = Reservation.objects.get(carried_from_id=reservation.pk)
            self.reservations[new.pk] = ModelReservation(new.pk, reservation.source, reservation.destination,
                                                         reservation.amount)
        # The model's totals grow by the closing, opening and carrying entries: take them from the books,
        # whose balances (debits minus credits) and pending amounts must not have moved.
        for pk, account in self.accounts.items():
            stored = Account.objects.get(pk=pk)
            before = account.totals
            assert stored.debits_posted - stored.credits_posted == before[0] - before[1]
            assert (stored.debits_pending, stored.credits_pending) == (before[2], before[3])
            account.totals = [stored.debits_posted, stored.credits_posted, before[2], before[3]]
        assert not FiscalYear.objects.get(year=self.year - 1).is_open

    @invariant()
    def books_match_the_model_and_hold(self):
        stored = {account.pk: [account.debits_posted, account.credits_posted, account.debits_pending,
                               account.credits_pending] for account in Account.objects.filter(pk__in=self.accounts)}
        assert stored == {pk: account.totals for pk, account in self.accounts.items()}
        assert verify_ledger() == []


@pytest.mark.django_db
def test_random_operations_keep_every_invariant(finance_user, preparer):
    Books.user, Books.preparer = finance_user, preparer
    run_state_machine_as_test(Books, settings=settings(
        max_examples=200 if IN_CI else 25, stateful_step_count=10, deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    ))
