"""The database's own guards, whatever the application does (PostgreSQL triggers and constraints)."""

import datetime

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from mutualisation import services
from mutualisation.exceptions import FiscalYearClosed, InsufficientFunds
from mutualisation.models import Account, Entry, FiscalYear, Reservation, Transaction, TransactionCode
from mutualisation.services import credit, debit
from mutualisation.verification import verify_ledger
from tests.mutualisation.factories import AccountFactory, ContributionFactory

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]


@pytest.fixture
def posted(fiscal_year, finance_user, today):
    source, envelope = AccountFactory(may_not_go_negative=False), AccountFactory()
    return services.post_transaction(date=today, code=TransactionCode.TRANSFER, label="Virement",
                                     legs=[debit(source, 5_000), credit(envelope, 5_000)], idempotency_key="p",
                                     by=finance_user)


def sql(statement: str, params=()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_an_sql_update_of_an_entry_is_refused_and_verify_ledger_finds_it_once_the_guard_is_dropped(posted):
    entry = posted.entries.order_by("amount").first()
    with pytest.raises(IntegrityError, match="append-only"):
        sql("UPDATE mutualisation_entry SET amount = amount - 1 WHERE id = %s", [entry.pk])
    with pytest.raises(IntegrityError, match="append-only"):
        sql("DELETE FROM mutualisation_entry WHERE id = %s", [entry.pk])
    with pytest.raises(IntegrityError, match="append-only"):
        sql("UPDATE mutualisation_transaction SET label = 'autre' WHERE id = %s", [posted.pk])
    assert verify_ledger() == []

    # Someone with the rights to drop the guard (rolled back with the test) changes an amount...
    sql("DROP TRIGGER entry_append_only ON mutualisation_entry")
    sql("UPDATE mutualisation_entry SET amount = amount - 1 WHERE id = %s", [entry.pk])
    findings = {finding.invariant for finding in verify_ledger()}
    # ...and the books say so: unbalanced, stored balance disagrees, hash no longer matches.
    assert {"L1", "L6", "L9"} <= findings
    with pytest.raises(SystemExit) as exit_status:
        call_command("verify_ledger")
    assert exit_status.value.code == 1
    # Put the cent back: Django checks the deferred constraints when the test ends.
    sql("UPDATE mutualisation_entry SET amount = amount + 1 WHERE id = %s", [entry.pk])


def lonely_transaction(fiscal_year, finance_user, today, created_at):
    return Transaction.objects.create(
        number=999, fiscal_year=fiscal_year, date=today, code=TransactionCode.TRANSFER, label="x",
        idempotency_key=f"lonely-{created_at.timestamp()}", fingerprint="x", created_by=finance_user,
        created_at=created_at, previous_hash="x", hash="y")


def commit_now() -> None:
    """What COMMIT does first: run the deferred constraint triggers."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_an_unbalanced_transaction_is_refused_at_commit(posted, finance_user, fiscal_year, today):
    with pytest.raises(IntegrityError, match="does not balance: its 1 entries sum to 10"), transaction.atomic():
        lonely = lonely_transaction(fiscal_year, finance_user, today, posted.created_at)
        Entry.objects.create(transaction=lonely, account=Account.objects.first(), amount=10, date=today)
        commit_now()
    with pytest.raises(IntegrityError, match="its 0 entries"), transaction.atomic():
        lonely_transaction(fiscal_year, finance_user, today, posted.created_at)
        commit_now()


@pytest.mark.parametrize("cents", [1, -1])
def test_entries_added_to_a_posted_transaction_are_refused_at_commit(posted, today, cents):
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        Entry.objects.create(transaction=posted, account=Account.objects.first(), amount=cents, date=today)
        commit_now()


def test_the_posting_function_refuses_a_closed_year_and_a_short_account(posted, finance_user, fiscal_year, today):
    envelope = posted.entries.get(amount__lt=0).account
    source = posted.entries.get(amount__gt=0).account
    FiscalYear.objects.filter(pk=fiscal_year.pk).update(status="closed", closed_at=posted.created_at)
    with pytest.raises(FiscalYearClosed), transaction.atomic():
        services.post_transaction(date=today, code="transfer", label="late", idempotency_key="late",
                                  legs=[debit(source, 1), credit(envelope, 1)], by=finance_user)
    FiscalYear.objects.filter(pk=fiscal_year.pk).update(status="open", closed_at=None)
    with pytest.raises(InsufficientFunds, match="Pas assez d’argent sur 467300"), transaction.atomic():
        services.post_transaction(date=today, code="transfer", label="trop", idempotency_key="trop",
                                  legs=[debit(envelope, 5_001), credit(source, 5_001)], by=finance_user)


def test_a_reservation_is_never_inserted_into_a_closed_year(posted, finance_user, fiscal_year, today):
    FiscalYear.objects.filter(pk=fiscal_year.pk).update(status="closed", closed_at=posted.created_at)
    envelope = posted.entries.get(amount__lt=0).account
    with pytest.raises(IntegrityError, match="closed"), transaction.atomic():
        Reservation.objects.create(fiscal_year=fiscal_year, date=today, label="x", source=envelope,
                                   destination=posted.entries.get(amount__gt=0).account, amount=1,
                                   idempotency_key="late", fingerprint="x", created_by=finance_user,
                                   created_at=posted.created_at)


def test_a_reservation_is_never_dated_outside_its_fiscal_year(posted, finance_user, preparer, fiscal_year):
    envelope = posted.entries.get(amount__lt=0).account
    with pytest.raises(IntegrityError, match="outside fiscal year"), transaction.atomic():
        Reservation.objects.create(fiscal_year=fiscal_year, date=datetime.date(fiscal_year.year + 1, 1, 5), label="x",
                                   source=envelope, destination=posted.entries.get(amount__gt=0).account, amount=1,
                                   idempotency_key="late", fingerprint="x", prepared_by=preparer,
                                   created_by=finance_user, created_at=posted.created_at)


def test_a_contribution_payment_is_never_changed_or_deleted(fiscal_year, finance_user, rules, today):
    contribution = ContributionFactory(year=today.year, amount_due_cents=300_000, ruleset=rules)
    payment = services.record_contribution_payment(contribution_id=contribution.pk, amount_cents=1_000, date=today,
                                                   reference="VIR-1", idempotency_key="k1", by=finance_user)
    for statement in ("UPDATE mutualisation_contributionpayment SET amount_cents = 2 WHERE id = %s",
                      "DELETE FROM mutualisation_contributionpayment WHERE id = %s"):
        with pytest.raises(IntegrityError, match="append-only"):
            sql(statement, [payment.pk])


def test_a_settled_reservation_never_changes_again(posted, finance_user, preparer, today):
    envelope = posted.entries.get(amount__lt=0).account
    payee = AccountFactory(may_not_go_negative=False)
    reservation = services.reserve(date=today, label="x", source_id=envelope.pk, destination_id=payee.pk, amount=1_000,
                                   idempotency_key="r", by=finance_user, prepared_by=preparer)
    with pytest.raises(IntegrityError, match="keeps its amount"), transaction.atomic():
        Reservation.objects.filter(pk=reservation.pk).update(amount=10)
    services.settle(reservation_id=reservation.pk, amount=600, date=today, by=finance_user)
    with pytest.raises(IntegrityError, match="settled already"), transaction.atomic():
        Reservation.objects.filter(pk=reservation.pk).update(status="open", closed_at=None, settlement=None,
                                                             settled_amount=None)
    with pytest.raises(IntegrityError, match="never deleted"), transaction.atomic():
        Reservation.objects.filter(pk=reservation.pk).delete()


def test_the_check_constraint_keeps_a_flagged_account_from_going_negative(posted):
    envelope = posted.entries.get(amount__lt=0).account
    with pytest.raises(IntegrityError, match="account_flagged_balance_not_negative"), transaction.atomic():
        Account.objects.filter(pk=envelope.pk).update(debits_pending=F("debits_pending") + 5_001)
    Account.objects.filter(pk=envelope.pk).update(debits_pending=F("debits_pending") + 5_000)
