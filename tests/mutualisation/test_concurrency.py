"""Races on real threads against PostgreSQL: the books stay exact whatever the interleaving."""

import random
import threading
import time

import pytest
from django.db import OperationalError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from mutualisation import services
from mutualisation.exceptions import FiscalYearClosed, InsufficientFunds
from mutualisation.models import (
    Account,
    AccountKind,
    ContributionPayment,
    FiscalYear,
    Reservation,
    Transaction,
    TransactionCode,
)
from mutualisation.services import credit, debit
from mutualisation.services.posting import Posting, post_many
from mutualisation.verification import verify_ledger
from tests.concurrency import run_in_threads
from tests.mutualisation.factories import AccountFactory, ContributionFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def move(source_id, destination_id, cents, key, by, day):
    return services.post_transaction(date=day, code=TransactionCode.TRANSFER, label="Virement",
                                     legs=[debit(source_id, cents), credit(destination_id, cents)],
                                     idempotency_key=key, by=by)


@pytest.fixture
def stock(fiscal_year, finance_user, today):
    source = AccountFactory(may_not_go_negative=False)

    def give(account, cents):
        move(source.pk, account.pk, cents, f"stock-{account.pk}", finance_user, today)
        return account

    return give


def test_money_moving_both_ways_ends_at_the_exact_balances(stock, finance_user, today, caplog):
    first, second = stock(AccountFactory(), 1_000_000), stock(AccountFactory(), 1_000_000)
    rng = random.Random(7)
    calls = []
    for thread in range(8):
        moves = [(rng.choice([(first.pk, second.pk), (second.pk, first.pk)]), rng.randint(1, 1_000)) for _ in range(25)]
        calls.append((thread, moves))

    def worker(thread, moves):
        for number, ((source, destination), cents) in enumerate(moves):
            move(source, destination, cents, f"t{thread}-{number}", finance_user, today)
        return len(moves)

    with caplog.at_level("WARNING", logger="mutualisation.retry"):
        results = run_in_threads(worker, calls)
    assert results == [25] * 8
    expected = 1_000_000 + sum(cents if source == second.pk else -cents
                               for _thread, moves in calls for (source, _destination), cents in moves)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.balance, second.balance) == (expected, 2_000_000 - expected)
    # Accounts are always locked in the same order: no deadlock ever needed a retry.
    assert not [record for record in caplog.records if "Deadlock" in record.getMessage()]
    assert verify_ledger() == []


def test_control_locking_two_accounts_in_opposite_orders_deadlocks(stock):
    """The control: both-ways traffic does collide; only the fixed lock order above keeps it deadlock-free."""
    first, second = stock(AccountFactory(), 10), stock(AccountFactory(), 10)
    both_locked = threading.Barrier(2)

    def lock(order):
        with transaction.atomic():
            Account.objects.select_for_update().get(pk=order[0])
            both_locked.wait()
            time.sleep(0.1)
            Account.objects.select_for_update().get(pk=order[1])
        return "ok"

    results = run_in_threads(lock, [((first.pk, second.pk),), ((second.pk, first.pk),)])
    assert "ok" in results
    assert any(isinstance(result, OperationalError) and "deadlock" in str(result) for result in results)


def race_for_the_last_euro(stock, finance_user, today, threads=20):
    sink = AccountFactory(may_not_go_negative=False)
    last_euro = stock(AccountFactory(), 100)
    results = run_in_threads(lambda n: move(last_euro.pk, sink.pk, 100, f"take-{n}", finance_user, today),
                             [(n,) for n in range(threads)])
    last_euro.refresh_from_db()
    return last_euro, results


def test_a_race_for_the_last_euro_lets_exactly_one_through(stock, finance_user, today):
    account, results = race_for_the_last_euro(stock, finance_user, today)
    posted = [result for result in results if isinstance(result, Transaction)]
    refused = [result for result in results if isinstance(result, InsufficientFunds)]
    assert (len(posted), len(refused)) == (1, 19)
    assert account.balance == 0 and account.available == 0
    # With the row locks, every loser saw the real balance: the application refused them itself.
    assert not any(refusal.by_database for refusal in refused)
    assert verify_ledger() == []


@override_settings(LEDGER_LOCK_ACCOUNTS=False)
def test_control_without_row_locks_the_race_is_real_and_the_check_constraint_still_holds(stock, finance_user, today):
    # The race depends on thread timing: up to five rounds, each on fresh accounts, until it shows.
    seen_by_database = False
    for _round in range(5):
        account, results = race_for_the_last_euro(stock, finance_user, today)
        posted = [result for result in results if isinstance(result, Transaction)]
        refused = [result for result in results if isinstance(result, InsufficientFunds)]
        # Whatever the timing, the database's CHECK constraint lets only one through...
        assert len(posted) == 1 and account.balance == 0
        # ...even when several threads read 1 € available at once and passed the application's check.
        seen_by_database = any(refusal.by_database for refusal in refused)
        if seen_by_database:
            break
    assert seen_by_database
    assert verify_ledger() == []


def test_the_same_idempotency_key_from_many_threads_posts_once(stock, finance_user, today):
    source, destination = stock(AccountFactory(), 5_000), AccountFactory()
    results = run_in_threads(lambda: move(source.pk, destination.pk, 1_234, "once", finance_user, today),
                             [()] * 10)
    assert all(isinstance(result, Transaction) for result in results), results
    assert len({result.pk for result in results}) == 1
    destination.refresh_from_db()
    assert destination.balance == 1_234
    assert Transaction.objects.filter(idempotency_key="once").count() == 1
    assert verify_ledger() == []


