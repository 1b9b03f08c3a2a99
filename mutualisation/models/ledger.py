"""The fund's double-entry ledger: fiscal years, accounts, transactions, entries, reservations.

Sign convention: an entry's `amount` is in integer cents, positive for a debit and negative for a
credit, never zero; a transaction's entries sum to zero. Each account stores its running totals
(posted debits and credits, pending debits and credits of open reservations), all non-negative,
updated in the same database transaction as the entries (after TigerBeetle).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from adherents.models import Delegation, Organisation

# The largest amount of one entry or reservation: 9,999,999,999.99 €. Running totals are 64-bit
# integers, so about 900,000 entries of this size fit in one account before an overflow (refused).
MAX_AMOUNT_CENTS = 999_999_999_999
GENESIS_HASH = "0" * 64


@models.CharField.register_lookup
class AnyOf(models.Lookup):
    """`field__any_of=values`: the field is one of these plain words (IN).

    PostgreSQL gets them as one array constant: a CHECK constraint is read back from its stored text on every
    INSERT or UPDATE of its table, and an IN list of a dozen words is several times longer to read than one array
    (the ledger writes these tables on every posting). Same meaning, same rows accepted and refused.
    """

    lookup_name = "any_of"
    prepare_rhs = False

    def words(self) -> list[str]:
        words = [str(word) for word in self.rhs]
        if not all(word.isidentifier() for word in words):
            raise ValueError("any_of takes plain words (letters, digits, underscores)")
        return words

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        words = self.words()
        return f"{lhs} IN ({', '.join(['%s'] * len(words))})", [*lhs_params, *words]

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs}::text = ANY(%s::text[])", [*lhs_params, "{" + ",".join(self.words()) + "}"]


class FiscalYear(models.Model):
    """A calendar year of the fund's books; once closed, nothing more is posted into it (L7)."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("closed by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )

    class Meta:
        verbose_name = _("fiscal year")
        verbose_name_plural = _("fiscal years")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="fiscal_year_starts_before_it_ends"),
            models.CheckConstraint(condition=Q(status__in=["open", "closed"]), name="fiscal_year_status_known"),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True) | Q(status="closed", closed_at__isnull=False),
                name="fiscal_year_closed_has_a_date",
            ),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="fiscal_year_plausible"),
        ]

    def __str__(self) -> str:
        return str(self.year)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def closes_from(self) -> datetime.date:
        """A year is closed once it has ended: from the day after its last day."""
        return self.end + datetime.timedelta(days=1)

    @property
    def has_ended(self) -> bool:
        return timezone.localdate() >= self.closes_from

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


class AccountKind(models.TextChoices):
    BANK = "bank", _("bank")
    CONTRIBUTIONS = "contributions", _("contributions received")
    FUND_AVAILABLE = "fund_available", _("fund available")
    ENVELOPE = "envelope", _("envelope")
    DRAWING_RIGHT = "drawing_right", _("member drawing right")
    COMMITMENTS = "commitments", _("commitments carried forward")
    PAYMENTS = "payments", _("payments")


# The bank is an asset: its balance is its debits minus its credits. Every other account holds
# money for the fund's purposes (a liability to the members): credits minus debits.
DEBIT_NORMAL_KINDS = [AccountKind.BANK]


class AccountQuerySet(models.QuerySet):
    def of_kind(self, kind: str):
        return self.filter(kind=kind)


