import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.roles import Role
from mutualisation import services
from mutualisation.exceptions import FiscalYearClosed, IdempotencyConflict, InsufficientFunds, LedgerError
from mutualisation.models import (
    MAX_AMOUNT_CENTS,
    Account,
    AccountKind,
    FiscalYear,
    Reservation,
    RuleSet,
    Transaction,
    TransactionCode,
)
from mutualisation.models.contributions import DEFAULT_TWO_APPROVERS_ABOVE_CENTS
from mutualisation.services import Leg, credit, debit
from mutualisation.verification import verify_ledger
from tests.factories import UserFactory
from tests.mutualisation.factories import AccountFactory, FiscalYearFactory


def transfer(source, destination, cents, by, day, key="k1", label="Virement"):
    return services.post_transaction(date=day, code=TransactionCode.TRANSFER, label=label,
                                     legs=[debit(source, cents), credit(destination, cents)], idempotency_key=key, by=by)


@pytest.fixture
def free_account(fiscal_year):
    """An account allowed to go negative: the other side of test postings."""
    return AccountFactory(may_not_go_negative=False)


@pytest.mark.django_db
class TestPosting:
    def test_a_balanced_transaction_moves_stored_balances_and_chains(self, free_account, envelope, finance_user, today):
        posted = transfer(free_account, envelope, 12_345, finance_user, today)
        envelope.refresh_from_db()
        free_account.refresh_from_db()
        assert (envelope.balance, envelope.credits_posted, envelope.debits_posted) == (12_345, 12_345, 0)
        assert free_account.balance == -12_345
        assert sorted(posted.entries.values_list("amount", flat=True)) == [-12_345, 12_345]
        assert posted.number == 1 and posted.previous_hash == "0" * 64 and len(posted.hash) == 64
        second = transfer(free_account, envelope, 1, finance_user, today, key="k2")
        assert second.previous_hash == posted.hash
        assert verify_ledger() == []

    @pytest.mark.parametrize("legs, message", [
        ([], "au moins deux"),
        ([Leg(0, 100)], "au moins deux"),
        ([Leg(0, 100), Leg(1, -99)], "ne s’équilibrent pas"),
        ([Leg(0, 0), Leg(1, 0)], "supérieur à zéro"),
        ([Leg(0, 1.5), Leg(1, -1.5)], "nombre entier de centimes"),
        ([Leg(0, MAX_AMOUNT_CENTS + 1), Leg(1, -MAX_AMOUNT_CENTS - 1)], "9 999 999 999,99"),
    ])
    def test_malformed_postings_are_refused_and_write_nothing(self, free_account, envelope, finance_user, today,
                                                             legs, message):
        ids = [free_account.pk, envelope.pk]
        legs = [Leg(ids[leg.account_id], leg.amount) for leg in legs]
        with pytest.raises(LedgerError, match=message):
            services.post_transaction(date=today, code=TransactionCode.TRANSFER, label="x", legs=legs,
                                      idempotency_key="bad", by=finance_user)
        assert not Transaction.objects.exists()

    @pytest.mark.parametrize("cents", [0, -1, -500])
    def test_zero_and_negative_amounts_are_refused(self, free_account, envelope, finance_user, preparer, today, cents):
        with pytest.raises(LedgerError):
            transfer(free_account, envelope, cents, finance_user, today)
        with pytest.raises(LedgerError):
            services.reserve(date=today, label="x", source_id=envelope.pk, destination_id=free_account.pk,
                             amount=cents, idempotency_key="r", by=finance_user, prepared_by=preparer)
        assert not Transaction.objects.exists() and not Reservation.objects.exists()

    @pytest.mark.parametrize("cents", [1, MAX_AMOUNT_CENTS])
    def test_one_cent_and_the_largest_amount_are_posted_exactly(self, free_account, envelope, finance_user, today,
                                                               cents):
        transfer(free_account, envelope, cents, finance_user, today)
        envelope.refresh_from_db()
        assert envelope.balance == cents
        assert verify_ledger() == []

    def test_one_cent_more_than_the_largest_amount_is_refused(self, free_account, envelope, finance_user, today):
        with pytest.raises(LedgerError, match="9 999 999 999,99"):
            transfer(free_account, envelope, MAX_AMOUNT_CENTS + 1, finance_user, today)

    def test_a_flagged_account_cannot_go_below_zero(self, free_account, envelope, finance_user, today):
        transfer(free_account, envelope, 100, finance_user, today)
        with pytest.raises(InsufficientFunds, match="Pas assez d’argent"):
            transfer(envelope, free_account, 101, finance_user, today, key="k2")
        transfer(envelope, free_account, 100, finance_user, today, key="k3")
        envelope.refresh_from_db()
        assert envelope.balance == 0

    def test_a_true_retry_returns_the_first_transaction(self, free_account, envelope, finance_user, today):
        first = transfer(free_account, envelope, 500, finance_user, today)
        again = transfer(free_account, envelope, 500, finance_user, today)
        envelope.refresh_from_db()
        assert again.pk == first.pk and envelope.balance == 500
        assert Transaction.objects.count() == 1

    def test_the_same_key_with_a_different_content_is_refused(self, free_account, envelope, finance_user, today):
        transfer(free_account, envelope, 500, finance_user, today)
        with pytest.raises(IdempotencyConflict, match="contenu différent"):
            transfer(free_account, envelope, 501, finance_user, today)
        envelope.refresh_from_db()
        assert envelope.balance == 500

    def test_a_date_outside_any_fiscal_year_is_refused(self, free_account, envelope, finance_user, today):
        with pytest.raises(LedgerError, match="Aucun exercice"):
            transfer(free_account, envelope, 5, finance_user, datetime.date(today.year + 5, 1, 1))


