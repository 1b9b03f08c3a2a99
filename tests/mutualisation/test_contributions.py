import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from adherents.exceptions import ImportRejected
from adherents.models import OrganisationKind
from mutualisation import services
from mutualisation.exceptions import IdempotencyConflict, LedgerError
from mutualisation.models import Account, AccountKind, Contribution, ContributionPayment, Transaction, TransactionCode
from mutualisation.services import credit, debit
from mutualisation.verification import verify_ledger
from tests.factories import OrganisationFactory
from tests.mutualisation.factories import AccountFactory, ContributionFactory, RuleSetFactory


@pytest.fixture
def etti(db):
    return OrganisationFactory(kind=OrganisationKind.ETTI, siret="41234567000019")


@pytest.fixture
def contribution(organisation, rules, fiscal_year):
    return ContributionFactory(organisation=organisation, year=fiscal_year.year, amount_due_cents=300_000,
                               ruleset=rules)


def pay(contribution, cents, by, day, reference="VIR-1", key="k1"):
    return services.record_contribution_payment(contribution_id=contribution.pk, amount_cents=cents, date=day,
                                                reference=reference, idempotency_key=key, by=by)


@pytest.mark.django_db
class TestCall:
    def test_the_rate_follows_the_kind_and_the_rule_set_in_force_on_1_january(self, etti, organisation, rules,
                                                                              finance_user, today):
        services.call_for_contributions(year=today.year, bases=[(etti, 100_000_00), (organisation, 100_000_00)],
                                        by=finance_user)
        due = dict(Contribution.objects.values_list("organisation__kind", "amount_due_cents"))
        assert due == {"ETTI": 800_00, "AI": 600_00}

    def test_a_member_is_called_once_a_year(self, organisation, rules, finance_user, today):
        services.call_for_contributions(year=today.year, bases=[(organisation, 1_000)], by=finance_user)
        with pytest.raises(LedgerError, match="déjà été appelés"):
            services.call_for_contributions(year=today.year, bases=[(organisation, 2_000)], by=finance_user)

    def test_no_rule_set_no_call(self, organisation, finance_user, today):
        with pytest.raises(LedgerError, match="Aucun jeu de règles"):
            services.call_for_contributions(year=today.year, bases=[(organisation, 1_000)], by=finance_user)


