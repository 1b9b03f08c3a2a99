"""The two defences against races that threads rarely show: one locking order, and a transaction run again when
PostgreSQL aborts it for a deadlock or a serialization failure."""

import psycopg.errors
import pytest
from django.db import OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext

from mutualisation.retry import run_retrying
from mutualisation.services.posting import lock_accounts
from tests.mutualisation.factories import AccountFactory


@pytest.mark.postgresql
@pytest.mark.django_db
def test_accounts_are_locked_in_primary_key_order_whatever_the_order_asked(fiscal_year):
    accounts = [AccountFactory() for _ in range(3)]
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        lock_accounts([account.pk for account in reversed(accounts)])
    [sql] = [query["sql"] for query in queries.captured_queries if "FOR UPDATE" in query["sql"]]
    assert sql.rstrip().endswith('ORDER BY "mutualisation_account"."id" ASC FOR UPDATE')


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("cause", [psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected])
def test_a_transaction_aborted_by_the_database_is_run_again(cause):
    attempts = []

    def action():
        attempts.append(1)
        if len(attempts) == 1:
            raise OperationalError("transient") from cause("transient")
        return "done"

    assert run_retrying(action) == "done" and len(attempts) == 2


@pytest.mark.django_db(transaction=True)
def test_any_other_database_error_is_not_run_again():
    attempts = []

    def action():
        attempts.append(1)
        raise OperationalError("the server is gone") from psycopg.errors.AdminShutdown("gone")

    with pytest.raises(OperationalError):
        run_retrying(action)
    assert len(attempts) == 1
