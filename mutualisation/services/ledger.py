"""The ledger's verbs: open accounts and years, post, reserve, settle, void, reverse, close a year.

Every verb runs in one short database transaction (retried on deadlock or serialization failure,
see retry.py) and takes its locks in one global order — accounts by primary key, then the
reservation, then the hash chain head — so two postings never wait for each other in a circle.
"""

import datetime
from collections import defaultdict
from collections.abc import Sequence

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from mutualisation.chart import SINGLE_ACCOUNTS
from mutualisation.exceptions import FiscalYearClosed, LedgerError
from mutualisation.hashing import reservation_fingerprint
from mutualisation.models import (
    Account,
    AccountKind,
    Entry,
    FiscalYear,
    Reservation,
    RuleSet,
    Transaction,
    TransactionCode,
)
from mutualisation.retry import retrying, run_retrying
from mutualisation.services.posting import (
    Deltas,
    Leg,
    Posting,
    append_transactions,
    checked_amount,
    checked_by_hand,
    credit,
    debit,
    lock_accounts,
    open_year_for,
    post_many,
    post_on_postgresql,
    same_or_conflict,
)


def post_transaction(*, date: datetime.date, code: str, label: str, legs: Sequence[Leg], idempotency_key: str,
                     by) -> Transaction:
    """Post a balanced group of entries; a retry with the same key returns the first transaction.

    The transaction itself records who, when and why, chained by its hash: it is its own audit trail.
    """
    posting = checked_by_hand(Posting(date=date, code=code, label=label, legs=list(legs), key=idempotency_key))
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor == "postgresql":
        # One statement (the database's posting function): no need to wrap it in a transaction of its own.
        return run_retrying(lambda: post_on_postgresql(posting, by=by, db=db), atomic=False)
    return run_retrying(lambda: post_many([posting], by=by)[0])


@retrying
def reserve(*, date: datetime.date, label: str, source_id: int, destination_id: int, amount: int,
            idempotency_key: str, by, prepared_by, second_approver=None) -> Reservation:
    """Set `amount` aside on `source` for `destination` (pending: no entry yet). Four eyes: the approver `by`
    is not who prepared it, and above the rule set's threshold a distinct second approver is required (L8)."""
    amount = checked_amount(amount)
    if source_id == destination_id:
        raise LedgerError(_("A commitment moves money between two different accounts."))
    label = label[:255]
    fingerprint = reservation_fingerprint(date=date, label=label, source_id=source_id,
                                          destination_id=destination_id, amount=amount)
    accounts = lock_accounts([source_id, destination_id])
    existing = Reservation.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return same_or_conflict(existing, fingerprint)
    fiscal_year = open_year_for(date)
    _check_approvers(amount=amount, on=date, by=by, prepared_by=prepared_by, second_approver=second_approver)
    deltas = Deltas()
    deltas.pend(source_id, destination_id, amount)
    deltas.check(accounts)
    reservation = Reservation.objects.create(
        fiscal_year=fiscal_year, date=date, label=label, source_id=source_id, destination_id=destination_id,
        amount=amount, idempotency_key=idempotency_key, fingerprint=fingerprint, prepared_by=prepared_by,
        created_by=by, second_approver=second_approver, created_at=timezone.now(),
    )
    deltas.apply(accounts)
    audit.record(by, "mutualisation.reservation.created", reservation, {"amount": amount})
    return reservation


def _check_approvers(*, amount: int, on: datetime.date, by, prepared_by, second_approver) -> None:
    if prepared_by is None:
        raise LedgerError(_("A commitment names whoever prepared it: someone other than its approver."))
    if prepared_by.pk == by.pk:
        raise LedgerError(_("Whoever prepared a commitment cannot also approve it."))
    if second_approver is not None and second_approver.pk in {by.pk, prepared_by.pk}:
        raise LedgerError(_("The second approver must be someone else than the preparer and the first approver."))
    if amount > RuleSet.objects.two_approvers_above(on) and second_approver is None:
        raise LedgerError(_("A commitment of this amount needs a second approver."))


def _locked_reservation(reservation_id: int) -> tuple[Reservation, dict[int, Account]]:
    # Source and destination never change: read them unlocked, lock the accounts, then the reservation.
    ends = Reservation.objects.filter(pk=reservation_id).values_list("source_id", "destination_id").first()
    if ends is None:
        raise LedgerError(_("Unknown commitment."))
    accounts = lock_accounts(ends)
    return Reservation.objects.select_for_update().get(pk=reservation_id), accounts


