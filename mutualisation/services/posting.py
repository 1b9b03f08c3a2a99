"""Posting: checked legs, locks in one order, the hash chain, stored balances — the ledger's core step.

On PostgreSQL one posting is one call of the database's posting function (migration 0004); elsewhere the
same steps run here. Amounts are integer cents; a leg's amount is positive for a debit, negative for a credit.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connections
from django.db.models import BigIntegerField, F, Value
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualisation.exceptions import FiscalYearClosed, IdempotencyConflict, InsufficientFunds, LedgerError
from mutualisation.hashing import legs_text, transaction_fingerprint, transaction_hash
from mutualisation.models import (
    MAX_AMOUNT_CENTS,
    OPENING_CODES,
    YEAR_END_CODES,
    Account,
    ChainHead,
    Entry,
    FiscalYear,
    Transaction,
)

FLAGGED_CHECK = "account_flagged_balance_not_negative"


@dataclass(frozen=True)
class Leg:
    """One side of a posting: `amount` cents on an account, positive for a debit, negative for a credit."""

    account_id: int
    amount: int


def debit(account: Account | int, cents: int) -> Leg:
    return Leg(_pk(account), checked_amount(cents))


def credit(account: Account | int, cents: int) -> Leg:
    return Leg(_pk(account), -checked_amount(cents))


def _pk(account: Account | int) -> int:
    return account if isinstance(account, int) else account.pk


def checked_amount(cents) -> int:
    """A strictly positive whole number of cents, at most MAX_AMOUNT_CENTS."""
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise LedgerError(_("An amount is a whole number of cents."))
    if cents <= 0:
        raise LedgerError(_("An amount must be greater than zero."))
    if cents > MAX_AMOUNT_CENTS:
        raise LedgerError(_("An amount cannot exceed 9,999,999,999.99 €."))
    return cents


def checked_legs(legs: Sequence[Leg]) -> list[Leg]:
    legs = list(legs)
    if len(legs) < 2:
        raise LedgerError(_("A transaction has at least two entries."))
    for leg in legs:
        if isinstance(leg.amount, bool) or not isinstance(leg.amount, int):
            raise LedgerError(_("An amount is a whole number of cents."))
        if leg.amount == 0:
            raise LedgerError(_("An amount must be greater than zero."))
        if abs(leg.amount) > MAX_AMOUNT_CENTS:
            raise LedgerError(_("An amount cannot exceed 9,999,999,999.99 €."))
    if sum(leg.amount for leg in legs) != 0:
        raise LedgerError(_("The entries do not balance: debits must equal credits."))
    return legs


def cents(amount: int) -> Value:
    """An amount of cents as a 64-bit SQL value. A bare int in an expression is bound as a 32-bit integer, which
    psycopg truncates silently from 2**31 cents (21,474,836.48 €) up: balances would wrap."""
    return Value(amount, output_field=BigIntegerField())


class Deltas:
    """Changes to accounts' stored totals, gathered first and written once per account."""

    def __init__(self):
        self.by_account: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])

    def post(self, legs: Iterable[Leg]) -> None:
        for leg in legs:
            self.by_account[leg.account_id][0 if leg.amount > 0 else 1] += abs(leg.amount)

    def pend(self, source_id: int, destination_id: int, cents: int) -> None:
        """Reserve `cents` (negative: release them) from source to destination."""
        self.by_account[source_id][2] += cents
        self.by_account[destination_id][3] += cents

    def check(self, accounts: dict[int, Account]) -> None:
        """Refuse, with a clear message, what the database's CHECK constraint would refuse (L2)."""
        for account_id, (debits, credits, debits_pending, credits_pending) in self.by_account.items():
            account = accounts[account_id]
            if not account.may_not_go_negative:
                continue
            account.debits_posted += debits
            account.credits_posted += credits
            account.debits_pending += debits_pending
            account.credits_pending += credits_pending
            if account.available < 0:
                raise InsufficientFunds(account)

    def apply(self, accounts: dict[int, Account]) -> None:
        """Write the totals (the accounts are the locked ones: after an error the database cannot be read)."""
        for account_id, (debits, credits, debits_pending, credits_pending) in sorted(self.by_account.items()):
            if not (debits or credits or debits_pending or credits_pending):
                continue
            try:
                Account.objects.filter(pk=account_id).update(
                    debits_posted=F("debits_posted") + cents(debits), credits_posted=F("credits_posted") + cents(credits),
                    debits_pending=F("debits_pending") + cents(debits_pending),
                    credits_pending=F("credits_pending") + cents(credits_pending),
                )
            except IntegrityError as error:
                if FLAGGED_CHECK in str(error):
                    raise InsufficientFunds(accounts[account_id], by_database=True) from error
                raise