@pytest.mark.django_db
class TestPayment:
    def test_a_payment_is_received_then_shared_per_the_rule_set(self, contribution, finance_user, today):
        payment = pay(contribution, 300_000, finance_user, today)
        assert payment.receipt.code == TransactionCode.RECEIPT and payment.distribution.code == "distribution"
        bank = Account.objects.get(kind=AccountKind.BANK)
        drawing = Account.objects.get(kind=AccountKind.DRAWING_RIGHT, organisation=contribution.organisation)
        received = Account.objects.get(kind=AccountKind.CONTRIBUTIONS)
        assert (bank.balance, drawing.balance, received.balance) == (300_000, 300_000, 0)
        assert received.credits_posted == 300_000  # what was received, though passed on at once
        assert payment.drawing_right_cents == 300_000
        assert verify_ledger() == []

    def test_the_floor_is_reached_from_the_pool_when_the_contribution_is_complete(self, contribution, funded,
                                                                                 finance_user, today):
        contribution.amount_due_cents = 120_000
        contribution.save()
        pool = funded(1_000_000)
        pay(contribution, 20_000, finance_user, today, reference="a", key="a")
        drawing = Account.objects.get(kind=AccountKind.DRAWING_RIGHT)
        assert drawing.balance == 20_000
        pay(contribution, 100_000, finance_user, today, reference="b", key="b")
        drawing.refresh_from_db()
        pool.refresh_from_db()
        assert drawing.balance == 200_000 and pool.balance == 1_000_000 - 80_000
        assert verify_ledger() == []

    def test_a_retry_records_once_and_a_different_content_is_refused(self, contribution, finance_user, today):
        first = pay(contribution, 1_000, finance_user, today)
        assert pay(contribution, 1_000, finance_user, today) == first
        with pytest.raises(IdempotencyConflict):
            pay(contribution, 2_000, finance_user, today)
        assert ContributionPayment.objects.count() == 1 and Transaction.objects.count() == 2

    @pytest.mark.parametrize("cents, message", [(0, "supérieur à zéro"), (-100, "supérieur à zéro"),
                                                (300_001, "dépasse le reste à payer")])
    def test_bad_amounts_are_refused(self, contribution, finance_user, today, cents, message):
        with pytest.raises(LedgerError, match=message):
            pay(contribution, cents, finance_user, today)
        assert not Transaction.objects.exists()

    def test_one_payment_per_bank_reference(self, contribution, finance_user, today):
        pay(contribution, 1_000, finance_user, today, reference="VIR-9", key="x")
        with pytest.raises(LedgerError, match="déjà enregistré"):
            pay(contribution, 1_000, finance_user, today, reference="VIR-9", key="y")

    def test_cancelling_a_payment_reverses_its_distribution_and_its_receipt(self, contribution, finance_user, today):
        payment = pay(contribution, 300_000, finance_user, today)
        services.cancel_contribution_payment(payment_id=payment.pk, date=today, reason="doublon", by=finance_user)
        assert Account.objects.get(kind=AccountKind.BANK).balance == 0
        assert Contribution.objects.with_paid().get().paid_cents == 0
        assert verify_ledger() == []

    def test_a_cancelled_payment_s_reference_is_recorded_again_once_per_cancellation(self, contribution,
                                                                                      finance_user, today):
        first = pay(contribution, 300_000, finance_user, today, reference="VIR-X", key="a")
        services.cancel_contribution_payment(payment_id=first.pk, date=today, reason="montant faux", by=finance_user)
        again = pay(contribution, 250_000, finance_user, today, reference="VIR-X", key="b")
        assert again.replaces == first and Contribution.objects.with_paid().get().paid_cents == 250_000
        with pytest.raises(LedgerError, match="« VIR-X » est déjà enregistré"):
            pay(contribution, 1_000, finance_user, today, reference="VIR-X", key="c")
        services.cancel_contribution_payment(payment_id=again.pk, date=today, reason="doublon", by=finance_user)
        third = pay(contribution, 300_000, finance_user, today, reference="VIR-X", key="d")
        assert third.replaces == again and Contribution.objects.with_paid().get().paid_cents == 300_000
        assert verify_ledger() == []

    def test_verify_ledger_finds_a_replacement_of_a_live_payment(self, contribution, finance_user, today):
        first = pay(contribution, 1_000, finance_user, today, reference="VIR-X", key="a")
        services.cancel_contribution_payment(payment_id=first.pk, date=today, reason="rejeté", by=finance_user)
        again = pay(contribution, 1_000, finance_user, today, reference="VIR-X", key="b")
        live = pay(contribution, 1_000, finance_user, today, reference="VIR-Y", key="c")
        assert verify_ledger() == []
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # someone with the rights drops the guard (rolled back)
                cursor.execute("DROP TRIGGER contribution_payment_append_only ON mutualisation_contributionpayment")
            cursor.execute("UPDATE mutualisation_contributionpayment SET replaces_id = %s WHERE id = %s",
                           [live.pk, again.pk])
        assert [finding.invariant for finding in verify_ledger()] == ["L4"]

    def test_a_reference_is_recorded_once_in_a_batch_even_after_a_cancellation(self, contribution, finance_user,
                                                                               today):
        first = pay(contribution, 1_000, finance_user, today, reference="VIR-X", key="a")
        services.cancel_contribution_payment(payment_id=first.pk, date=today, reason="rejeté", by=finance_user)
        requests = [services.contributions.PaymentRequest(contribution_id=contribution.pk, amount_cents=1_000,
                                                          date=today, reference="VIR-X", idempotency_key=key)
                    for key in ("b", "c")]
        with pytest.raises(LedgerError, match="déjà enregistré"):
            services.record_contribution_payments(requests=requests, by=finance_user)
        assert ContributionPayment.objects.count() == 1

    def test_the_receipt_alone_cannot_be_reversed_once_distributed(self, contribution, finance_user, today):
        payment = pay(contribution, 300_000, finance_user, today)
        with pytest.raises(LedgerError):
            services.reverse_transaction(transaction_id=payment.receipt_id, date=today, reason="x", by=finance_user)


HEADER = "siret;date;montant;reference\n"


