"""The figures of a fiscal year for finance's dashboard, read from the entries of that year.

For a closed year they are the figures before its closing entries; for an open one, today's. The money held
(balances, bank, commitments open) also counts the earlier years not closed yet: in January, before the
closing carries them forward, the balances of last year are still in last year's entries.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.db.models.functions import ExtractMonth

from mutualisation.chart import AVAILABLE_KINDS
from mutualisation.models import (
    Account,
    AccountKind,
    Contribution,
    Entry,
    FiscalYear,
    Reservation,
    TransactionCode,
)


@dataclass
class Line:
    """Money of one account or group of accounts, in cents, in the accounts' own direction."""

    label: str
    balance: int = 0
    committed: int = 0
    paid: int = 0
    account: Account | None = None

    @property
    def available(self) -> int:
        return self.balance - self.committed


@dataclass
class Month:
    number: int
    received: int = 0
    committed: int = 0
    paid: int = 0


@dataclass
class YearFigures:
    fiscal_year: FiscalYear
    called: int = 0
    paid_against_calls: int = 0
    members_called: int = 0
    members_paid: int = 0
    members_partial: int = 0
    received: int = 0
    grants: int = 0
    paid: int = 0
    bank: int = 0
    carried_commitments: int = 0
    pool: Line | None = None
    drawing_rights: Line | None = None
    envelopes: list[Line] = field(default_factory=list)
    months: list[Month] = field(default_factory=list)

    @property
    def members_unpaid(self) -> int:
        return self.members_called - self.members_paid - self.members_partial

    @property
    def available(self) -> int:
        return sum(line.available for line in [self.pool, self.drawing_rights, *self.envelopes] if line)

    @property
    def committed(self) -> int:
        return sum(line.committed for line in [self.pool, self.drawing_rights, *self.envelopes] if line)


def of_code(code: str) -> Q:
    """Entries of transactions with this code, and of their reversals."""
    return Q(transaction__code=code) | Q(transaction__reverses__code=code)


def not_carried_yet(fiscal_year: FiscalYear):
    """This year and the earlier ones not closed: their balances have not been carried into this one by entries."""
    last_closed = (FiscalYear.objects.filter(year__lt=fiscal_year.year, status=FiscalYear.Status.CLOSED)
                   .order_by("-year").values_list("year", flat=True).first())
    return FiscalYear.objects.filter(year__lte=fiscal_year.year, year__gt=last_closed or 0)


def year_figures(fiscal_year: FiscalYear) -> YearFigures:
    figures = YearFigures(fiscal_year=fiscal_year)
    contributions = Contribution.objects.with_paid().filter(year=fiscal_year.year)
    for contribution in contributions.values("amount_due_cents", "paid_cents"):
        figures.called += contribution["amount_due_cents"]
        figures.paid_against_calls += contribution["paid_cents"]
        figures.members_called += 1
        if contribution["paid_cents"] >= contribution["amount_due_cents"]:
            figures.members_paid += 1
        elif contribution["paid_cents"]:
            figures.members_partial += 1

    entries = Entry.objects.filter(transaction__fiscal_year=fiscal_year)
    held_years = not_carried_yet(fiscal_year)
    held = Entry.objects.filter(transaction__fiscal_year__in=held_years).exclude(transaction__code=TransactionCode.CLOSING)
    bank = Q(account__kind=AccountKind.BANK)
    this_year = Q(transaction__fiscal_year=fiscal_year)
    totals = held.aggregate(
        received=Sum("amount", filter=this_year & bank & of_code(TransactionCode.RECEIPT)),
        grants=Sum("amount", filter=this_year & bank & of_code(TransactionCode.GRANT)),
        paid=Sum("amount", filter=this_year & bank & of_code(TransactionCode.DISBURSEMENT)),
        bank=Sum("amount", filter=bank),
        carried=Sum("amount", filter=this_year & Q(account__kind=AccountKind.COMMITMENTS,
                                                    transaction__code=TransactionCode.CARRY)),
    )
    figures.received, figures.grants = totals["received"] or 0, totals["grants"] or 0
    figures.paid, figures.bank = -(totals["paid"] or 0), totals["bank"] or 0
    figures.carried_commitments = -(totals["carried"] or 0)

    balances = dict(held.filter(account__kind__in=AVAILABLE_KINDS)
                    .values("account_id").annotate(total=Sum("amount")).values_list("account_id", "total"))
    spent = dict(entries.filter(account__kind__in=AVAILABLE_KINDS).filter(of_code(TransactionCode.SETTLEMENT))
                 .values("account_id").annotate(total=Sum("amount")).values_list("account_id", "total"))
    committed = dict(Reservation.objects.open().filter(fiscal_year__in=held_years).values("source_id")
                     .annotate(total=Sum("amount")).values_list("source_id", "total"))
    lines: dict[str, Line] = {}
    for account in Account.objects.filter(kind__in=AVAILABLE_KINDS).order_by("name"):
        line = Line(label=account.name, balance=-balances.get(account.pk, 0), committed=committed.get(account.pk, 0),
                    paid=spent.get(account.pk, 0), account=account)
        if account.kind == AccountKind.ENVELOPE:
            figures.envelopes.append(line)
        else:
            group = lines.setdefault(account.kind, Line(label=str(AccountKind(account.kind).label)))
            group.balance += line.balance
            group.committed += line.committed
            group.paid += line.paid
    figures.pool = lines.get(AccountKind.FUND_AVAILABLE, Line(label=str(AccountKind.FUND_AVAILABLE.label)))
    figures.drawing_rights = lines.get(AccountKind.DRAWING_RIGHT, Line(label=str(AccountKind.DRAWING_RIGHT.label)))
    figures.months = monthly(fiscal_year, entries)
    return figures


def monthly(fiscal_year: FiscalYear, entries) -> list[Month]:
    """Received, committed and paid, month by month."""
    months = {number: Month(number) for number in range(1, 13)}
    bank = entries.filter(account__kind=AccountKind.BANK).annotate(month=ExtractMonth("date"))
    for code, attribute, sign in ((TransactionCode.RECEIPT, "received", 1), (TransactionCode.DISBURSEMENT, "paid", -1)):
        for month, total in (bank.filter(of_code(code)).values("month").annotate(total=Sum("amount"))
                             .values_list("month", "total")):
            setattr(months[month], attribute, sign * total)
    reservations = defaultdict(int)
    for month, total in (Reservation.objects.filter(fiscal_year=fiscal_year, carried_from__isnull=True)
                         .annotate(month=ExtractMonth("date")).values("month").annotate(total=Sum("amount"))
                         .values_list("month", "total")):
        reservations[month] += total
    for month, total in reservations.items():
        months[month].committed = total
    return list(months.values())


@dataclass
class HomeFigures:
    """What finance sees first on its home page: this year's contributions and the money at hand."""

    fiscal_year: FiscalYear | None
    called: int = 0
    received: int = 0
    unpaid_members: int = 0
    available: int = 0
    committed: int = 0


def home_figures(year: int) -> HomeFigures:
    fiscal_year = FiscalYear.objects.filter(year=year).first()
    figures = HomeFigures(fiscal_year=fiscal_year)
    for contribution in Contribution.objects.with_paid().filter(year=year).values("amount_due_cents", "paid_cents"):
        figures.called += contribution["amount_due_cents"]
        figures.received += contribution["paid_cents"]
        figures.unpaid_members += contribution["paid_cents"] < contribution["amount_due_cents"]
    for account in Account.objects.filter(kind__in=AVAILABLE_KINDS):
        figures.available += account.available
        figures.committed += account.pending_out
    return figures
