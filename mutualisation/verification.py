"""verify_ledger: every invariant of the fund's books (L1–L9 of the design), checked against the data.

Each check returns findings (an invariant and what is wrong); none means the books hold. It reads in
chunks, so it runs on millions of entries in bounded memory.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection
from django.db import transaction as database_transaction
from django.db.models import Count, F, Min, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mutualisation.hashing import hash_of
from mutualisation.models import (
    GENESIS_HASH,
    OPENING_CODES,
    Account,
    ChainHead,
    ContributionPayment,
    Entry,
    FiscalYear,
    Reservation,
    RuleSet,
    Transaction,
    TransactionCode,
)
from mutualisation.models.contributions import DEFAULT_TWO_APPROVERS_ABOVE_CENTS, live_payments

CHUNK = 2000
INVARIANTS = {
    "L1": gettext_lazy("every transaction balances"),
    "L2": gettext_lazy("accounts that may not go negative never do, counting commitments"),
    "L3": gettext_lazy("entries are never changed; a reversal mirrors its original, at most once"),
    "L4": gettext_lazy("each operation is recorded once (idempotency keys unique, a bank payment live once)"),
    "L5": gettext_lazy("a commitment is settled at most once, for no more than committed"),
    "L6": gettext_lazy("stored balances equal the sum of the entries and of open commitments"),
    "L7": gettext_lazy("nothing is posted into a closed fiscal year"),
    "L8": gettext_lazy("four eyes on commitments, a second approver above the threshold"),
    "L9": gettext_lazy("the hash chain is intact"),
}


@dataclass(frozen=True)
class Finding:
    invariant: str
    message: str

    def __str__(self) -> str:
        return f"{self.invariant}: {self.message}"


def check_balanced() -> Iterator[Finding]:
    unbalanced = (Entry.objects.values("transaction_id").annotate(total=Sum("amount"), lines=Count("pk"))
                  .filter(~Q(total=0) | Q(lines__lt=2)).order_by("transaction_id"))
    for row in unbalanced:
        yield Finding("L1", _("transaction id %(id)s: its %(lines)s entries sum to %(total)s cents")
                      % {"id": row["transaction_id"], "lines": row["lines"], "total": row["total"]})
    for pk in Transaction.objects.filter(entries__isnull=True).values_list("pk", flat=True):
        yield Finding("L1", _("transaction id %(id)s has no entries") % {"id": pk})


def check_flagged_accounts() -> Iterator[Finding]:
    for account in Account.objects.filter(may_not_go_negative=True):
        if account.available < 0:
            yield Finding("L2", _("account %(account)s is at %(cents)s cents, counting commitments")
                          % {"account": account.number, "cents": account.available})


def legs_of(transaction_ids) -> dict[int, list[tuple[int, int]]]:
    """Each transaction's (account, amount) pairs, sorted, in one query."""
    legs = defaultdict(list)
    for transaction_id, account_id, amount in Entry.objects.filter(transaction_id__in=transaction_ids).values_list(
            "transaction_id", "account_id", "amount"):
        legs[transaction_id].append((account_id, amount))
    return {transaction_id: sorted(pairs) for transaction_id, pairs in legs.items()}


def chunks(queryset):
    batch = []
    for item in queryset.iterator(chunk_size=CHUNK):
        batch.append(item)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def check_reversals() -> Iterator[Finding]:
    for batch in chunks(Transaction.objects.filter(reverses__isnull=False).select_related("reverses")):
        legs = legs_of([pk for reversal in batch for pk in (reversal.pk, reversal.reverses_id)])
        for reversal in batch:
            original = reversal.reverses
            if not original.is_reversible:
                yield Finding("L3", _("#%(number)s reverses #%(original)s, which cannot be reversed")
                              % {"number": reversal.number, "original": original.number})
            mirror = sorted((account, -amount) for account, amount in legs.get(original.pk, []))
            if legs.get(reversal.pk, []) != mirror:
                yield Finding("L3", _("#%(number)s does not mirror the transaction #%(original)s it reverses")
                              % {"number": reversal.number, "original": original.number})
    twice = Transaction.objects.filter(reverses__isnull=False).values("reverses_id").annotate(n=Count("pk"))
    for row in twice.filter(n__gt=1):
        yield Finding("L3", _("transaction id %(id)s is reversed %(count)s times")
                      % {"id": row["reverses_id"], "count": row["n"]})