@pytest.mark.django_db
class TestPaymentImport:
    @pytest.fixture
    def called(self, etti, organisation, rules, fiscal_year, finance_user):
        return services.call_for_contributions(year=fiscal_year.year, by=finance_user,
                                               bases=[(etti, 500_000_00), (organisation, 100_000_00)])

    def test_a_good_file_records_every_payment(self, called, etti, organisation, finance_user, today):
        content = (HEADER + f"{etti.siret};{today:%d/%m/%Y};4 000,00;VIR-1\n"
                   f"{organisation.siret};{today:%Y-%m-%d};300;VIR-2\n"
                   f"{organisation.siret};{today:%d/%m/%Y};300,00;VIR-3\n").encode("cp1252")
        payments = services.import_contribution_payments(raw=content, filename="banque.csv", year=today.year,
                                                         by=finance_user)
        assert sorted(payment.amount_cents for payment in payments) == [30_000, 30_000, 400_000]
        assert dict(Contribution.objects.with_paid().values_list("organisation__kind", "paid_cents")) == {
            "ETTI": 400_000, "AI": 60_000}
        assert verify_ledger() == []

    def test_any_bad_line_imports_nothing_and_every_bad_line_is_listed(self, called, etti, organisation,
                                                                       finance_user, today):
        day = f"{today:%d/%m/%Y}"
        content = (HEADER + f"{etti.siret};{day};1 000,00;VIR-1\n"        # line 2: good
                   f"00000000000000;{day};10;VIR-2\n"                     # line 3: unknown member
                   f"{etti.siret};31/02/{today.year};10;VIR-3\n"          # line 4: no such date
                   f"{etti.siret};{day};abc;VIR-4\n"                      # line 5: not an amount
                   f"{etti.siret};{day};10;VIR-1\n"                       # line 6: reference already on line 2
                   f"{organisation.siret};{day};600,01;VIR-7\n"           # line 7: more than due
                   f"{etti.siret};{day};0;\n"                             # line 8: zero, no reference
                   f"{etti.siret};01/01/1999;10;VIR-9\n").encode()        # line 9: no open fiscal year
        with pytest.raises(ImportRejected) as rejected:
            services.import_contribution_payments(raw=content, filename="b.csv", year=today.year, by=finance_user)
        problems = " | ".join(rejected.value.problems)
        for line in range(3, 10):
            assert f"Ligne {line} :" in problems, line
        assert "Ligne 2 :" not in problems and "figure déjà ligne 2" in problems
        assert not ContributionPayment.objects.exists() and not Transaction.objects.exists()

    def test_a_cancelled_payment_is_imported_again_and_a_live_one_is_not(self, called, etti, finance_user, today):
        content = (HEADER + f"{etti.siret};{today:%d/%m/%Y};1 000,00;VIR-X\n").encode()
        [first] = services.import_contribution_payments(raw=content, filename="b.csv", year=today.year,
                                                        by=finance_user)
        with pytest.raises(ImportRejected) as rejected:
            services.import_contribution_payments(raw=content, filename="b.csv", year=today.year, by=finance_user)
        assert rejected.value.problems == ["Ligne 2 : le versement « VIR-X » est déjà enregistré"]
        services.cancel_contribution_payment(payment_id=first.pk, date=today, reason="montant faux", by=finance_user)
        [again] = services.import_contribution_payments(raw=content, filename="b.csv", year=today.year,
                                                        by=finance_user)
        assert again.replaces == first and again.amount_cents == 100_000
        assert Contribution.objects.with_paid().get(organisation=etti).paid_cents == 100_000
        with pytest.raises(ImportRejected, match="déjà enregistré"):
            services.import_contribution_payments(raw=content, filename="b.csv", year=today.year, by=finance_user)
        assert ContributionPayment.objects.count() == 2
        assert verify_ledger() == []

    def test_a_line_with_a_value_too_many_does_not_hide_the_other_bad_lines(self, called, etti, finance_user,
                                                                            today):
        day = f"{today:%d/%m/%Y}"
        content = (HEADER + f"{etti.siret};{day};10;VIR-1;en trop\n"        # line 2: a value too many
                   f"00000000000000;{day};10;VIR-2\n"                        # line 3: unknown member
                   f"{etti.siret};{day};10;VIR-3\n"                          # line 4: good
                   f"{etti.siret};{day}\n").encode()                         # line 5: no amount, no reference
        with pytest.raises(ImportRejected) as rejected:
            services.import_contribution_payments(raw=content, filename="b.csv", year=today.year, by=finance_user)
        problems = rejected.value.problems
        assert [problem.split(" :")[0] for problem in problems] == ["Ligne 2", "Ligne 3", "Ligne 5"]
        assert "plus de valeurs que de colonnes" in problems[0] and "00000000000000" in problems[1]
        assert "la référence manque" in problems[2]
        assert not ContributionPayment.objects.exists()

    @pytest.mark.parametrize("content, message", [
        (b"", "est vide"),
        (b"siret;montant\n1;2\n", "Colonnes manquantes : date, reference."),
        (HEADER.encode(), "aucune ligne"),
        (b"x" * (3 * 1024 * 1024), "dépasse 2 Mo"),
    ])
    def test_unreadable_files_get_a_clear_message(self, called, finance_user, today, content, message):
        with pytest.raises(ImportRejected) as rejected:
            services.import_contribution_payments(raw=content, filename="b.csv", year=today.year, by=finance_user)
        assert message in " ".join(rejected.value.problems)


