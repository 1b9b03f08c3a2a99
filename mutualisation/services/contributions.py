"""Contributions: the rule sets finance edits, the yearly call, payments and their import."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from adherents.exceptions import ImportRejected
from core import audit
from mutualisation.contribution_import import PaymentRow, parse_call_file, parse_payment_file
from mutualisation.contribution_rules import PaymentSplit, contribution_due, split_payment
from mutualisation.exceptions import IdempotencyConflict, LedgerError
from mutualisation.models import (
    Account,
    AccountKind,
    Contribution,
    ContributionPayment,
    Reservation,
    RuleSet,
    TransactionCode,
)
from mutualisation.models.contributions import DEFAULT_TWO_APPROVERS_ABOVE_CENTS, live_payments
from mutualisation.retry import retrying
from mutualisation.services.fund import drawing_right_accounts
from mutualisation.services.ledger import fund_accounts, reverse_transaction
from mutualisation.services.posting import Leg, Posting, checked_amount, credit, debit, lock_accounts, post_many

RULESET_FIELDS = ("valid_from", "rate_etti_percent", "rate_other_percent", "drawing_right_ratio",
                  "drawing_right_floor_cents", "two_approvers_above_cents")
# What a first rule set proposes, before there are rules in force to start from.
DEFAULT_RULES = {"rate_etti_percent": Decimal("0.8"), "rate_other_percent": Decimal("0.6"),
                 "drawing_right_ratio": Decimal("1"), "drawing_right_floor_cents": 200_000,
                 "two_approvers_above_cents": DEFAULT_TWO_APPROVERS_ABOVE_CENTS}


def draft_ruleset(*, on: datetime.date) -> RuleSet:
    """A new rule set to edit, not saved: the latest one (in force or planned) carried to the first 1 January
    after `on` that no rule set starts on yet, or the default rules from 1 January of `on`'s year when there
    is none."""
    latest = RuleSet.objects.order_by("-valid_from").first()
    if latest is None:
        return RuleSet(valid_from=datetime.date(on.year, 1, 1), **DEFAULT_RULES)
    year = max(on.year, latest.valid_from.year) + 1
    return RuleSet(valid_from=datetime.date(year, 1, 1), **{field: getattr(latest, field) for field in DEFAULT_RULES})


def rules_applied_until() -> datetime.date | None:
    """The last day the fund applied its rules: a contribution called (its rate is that of 1 January), a payment
    split, a commitment approved. None before any."""
    days = [
        Reservation.objects.filter(carried_from__isnull=True).order_by("-date").values_list("date", flat=True).first(),
        ContributionPayment.objects.order_by("-date").values_list("date", flat=True).first(),
    ]
    year = Contribution.objects.order_by("-year").values_list("year", flat=True).first()
    days.append(datetime.date(year, 1, 1) if year else None)
    return max((day for day in days if day), default=None)


def check_not_retroactive(*, valid_from: datetime.date, ruleset: RuleSet | None) -> None:
    """Rules once applied never change: neither the rule set in force then nor, by a backdated new one, which
    rules were in force. A change applies from a day after the last one the rules were applied."""
    until = rules_applied_until()
    if until is None:
        return
    if ruleset is not None and ruleset.valid_from <= until:
        raise LedgerError(_("This rule set has already been applied (contributions, payments or commitments up to "
                            "%(date)s): it can no longer change. Create a new rule set from the day the change "
                            "applies.") % {"date": until.strftime("%d/%m/%Y")})
    if valid_from <= until:
        raise LedgerError(_("The fund has applied its rules up to %(date)s: a rule set can only start after that "
                            "day.") % {"date": until.strftime("%d/%m/%Y")})


@transaction.atomic
def save_ruleset(*, data: dict, by, ruleset_id: int | None = None) -> RuleSet:
    """Create a dated rule set, or change one not applied yet (check_not_retroactive)."""
    ruleset = RuleSet(created_by=by) if ruleset_id is None else RuleSet.objects.select_for_update().get(pk=ruleset_id)
    check_not_retroactive(valid_from=data["valid_from"], ruleset=ruleset if ruleset_id is not None else None)
    before = {field: str(getattr(ruleset, field, "")) for field in RULESET_FIELDS}
    for field in RULESET_FIELDS:
        setattr(ruleset, field, data[field])
    ruleset.save()
    after = {field: str(getattr(ruleset, field)) for field in RULESET_FIELDS}
    audit.record(by, "mutualisation.ruleset.created" if ruleset_id is None else "mutualisation.ruleset.updated",
                 ruleset, audit.changes(before, after))
    return ruleset


def rules_for_year(year: int) -> RuleSet:
    rules = RuleSet.objects.in_force(datetime.date(year, 1, 1))
    if rules is None:
        raise LedgerError(_("No rule set is in force on 1 January %(year)s: create one first.") % {"year": year})
    return rules


@transaction.atomic
def call_for_contributions(*, year: int, bases: list[tuple[object, int]], by) -> list[Contribution]:
    """Call each member's contribution for `year`: payroll of the year before × the rate in force on 1 January."""
    rules = rules_for_year(year)
    already = Contribution.objects.filter(year=year, organisation__in=[organisation for organisation, _b in bases])
    if already.exists():
        raise LedgerError(_("Some of these members were already called for %(year)s.") % {"year": year})
    now = timezone.now()
    contributions = Contribution.objects.bulk_create(
        Contribution(organisation=organisation, year=year, payroll_base_cents=base, ruleset=rules,
                     rate_percent=rules.rate_for(organisation), called_at=now, called_by=by,
                     amount_due_cents=contribution_due(payroll_base_cents=base, rate_percent=rules.rate_for(organisation)))
        for organisation, base in bases
    )
    audit.record(by, "mutualisation.contributions.called", rules, {"year": year, "count": len(contributions)})
    return contributions


