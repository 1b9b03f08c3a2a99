"""The posting path of PostgreSQL (migration 0004's function, called as a prepared statement) against the Python
definitions it mirrors: the same fingerprint, the same hash, the same refusals, under the same locks."""

import datetime
import json
import threading
import time

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from mutualisation import services
from mutualisation.exceptions import FiscalYearClosed
from mutualisation.hashing import _digest, hash_of, sorted_legs, transaction_fingerprint, transaction_hash
from mutualisation.models import Account, FiscalYear, Transaction, TransactionCode
from mutualisation.services import credit, debit
from mutualisation.verification import verify_ledger
from tests.mutualisation.factories import AccountFactory

LABELS = ["Virement", "", "Cotisation 2026 — Émile & Cie (réf. \"A/1\")", "tab\tnew\nline \\ \u2028 \x01 😀"]


@given(code=st.sampled_from(TransactionCode.values), label=st.text(max_size=300),
       legs=st.lists(st.tuples(st.integers(1, 10**6), st.integers(-10**12, 10**12)), max_size=6),
       reverses_id=st.none() | st.integers(1, 10**9), day=st.dates())
def test_the_fingerprint_is_the_digest_of_the_sorted_json_content(code, label, legs, reverses_id, day):
    expected = _digest({"date": day.isoformat(), "code": code, "label": label, "legs": sorted_legs(legs),
                        "reverses": reverses_id})
    assert transaction_fingerprint(date=day, code=code, label=label, legs=legs, reverses_id=reverses_id) == expected


def test_the_fingerprint_of_a_choice_is_that_of_its_value():
    day = datetime.date(2026, 3, 1)
    assert transaction_fingerprint(date=day, code=TransactionCode.TRANSFER, label="x", legs=[(1, 5), (2, -5)],
                                   reverses_id=None) == _digest(json.loads(json.dumps(
                                       {"date": "2026-03-01", "code": "transfer", "label": "x",
                                        "legs": [[1, 5], [2, -5]], "reverses": None})))


@pytest.mark.postgresql
@pytest.mark.django_db
@pytest.mark.parametrize("label", LABELS)
@pytest.mark.parametrize("reverses_id", [None, 12])
def test_the_sql_hash_function_and_the_python_hash_agree(label, reverses_id):
    created_at = datetime.datetime(2026, 11, 26, 5, 32, 58, 123456, tzinfo=datetime.UTC)
    fields = {"previous_hash": "ab" * 32, "number": 1234, "fiscal_year_id": 7, "date": datetime.date(2026, 1, 31),
              "code": "transfer", "label": label, "idempotency_key": "key-é", "fingerprint": "f" * 64,
              "reverses_id": reverses_id, "created_by_id": 42, "created_at": created_at,
              "legs": [(9, -250), (3, 100), (3, 150)]}
    with connection.cursor() as cursor:
        cursor.execute("SELECT mutualisation_transaction_hash(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", [
            fields["previous_hash"], fields["number"], fields["fiscal_year_id"], fields["date"], fields["code"],
            label, fields["idempotency_key"], fields["fingerprint"], reverses_id, fields["created_by_id"], created_at,
            "3:100;3:150;9:-250"])
        [in_sql] = cursor.fetchone()
    assert in_sql == transaction_hash(**fields)


@pytest.mark.postgresql
@pytest.mark.django_db
def test_a_posting_by_the_function_returns_the_row_as_stored(fiscal_year, finance_user, today):
    source, envelope = AccountFactory(may_not_go_negative=False), AccountFactory()
    posted = services.post_transaction(date=today, code=TransactionCode.TRANSFER, label=LABELS[2],
                                       legs=[debit(source, 700), credit(envelope, 700)], idempotency_key="é-1",
                                       by=finance_user)
    stored = Transaction.objects.get(pk=posted.pk)
    fields = ["number", "fiscal_year_id", "date", "code", "label", "idempotency_key", "fingerprint", "reverses_id",
              "created_by_id", "created_at", "previous_hash", "hash"]
    assert [getattr(posted, field) for field in fields] == [getattr(stored, field) for field in fields]
    assert posted.created_by == finance_user and not posted._state.adding
    assert posted.hash == hash_of(stored, [(envelope.pk, -700), (source.pk, 700)])
    # A replay returns the first result, read back from the database.
    again = services.post_transaction(date=today, code=TransactionCode.TRANSFER, label=LABELS[2],
                                      legs=[debit(source, 700), credit(envelope, 700)], idempotency_key="é-1",
                                      by=finance_user)
    assert again.pk == posted.pk and again.hash == posted.hash
    assert verify_ledger() == []