def check_idempotency_keys() -> Iterator[Finding]:
    for model in (Transaction, Reservation):
        for row in model.objects.values("idempotency_key").annotate(n=Count("pk")).filter(n__gt=1):
            yield Finding("L4", _("the key %(key)s is used %(count)s times")
                          % {"key": row["idempotency_key"], "count": row["n"]})


def check_payment_replacements() -> Iterator[Finding]:
    """A bank payment recorded again replaces a cancelled payment of the same contribution and reference: a
    reference is never live twice (PostgreSQL refuses it at insert; this finds it elsewhere too)."""
    wrong = ContributionPayment.objects.filter(replaces__isnull=False).exclude(
        ~live_payments("replaces__"), contribution=F("replaces__contribution"), reference=F("replaces__reference"))
    for payment in wrong.only("pk", "reference"):
        yield Finding("L4", _("payment %(id)s (%(reference)s) replaces a payment that is not its cancelled one")
                      % {"id": payment.pk, "reference": payment.reference})


def check_reservations() -> Iterator[Finding]:
    settled = Reservation.objects.filter(status=Reservation.Status.SETTLED).select_related("settlement")
    for batch in chunks(settled):
        legs = legs_of([reservation.settlement_id for reservation in batch])
        for reservation in batch:
            amount, settlement = reservation.settled_amount, reservation.settlement
            if settlement is None or amount is None or not 0 < amount <= reservation.amount:
                yield Finding("L5", _("commitment %(id)s is settled for %(settled)s of %(amount)s cents")
                                  % {"id": reservation.pk, "settled": amount, "amount": reservation.amount})
                continue
            expected = sorted([(reservation.source_id, amount), (reservation.destination_id, -amount)])
            if settlement.code != TransactionCode.SETTLEMENT or legs.get(settlement.pk) != expected:
                yield Finding("L5", _("commitment %(id)s: its settlement #%(number)s does not match it")
                                  % {"id": reservation.pk, "number": settlement.number})
    stray = Reservation.objects.exclude(status=Reservation.Status.SETTLED).filter(
        Q(settlement__isnull=False) | Q(settled_amount__isnull=False))
    for pk in stray.values_list("pk", flat=True):
        yield Finding("L5", _("commitment %(id)s is not settled but carries a settlement") % {"id": pk})
    settlements = Transaction.objects.filter(code=TransactionCode.SETTLEMENT, settled_reservation__isnull=True)
    for number in settlements.values_list("number", flat=True):
        yield Finding("L5", _("settlement #%(number)s belongs to no commitment") % {"number": number})
    for reservation in Reservation.objects.filter(status=Reservation.Status.CARRIED, carried_to__isnull=True):
        yield Finding("L5", _("commitment %(id)s was carried forward but never reopened") % {"id": reservation.pk})


def check_stored_balances() -> Iterator[Finding]:
    posted = {row["account_id"]: row for row in Entry.objects.values("account_id").annotate(
        debits=Sum("amount", filter=Q(amount__gt=0)), credits=Sum("amount", filter=Q(amount__lt=0)))}
    pending = defaultdict(lambda: [0, 0])
    for source, destination, amount in Reservation.objects.open().values_list("source_id", "destination_id", "amount"):
        pending[source][0] += amount
        pending[destination][1] += amount
    for account in Account.objects.all():
        row = posted.get(account.pk, {})
        expected = (row.get("debits") or 0, -(row.get("credits") or 0), *pending[account.pk])
        stored = (account.debits_posted, account.credits_posted, account.debits_pending, account.credits_pending)
        if stored != expected:
            yield Finding("L6", _("account %(account)s: stored totals (debits, credits, pending debits, pending "
                                  "credits) %(stored)s, but its entries and open commitments give %(expected)s")
                          % {"account": account.number, "stored": stored, "expected": expected})


YEAR_END_CODES = (TransactionCode.CARRY, TransactionCode.CLOSING)


def check_closed_years() -> Iterator[Finding]:
    for fiscal_year in FiscalYear.objects.filter(status=FiscalYear.Status.CLOSED):
        # Late: recorded after the closing, by its date or by its place in the chain after the closing's entries
        # (numbers are hashed into the chain: a year reopened and closed again, or a changed date, cannot hide it).
        year_end = fiscal_year.transactions.filter(code__in=YEAR_END_CODES).aggregate(first=Min("number"))["first"]
        after_closing = Q(created_at__gt=fiscal_year.closed_at)
        if year_end is not None:
            after_closing |= Q(number__gt=year_end) & ~Q(code__in=YEAR_END_CODES)
        late = fiscal_year.transactions.filter(after_closing).values_list("number", flat=True)
        for number in late:
            yield Finding("L7", _("#%(number)s was posted into %(year)s after it was closed")
                          % {"number": number, "year": fiscal_year.year})
        for pk in fiscal_year.reservations.open().values_list("pk", flat=True):
            yield Finding("L7", _("commitment %(id)s is still open in the closed year %(year)s")
                          % {"id": pk, "year": fiscal_year.year})
    outside = Transaction.objects.filter(Q(date__lt=F("fiscal_year__start")) | Q(date__gt=F("fiscal_year__end")))
    for number in outside.values_list("number", flat=True):
        yield Finding("L7", _("#%(number)s is dated outside its fiscal year") % {"number": number})