def lock_accounts(account_ids: Iterable[int]) -> dict[int, Account]:
    """Lock the accounts in primary-key order, the one order every verb uses."""
    wanted = set(account_ids)
    accounts = Account.objects.filter(pk__in=wanted).order_by("pk")
    if locks_enabled():
        accounts = accounts.select_for_update()
    found = {account.pk: account for account in accounts}
    if len(found) != len(wanted):
        raise LedgerError(_("Unknown account."))
    return found


def open_year_for(day: datetime.date) -> FiscalYear:
    """The open fiscal year containing `day`; posting elsewhere is refused (L7).

    On PostgreSQL the year's row is read under a key-share lock (callers hold their account locks: the closing's
    order): a closing of the year in progress is waited for, and its outcome read (migration 0008)."""
    years = FiscalYear.objects.filter(start__lte=day, end__gte=day)
    if connections[years.db].vendor == "postgresql":
        sql, params = years.query.sql_with_params()
        fiscal_year = next(iter(FiscalYear.objects.raw(f"{sql} FOR KEY SHARE", params)), None)
    else:
        fiscal_year = years.first()
    if fiscal_year is None:
        raise LedgerError(_("No fiscal year covers %(date)s.") % {"date": day.strftime("%d/%m/%Y")})
    if not fiscal_year.is_open:
        raise FiscalYearClosed(
            _("The fiscal year %(year)s is closed: nothing more can be posted into it.") % {"year": fiscal_year.year}
        )
    return fiscal_year


def same_or_conflict(existing, fingerprint: str):
    if existing.fingerprint != fingerprint:
        raise IdempotencyConflict(existing.idempotency_key)
    return existing


@dataclass(frozen=True)
class Posting:
    """A transaction to post: what, when, why, and the key that makes it happen once."""

    date: datetime.date
    code: str
    label: str
    legs: Sequence[Leg]
    key: str
    reverses: Transaction | None = None

    @property
    def fingerprint(self) -> str:
        return transaction_fingerprint(date=self.date, code=self.code, label=self.label[:255],
                                       legs=[(leg.account_id, leg.amount) for leg in self.legs],
                                       reverses_id=self.reverses.pk if self.reverses else None)


def checked_by_hand(posting: Posting) -> Posting:
    """A posting the services may make: balanced legs, and no year-end entry, which only the closing of a year posts
    (append_transactions marks its opening entries, Entry.opening; the database's posting function does not)."""
    checked_legs(posting.legs)
    if posting.code in YEAR_END_CODES:
        raise LedgerError(_("Year-end entries are posted by the closing of the year only."))
    return posting


def append_transactions(postings: Sequence[tuple[Posting, FiscalYear]], *, by) -> list[Transaction]:
    """Insert checked transactions and their entries at the end of the hash chain, in order, in three statements
    (callers hold the account locks; the chain head's lock orders concurrent appends)."""
    head, _created = ChainHead.objects.select_for_update().get_or_create(pk=1)
    number, previous = head.number, head.hash
    rows = []
    for posting, fiscal_year in postings:
        number += 1
        created_at = timezone.now()
        label, fingerprint = posting.label[:255], posting.fingerprint
        reverses_id = posting.reverses.pk if posting.reverses else None
        digest = transaction_hash(
            previous_hash=previous, number=number, fiscal_year_id=fiscal_year.pk, date=posting.date, code=posting.code,
            label=label, idempotency_key=posting.key, fingerprint=fingerprint, reverses_id=reverses_id,
            created_by_id=by.pk, created_at=created_at, legs=[(leg.account_id, leg.amount) for leg in posting.legs],
        )
        rows.append(Transaction(
            number=number, fiscal_year=fiscal_year, date=posting.date, code=posting.code, label=label,
            idempotency_key=posting.key, fingerprint=fingerprint, reverses_id=reverses_id, created_by=by,
            created_at=created_at, previous_hash=previous, hash=digest,
        ))
        previous = digest
    posted = Transaction.objects.bulk_create(rows)
    Entry.objects.bulk_create(
        Entry(transaction=transaction, account_id=leg.account_id, amount=leg.amount, date=transaction.date,
              opening=transaction.code in OPENING_CODES)
        for transaction, (posting, _year) in zip(posted, postings, strict=True) for leg in posting.legs
    )
    ChainHead.objects.filter(pk=head.pk).update(number=number, hash=previous)
    return posted


