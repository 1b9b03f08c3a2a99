"""verify_ledger finds each kind of tampering; on PostgreSQL the guards are first dropped inside the test."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.utils import timezone

from mutualisation import services
from mutualisation.models import Account, ChainHead, Entry, FiscalYear, Reservation, Transaction, TransactionCode
from mutualisation.services import Leg, credit, debit
from mutualisation.services.posting import Deltas, Posting, append_transactions, lock_accounts
from mutualisation.verification import verify_ledger
from tests.mutualisation.factories import AccountFactory

GUARDS = {"mutualisation_entry": ["entry_append_only", "entry_transaction_balances"],
          "mutualisation_transaction": ["transaction_append_only", "transaction_balances"],
          "mutualisation_reservation": ["reservation_changes_once", "reservation_in_open_year"]}


@pytest.fixture
def unguarded(db):
    """Someone with the rights drops the database's guards (rolled back with the test on PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, triggers in GUARDS.items():
                for trigger in triggers:
                    cursor.execute(f"DROP TRIGGER {trigger} ON {table}")


@pytest.fixture
def books(fiscal_year, finance_user, second_finance_user, rules, today):
    source, envelope, payee = AccountFactory(may_not_go_negative=False), AccountFactory(), AccountFactory()
    first = services.post_transaction(date=today, code="transfer", label="Dotation", idempotency_key="a",
                                      legs=[debit(source, 10_000), credit(envelope, 10_000)], by=finance_user)
    services.post_transaction(date=today, code="transfer", label="Dotation 2", idempotency_key="b",
                              legs=[debit(source, 500), credit(envelope, 500)], by=finance_user)
    reservation = services.reserve(date=today, label="Formation", source_id=envelope.pk, destination_id=payee.pk,
                                   amount=4_000, idempotency_key="r", by=finance_user,
                                   prepared_by=second_finance_user)
    services.settle(reservation_id=reservation.pk, amount=3_000, date=today, by=finance_user)
    assert verify_ledger() == []
    return {"first": first, "envelope": envelope, "reservation": reservation}


def drop_constraint(table: str, name: str) -> None:
    """Someone with the rights drops a constraint too (PostgreSQL: rolled back with the test)."""
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")


def invariants() -> set[str]:
    return {finding.invariant for finding in verify_ledger()}


def messages() -> list[str]:
    return [str(finding) for finding in verify_ledger()]