@pytest.mark.django_db
class TestReservations:
    @pytest.fixture
    def payee(self, fiscal_year):
        return AccountFactory(kind=AccountKind.PAYMENTS, may_not_go_negative=False)

    @pytest.fixture
    def stocked(self, free_account, envelope, finance_user, today):
        transfer(free_account, envelope, 10_000, finance_user, today, key="stock")
        return envelope

    def reserve(self, source, destination, cents, by, day, key="r1"):
        return services.reserve(date=day, label="Engagement", source_id=source.pk, destination_id=destination.pk,
                                amount=cents, idempotency_key=key, by=by,
                                prepared_by=UserFactory(username="preparer", role=Role.TRAINING))

    def test_a_commitment_key_used_again_for_another_content_is_refused(self, stocked, payee, finance_user, preparer,
                                                                        today):
        def commit(cents):
            return services.reserve(date=today, label="x", source_id=stocked.pk, destination_id=payee.pk,
                                    amount=cents, idempotency_key="same", by=finance_user, prepared_by=preparer)

        first = commit(700)
        assert commit(700) == first
        with pytest.raises(IdempotencyConflict):
            commit(600)
        assert Reservation.objects.count() == 1

    def test_an_overcommitment_is_refused_by_the_service_with_the_account_named(self, stocked, payee, finance_user,
                                                                                preparer, today):
        with pytest.raises(InsufficientFunds) as refused:
            services.reserve(date=today, label="x", source_id=stocked.pk, destination_id=payee.pk, amount=10_001,
                             idempotency_key="r", by=finance_user, prepared_by=preparer)
        assert not refused.value.by_database and stocked.aux_code in refused.value.message

    def test_reserved_money_is_not_available(self, stocked, payee, finance_user, today):
        self.reserve(stocked, payee, 7_000, finance_user, today)
        stocked.refresh_from_db()
        assert (stocked.balance, stocked.pending_out, stocked.available) == (10_000, 7_000, 3_000)
        with pytest.raises(InsufficientFunds):
            self.reserve(stocked, payee, 3_001, finance_user, today, key="r2")

    def test_a_partial_settlement_releases_the_rest_in_the_same_transaction(self, stocked, payee, finance_user, today):
        reservation = self.reserve(stocked, payee, 7_000, finance_user, today)
        settlement = services.settle(reservation_id=reservation.pk, amount=4_000, date=today, by=finance_user)
        stocked.refresh_from_db()
        reservation.refresh_from_db()
        assert (stocked.balance, stocked.pending_out) == (6_000, 0)
        assert reservation.status == Reservation.Status.SETTLED and reservation.released_amount == 3_000
        assert reservation.settlement == settlement and settlement.code == TransactionCode.SETTLEMENT
        assert verify_ledger() == []

    def test_settled_at_most_once_and_never_for_more(self, stocked, payee, finance_user, today):
        reservation = self.reserve(stocked, payee, 7_000, finance_user, today)
        with pytest.raises(LedgerError, match="plus que le montant réservé"):
            services.settle(reservation_id=reservation.pk, amount=7_001, date=today, by=finance_user)
        first = services.settle(reservation_id=reservation.pk, amount=7_000, date=today, by=finance_user)
        assert services.settle(reservation_id=reservation.pk, amount=7_000, date=today, by=finance_user) == first
        with pytest.raises(LedgerError, match="réglé"):
            services.settle(reservation_id=reservation.pk, amount=10, date=today, by=finance_user)
        with pytest.raises(LedgerError):
            services.void(reservation_id=reservation.pk, by=finance_user)
        assert Transaction.objects.filter(code=TransactionCode.SETTLEMENT).count() == 1

    def test_a_retry_is_the_same_settlement_and_none_comes_before_the_commitment(self, stocked, payee, finance_user,
                                                                                  today):
        june = datetime.date(today.year, 6, 1)
        reservation = self.reserve(stocked, payee, 7_000, finance_user, june)
        with pytest.raises(LedgerError, match="avant le jour où il a été pris"):
            services.settle(reservation_id=reservation.pk, amount=7_000, date=june - datetime.timedelta(days=1),
                            by=finance_user)
        first = services.settle(reservation_id=reservation.pk, amount=7_000, date=june, by=finance_user)
        assert services.settle(reservation_id=reservation.pk, amount=7_000, date=june, by=finance_user) == first
        with pytest.raises(LedgerError, match="réglé"):
            services.settle(reservation_id=reservation.pk, amount=7_000, date=june + datetime.timedelta(days=1),
                            by=finance_user)

    def test_void_releases_everything_once(self, stocked, payee, finance_user, today):
        reservation = self.reserve(stocked, payee, 7_000, finance_user, today)
        services.void(reservation_id=reservation.pk, by=finance_user)
        services.void(reservation_id=reservation.pk, by=finance_user)
        stocked.refresh_from_db()
        assert (stocked.balance, stocked.pending_out) == (10_000, 0)
        with pytest.raises(LedgerError):
            services.settle(reservation_id=reservation.pk, amount=1, date=today, by=finance_user)

    def test_four_eyes_and_a_second_approver_above_the_threshold(self, stocked, payee, finance_user,
                                                                 second_finance_user, rules, today):
        def commit(cents, key, **people):
            return services.reserve(date=today, label="x", source_id=stocked.pk, destination_id=payee.pk,
                                    amount=cents, idempotency_key=key, **people)

        with pytest.raises(LedgerError, match="préparé"):
            commit(100, "a", by=finance_user, prepared_by=finance_user)
        with pytest.raises(LedgerError, match="qui l’a préparé"):
            commit(100, "a", by=finance_user, prepared_by=None)
        with pytest.raises(IntegrityError, match="reservation_prepared_by_someone"), transaction.atomic():
            Reservation.objects.create(  # around the service: the database refuses it too
                fiscal_year=FiscalYear.objects.get(year=today.year), date=today, label="x", source=stocked,
                destination=payee, amount=100, idempotency_key="raw", fingerprint="", created_by=finance_user,
                created_at=timezone.now())
        rules.two_approvers_above_cents = 5_000
        rules.save()
        with pytest.raises(LedgerError, match="second approbateur"):
            commit(5_001, "b", by=finance_user, prepared_by=second_finance_user)
        with pytest.raises(LedgerError, match="second approbateur"):
            commit(5_001, "c", by=finance_user, prepared_by=second_finance_user, second_approver=second_finance_user)
        assert commit(5_000, "d", by=finance_user, prepared_by=second_finance_user).status == "open"
        assert verify_ledger() == []

    def test_with_no_rule_set_the_fund_s_default_threshold_asks_for_a_second_approver(self, stocked, payee,
                                                                                      finance_user,
                                                                                      second_finance_user, today):
        assert not RuleSet.objects.exists()
        with pytest.raises(LedgerError, match="second approbateur"):
            services.reserve(date=today, label="x", source_id=stocked.pk, destination_id=payee.pk,
                             amount=DEFAULT_TWO_APPROVERS_ABOVE_CENTS + 1, idempotency_key="big", by=finance_user,
                             prepared_by=second_finance_user)