def test_a_commitment_paid_from_two_threads_is_settled_once(stock, finance_user, preparer, today):
    envelope = stock(AccountFactory(), 50_000)
    services.fund_account(AccountKind.BANK)
    commitment = services.commit_funding(source_id=envelope.pk, amount=30_000, date=today, label="Formation",
                                         idempotency_key="c1", by=finance_user, prepared_by=preparer)
    services.record_grant(amount=100_000, date=today, label="Subvention", idempotency_key="g", by=finance_user)
    results = run_in_threads(
        lambda cents: services.pay_commitment(reservation_id=commitment.pk, amount=cents, date=today, by=finance_user),
        [(20_000,), (25_000,)])
    assert sum(isinstance(result, Transaction) for result in results) == 1
    envelope.refresh_from_db()
    assert envelope.balance in (30_000, 25_000) and envelope.pending_out == 0
    assert Transaction.objects.filter(code=TransactionCode.SETTLEMENT).count() == 1
    assert verify_ledger() == []
    connection.close()


def test_a_batch_locks_all_its_accounts_before_it_posts(stock, finance_user, today):
    """post_many waits for the accounts of its whole batch before its first posting takes the chain head: two
    batches touching the same accounts in different orders cannot hold one lock each and wait for the other."""
    first, second, third, fourth = (stock(AccountFactory(), 100) for _ in range(4))
    held, release = threading.Event(), threading.Event()

    def hold_third():
        with transaction.atomic():
            Account.objects.select_for_update().get(pk=third.pk)
            held.set()
            release.wait(30)
        return "released"

    def batch():
        held.wait(30)
        with transaction.atomic():
            return len(post_many([
                Posting(date=today, code=TransactionCode.TRANSFER, label="1", key="batch-1",
                        legs=[debit(first, 1), credit(second, 1)]),
                Posting(date=today, code=TransactionCode.TRANSFER, label="2", key="batch-2",
                        legs=[debit(third, 1), credit(fourth, 1)]),
            ], by=finance_user))

    def chain_head_is_free() -> bool:
        while not held.is_set() or not waiting_for_a_lock():
            time.sleep(0.02)
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM mutualisation_chainhead FOR UPDATE NOWAIT")
            return True
        except OperationalError:
            return False
        finally:
            release.set()

    results = run_in_threads(lambda role: {"hold": hold_third, "batch": batch, "probe": chain_head_is_free}[role](),
                             [("hold",), ("batch",), ("probe",)])
    assert results == ["released", 2, True]
    assert Transaction.objects.filter(idempotency_key__startswith="batch-").count() == 2


def waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND wait_event_type = 'Lock'")
        return cursor.fetchone()[0] > 0


@pytest.mark.parametrize("verb", ["post", "reserve"])
def test_what_comes_while_the_year_is_being_closed_waits_and_is_refused(fiscal_year, finance_user, preparer, today,
                                                                         verb):
    """The closing holds its year's row from before it reads the balances until it commits. A posting or a
    commitment on accounts the closing has not locked (opened since) waits for it, then finds the year closed."""
    source, destination = AccountFactory(may_not_go_negative=False), AccountFactory(may_not_go_negative=False)
    year_held = threading.Event()

    def close_slowly():
        with transaction.atomic():
            FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
            year_held.set()
            time.sleep(0.5)
            FiscalYear.objects.filter(pk=fiscal_year.pk).update(status=FiscalYear.Status.CLOSED,
                                                                 closed_at=timezone.now(), closed_by=finance_user)
        return "closed"

    def act():
        year_held.wait(timeout=10)
        if verb == "post":
            return move(source.pk, destination.pk, 100, "late", finance_user, today)
        return services.reserve(date=today, label="late", source_id=source.pk, destination_id=destination.pk,
                                amount=100, idempotency_key="late", by=finance_user, prepared_by=preparer)

    closing, late = run_in_threads(lambda task: task(), [(close_slowly,), (act,)])
    assert closing == "closed"
    assert isinstance(late, FiscalYearClosed), late
    assert not Transaction.objects.filter(code=TransactionCode.TRANSFER).exists()
    assert not Reservation.objects.exists()


def test_a_payment_sent_twice_at_the_same_moment_is_recorded_once_and_both_get_it(organisation, rules, fiscal_year,
                                                                                  finance_user, today):
    contribution = ContributionFactory(organisation=organisation, year=fiscal_year.year, amount_due_cents=300_000,
                                       ruleset=rules)

    def pay():
        return services.record_contribution_payment(contribution_id=contribution.pk, amount_cents=100_000,
                                                    date=today, reference="VIR-2026-001", idempotency_key="form-1",
                                                    by=finance_user)

    results = run_in_threads(pay, [(), (), ()])
    assert all(isinstance(result, ContributionPayment) for result in results), results
    assert len({result.pk for result in results}) == 1
    assert ContributionPayment.objects.count() == 1 and verify_ledger() == []


def test_a_posting_committed_while_verify_ledger_runs_raises_no_false_alarm(stock, finance_user, today):
    """The checks read one snapshot: another request's posting, committed between the chain's reading and the
    stored balances', is seen by neither (without the snapshot: 'the chain ends at #n but its head says #n+1')."""
    import mutualisation.verification as verification

    source, destination = stock(AccountFactory(), 10_000), AccountFactory()
    original_chunks, posted = verification.chunks, []

    def chunks_then_a_posting(queryset):
        yield from original_chunks(queryset)
        if queryset.query.order_by == ("number",) and not posted:
            posted.extend(run_in_threads(move, [(source.pk, destination.pk, 100, "during", finance_user, today)]))

    verification.chunks = chunks_then_a_posting
    try:
        findings = verify_ledger()
    finally:
        verification.chunks = original_chunks
    assert posted and not isinstance(posted[0], Exception), posted
    assert findings == [] and verify_ledger() == []