def _close(reservation: Reservation, status: str, by) -> None:
    reservation.status = status
    reservation.closed_at = timezone.now()
    reservation.closed_by = by


@retrying
def settle(*, reservation_id: int, amount: int, date: datetime.date, by) -> Transaction:
    """Post `amount` (at most what was reserved) from source to destination and release the rest, once (L5).

    A retry of the same settlement (amount and date) returns its transaction; a different one is refused.
    """
    reservation, accounts = _locked_reservation(reservation_id)
    amount = checked_amount(amount)
    if (reservation.status == Reservation.Status.SETTLED and reservation.settled_amount == amount
            and reservation.settlement.date == date):
        return reservation.settlement
    if reservation.status != Reservation.Status.OPEN:
        raise LedgerError(_("This commitment is %(status)s: it cannot be settled.")
                          % {"status": reservation.get_status_display()})
    if amount > reservation.amount:
        raise LedgerError(_("A commitment cannot be settled for more than was reserved."))
    if date < reservation.date:
        raise LedgerError(_("A commitment cannot be paid before the day it was made (%(date)s).")
                          % {"date": reservation.date.strftime("%d/%m/%Y")})
    fiscal_year = open_year_for(date)
    legs = [debit(reservation.source_id, amount), credit(reservation.destination_id, amount)]
    deltas = Deltas()
    deltas.pend(reservation.source_id, reservation.destination_id, -reservation.amount)
    deltas.post(legs)
    deltas.check(accounts)
    [settlement] = append_transactions([(Posting(date=date, code=TransactionCode.SETTLEMENT, label=reservation.label,
                                                 legs=legs, key=f"settlement:{reservation.pk}"), fiscal_year)], by=by)
    _close(reservation, Reservation.Status.SETTLED, by)
    reservation.settled_amount = amount
    reservation.settlement = settlement
    reservation.save(update_fields=["status", "closed_at", "closed_by", "settled_amount", "settlement"])
    deltas.apply(accounts)
    audit.record(by, "mutualisation.reservation.settled", reservation,
                 {"amount": amount, "released": reservation.amount - amount})
    return settlement


@retrying
def void(*, reservation_id: int, by) -> Reservation:
    """Release a commitment entirely; nothing is posted. Voiding a voided commitment changes nothing."""
    reservation, accounts = _locked_reservation(reservation_id)
    if reservation.status == Reservation.Status.VOIDED:
        return reservation
    if reservation.status != Reservation.Status.OPEN:
        raise LedgerError(_("This commitment is %(status)s: it cannot be released.")
                          % {"status": reservation.get_status_display()})
    deltas = Deltas()
    deltas.pend(reservation.source_id, reservation.destination_id, -reservation.amount)
    _close(reservation, Reservation.Status.VOIDED, by)
    reservation.save(update_fields=["status", "closed_at", "closed_by"])
    deltas.apply(accounts)
    audit.record(by, "mutualisation.reservation.voided", reservation, {"amount": reservation.amount})
    return reservation


@retrying
def reverse_transaction(*, transaction_id: int, date: datetime.date, reason: str, by) -> Transaction:
    """Post the mirror image of a transaction, at most once (L3); the original stays as it was."""
    original = Transaction.objects.filter(pk=transaction_id).first()
    if original is None:
        raise LedgerError(_("Unknown transaction."))
    if not original.is_reversible:
        raise LedgerError(_("Year-end bookkeeping and reversals cannot be reversed."))
    if date < original.date:
        raise LedgerError(_("A reversal cannot be dated before the transaction it reverses (%(date)s).")
                          % {"date": original.date.strftime("%d/%m/%Y")})
    legs = [Leg(account_id, -amount) for account_id, amount in original.entries.values_list("account_id", "amount")]
    label = (_("Reversal of #%(number)s: %(reason)s") % {"number": original.number, "reason": reason.strip()})[:255]
    accounts = lock_accounts(leg.account_id for leg in legs)
    existing = Transaction.objects.filter(reverses=original).first()
    if existing is not None:
        asked = Posting(date=date, code=TransactionCode.REVERSAL, label=label, legs=legs, key="", reverses=original)
        if existing.fingerprint == asked.fingerprint:
            return existing
        raise LedgerError(_("Transaction #%(number)s was already reversed by #%(reversal)s.")
                          % {"number": original.number, "reversal": existing.number})
    fiscal_year = open_year_for(date)
    deltas = Deltas()
    deltas.post(legs)
    deltas.check(accounts)
    [reversal] = append_transactions([(Posting(date=date, code=TransactionCode.REVERSAL, label=label, legs=legs,
                                               key=f"reversal:{original.pk}", reverses=original), fiscal_year)], by=by)
    deltas.apply(accounts)
    audit.record(by, "mutualisation.transaction.reversed", original, {"reversal": reversal.number, "reason": reason})
    return reversal