@pytest.mark.django_db
def test_a_call_file_calls_each_member_and_lists_every_bad_line(etti, organisation, rules, finance_user, today):
    bad = (f"siret;masse_salariale\n{etti.siret};1 000 000,00\n99999999999999;10\n{organisation.siret};-5\n"
           f"{etti.siret};5\n").encode()
    with pytest.raises(ImportRejected) as rejected:
        services.import_contribution_calls(raw=bad, filename="appel.csv", year=today.year, by=finance_user)
    assert [problem.split(" :")[0] for problem in rejected.value.problems] == ["Ligne 3", "Ligne 4", "Ligne 5"]
    assert not Contribution.objects.exists()
    good = f"siret;masse_salariale\n{etti.siret};1 000 000,00\n{organisation.siret};0\n".encode()
    called = services.import_contribution_calls(raw=good, filename="appel.csv", year=today.year, by=finance_user)
    assert sorted(contribution.amount_due_cents for contribution in called) == [0, 800_000]
    assert Contribution.objects.get(organisation=etti).rate_percent == Decimal("0.8")


@pytest.mark.django_db
def test_a_call_file_lists_lines_with_a_value_too_many_among_the_other_bad_lines(etti, organisation, rules,
                                                                                  finance_user, today):
    content = (f"siret;masse_salariale\n{etti.siret};1 000;2 000\n99999999999999;10\n{organisation.siret};5\n"
               f"{organisation.siret};abc;\n").encode()
    with pytest.raises(ImportRejected) as rejected:
        services.import_contribution_calls(raw=content, filename="appel.csv", year=today.year, by=finance_user)
    assert [problem.split(" :")[0] for problem in rejected.value.problems] == ["Ligne 2", "Ligne 3", "Ligne 5"]
    assert not Contribution.objects.exists()


@pytest.mark.django_db
class TestPaymentChainGuards:
    """What the database itself refuses, whatever the service does: one chain of payments per reference."""

    @pytest.fixture
    def insert(self, contribution, finance_user, today):
        """Insert a payment row directly, with transactions of its own, inside a savepoint."""
        source, sink = AccountFactory(may_not_go_negative=False), AccountFactory()
        keys = iter(range(1_000))

        def posted():
            return services.post_transaction(date=today, code=TransactionCode.TRANSFER, label="x",
                                             legs=[debit(source, 1), credit(sink, 1)],
                                             idempotency_key=f"raw-{next(keys)}", by=finance_user)

        def insert(reference: str, replaces=None):
            receipt, distribution = posted(), posted()
            with transaction.atomic():
                return ContributionPayment.objects.create(
                    contribution=contribution, date=today, amount_cents=1, reference=reference, drawing_right_cents=0,
                    receipt=receipt, distribution=distribution, replaces=replaces, idempotency_key=f"raw-{next(keys)}",
                    created_by=finance_user, created_at=timezone.now())

        return insert

    @pytest.fixture
    def cancelled(self, contribution, finance_user, today):
        payment = pay(contribution, 1_000, finance_user, today, reference="VIR-X", key="a")
        services.cancel_contribution_payment(payment_id=payment.pk, date=today, reason="rejeté", by=finance_user)
        return payment

    def test_a_reference_has_one_first_payment(self, cancelled, insert):
        with pytest.raises(IntegrityError):
            insert("VIR-X")

    def test_a_cancelled_payment_is_replaced_once(self, cancelled, insert):
        insert("VIR-X", replaces=cancelled)
        with pytest.raises(IntegrityError):
            insert("VIR-X", replaces=cancelled)

    @pytest.mark.postgresql
    def test_postgresql_refuses_to_replace_a_live_payment_or_another_reference(self, contribution, cancelled,
                                                                               insert, finance_user, today):
        live = pay(contribution, 1_000, finance_user, today, reference="VIR-Y", key="b")
        with pytest.raises(IntegrityError, match="may only replace a cancelled payment"):
            insert("VIR-Y", replaces=live)
        with pytest.raises(IntegrityError, match="may only replace a cancelled payment"):
            insert("VIR-Z", replaces=cancelled)
        assert insert("VIR-X", replaces=cancelled).replaces == cancelled


