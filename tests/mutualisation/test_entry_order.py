"""The entries' order by day (opening entries first, Entry.opening): who marks them, and the index that serves it."""

import datetime
import importlib
import json

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Window
from django.test import RequestFactory

from mutualisation import services
from mutualisation.exceptions import LedgerError
from mutualisation.models import OPENING_CODES, YEAR_END_CODES, Account, AccountKind, Entry, TransactionCode
from mutualisation.services import credit, debit
from mutualisation.services.posting import post
from mutualisation.verification import verify_ledger
from mutualisation.views import StatementView
from tests.mutualisation.factories import AccountFactory, FiscalYearFactory

opening_migration = importlib.import_module("mutualisation.migrations.0009_entry_opening_first")


@pytest.fixture
def closed_year(finance_user, preparer, today):
    """Last year closed with a balance and an open commitment carried, after a posting of this 1 January."""
    last_year = FiscalYearFactory(year=today.year - 1)
    source, envelope = AccountFactory(may_not_go_negative=False), AccountFactory()
    services.post_transaction(date=datetime.date(last_year.year, 6, 1), code=TransactionCode.TRANSFER, label="Dotation",
                              legs=[debit(source, 10_000), credit(envelope, 10_000)], idempotency_key="a",
                              by=finance_user)
    services.reserve(date=datetime.date(last_year.year, 6, 2), label="Formation", source_id=envelope.pk,
                     destination_id=services.fund_account(AccountKind.PAYMENTS).pk, amount=2_500, idempotency_key="r",
                     by=finance_user, prepared_by=preparer)
    FiscalYearFactory(year=today.year)
    services.post_transaction(date=datetime.date(today.year, 1, 1), code=TransactionCode.TRANSFER, label="Nouvel an",
                              legs=[debit(source, 300), credit(envelope, 300)], idempotency_key="b", by=finance_user)
    services.close_fiscal_year(year=last_year.year, by=finance_user)
    return envelope


@pytest.mark.django_db
def test_the_closing_marks_its_opening_entries_and_only_them(closed_year):
    marks = {(code, opening) for code, opening in Entry.objects.values_list("transaction__code", "opening")}
    assert marks == {("transfer", False), ("carry", False), ("closing", False), ("opening", True),
                     ("carry_back", True)}
    assert verify_ledger() == []


@pytest.mark.django_db
def test_a_statement_lists_the_opening_entries_first_on_their_day(closed_year, finance_user):
    rows = list(statement_of(closed_year, finance_user).values_list("transaction__code", "date"))
    new_year = [code for code, day in rows if day == closed_year.entries.filter(opening=True).first().date]
    assert new_year == ["opening", "carry_back", "transfer"]  # the transfer was posted first


@pytest.mark.django_db
@pytest.mark.parametrize("code", sorted(YEAR_END_CODES))
def test_year_end_entries_are_posted_by_the_closing_only(fiscal_year, finance_user, today, code):
    source, destination = AccountFactory(may_not_go_negative=False), AccountFactory()
    for service in (services.post_transaction, post):
        with pytest.raises(LedgerError, match="clôture"):
            service(date=today, code=code, label="À la main", legs=[debit(source, 100), credit(destination, 100)],
                 idempotency_key=f"{service.__name__}-{code}", by=finance_user)
    assert not Entry.objects.exists()
    assert OPENING_CODES <= YEAR_END_CODES


@pytest.mark.django_db
def test_the_migration_marks_the_entries_posted_before_it(closed_year):
    forget_marks()
    assert not Entry.objects.filter(opening=True).exists()
    assert {finding.invariant for finding in verify_ledger()} == {"L9"}
    opening_migration.mark_opening_entries(None, SchemaEditor())
    assert set(Entry.objects.filter(opening=True).values_list("transaction__code", flat=True)) == set(OPENING_CODES)
    assert verify_ledger() == []


@pytest.mark.postgresql
@pytest.mark.django_db
def test_the_migration_leaves_entries_append_only(closed_year):
    opening_migration.mark_opening_entries(None, SchemaEditor())
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Entry.objects.filter(opening=True).update(opening=False)


@pytest.mark.postgresql
@pytest.mark.django_db
def test_a_statement_is_read_in_the_order_of_an_index_without_sorting(closed_year, finance_user):
    page = statement_of(closed_year, finance_user).annotate(total_rows=Window(Count("pk")))[:50]
    sql, params = page.query.sql_with_params()
    with connection.cursor() as cursor:
        # Sorting made possible only where no index gives the order: a plan that still sorts has no such index.
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = json.dumps(cursor.fetchone()[0])
    assert "entry_account_day_order_idx" in plan
    assert "Sort" not in plan


def statement_of(account: Account, user):
    view = StatementView()
    request = RequestFactory().get("/")
    request.user = user
    view.setup(request, pk=account.pk)
    return view.get_queryset()


class SchemaEditor:
    """What the migration's function uses of a schema editor (SQLite's cannot be opened inside a test's transaction)."""

    connection = connection

    def execute(self, sql: str, params=()) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def forget_marks() -> None:
    """The entries as an installation had them before migration 0009 (PostgreSQL: the guard lifted in the test)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE mutualisation_entry DISABLE TRIGGER entry_append_only")
        cursor.execute("UPDATE mutualisation_entry SET opening = FALSE")
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE mutualisation_entry ENABLE TRIGGER entry_append_only")