@pytest.mark.django_db
class TestTamperingIsFound:
    def test_a_clean_ledger_reports_every_check_ok_and_exits_0(self, books, capsys):
        call_command("verify_ledger")
        out = capsys.readouterr().out
        assert "L1 ok" in out and "L9 ok" in out and "tiennent" in out

    def test_a_changed_amount(self, books, unguarded):
        Entry.objects.filter(pk=books["first"].entries.first().pk).update(amount=F("amount") + 1)
        assert {"L1", "L6", "L9"} <= invariants()

    def test_a_changed_label(self, books, unguarded):
        Transaction.objects.filter(pk=books["first"].pk).update(label="Autre chose")
        assert invariants() == {"L9"}

    def test_an_entry_dated_unlike_its_transaction(self, books, unguarded):
        Entry.objects.filter(transaction=books["first"]).update(date=F("date") - datetime.timedelta(days=1))
        assert messages() == [f"L9: une écriture du n° {books['first'].number} n’est pas datée comme sa transaction"] * 2

    def test_an_entry_marked_as_opening_its_year_unlike_its_transaction(self, books, unguarded):
        Entry.objects.filter(pk=books["first"].entries.first().pk).update(opening=True)
        assert [message.split(":")[0] for message in messages()] == ["L9"]
        assert f"n° {books['first'].number}" in messages()[0]

    @pytest.mark.postgresql
    def test_a_flagged_account_overcommitted(self, books, unguarded, finance_user, second_finance_user, today):
        envelope = books["envelope"]
        open_one = services.reserve(date=today, label="x", source_id=envelope.pk, destination_id=AccountFactory().pk,
                                    amount=500, idempotency_key="r2", by=finance_user, prepared_by=second_finance_user)
        drop_constraint("mutualisation_account", "account_flagged_balance_not_negative")
        Reservation.objects.filter(pk=open_one.pk).update(amount=8_000)  # the balance is 7,500: 500 short
        Account.objects.filter(pk=envelope.pk).update(debits_pending=F("debits_pending") + 7_500)
        Account.objects.filter(pk=open_one.destination_id).update(credits_pending=F("credits_pending") + 7_500)
        assert invariants() == {"L2"}

    @pytest.mark.postgresql
    def test_a_transaction_reversed_twice(self, books, unguarded, finance_user, today):
        second = Transaction.objects.get(idempotency_key="b")
        services.reverse_transaction(transaction_id=second.pk, date=today, reason="Erreur", by=finance_user)
        with connection.cursor() as cursor:
            cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = 'mutualisation_transaction'::regclass"
                           " AND contype = 'u' AND pg_get_constraintdef(oid) LIKE '%%reverses_id%%'")
            [(name,)] = cursor.fetchall()
        drop_constraint("mutualisation_transaction", name)
        legs = [Leg(account_id, -amount) for account_id, amount in second.entries.values_list("account_id", "amount")]
        accounts = lock_accounts(leg.account_id for leg in legs)
        append_transactions([(Posting(date=today, code=TransactionCode.REVERSAL, label="Bis", legs=legs, key="bis",
                                      reverses=second), second.fiscal_year)], by=finance_user)
        deltas = Deltas()
        deltas.post(legs)
        deltas.apply(accounts)
        assert invariants() == {"L3"}

    @pytest.mark.postgresql
    def test_a_commitment_recorded_twice(self, books, unguarded, finance_user, second_finance_user, today):
        again = services.reserve(date=today, label="x", source_id=books["envelope"].pk,
                                 destination_id=AccountFactory().pk, amount=100, idempotency_key="r2",
                                 by=finance_user, prepared_by=second_finance_user)
        drop_constraint("mutualisation_reservation", "reservation_idempotency_key_unique")
        Reservation.objects.filter(pk=again.pk).update(idempotency_key="r")
        assert invariants() == {"L4"}

    @pytest.mark.postgresql
    def test_a_commitment_settled_for_more_than_committed(self, books, unguarded):
        drop_constraint("mutualisation_reservation", "reservation_settled_once_within_amount")
        Reservation.objects.filter(pk=books["reservation"].pk).update(amount=2_000)  # settled for 3,000
        assert invariants() == {"L5"}

    def test_a_commitment_left_open_in_a_closed_year(self, books, finance_user, second_finance_user, today):
        services.reserve(date=today, label="x", source_id=books["envelope"].pk, destination_id=AccountFactory().pk,
                         amount=100, idempotency_key="r2", by=finance_user, prepared_by=second_finance_user)
        FiscalYear.objects.filter(year=today.year).update(status="closed",
                                                          closed_at=timezone.now() + datetime.timedelta(days=1))
        assert invariants() == {"L7"}

    @pytest.mark.postgresql
    def test_the_second_approver_is_who_prepared_it(self, books, unguarded, second_finance_user):
        drop_constraint("mutualisation_reservation", "reservation_second_approver_distinct")
        Reservation.objects.filter(pk=books["reservation"].pk).update(second_approver=second_finance_user)
        assert invariants() == {"L8"}

    def test_a_changed_stored_balance(self, books):
        Account.objects.filter(pk=books["envelope"].pk).update(credits_posted=F("credits_posted") + 100)
        assert invariants() == {"L6"}

    def test_a_deleted_transaction(self, books, unguarded):
        second = Transaction.objects.get(idempotency_key="b")
        Entry.objects.filter(transaction=second).delete()
        Transaction.objects.filter(pk=second.pk).delete()
        assert {"L6", "L9"} <= invariants()

    def test_a_settled_amount_that_is_not_what_was_paid(self, books, unguarded):
        Reservation.objects.filter(pk=books["reservation"].pk).update(settled_amount=3_500)
        assert invariants() == {"L5"}

    def test_a_posting_into_a_closed_year(self, books, unguarded, finance_user, today):
        FiscalYear.objects.filter(year=today.year).update(status="closed", closed_at=datetime.datetime(2000, 1, 1,
                                                                                                      tzinfo=datetime.UTC))
        assert "L7" in invariants()

    def test_a_year_reopened_for_a_posting_and_closed_again(self, books, finance_user, today):
        last = FiscalYear.objects.create(year=today.year - 1, start=datetime.date(today.year - 1, 1, 1),
                                         end=datetime.date(today.year - 1, 12, 31))
        source, envelope = AccountFactory(may_not_go_negative=False), AccountFactory()
        day = datetime.date(last.year, 6, 1)
        services.post_transaction(date=day, code="transfer", label="Juin", idempotency_key="june",
                                  legs=[debit(source, 700), credit(envelope, 700)], by=finance_user)
        services.close_fiscal_year(year=last.year, by=finance_user)
        assert verify_ledger() == []
        # Plain UPDATE rights: reopen the year, post into it, close it again with a later date.
        FiscalYear.objects.filter(pk=last.pk).update(status="open", closed_at=None, closed_by=None)
        late = services.post_transaction(date=day, code="transfer", label="Tard", idempotency_key="late",
                                         legs=[debit(source, 50), credit(envelope, 50)], by=finance_user)
        FiscalYear.objects.filter(pk=last.pk).update(status="closed", closed_at=late.created_at + datetime.timedelta(1),
                                                     closed_by=finance_user)
        findings = [finding for finding in verify_ledger() if finding.invariant == "L7"]
        assert [f"n° {late.number} " in finding.message for finding in findings] == [True], findings

    def test_four_eyes_broken(self, books, unguarded, finance_user):
        Reservation.objects.filter(pk=books["reservation"].pk).update(amount=2_000_000)
        assert invariants() == {"L8"}

    @pytest.mark.postgresql
    def test_a_flagged_account_below_zero(self, books, unguarded):
        drop_constraint("mutualisation_account", "account_flagged_balance_not_negative")
        source = Entry.objects.filter(transaction=books["first"], amount__gt=0).get().account
        Account.objects.filter(pk=source.pk).update(may_not_go_negative=True)
        assert invariants() == {"L2"}

    def test_a_reversal_that_does_not_mirror_its_original(self, books, unguarded, finance_user, today):
        second = Transaction.objects.get(idempotency_key="b")
        reversal = services.reverse_transaction(transaction_id=second.pk, date=today, reason="Erreur", by=finance_user)
        for entry in reversal.entries.all():  # still balanced, no longer the mirror
            Entry.objects.filter(pk=entry.pk).update(amount=F("amount") + (1 if entry.amount > 0 else -1))
        assert "L3" in invariants()

    @pytest.mark.postgresql
    def test_an_operation_recorded_twice(self, books, unguarded):
        drop_constraint("mutualisation_transaction", "transaction_idempotency_key_unique")
        Transaction.objects.filter(idempotency_key="b").update(idempotency_key="a")
        assert {"L4", "L9"} == invariants()

    @pytest.mark.postgresql
    def test_a_commitment_nobody_prepared(self, books, unguarded):
        drop_constraint("mutualisation_reservation", "reservation_prepared_by_someone")
        Reservation.objects.filter(pk=books["reservation"].pk).update(prepared_by=None)
        assert invariants() == {"L8"}

    def test_a_deleted_chain_head(self, books):
        ChainHead.objects.all().delete()
        assert invariants() == {"L9"}

    def test_a_chain_head_out_of_step(self, books):
        ChainHead.objects.update(number=F("number") + 1)
        assert invariants() == {"L9"}

    def test_the_command_exits_1_with_a_report(self, books, capsys):
        Account.objects.filter(pk=books["envelope"].pk).update(debits_pending=F("debits_pending") + 1)
        with pytest.raises(SystemExit) as exit_status:
            call_command("verify_ledger")
        assert exit_status.value.code == 1
        out = capsys.readouterr().out
        assert "L6 ÉCHEC" in out and books["envelope"].number in out