@pytest.mark.django_db
class TestReversal:
    def test_a_reversal_mirrors_the_original_once(self, free_account, envelope, finance_user, today):
        original = transfer(free_account, envelope, 800, finance_user, today)
        reversal = services.reverse_transaction(transaction_id=original.pk, date=today, reason="erreur", by=finance_user)
        envelope.refresh_from_db()
        assert envelope.balance == 0 and reversal.reverses == original and original.reversal == reversal
        assert services.reverse_transaction(transaction_id=original.pk, date=today, reason="erreur",
                                            by=finance_user) == reversal
        with pytest.raises(LedgerError, match="déjà été extournée"):
            services.reverse_transaction(transaction_id=original.pk, date=today, reason="autre", by=finance_user)
        with pytest.raises(LedgerError, match="ne peuvent pas être extournées"):
            services.reverse_transaction(transaction_id=reversal.pk, date=today, reason="x", by=finance_user)
        assert verify_ledger() == []

    def test_a_reversal_is_never_dated_before_its_original(self, free_account, envelope, finance_user, today):
        june = datetime.date(today.year, 6, 15)
        original = transfer(free_account, envelope, 800, finance_user, june)
        with pytest.raises(LedgerError, match="ne peut pas être datée d’avant l’opération qu’elle annule"):
            services.reverse_transaction(transaction_id=original.pk, date=june - datetime.timedelta(days=1),
                                         reason="erreur", by=finance_user)
        assert not Transaction.objects.filter(reverses=original).exists()
        reversal = services.reverse_transaction(transaction_id=original.pk, date=june, reason="erreur", by=finance_user)
        assert reversal.date == june

    def test_a_reversal_that_would_overdraw_is_refused(self, free_account, envelope, finance_user, today):
        original = transfer(free_account, envelope, 800, finance_user, today)
        transfer(envelope, free_account, 500, finance_user, today, key="spent")
        with pytest.raises(InsufficientFunds):
            services.reverse_transaction(transaction_id=original.pk, date=today, reason="x", by=finance_user)