@transaction.atomic
def import_contribution_calls(*, raw: bytes, filename: str, year: int, by) -> list[Contribution]:
    """Call contributions from a CSV file of payroll bases: all lines or none (ImportRejected lists every bad line)."""
    rows = parse_call_file(raw, year)
    contributions = call_for_contributions(year=year, bases=[(row.organisation, row.payroll_base_cents) for row in rows],
                                           by=by)
    audit.record(by, "mutualisation.contributions.imported", None, {"file": filename[:200], "year": year,
                                                                     "count": len(contributions)})
    return contributions


@dataclass(frozen=True)
class PaymentRequest:
    """A payment to record: for which contribution, how much (cents), when, its bank reference, its key."""

    contribution_id: int
    amount_cents: int
    date: datetime.date
    reference: str
    idempotency_key: str


def _same_payment(payment: ContributionPayment, request: PaymentRequest) -> ContributionPayment:
    recorded = (payment.contribution_id, payment.amount_cents, payment.date, payment.reference)
    if recorded != (request.contribution_id, request.amount_cents, request.date, request.reference.strip()[:100]):
        raise IdempotencyConflict(payment.idempotency_key)
    return payment


class PaymentBatch:
    """Payments checked and shared one after the other, each against what the ones before it left."""

    def __init__(self, contributions: dict[int, Contribution]):
        self.contributions = contributions
        live = live_payments()
        totals = (ContributionPayment.objects.filter(contribution__in=contributions.values()).values("contribution_id")
                  .annotate(paid=Sum("amount_cents", filter=live), drawing_right=Sum("drawing_right_cents", filter=live)))
        self.paid = defaultdict(int, {row["contribution_id"]: row["paid"] or 0 for row in totals})
        self.drawing_right = defaultdict(int, {row["contribution_id"]: row["drawing_right"] or 0 for row in totals})
        self.latest = ContributionPayment.objects.filter(contribution__in=contributions.values()).latest_per_reference()
        self.checked = set()  # (contribution, reference) of this batch's payments

    def check(self, request: PaymentRequest) -> Contribution:
        contribution = self.contributions.get(request.contribution_id)
        if contribution is None:
            raise LedgerError(_("Unknown contribution."))
        reference = request.reference.strip()[:100]
        if not reference:
            raise LedgerError(_("A payment needs its bank reference."))
        latest = self.latest.get((contribution.pk, reference))
        if (contribution.pk, reference) in self.checked or (latest is not None and not latest.cancelled):
            raise LedgerError(_("The payment “%(reference)s” is already recorded.") % {"reference": reference})
        checked_amount(request.amount_cents)
        if request.amount_cents > contribution.amount_due_cents - self.paid[contribution.pk]:
            raise LedgerError(_("This payment exceeds what remains due."))
        self.checked.add((contribution.pk, reference))
        return contribution

    def replaced(self, contribution: Contribution, reference: str) -> ContributionPayment | None:
        """The cancelled payment that a checked payment of this reference records again, if any."""
        return self.latest.get((contribution.pk, reference))

    def split(self, contribution: Contribution, cents: int, pool: Account) -> PaymentSplit:
        rules = contribution.ruleset
        paid = self.paid[contribution.pk]
        split = split_payment(
            amount=cents, ratio=rules.drawing_right_ratio, floor=rules.drawing_right_floor_cents,
            drawing_right_so_far=self.drawing_right[contribution.pk], pool_available=pool.available,
            completes_contribution=paid + cents >= contribution.amount_due_cents,
        )
        self.paid[contribution.pk] += cents
        self.drawing_right[contribution.pk] += split.drawing_right
        return split