def fiscal_year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def open_fiscal_year(*, year: int, by) -> FiscalYear:
    """The fiscal year (a calendar year), created open if it does not exist yet."""
    start, end = fiscal_year_bounds(year)
    fiscal_year, created = FiscalYear.objects.get_or_create(year=year, defaults={"start": start, "end": end})
    if created:
        audit.record(by, "mutualisation.fiscal_year.opened", fiscal_year)
    return fiscal_year


def next_fiscal_year() -> int:
    """The year after the latest one, or the current year when there is none."""
    latest = FiscalYear.objects.order_by("-year").values_list("year", flat=True).first()
    return latest + 1 if latest else timezone.localdate().year


def may_open(year: int) -> bool:
    """A year opens at most one year ahead (from 1 January of the year before it)."""
    return year <= timezone.localdate().year + 1


def open_next_fiscal_year(*, year: int | None, by) -> tuple[FiscalYear, bool]:
    """Open `year` if it is the next one to open, and whether this call opened it: a year that exists already is
    returned as it is (a second click opens nothing more)."""
    existing = FiscalYear.objects.filter(year=year).first() if year else None
    if existing is not None:
        return existing, False
    following = next_fiscal_year()
    if year != following or not may_open(following):
        raise LedgerError(_("Only the fiscal year %(next)s can be opened, from the beginning of %(previous)s on.")
                          % {"next": following, "previous": following - 1})
    return open_fiscal_year(year=year, by=by), True


def open_account(*, kind: str, code: str, name: str, aux_code: str = "", may_not_go_negative: bool = True,
                 delegation=None, organisation=None, by=None) -> Account:
    """The account numbered (code, aux_code), created with these properties if it does not exist yet."""
    account, created = Account.objects.get_or_create(
        code=code, aux_code=aux_code,
        defaults={"kind": kind, "name": str(name)[:200], "may_not_go_negative": may_not_go_negative,
                  "delegation": delegation, "organisation": organisation},
    )
    if created:
        audit.record(by, "mutualisation.account.opened", account, {"kind": kind})
    return account


def fund_account(kind: str) -> Account:
    """The fund's one account of this kind (bank, pool, commitments…), opened on first use."""
    code, name = SINGLE_ACCOUNTS[kind]
    return open_account(kind=kind, code=code, name=name)


def fund_accounts(*kinds: str) -> list[Account]:
    """The fund's accounts of these kinds, in one query (opened on first use)."""
    found = {account.code: account for account in
             Account.objects.filter(code__in=[SINGLE_ACCOUNTS[kind][0] for kind in kinds], aux_code="")}
    return [found.get(SINGLE_ACCOUNTS[kind][0]) or fund_account(kind) for kind in kinds]


def year_balances(fiscal_year: FiscalYear) -> dict[int, int]:
    """Each account's posted balance (debits minus credits) from the entries of one fiscal year."""
    rows = (Entry.objects.filter(transaction__fiscal_year=fiscal_year).values("account_id")
            .annotate(total=Sum("amount")).values_list("account_id", "total"))
    return {account_id: total for account_id, total in rows if total}