@pytest.mark.django_db
class TestClosing:
    def test_closing_carries_balances_and_open_commitments_by_entries(self, finance_user, preparer, today):
        last_year = FiscalYearFactory(year=today.year - 1)
        source = AccountFactory(may_not_go_negative=False)
        envelope = AccountFactory()
        payee = services.fund_account(AccountKind.PAYMENTS)
        day = datetime.date(last_year.year, 6, 1)
        transfer(source, envelope, 10_000, finance_user, day)
        open_one = services.reserve(date=day, label="Formation", source_id=envelope.pk, destination_id=payee.pk,
                                    amount=2_500, idempotency_key="open", by=finance_user,
                                    prepared_by=preparer)
        services.close_fiscal_year(year=last_year.year, by=finance_user)

        last_year.refresh_from_db()
        assert not last_year.is_open
        codes = list(Transaction.objects.order_by("number").values_list("code", flat=True))
        assert codes == ["transfer", "carry", "closing", "opening", "carry_back"]
        envelope.refresh_from_db()
        assert (envelope.balance, envelope.pending_out) == (10_000, 2_500)
        open_one.refresh_from_db()
        carried = open_one.carried_to
        assert open_one.status == "carried" and carried.status == "open" and carried.fiscal_year.year == today.year
        assert carried.amount == 2_500 and carried.source == envelope
        # the closed year ends at zero on every account, the new one starts from the carried balances
        assert services.ledger.year_balances(last_year) == {}
        new_year = carried.fiscal_year
        assert services.ledger.year_balances(new_year)[envelope.pk] == -10_000
        with pytest.raises(FiscalYearClosed):
            transfer(source, envelope, 1, finance_user, day, key="late")
        with pytest.raises(LedgerError):
            services.close_fiscal_year(year=last_year.year, by=finance_user)
        assert verify_ledger() == []

    def test_closing_uses_the_year_end_balances_even_after_postings_in_the_next_year(self, finance_user, today):
        last_year = FiscalYearFactory(year=today.year - 1)
        FiscalYearFactory(year=today.year)
        source = AccountFactory(may_not_go_negative=False)
        envelope = AccountFactory()
        transfer(source, envelope, 10_000, finance_user, datetime.date(last_year.year, 3, 1))
        # January: most of the envelope is spent before last year is closed
        transfer(envelope, source, 9_000, finance_user, datetime.date(today.year, 1, 2), key="january")
        services.close_fiscal_year(year=last_year.year, by=finance_user)
        envelope.refresh_from_db()
        assert envelope.balance == 1_000
        closing = Transaction.objects.get(code="closing")
        assert closing.entries.get(account=envelope).amount == 10_000
        assert verify_ledger() == []

    def test_a_year_is_closed_only_after_its_last_day(self, fiscal_year, finance_user, today):
        with pytest.raises(LedgerError, match=f"se termine le 31/12/{today.year}"):
            services.close_fiscal_year(year=today.year, by=finance_user)
        fiscal_year.refresh_from_db()
        assert fiscal_year.is_open and not FiscalYear.objects.filter(year=today.year + 1).exists()

    def test_nothing_is_reversed_into_a_closed_year(self, finance_user, today):
        last = FiscalYearFactory(year=today.year - 1)
        source, envelope = AccountFactory(may_not_go_negative=False), AccountFactory()
        posted = transfer(source, envelope, 700, finance_user, datetime.date(last.year, 6, 1))
        services.close_fiscal_year(year=last.year, by=finance_user)
        with pytest.raises(FiscalYearClosed):
            services.reverse_transaction(transaction_id=posted.pk, date=last.end, reason="x", by=finance_user)
        assert not Transaction.objects.filter(reverses=posted).exists()

    def test_years_close_in_order(self, finance_user, today):
        FiscalYearFactory(year=today.year - 2)
        FiscalYearFactory(year=today.year - 1)
        with pytest.raises(LedgerError, match="antérieurs"):
            services.close_fiscal_year(year=today.year - 1, by=finance_user)
        assert Account.objects.filter(kind=AccountKind.COMMITMENTS).count() <= 1