@pytest.mark.django_db
def test_a_payment_dated_in_next_january_goes_into_the_next_fiscal_year(organisation, rules, finance_user, today):
    services.open_fiscal_year(year=today.year, by=finance_user)
    services.open_fiscal_year(year=today.year + 1, by=finance_user)
    contribution = ContributionFactory(organisation=organisation, year=today.year, ruleset=rules)
    payment = pay(contribution, 1_000, finance_user, datetime.date(today.year + 1, 1, 5))
    assert payment.receipt.fiscal_year.year == today.year + 1


@pytest.mark.django_db
class TestRulesOnceAppliedNeverChange:
    """A rule set applied to a call, a payment or a commitment is frozen, and none may start before that day:
    otherwise past splits, rates and four-eyes checks would be read against rules that were not in force."""

    def data(self, rules, **changes) -> dict:
        return {field: getattr(rules, field) for field in services.contributions.RULESET_FIELDS} | changes

    def test_a_rule_set_not_applied_yet_may_change(self, rules, finance_user):
        services.save_ruleset(data=self.data(rules, rate_other_percent=Decimal("0.65")), by=finance_user,
                              ruleset_id=rules.pk)
        rules.refresh_from_db()
        assert rules.rate_other_percent == Decimal("0.65")

    def test_once_a_payment_applied_it_its_values_and_its_date_stay(self, contribution, finance_user, today):
        pay(contribution, 100_000, finance_user, today)
        rules = contribution.ruleset
        for changes in ({"drawing_right_ratio": Decimal("0.5")}, {"valid_from": today + datetime.timedelta(days=30)}):
            with pytest.raises(LedgerError, match="déjà été appliqué"):
                services.save_ruleset(data=self.data(rules, **changes), by=finance_user, ruleset_id=rules.pk)
        rules.refresh_from_db()
        assert (rules.drawing_right_ratio, rules.valid_from) == (Decimal("1"), datetime.date(2000, 1, 1))

    def test_a_new_rule_set_starts_after_the_last_day_the_rules_were_applied(self, contribution, finance_user, today):
        pay(contribution, 100_000, finance_user, today)
        backdated = self.data(contribution.ruleset, valid_from=today, two_approvers_above_cents=100)
        with pytest.raises(LedgerError, match=f"jusqu’au {today:%d/%m/%Y}"):
            services.save_ruleset(data=backdated, by=finance_user)
        tomorrow = services.save_ruleset(data=backdated | {"valid_from": today + datetime.timedelta(days=1)},
                                         by=finance_user)
        assert tomorrow.two_approvers_above_cents == 100 and verify_ledger() == []

    def test_a_call_applies_the_rules_of_1_january(self, organisation, rules, finance_user, today):
        services.call_for_contributions(year=today.year + 1, bases=[(organisation, 1_000)], by=finance_user)
        with pytest.raises(LedgerError, match=f"jusqu’au 01/01/{today.year + 1}"):
            services.save_ruleset(data=self.data(rules, valid_from=datetime.date(today.year + 1, 1, 1)),
                                  by=finance_user)

    def test_a_rule_set_applied_on_its_first_day_is_frozen(self, organisation, finance_user, today):
        january = datetime.date(today.year + 1, 1, 1)
        rules = RuleSetFactory(valid_from=january)
        services.call_for_contributions(year=january.year, bases=[(organisation, 1_000)], by=finance_user)
        with pytest.raises(LedgerError, match="déjà été appliqué"):
            services.save_ruleset(data=self.data(rules, rate_other_percent=Decimal("0.7")), by=finance_user,
                                  ruleset_id=rules.pk)