@pytest.mark.postgresql
@pytest.mark.django_db
@pytest.mark.parametrize("prepared", [True, False])
def test_a_posting_is_one_call_of_the_function_whether_prepared_or_not(fiscal_year, finance_user, today, prepared):
    source, envelope = AccountFactory(may_not_go_negative=False), AccountFactory()
    with override_settings(LEDGER_PREPARED_STATEMENTS=prepared):
        first = services.post_transaction(date=today, code=TransactionCode.TRANSFER, label="un",
                                          legs=[debit(source, 1), credit(envelope, 1)], idempotency_key="1",
                                          by=finance_user)
        # When Django counts queries, the posting goes through its cursor and counts as one.
        with CaptureQueriesContext(connection) as queries:
            second = services.post_transaction(date=today, code=TransactionCode.TRANSFER, label="deux",
                                               legs=[debit(source, 2), credit(envelope, 2)], idempotency_key="2",
                                               by=finance_user)
    assert len([query for query in queries.captured_queries if "mutualisation_post(" in query["sql"]]) == 1
    assert second.previous_hash == first.hash and second.number == first.number + 1
    envelope.refresh_from_db()
    assert envelope.balance == 3
    assert verify_ledger() == []


@pytest.mark.postgresql
@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_a_posting_that_waited_for_the_closing_of_its_year_is_refused(fiscal_year, finance_user, today):
    """The fiscal year is read once the accounts are locked: a year closed meanwhile refuses the posting (L7)."""
    source, envelope = AccountFactory(may_not_go_negative=False), AccountFactory()
    locked, outcome = threading.Event(), {}

    def post():
        locked.wait(10)
        try:
            outcome["result"] = services.post_transaction(
                date=today, code=TransactionCode.TRANSFER, label="late", legs=[debit(source, 5), credit(envelope, 5)],
                idempotency_key="late", by=finance_user)
        except Exception as error:  # noqa: BLE001 -- the test inspects it
            outcome["result"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=post)
    thread.start()
    with transaction.atomic():
        # What the closing of a year does first: lock every account; the posting then waits for them.
        list(Account.objects.select_for_update().order_by("pk"))
        locked.set()
        time.sleep(0.5)
        FiscalYear.objects.filter(pk=fiscal_year.pk).update(status=FiscalYear.Status.CLOSED, closed_at=timezone.now(),
                                                           closed_by=finance_user)
    thread.join(30)
    assert isinstance(outcome["result"], FiscalYearClosed), outcome
    assert not Transaction.objects.filter(idempotency_key="late").exists()
    assert verify_ledger() == []


@pytest.mark.django_db
def test_the_database_still_refuses_an_unknown_transaction_code_or_account_kind(fiscal_year, finance_user, today):
    """The two CHECK constraints written with any_of (migration 0005) refuse what their IN lists refused."""
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        Transaction.objects.create(number=1, fiscal_year=fiscal_year, date=today, code="bogus", label="x",
                                   idempotency_key="x", fingerprint="x", created_by=finance_user,
                                   created_at=timezone.now(), previous_hash="x", hash="y")
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.create(code="467300", aux_code="X", name="x", kind="bogus", may_not_go_negative=False)
    for kind in ("envelope", "bank"):
        Account.objects.create(code="467300", aux_code=kind, name="x", kind=kind, may_not_go_negative=False)


HASHED = {"previous_hash": "ab" * 32, "number": 1234, "fiscal_year_id": 7, "date": datetime.date(2026, 1, 31),
          "code": "transfer", "label": "x", "idempotency_key": "k", "fingerprint": "f" * 64, "reverses_id": None,
          "created_by_id": 42, "created_at": datetime.datetime(2026, 11, 26, 5, 32, 58, 123456, tzinfo=datetime.UTC),
          "legs": [(9, -250), (3, 250)]}
CHANGED = {"previous_hash": "cd" * 32, "number": 1235, "fiscal_year_id": 8, "date": datetime.date(2026, 2, 1),
           "code": "grant", "label": "y", "idempotency_key": "l", "fingerprint": "e" * 64, "reverses_id": 12,
           "created_by_id": 43, "created_at": HASHED["created_at"] + datetime.timedelta(microseconds=1),
           "legs": [(9, -251), (3, 251)]}


@pytest.mark.parametrize("field", sorted(CHANGED))
def test_the_hash_covers_every_field_of_a_transaction(field):
    """The database's hash is checked equal to this one above: a field left out of either would show here."""
    assert transaction_hash(**HASHED | {field: CHANGED[field]}) != transaction_hash(**HASHED)