def check_four_eyes() -> Iterator[Finding]:
    rulesets = list(RuleSet.objects.order_by("-valid_from"))
    for reservation in Reservation.objects.filter(carried_from__isnull=True).iterator(chunk_size=CHUNK):
        approvers = {reservation.created_by_id, reservation.prepared_by_id}
        if reservation.prepared_by_id is None:
            yield Finding("L8", _("commitment %(id)s names nobody who prepared it") % {"id": reservation.pk})
        elif reservation.prepared_by_id == reservation.created_by_id:
            yield Finding("L8", _("commitment %(id)s was approved by whoever prepared it") % {"id": reservation.pk})
        if reservation.second_approver_id is not None and reservation.second_approver_id in approvers:
            yield Finding("L8", _("commitment %(id)s: the second approver is not a different person") % {"id": reservation.pk})
        rules = next((ruleset for ruleset in rulesets if ruleset.valid_from <= reservation.date), None)
        threshold = DEFAULT_TWO_APPROVERS_ABOVE_CENTS if rules is None else rules.two_approvers_above_cents
        if reservation.amount > threshold and reservation.second_approver_id is None:
            yield Finding("L8", _("commitment %(id)s of %(amount)s cents has a single approver")
                          % {"id": reservation.pk, "amount": reservation.amount})


def check_chain() -> Iterator[Finding]:
    previous_number, previous_hash = 0, GENESIS_HASH
    for batch in chunks(Transaction.objects.order_by("number")):
        legs = legs_of([transaction.pk for transaction in batch])
        for transaction in batch:
            if transaction.number != previous_number + 1:
                yield Finding("L9", _("the chain jumps from #%(previous)s to #%(number)s")
                              % {"previous": previous_number, "number": transaction.number})
            if transaction.previous_hash != previous_hash:
                yield Finding("L9", _("#%(number)s does not point to the hash of #%(previous)s")
                              % {"previous": previous_number, "number": transaction.number})
            if transaction.hash != hash_of(transaction, legs.get(transaction.pk, [])):
                yield Finding("L9", _("#%(number)s was changed after it was posted (its hash does not match)")
                              % {"number": transaction.number})
            previous_number, previous_hash = transaction.number, transaction.hash
    head = ChainHead.objects.filter(pk=1).first()
    if head is None and previous_number:
        yield Finding("L9", _("the chain's head is missing, though the chain runs to #%(last)s")
                      % {"last": previous_number})
    if head is not None and (head.number, head.hash) != (previous_number, previous_hash):
        yield Finding("L9", _("the chain ends at #%(last)s but its head records #%(head)s")
                      % {"last": previous_number, "head": head.number})
    for number in Entry.objects.exclude(date=F("transaction__date")).values_list("transaction__number", flat=True):
        yield Finding("L9", _("an entry of #%(number)s is not dated like its transaction") % {"number": number})
    opening_code = Q(transaction__code__in=OPENING_CODES)
    misplaced = Entry.objects.filter(Q(opening=True) & ~opening_code | Q(opening=False) & opening_code)
    for number in misplaced.values_list("transaction__number", flat=True):
        yield Finding("L9", _("an entry of #%(number)s is not marked as its transaction's code says (opening entry "
                              "or not)") % {"number": number})


CHECKS = (check_balanced, check_flagged_accounts, check_reversals, check_idempotency_keys, check_payment_replacements,
          check_reservations, check_stored_balances, check_closed_years, check_four_eyes, check_chain)


def verify_ledger() -> list[Finding]:
    """Every finding of every check, all read from one snapshot of the books; an empty list when they hold.

    A posting committed while the checks run is either wholly seen or not at all: read at different moments, the
    chain would end before its head, or the stored balances would be ahead of the entries summed before them."""
    outermost = not connection.in_atomic_block  # inside a caller's transaction, its snapshot is the one read
    with database_transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        return [finding for check in CHECKS for finding in check()]