@retrying
def close_fiscal_year(*, year: int, by) -> FiscalYear:
    """Close a year once it has ended: open commitments and balances are carried into the next year by explicit
    entries, and nothing is posted into the closed year afterwards (L7).

    In the closed year: open commitments are moved to the commitments account, then every balance is closed.
    In the next year: every balance is reopened, then each carried commitment is returned to its account
    and reserved again there, linked to the original.
    """
    if FiscalYear.objects.filter(year__lt=year, status=FiscalYear.Status.OPEN).exists():
        raise LedgerError(_("Close the earlier fiscal years first."))
    commitments_account = fund_account(AccountKind.COMMITMENTS)
    accounts = lock_accounts(Account.objects.values_list("pk", flat=True))
    fiscal_year = FiscalYear.objects.select_for_update().filter(year=year).first()
    if fiscal_year is None:
        raise LedgerError(_("Unknown fiscal year."))
    if not fiscal_year.is_open:
        raise FiscalYearClosed(_("The fiscal year %(year)s is closed already.") % {"year": year})
    if not fiscal_year.has_ended:
        raise LedgerError(_("The fiscal year %(year)s ends on %(end)s: it can be closed from the next day on.")
                          % {"year": year, "end": fiscal_year.end.strftime("%d/%m/%Y")})
    following = open_fiscal_year(year=year + 1, by=by)
    open_commitments = list(Reservation.objects.select_for_update().open().filter(fiscal_year=fiscal_year)
                            .order_by("pk"))
    deltas = Deltas()
    carried: dict[int, int] = defaultdict(int)
    for reservation in open_commitments:
        deltas.pend(reservation.source_id, reservation.destination_id, -reservation.amount)
        carried[reservation.source_id] += reservation.amount
        _close(reservation, Reservation.Status.CARRIED, by)
        reservation.save(update_fields=["status", "closed_at", "closed_by"])

    def posting(day: datetime.date, code: str, label: str, legs: list[Leg]) -> Posting:
        return Posting(date=day, code=code, label=label, legs=legs, key=f"{code}:{day.year}")

    balances = year_balances(fiscal_year)
    postings = []
    total_carried = sum(carried.values())
    if total_carried:
        legs = [debit(source, cents) for source, cents in sorted(carried.items())] + [
            credit(commitments_account, total_carried)]
        postings.append((posting(fiscal_year.end, TransactionCode.CARRY,
                                 _("Open commitments carried forward to %(year)s") % {"year": following.year}, legs),
                         fiscal_year))
        for leg in legs:
            balances[leg.account_id] = balances.get(leg.account_id, 0) + leg.amount
    carried_balances = sorted((account_id, total) for account_id, total in balances.items() if total)
    if carried_balances:
        postings.append((posting(fiscal_year.end, TransactionCode.CLOSING,
                                 _("Closing balances of %(year)s") % {"year": year},
                                 [Leg(account_id, -total) for account_id, total in carried_balances]), fiscal_year))
        postings.append((posting(following.start, TransactionCode.OPENING,
                                 _("Opening balances carried from %(year)s") % {"year": year},
                                 [Leg(account_id, total) for account_id, total in carried_balances]), following))
    if total_carried:
        postings.append((posting(following.start, TransactionCode.CARRY_BACK,
                                 _("Commitments carried from %(year)s reopened") % {"year": year},
                                 [debit(commitments_account, total_carried)]
                                 + [credit(source, cents) for source, cents in sorted(carried.items())]), following))
    if postings:
        append_transactions(postings, by=by)
    for entry, _year in postings:
        deltas.post(entry.legs)
    fiscal_year.status = FiscalYear.Status.CLOSED
    fiscal_year.closed_at = timezone.now()
    fiscal_year.closed_by = by
    fiscal_year.save(update_fields=["status", "closed_at", "closed_by"])
    Reservation.objects.bulk_create(
        Reservation(
            fiscal_year=following, date=following.start, label=reservation.label, source_id=reservation.source_id,
            destination_id=reservation.destination_id, amount=reservation.amount, carried_from=reservation,
            idempotency_key=f"carried:{reservation.pk}", fingerprint=reservation.fingerprint,
            prepared_by=reservation.prepared_by, created_by=reservation.created_by,
            second_approver=reservation.second_approver, created_at=timezone.now(),
        ) for reservation in open_commitments
    )
    for reservation in open_commitments:
        deltas.pend(reservation.source_id, reservation.destination_id, reservation.amount)
    # Closing and reopening cancel out: written together, no balance ever dips on the way.
    deltas.apply(accounts)
    audit.record(by, "mutualisation.fiscal_year.closed", fiscal_year,
                 {"commitments_carried": len(open_commitments), "accounts_carried": len(carried_balances)})
    return fiscal_year