@retrying
def record_contribution_payments(*, requests: list[PaymentRequest], by) -> list[ContributionPayment]:
    """Record payments, all or none: the bank receives each, then it is shared between the member's drawing right
    and the mutual pool per the rule set the contribution was called with. A retry returns the first payments."""
    contributions = {contribution.pk: contribution for contribution in Contribution.objects.select_for_update()
                     .select_related("organisation", "ruleset")
                     .filter(pk__in={request.contribution_id for request in requests}).order_by("pk")}
    # Looked up under the contributions' locks: a request with the same key sent at the same moment (a double
    # click) has committed by now, and its payment is returned rather than refused as "already recorded".
    found = {payment.idempotency_key: payment for payment in
             ContributionPayment.objects.filter(idempotency_key__in=[request.idempotency_key for request in requests])}
    todo = [request for request in requests if request.idempotency_key not in found]
    batch = PaymentBatch(contributions)
    checked = [(request, batch.check(request)) for request in todo]
    bank, received, pool = fund_accounts(AccountKind.BANK, AccountKind.CONTRIBUTIONS, AccountKind.FUND_AVAILABLE)
    drawing = drawing_right_accounts([contribution.organisation for contribution in contributions.values()], by=by)
    accounts = lock_accounts([bank.pk, received.pk, pool.pk, *(account.pk for account in drawing.values())])
    postings, payments = [], []
    for request, contribution in checked:
        split = batch.split(contribution, request.amount_cents, accounts[pool.pk])
        # The pool's running balance, for the next payment's top-up.
        accounts[pool.pk].credits_posted += split.pool
        label = _("Contribution %(year)s — %(member)s (%(reference)s)") % {
            "year": contribution.year, "member": contribution.organisation, "reference": request.reference.strip()}
        legs = [debit(received, request.amount_cents)]
        if split.drawing_right:
            legs.append(credit(drawing[contribution.organisation_id], split.drawing_right))
        if split.pool:
            legs.append(Leg(pool.pk, -split.pool))
        key = request.idempotency_key
        postings += [Posting(date=request.date, code=TransactionCode.RECEIPT, label=label, key=f"{key}:receipt",
                             legs=[debit(bank, request.amount_cents), credit(received, request.amount_cents)]),
                     Posting(date=request.date, code=TransactionCode.DISTRIBUTION, label=label, legs=legs,
                             key=f"{key}:distribution")]
        reference = request.reference.strip()[:100]
        payments.append(ContributionPayment(
            contribution=contribution, date=request.date, amount_cents=request.amount_cents, reference=reference,
            drawing_right_cents=split.drawing_right, replaces=batch.replaced(contribution, reference),
            idempotency_key=key, created_by=by, created_at=timezone.now()))
    transactions = post_many(postings, by=by)
    for payment, receipt, distribution in zip(payments, transactions[::2], transactions[1::2], strict=True):
        payment.receipt, payment.distribution = receipt, distribution
    ContributionPayment.objects.bulk_create(payments)
    recorded = {payment.idempotency_key: payment for payment in payments} | found
    return [_same_payment(recorded[request.idempotency_key], request) for request in requests]


def record_contribution_payment(*, contribution_id: int, amount_cents: int, date: datetime.date, reference: str,
                                idempotency_key: str, by) -> ContributionPayment:
    """Record one payment (see record_contribution_payments); a retry returns the first one."""
    request = PaymentRequest(contribution_id=contribution_id, amount_cents=amount_cents, date=date,
                             reference=reference, idempotency_key=idempotency_key)
    [payment] = record_contribution_payments(requests=[request], by=by)
    audit.record(by, "mutualisation.contribution.paid", payment.contribution,
                 {"amount": amount_cents, "reference": payment.reference, "drawing_right": payment.drawing_right_cents,
                  "replaces": payment.replaces_id})
    return payment


def import_key(row: PaymentRow) -> str:
    """A line imported twice records one payment; once that payment is cancelled, the line records a new one.
    The reference's own ":" and "%" are escaped: "A:5" and "A" replacing payment 5 make two keys."""
    reference = row.reference.replace("%", "%25").replace(":", "%3A")
    key = f"payment:{row.contribution.pk}:{reference}"
    return key if row.replaces_id is None else f"{key}:{row.replaces_id}"


@retrying
def import_contribution_payments(*, raw: bytes, filename: str, year: int, by) -> list[ContributionPayment]:
    """Record the payments of a CSV file: all lines or none (ImportRejected lists every bad line)."""
    rows = parse_payment_file(raw, year)
    try:
        payments = record_contribution_payments(requests=[
            PaymentRequest(contribution_id=row.contribution.pk, amount_cents=row.amount_cents, date=row.date,
                           reference=row.reference, idempotency_key=import_key(row))
            for row in rows], by=by)
    except LedgerError as error:
        raise ImportRejected([error.message]) from error
    audit.record(by, "mutualisation.contribution_payments.imported", None,
                 {"file": filename[:200], "year": year, "count": len(payments),
                  "references": [payment.reference for payment in payments]})
    return payments


@retrying
def cancel_contribution_payment(*, payment_id: int, date: datetime.date, reason: str, by) -> ContributionPayment:
    """Cancel a payment recorded by mistake: its distribution then its receipt are reversed."""
    payment = ContributionPayment.objects.select_related("distribution", "receipt").filter(pk=payment_id).first()
    if payment is None:
        raise LedgerError(_("Unknown payment."))
    accounts = set(payment.receipt.entries.values_list("account_id", flat=True))
    lock_accounts(accounts | set(payment.distribution.entries.values_list("account_id", flat=True)))
    reverse_transaction(transaction_id=payment.distribution_id, date=date, reason=reason, by=by)
    reverse_transaction(transaction_id=payment.receipt_id, date=date, reason=reason, by=by)
    audit.record(by, "mutualisation.contribution_payment.cancelled", payment.contribution,
                 {"reference": payment.reference, "reason": reason})
    return payment
