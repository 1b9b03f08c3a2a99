"""The fund's ledger: posting throughput against a plain INSERT-and-commit loop on the same database, and
an account's balance read at 1,000,000 entries against 10,000 (stored balances: it must not grow).

The database keeps PostgreSQL's durability defaults (bench/run.py): each commit of either loop waits for its
WAL on disk, as a ledger's must; a line also shows both loops without that wait.

The million entries are generated in SQL (a recursive series, 100 entries per balanced transaction),
with the ledger's guard triggers disabled during the load only; their transactions carry placeholder
hashes, so verify_ledger would flag this throwaway database's chain (never run it on it).
"""

import time
import uuid

from django.db import connection, transaction
from django.db.models import F, Sum
from django.test import Client
from django.utils import timezone

from bench.measure import Check, Result, interleaved_medians, median_seconds
from core.models import User
from core.roles import Role
from core.services import create_user
from mutualisation import services
from mutualisation.models import Account, AccountKind, ChainHead, Entry, TransactionCode
from mutualisation.services import credit, debit
from mutualisation.services.posting import Posting, post_many

BLOCK = 20  # operations per timed sample
PER_TRANSACTION = 100  # entries on the measured account per generated transaction
GUARDED_TABLES = ("mutualisation_entry", "mutualisation_transaction")


def bench_user() -> User:
    user = User.objects.filter(username="bench-finance").first()
    return user or create_user(username="bench-finance", email="bench@example.org", password=uuid.uuid4().hex,
                               role=Role.FINANCE)


def bench_account(name: str) -> Account:
    return services.open_account(kind=AccountKind.ENVELOPE, code="467300", aux_code=f"BENCH-{name}",
                                 name=f"Bench {name}", may_not_go_negative=False)


PLAIN_TABLES = (
    "CREATE TABLE IF NOT EXISTS bench_plain_row (account_id bigint, amount bigint, label text)",
    "CREATE TABLE IF NOT EXISTS bench_plain_posting (id bigserial PRIMARY KEY, label text, created_at timestamptz)",
    "CREATE TABLE IF NOT EXISTS bench_plain_line (posting_id bigint, account_id bigint, amount bigint)",
)
# The same rows as a posting (a transaction and its two entries), written the fastest plain way: one statement.
PLAIN_POSTING = (
    "WITH posting AS (INSERT INTO bench_plain_posting (label, created_at) VALUES (%s, now()) RETURNING id) "
    "INSERT INTO bench_plain_line (posting_id, account_id, amount) "
    "SELECT posting.id, line.account_id, line.amount FROM posting, (VALUES (%s, 1), (%s, -1)) AS line(account_id, amount)"
)


def posting_throughput(user: User):
    """Postings one by one, each in its own database transaction, against plain INSERT-and-commit loops."""
    today = timezone.localdate()
    services.open_fiscal_year(year=today.year, by=user)
    source, sink = bench_account("SOURCE"), bench_account("SINK")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The demo data was just loaded: give the planner its statistics, as autovacuum soon would.
            cursor.execute("ANALYZE mutualisation_account, mutualisation_transaction, mutualisation_entry")
        for statement in PLAIN_TABLES:
            cursor.execute(statement if connection.vendor == "postgresql" else statement.replace(
                "bigserial PRIMARY KEY", "integer PRIMARY KEY").replace("timestamptz", "text"))

    def post_block():
        for _ in range(BLOCK):
            services.post_transaction(date=today, code=TransactionCode.TRANSFER, label="bench",
                                      legs=[debit(source, 1), credit(sink, 1)], idempotency_key=uuid.uuid4().hex,
                                      by=user)

    def plain(statement: str, params: list):
        def block():
            # Autocommit: every statement is its own committed transaction.
            with connection.cursor() as cursor:
                for _ in range(BLOCK):
                    cursor.execute(statement, params)
        return block

    single_row = plain("INSERT INTO bench_plain_row (account_id, amount, label) VALUES (%s, %s, %s)",
                       [source.pk, 1, "bench"])
    same_rows = plain(PLAIN_POSTING, ["bench", source.pk, sink.pk])
    work = ("each posting locks its 2 accounts and the chain head, checks its key, its fiscal year and the balances, "
            "hashes, inserts 1 transaction + 2 entries, updates 2 balances; the database checks at commit that it "
            "balances")
    for name, baseline_block in (("the same rows (1 transaction + 2 entries)", same_rows),
                                 ("a single row", single_row)):
        subject, baseline = interleaved_medians(post_block, baseline_block, repeat=31, warmup=2)
        yield Result(
            f"posting throughput vs a plain INSERT-and-commit loop of {name} (time per operation)",
            subject / BLOCK, baseline / BLOCK, limit=round(1 / 0.3, 2),
            note=f"throughput {baseline / subject:.2f}× the plain loop (target ≥ 0.3×): {BLOCK / subject:.0f} "
                 f"postings/s vs {BLOCK / baseline:.0f}/s; {work}",
        )

    if connection.vendor == "postgresql":
        # Informative: commits that do not wait for their WAL to reach the disk (this connection only), as on a
        # server run with synchronous_commit or fsync off (the test suite's clusters): what is left is CPU alone.
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")
        try:
            subject, baseline = interleaved_medians(post_block, same_rows, repeat=31, warmup=2)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
        yield Check("informative, not the target: the same with commits that do not wait for the disk "
                    "(synchronous_commit off)", True,
                    f"{subject / BLOCK * 1000:.2f} ms per posting vs {baseline / BLOCK * 1000:.2f} ms, throughput "
                    f"{baseline / subject:.2f}×")

    def post_batch():
        # The same postings, all in one database transaction (as the contributions import posts its payments).
        with transaction.atomic():
            post_many([Posting(date=today, code=TransactionCode.TRANSFER, label="bench", key=uuid.uuid4().hex,
                               legs=[debit(source, 1), credit(sink, 1)]) for _ in range(BLOCK)], by=user)

    batch, baseline = interleaved_medians(post_batch, same_rows, repeat=9, warmup=1)
    yield Check("informative, not the target: postings in one database transaction of 20 vs the plain loop",
                True, f"{batch / BLOCK * 1000:.2f} ms per posting vs {baseline / BLOCK * 1000:.2f} ms, throughput "
                      f"{baseline / batch:.2f}× (the figure above, one posting per commit, is the one that counts)")


