import random

import pytest
from django.db import OperationalError
from django.db.models import F
from django.utils import timezone

from adherents import demo as network_demo
from core.models import OutgoingEmail, User
from core.roles import Role
from mutualisation import demo, nightly
from mutualisation.models import Account, Contribution, FiscalYear, Reservation, Transaction
from mutualisation.tasks import verify_ledger_nightly
from mutualisation.verification import verify_ledger
from tests.factories import UserFactory
from tests.mutualisation.factories import AccountFactory


@pytest.mark.django_db
def test_the_nightly_check_emails_finance_once_when_the_books_do_not_hold(finance_user, fiscal_year, mailoutbox,
                                                                        django_capture_on_commit_callbacks):
    AccountFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert verify_ledger_nightly() == 0
    assert not OutgoingEmail.objects.exists()
    Account.objects.update(credits_posted=F("credits_posted") + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert verify_ledger_nightly() == 1
        assert verify_ledger_nightly() == 1  # the same night: one e-mail only
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [finance_user.email] and "1 anomalie" in mailoutbox[0].subject
    assert "L6" in mailoutbox[0].body


@pytest.fixture
def books_that_do_not_hold(fiscal_year):
    AccountFactory.create_batch(3)
    Account.objects.update(credits_posted=F("credits_posted") + 1)  # three L6 findings


@pytest.mark.django_db
def test_without_a_finance_address_the_administrators_are_told(books_that_do_not_hold, finance_user,
                                                                 django_capture_on_commit_callbacks, mailoutbox):
    finance_user.email = ""
    finance_user.save()
    UserFactory(username="chef", role=Role.ADMIN, email="chef@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert verify_ledger_nightly() == 3
    assert [message.to for message in mailoutbox] == [["chef@example.org"]]


@pytest.mark.django_db
def test_with_nobody_to_tell_the_log_says_so(books_that_do_not_hold, caplog):
    assert not User.objects.exists()
    assert verify_ledger_nightly() == 3
    assert not OutgoingEmail.objects.exists()
    assert any(record.levelname == "ERROR" and "nobody to tell" in record.getMessage() for record in caplog.records)


@pytest.mark.django_db
def test_the_e_mail_lists_the_first_findings_and_counts_the_rest(books_that_do_not_hold, finance_user, monkeypatch,
                                                                  django_capture_on_commit_callbacks, mailoutbox):
    monkeypatch.setattr(nightly, "SHOWN_IN_EMAIL", 2)
    with django_capture_on_commit_callbacks(execute=True):
        assert verify_ledger_nightly() == 3
    body = mailoutbox[0].body
    assert "3 anomalies" in mailoutbox[0].subject and body.count("- L6") == 2 and "… et 1 de plus." in body


@pytest.mark.django_db
def test_a_check_that_cannot_run_is_reported_then_fails(finance_user, monkeypatch, mailoutbox,
                                                         django_capture_on_commit_callbacks):
    def broken():
        raise OperationalError("server closed the connection")

    monkeypatch.setattr(nightly, "verify_ledger", broken)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(OperationalError):
        verify_ledger_nightly()
    assert mailoutbox[0].to == [finance_user.email] and "n’a pas pu" in mailoutbox[0].subject
    assert "OperationalError" in mailoutbox[0].body


@pytest.mark.django_db
def test_demo_data_is_real_books_and_seeding_twice_changes_nothing():
    for username, role in (("finance", Role.FINANCE), ("formation", Role.TRAINING), ("admin", Role.ADMIN)):
        UserFactory(username=username, role=role)
    network_demo.seed_delegations()
    rng = random.Random(3)
    organisations = network_demo.seed_organisations(network_demo.Scale({"AI": 8, "ETTI": 2}, (0, 0)), rng)
    summary = demo.seed(scale="demo", rng=rng, password="demo", progress=lambda items: items)
    assert "clôturé" in summary
    years = dict(FiscalYear.objects.values_list("year", "status"))
    assert sorted(years.values()) == ["closed", "open"]
    current = max(years)
    called = Contribution.objects.with_paid().filter(year=current)
    assert called.count() == len(organisations)
    assert called.filter(paid_cents=0).exists() or called.filter(paid_cents__lt=F("amount_due_cents")).exists()
    assert Reservation.objects.filter(status="carried").count() == Reservation.objects.filter(
        carried_from__isnull=False).count()
    cancelled = Transaction.objects.filter(reverses__isnull=False)
    assert cancelled.count() == 2 and {reversal.reverses.code for reversal in cancelled} == {
        "receipt", "distribution"}
    assert verify_ledger() == []
    count = Transaction.objects.count()
    assert demo.seed(scale="demo", rng=random.Random(3), password="demo", progress=lambda items: items) == "déjà en place"
    assert Transaction.objects.count() == count


@pytest.mark.django_db
def test_seeding_again_in_a_later_year_changes_nothing(monkeypatch):
    """`make run` seeds every time: a database seeded in December must still start in January (the rules applied
    then can no longer be backdated, so a second history would be refused)."""
    for username, role in (("finance", Role.FINANCE), ("formation", Role.TRAINING), ("admin", Role.ADMIN)):
        UserFactory(username=username, role=role)
    network_demo.seed_delegations()
    network_demo.seed_organisations(network_demo.Scale({"AI": 4}, (0, 0)), random.Random(5))
    demo.seed(scale="demo", rng=random.Random(5), password="demo", progress=lambda items: items)
    count, today = Transaction.objects.count(), timezone.localdate()
    monkeypatch.setattr(timezone, "localdate", lambda *args: today.replace(year=today.year + 1, month=1, day=15))
    assert demo.seed(scale="demo", rng=random.Random(5), password="demo", progress=lambda items: items) == "déjà en place"
    assert Transaction.objects.count() == count