_switches: dict[str, bool] = {}


def switch(name: str) -> bool:
    """A LEDGER_* setting (on unless set), read once: a missing setting costs an exception on every read."""
    try:
        return _switches[name]
    except KeyError:
        value = _switches[name] = bool(getattr(settings, name, True))
        return value


@receiver(setting_changed)
def forget_switches(*, setting: str, **kwargs) -> None:
    if setting.startswith("LEDGER_"):
        _switches.clear()


def locks_enabled() -> bool:
    # A test-only switch shows that the races the row locks prevent are real (see the concurrency tests).
    return switch("LEDGER_LOCK_ACCOUNTS")


LEDGER_REFUSALS = {"unknown_account", "conflict", "no_year", "closed", "funds"}


def refusal(error: DatabaseError, posting: Posting) -> LedgerError | None:
    """The domain error behind a refusal of the PostgreSQL posting function or of a CHECK constraint, if any."""
    diagnostic = getattr(error.__cause__, "diag", None)
    message = (getattr(diagnostic, "message_primary", None) or "") if diagnostic else ""
    if getattr(diagnostic, "constraint_name", None) == FLAGGED_CHECK:
        return InsufficientFunds(by_database=True)
    tag, _separator, detail = message.removeprefix("ledger:").partition(":")
    if not message.startswith("ledger:") or tag not in LEDGER_REFUSALS:
        return None
    if tag == "conflict":
        return IdempotencyConflict(posting.key)
    if tag == "funds":
        return InsufficientFunds(detail.partition(":")[2])
    if tag == "closed":
        return FiscalYearClosed(_("The fiscal year %(year)s is closed: nothing more can be posted into it.")
                                % {"year": detail})
    if tag == "no_year":
        return LedgerError(_("No fiscal year covers %(date)s.") % {"date": posting.date.strftime("%d/%m/%Y")})
    return LedgerError(_("Unknown account."))


def array(numbers) -> str:
    """A PostgreSQL array literal: cheaper to send than a list adapted value by value."""
    return "{" + ",".join(map(str, numbers)) + "}"


# Every parameter typed: the statement is prepared once per connection with these types, whatever the values.
POST = ("SELECT * FROM mutualisation_post(%s::text, %s::text, %s::date, %s::text, %s::text, %s::bigint, %s::bigint[], "
        "%s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[], %s::text, %s::boolean)")


def prepared_statements_enabled() -> bool:
    # Off behind a connection pooler that cannot keep a session's prepared statements (pgbouncer in transaction mode).
    return switch("LEDGER_PREPARED_STATEMENTS")


def call_posting_function(db, params: list) -> tuple:
    """One call of mutualisation_post(), its one row.

    As a server-side prepared statement (parsed and planned once per connection, then only bound and run), through
    psycopg directly. Through Django's cursor instead when Django logs or wraps queries (DEBUG, query counting in
    tests, execute_wrappers), so that the posting shows there as one query like any other.
    """
    if db.queries_logged or db.execute_wrappers or not prepared_statements_enabled():
        with db.cursor() as cursor:
            cursor.execute(POST, params)
            return cursor.fetchone()
    # What Django's cursor() and execute() do first.
    db.close_if_health_check_failed()
    db.ensure_connection()
    db.validate_no_broken_transaction()
    raw = db.connection
    cursor = getattr(db, "ledger_posting_cursor", None)
    if cursor is None or cursor.connection is not raw or cursor.closed:
        import psycopg  # here: SQLite installs need not have it

        if raw.prepare_threshold is None:
            # Settings that leave psycopg's automatic preparation off (Django's default): this only lets the cursor
            # below prepare the one statement it asks to.
            raw.prepare_threshold = 5
        # One server-side-binding cursor per connection, kept with it (creating one per posting cost a fifth of
        # the client's time); results in binary, which psycopg reads faster than text.
        cursor = db.ledger_posting_cursor = psycopg.Cursor(raw)
    with db.wrap_database_errors:
        cursor.execute(POST, params, prepare=True, binary=True)
        return cursor.fetchone()