def series(name: str, count: int) -> str:
    """A recursive CTE of the numbers 1..count (PostgreSQL and SQLite alike)."""
    return f"WITH RECURSIVE {name}(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM {name} WHERE n < {int(count)}) "


def generate_entries(account: Account, counterpart: Account, user: User, count: int) -> None:
    """`count` entries of 1 cent on `account`, in balanced transactions of PER_TRANSACTION entries, in SQL."""
    transactions = count // PER_TRANSACTION
    fiscal_year = services.open_fiscal_year(year=timezone.localdate().year, by=user)
    head, _created = ChainHead.objects.get_or_create(pk=1)
    key = f"bench-{uuid.uuid4().hex[:8]}-"
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Foreign keys are deferred: checked now, no trigger event may be pending when the triggers are toggled.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in GUARDED_TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(
            series("numbers", transactions)
            + "INSERT INTO mutualisation_transaction (number, fiscal_year_id, date, code, label, idempotency_key, "
            "fingerprint, created_by_id, created_at, previous_hash, hash) "
            "SELECT %s + n, %s, %s, 'transfer', 'bench bulk', %s || n, '', %s, %s, '', %s || n FROM numbers",
            [head.number, fiscal_year.pk, fiscal_year.start, key, user.pk, timezone.now(), key])
        cursor.execute(
            series("lines", PER_TRANSACTION)
            + "INSERT INTO mutualisation_entry (transaction_id, account_id, amount, date) "
            "SELECT t.id, %s, 1, t.date FROM mutualisation_transaction t CROSS JOIN lines "
            "WHERE t.idempotency_key LIKE %s",
            [account.pk, f"{key}%"])
        cursor.execute(
            "INSERT INTO mutualisation_entry (transaction_id, account_id, amount, date) "
            "SELECT id, %s, %s, date FROM mutualisation_transaction WHERE idempotency_key LIKE %s",
            [counterpart.pk, -PER_TRANSACTION, f"{key}%"])
        if connection.vendor == "postgresql":
            for table in GUARDED_TABLES:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        # Keep the stored totals equal to the entries (L6) and the chain's numbering ahead of the new rows.
        Account.objects.filter(pk=account.pk).update(debits_posted=F("debits_posted") + count)
        Account.objects.filter(pk=counterpart.pk).update(credits_posted=F("credits_posted") + count)
        ChainHead.objects.filter(pk=1).update(number=head.number + transactions)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE mutualisation_entry")


def balance_reads(user: User):
    small, large, counterpart = bench_account("10K"), bench_account("1M"), bench_account("COUNTERPART")
    started = time.monotonic()
    generate_entries(small, counterpart, user, 10_000)
    generate_entries(large, counterpart, user, 1_000_000)
    loaded = time.monotonic() - started

    def read(account_id: int):
        return lambda: Account.objects.get(pk=account_id).balance

    subject, baseline = interleaved_medians(read(large.pk), read(small.pk), repeat=51, warmup=5)
    yield Result("account balance read at 1,000,000 entries vs at 10,000", subject, baseline, limit=1.5,
                 note=f"stored balances; {Entry.objects.filter(account=large).count()} entries generated in "
                      f"{loaded:.0f} s")

    def summed() -> int:
        return Entry.objects.filter(account=large).aggregate(total=Sum("amount"))["total"]

    summing = median_seconds(summed, repeat=3, warmup=1)
    stored, total = Account.objects.get(pk=large.pk), summed()
    yield Check("stored balance equals the sum of the 1,000,000 entries", stored.debits_posted - stored.credits_posted
                == total, f"{stored.debits_posted - stored.credits_posted} cents; counting the entries instead "
                f"takes {summing * 1000:.0f} ms against {subject * 1000:.2f} ms for the stored balance")

    client = Client()
    client.force_login(user)
    for name, account in (("10,000", small), ("1,000,000", large)):
        first = median_seconds(lambda account=account: client.get(f"/fonds/comptes/{account.pk}/"), repeat=5,
                               warmup=1)
        yield Check(f"statement page (running balance) of an account with {name} entries", first < 1.0,
                    f"{first * 1000:.0f} ms (limit 1000 ms)")


def run():
    user = bench_user()
    yield from posting_throughput(user)
    yield from balance_reads(user)