class Account(models.Model):
    """An account of the fund, with its stored balances (L6: they always equal its entries)."""

    code = models.CharField(_("account number"), max_length=20)
    aux_code = models.CharField(_("auxiliary number"), max_length=20, blank=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=AccountKind.choices)
    delegation = models.ForeignKey(
        Delegation, verbose_name=_("regional delegation"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="fund_accounts",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("member organisation"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="fund_accounts",
    )
    may_not_go_negative = models.BooleanField(_("may not go negative"), default=True)
    debits_posted = models.BigIntegerField(_("posted debits (cents)"), default=0)
    credits_posted = models.BigIntegerField(_("posted credits (cents)"), default=0)
    debits_pending = models.BigIntegerField(_("pending debits (cents)"), default=0)
    credits_pending = models.BigIntegerField(_("pending credits (cents)"), default=0)

    objects = AccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["code", "aux_code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "aux_code"], name="account_number_unique"),
            models.UniqueConstraint(
                fields=["organisation"], condition=Q(kind="drawing_right"), name="one_drawing_right_per_organisation",
            ),
            models.CheckConstraint(condition=Q(kind__any_of=AccountKind.values), name="account_kind_known"),
            models.CheckConstraint(
                condition=Q(kind="drawing_right", organisation__isnull=False)
                | (~Q(kind="drawing_right") & Q(organisation__isnull=True)),
                name="account_drawing_right_belongs_to_a_member",
            ),
            models.CheckConstraint(
                condition=Q(delegation__isnull=True) | Q(kind="envelope"), name="account_delegation_only_for_envelopes",
            ),
            models.CheckConstraint(
                condition=Q(debits_posted__gte=0, credits_posted__gte=0, debits_pending__gte=0, credits_pending__gte=0),
                name="account_totals_not_negative",
            ),
            # L2: a flagged account never goes below zero, counting what its open reservations take out.
            models.CheckConstraint(
                condition=Q(may_not_go_negative=False)
                | Q(kind__in=DEBIT_NORMAL_KINDS, credits_posted__lte=F("debits_posted") - F("credits_pending"))
                | (~Q(kind__in=DEBIT_NORMAL_KINDS) & Q(debits_posted__lte=F("credits_posted") - F("debits_pending"))),
                name="account_flagged_balance_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("mutualisation:account", args=[self.pk])

    @property
    def number(self) -> str:
        return f"{self.code}-{self.aux_code}" if self.aux_code else self.code

    @property
    def is_debit_normal(self) -> bool:
        return self.kind in DEBIT_NORMAL_KINDS

    @property
    def sign(self) -> int:
        """+1 when the balance is debits minus credits, -1 when it is credits minus debits."""
        return 1 if self.is_debit_normal else -1

    @property
    def balance(self) -> int:
        """Posted balance in cents, in the account's own direction (money held)."""
        return self.sign * (self.debits_posted - self.credits_posted)

    @property
    def pending_out(self) -> int:
        """Cents reserved by open reservations that will take money out of this account."""
        return self.credits_pending if self.is_debit_normal else self.debits_pending

    @property
    def pending_in(self) -> int:
        return self.debits_pending if self.is_debit_normal else self.credits_pending

    @property
    def available(self) -> int:
        return self.balance - self.pending_out


class TransactionCode(models.TextChoices):
    RECEIPT = "receipt", _("contribution received")
    DISTRIBUTION = "distribution", _("contribution distributed")
    GRANT = "grant", _("external funding received")
    TRANSFER = "transfer", _("transfer between accounts")
    SETTLEMENT = "settlement", _("commitment paid")
    DISBURSEMENT = "disbursement", _("payment sent")
    REVERSAL = "reversal", _("reversal")
    CARRY = "carry", _("open commitments carried forward")
    CARRY_BACK = "carry_back", _("carried commitments reopened")
    CLOSING = "closing", _("closing balances")
    OPENING = "opening", _("opening balances")


# Year-end bookkeeping: generated by the closing of a year, never reversed by hand.
YEAR_END_CODES = frozenset({TransactionCode.CARRY, TransactionCode.CARRY_BACK, TransactionCode.CLOSING,
                            TransactionCode.OPENING})
# What the closing posts on the next year's first day (balances and commitments carried in): the opening entries
# ("à-nouveaux"), first on their day in statements and in the FEC, though posted after that day's other entries.
OPENING_CODES = frozenset({TransactionCode.OPENING, TransactionCode.CARRY_BACK})


class Transaction(models.Model):
    """A balanced group of entries, append-only, chained to the previous one by its hash (L9)."""

    number = models.PositiveBigIntegerField(_("number"), unique=True)
    # Indexed with the date below; the fewer indexes a posting updates, the faster the ledger writes.
    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name=_("fiscal year"), on_delete=models.PROTECT, related_name="transactions",
        db_index=False,
    )
    date = models.DateField(_("date"))
    code = models.CharField(_("why"), max_length=20, choices=TransactionCode.choices)
    label = models.CharField(_("label"), max_length=255)
    idempotency_key = models.CharField(_("idempotency key"), max_length=150)
    fingerprint = models.CharField(_("content fingerprint"), max_length=64)
    reverses = models.OneToOneField(
        "self", verbose_name=_("reverses"), null=True, blank=True, on_delete=models.PROTECT, related_name="reversal",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+", db_index=False,
    )
    created_at = models.DateTimeField(_("recorded at"))
    previous_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        ordering = ["-number"]
        indexes = [models.Index(fields=["fiscal_year", "date"], name="transaction_year_date_idx")]
        constraints = [
            # A constraint rather than unique=True: no second (LIKE) index for PostgreSQL to update on every posting.
            models.UniqueConstraint(fields=["idempotency_key"], name="transaction_idempotency_key_unique"),
            models.CheckConstraint(condition=Q(code__any_of=TransactionCode.values), name="transaction_code_known"),
            models.CheckConstraint(
                condition=Q(code="reversal", reverses__isnull=False) | (~Q(code="reversal") & Q(reverses__isnull=True)),
                name="transaction_reversal_names_its_original",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.label}"

    def get_absolute_url(self) -> str:
        return reverse("mutualisation:transaction", args=[self.pk])

    @property
    def is_reversible(self) -> bool:
        return self.code not in YEAR_END_CODES and self.code != TransactionCode.REVERSAL


class Entry(models.Model):
    """One line of a transaction: an amount in cents on an account, debit if positive, credit if negative."""

    transaction = models.ForeignKey(
        Transaction, verbose_name=_("transaction"), on_delete=models.PROTECT, related_name="entries"
    )
    # Indexed with the date below (statements read it in that order).
    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="entries",
                                db_index=False)
    amount = models.BigIntegerField(_("amount (cents)"))
    # The transaction's date, and whether its code is one of OPENING_CODES, copied so that a statement reads one
    # index in its order (entries are never updated; verify_ledger checks both copies, L9).
    date = models.DateField(_("date"))
    opening = models.BooleanField(_("opening entry"), default=False, db_default=False)

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        # By day, the opening entries first, then in the order they were posted.
        ordering = ["date", "-opening", "pk"]
        indexes = [models.Index(fields=["account", "date", "-opening", "id"], name="entry_account_day_order_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(amount=0) & Q(amount__gte=-MAX_AMOUNT_CENTS, amount__lte=MAX_AMOUNT_CENTS),
                name="entry_amount_not_zero_and_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account.number} {self.amount}"

    @property
    def debit(self) -> int:
        return max(self.amount, 0)

    @property
    def credit(self) -> int:
        return max(-self.amount, 0)


class ReservationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Reservation.Status.OPEN)


class Reservation(models.Model):
    """A commitment: money set aside (pending) from `source` for `destination`, settled at most once,
    for no more than reserved, the remainder released in the same transaction (L5); or voided.

    Who approved it (`created_by`) is never who prepared it; above the rule set's threshold a second
    approver is required (L8).
    """

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        SETTLED = "settled", _("settled")
        VOIDED = "voided", _("voided")
        CARRIED = "carried", _("carried to the next year")

    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name=_("fiscal year"), on_delete=models.PROTECT, related_name="reservations"
    )
    date = models.DateField(_("date"))
    label = models.CharField(_("label"), max_length=255)
    source = models.ForeignKey(Account, verbose_name=_("from"), on_delete=models.PROTECT, related_name="+")
    destination = models.ForeignKey(Account, verbose_name=_("to"), on_delete=models.PROTECT, related_name="+")
    amount = models.BigIntegerField(_("amount (cents)"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    settled_amount = models.BigIntegerField(_("settled amount (cents)"), null=True, blank=True)
    settlement = models.OneToOneField(
        Transaction, verbose_name=_("settlement"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="settled_reservation",
    )
    carried_from = models.OneToOneField(
        "self", verbose_name=_("carried from"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="carried_to",
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=150)
    fingerprint = models.CharField(_("content fingerprint"), max_length=64)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("prepared by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved by"), on_delete=models.PROTECT, related_name="+"
    )
    second_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("second approver"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("closed by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ReservationQuerySet.as_manager()

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["fiscal_year", "status"], name="reservation_year_status_idx")]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="reservation_idempotency_key_unique"),
            models.CheckConstraint(
                condition=Q(amount__gt=0, amount__lte=MAX_AMOUNT_CENTS), name="reservation_amount_positive_bounded",
            ),
            models.CheckConstraint(condition=~Q(source=F("destination")), name="reservation_between_two_accounts"),
            models.CheckConstraint(
                condition=Q(status__in=["open", "settled", "voided", "carried"]), name="reservation_status_known",
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True) | (~Q(status="open") & Q(closed_at__isnull=False)),
                name="reservation_closed_has_a_date",
            ),
            models.CheckConstraint(
                condition=Q(status="settled", settlement__isnull=False, settled_amount__gt=0,
                            settled_amount__lte=F("amount"))
                | (~Q(status="settled") & Q(settlement__isnull=True, settled_amount__isnull=True)),
                name="reservation_settled_once_within_amount",
            ),
            models.CheckConstraint(condition=~Q(prepared_by=F("created_by")), name="reservation_four_eyes"),
            # A commitment names whoever prepared it; one carried into a new year keeps its original's people.
            models.CheckConstraint(condition=Q(prepared_by__isnull=False) | Q(carried_from__isnull=False),
                                   name="reservation_prepared_by_someone"),
            models.CheckConstraint(
                condition=~Q(second_approver=F("created_by")) & ~Q(second_approver=F("prepared_by")),
                name="reservation_second_approver_distinct",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def released_amount(self) -> int:
        return self.amount - (self.settled_amount or 0) if self.status != self.Status.OPEN else 0


class ChainHead(models.Model):
    """The end of the hash chain: appending a transaction locks this one row, so that the chain's
    order is the order in which transactions commit."""

    number = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("hash chain head")
        verbose_name_plural = _("hash chain head")

    def __str__(self) -> str:
        return f"#{self.number} {self.hash[:12]}"