def post_on_postgresql(posting: Posting, *, by, db=None) -> Transaction:
    """One posting in one round trip, by the database's mutualisation_post() (migration 0004)."""
    db = db or connections[DEFAULT_DB_ALIAS]  # the proxy `connection` looks the connection up on every attribute
    pairs = sorted((leg.account_id, leg.amount) for leg in posting.legs)
    totals: dict[int, list[int]] = {}  # debits and credits per account, in account order
    for account_id, amount in pairs:
        total = totals.get(account_id)
        if total is None:
            total = totals[account_id] = [0, 0]
        if amount > 0:
            total[0] += amount
        else:
            total[1] -= amount
    label = posting.label[:255]
    fingerprint = transaction_fingerprint(date=posting.date, code=posting.code, label=label, legs=pairs,
                                          reverses_id=posting.reverses.pk if posting.reverses else None)
    try:
        pk, number, fiscal_year_id, created_at, previous_hash, digest, found = call_posting_function(db, [
            posting.key, fingerprint, posting.date, posting.code, label, by.pk,
            array([leg.account_id for leg in posting.legs]), array([leg.amount for leg in posting.legs]), array(totals),
            array([debits for debits, _credits in totals.values()]),
            array([credits for _debits, credits in totals.values()]),
            legs_text(pairs), locks_enabled()])
    except DatabaseError as error:
        domain_error = refusal(error, posting)
        if domain_error is None:
            raise
        raise domain_error from error
    if found:
        return Transaction.objects.get(pk=pk)
    # The row as the database holds it, in the model's field order (Django's fast path for rows read from the database).
    posted = Transaction.from_db(db.alias, None, [
        pk, number, fiscal_year_id, posting.date, posting.code, label, posting.key, fingerprint, None, by.pk,
        created_at.astimezone(db.timezone), previous_hash, digest])
    Transaction.created_by.field.set_cached_value(posted, by)
    return posted


def post_many(postings: Sequence[Posting], *, by) -> list[Transaction]:
    """Post balanced transactions once each (L1, L2, L4, L7), all or none, in order: each is checked against the
    balances the ones before it leave. Runs inside the caller's transaction; no audit entry.

    On PostgreSQL each posting is one call of the database's posting function; elsewhere the same steps run here.
    """
    for posting in postings:
        checked_by_hand(posting)
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor == "postgresql":
        if len(postings) > 1:
            # Every account of the batch first, in the one order: each posting then locks only what this transaction
            # holds already, and never waits for an account while holding the chain head (no deadlock between batches).
            lock_accounts(leg.account_id for posting in postings for leg in posting.legs)
        return [post_on_postgresql(posting, by=by, db=db) for posting in postings]
    accounts = lock_accounts(leg.account_id for posting in postings for leg in posting.legs)
    # Checked under the account locks: a concurrent request with the same content has committed by now.
    found = {transaction.idempotency_key: transaction for transaction in
             Transaction.objects.filter(idempotency_key__in=[posting.key for posting in postings])}
    years: dict[datetime.date, FiscalYear] = {}
    deltas, new, results = Deltas(), [], []
    for posting in postings:
        if posting.key in found:
            results.append(same_or_conflict(found[posting.key], posting.fingerprint))
            continue
        if posting.date not in years:
            years[posting.date] = open_year_for(posting.date)
        step = Deltas()
        step.post(posting.legs)
        step.check(accounts)
        deltas.post(posting.legs)
        new.append((posting, years[posting.date]))
        results.append(posting.key)
    if len({posting.key for posting, _year in new}) != len(new):
        raise LedgerError(_("The same operation appears twice."))
    posted = {transaction.idempotency_key: transaction for transaction in append_transactions(new, by=by)} if new else {}
    deltas.apply(accounts)
    return [posted[result] if isinstance(result, str) else result for result in results]


def post(*, date: datetime.date, code: str, label: str, legs: Sequence[Leg], idempotency_key: str, by) -> Transaction:
    """Post one balanced transaction once (see post_many)."""
    return post_many([Posting(date=date, code=code, label=label, legs=list(legs), key=idempotency_key)], by=by)[0]
