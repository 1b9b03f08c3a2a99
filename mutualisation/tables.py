import datetime
from decimal import Decimal

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.columns import DateColumn
from mutualisation.amounts import to_euros
from mutualisation.models import Account, Contribution, Entry, Reservation, RuleSet
from mutualisation.templatetags.ledger import cents

NUMBER = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}


class CentsColumn(tables.Column):
    """Cents shown as “1 234,56 €”, exported as a number of euros."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", NUMBER)
        super().__init__(*args, **kwargs)

    def render(self, value):
        return cents(value)

    def value(self, value):
        return to_euros(value)


class TransactionNumberColumn(tables.Column):
    def render(self, value, record):
        return format_html('<a href="{}">#{}</a>', reverse("mutualisation:transaction", args=[record.transaction_id]),
                           value)

    def value(self, value):
        return value


class AccountTable(tables.Table):
    number = tables.Column(verbose_name=_("Account"), accessor="code", order_by=("code", "aux_code"))
    name = tables.Column(verbose_name=_("Name"))
    balance = CentsColumn(verbose_name=_("Balance"), accessor="balance", orderable=False)
    pending_out = CentsColumn(verbose_name=_("Committed"), accessor="pending_out", orderable=False)
    available = CentsColumn(verbose_name=_("Available"), accessor="available", orderable=False)

    class Meta:
        model = Account
        fields = ("number", "name", "kind", "balance", "pending_out", "available")
        order_by = ("number",)

    def render_number(self, record):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.number)

    def value_number(self, record):
        return record.number


class StatementTable(tables.Table):
    """An account's entries in date order, with the balance after each one (in the account's own direction)."""

    date = DateColumn(format="d/m/Y", verbose_name=_("Date"), orderable=False)
    number = TransactionNumberColumn(verbose_name=_("No."), accessor="transaction__number", orderable=False)
    label = tables.Column(verbose_name=_("Label"), accessor="transaction__label", orderable=False)
    debit = CentsColumn(verbose_name=_("Debit"), orderable=False, empty_values=())
    credit = CentsColumn(verbose_name=_("Credit"), orderable=False, empty_values=())
    running = CentsColumn(verbose_name=_("Balance"), orderable=False)

    class Meta:
        model = Entry
        fields = ("date", "number", "label", "debit", "credit", "running")

    def __init__(self, *args, sign: int, opening: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.sign, self.opening = sign, opening

    def render_debit(self, record):
        return cents(record.amount) if record.amount > 0 else ""

    def render_credit(self, record):
        return cents(-record.amount) if record.amount < 0 else ""

    def value_debit(self, record):
        return to_euros(max(record.amount, 0))

    def value_credit(self, record):
        return to_euros(max(-record.amount, 0))

    def render_running(self, value):
        return cents(self.sign * (self.opening + value))

    def value_running(self, value):
        return to_euros(self.sign * (self.opening + value))


class EntryTable(tables.Table):
    date = DateColumn(format="d/m/Y", verbose_name=_("Date"))
    number = TransactionNumberColumn(verbose_name=_("No."), accessor="transaction__number")
    code = tables.Column(verbose_name=_("Why"), accessor="transaction__code")
    label = tables.Column(verbose_name=_("Label"), accessor="transaction__label")
    account = tables.Column(verbose_name=_("Account"), accessor="account__code", order_by=("account__code",
                                                                                          "account__aux_code"))
    account_name = tables.Column(verbose_name=_("Account name"), accessor="account__name")
    debit = CentsColumn(verbose_name=_("Debit"), accessor="amount", orderable=False)
    credit = CentsColumn(verbose_name=_("Credit"), accessor="amount", orderable=False)

    class Meta:
        model = Entry
        fields = ("date", "number", "code", "label", "account", "account_name", "debit", "credit")
        order_by = ("-date", "-number")

    def render_code(self, record):
        return record.transaction.get_code_display()

    def render_account(self, record):
        return format_html('<a href="{}">{}</a>', record.account.get_absolute_url(), record.account.number)

    def value_account(self, record):
        return record.account.number

    def render_debit(self, value):
        return cents(value) if value > 0 else ""

    def render_credit(self, value):
        return cents(-value) if value < 0 else ""

    def value_debit(self, value):
        return to_euros(max(value, 0))

    def value_credit(self, value):
        return to_euros(max(-value, 0))


class ContributionTable(tables.Table):
    organisation = tables.Column(verbose_name=_("Member"), accessor="organisation__legal_name")
    kind = tables.Column(verbose_name=_("Kind"), accessor="organisation__kind")
    payroll_base_cents = CentsColumn(verbose_name=_("Payroll N-1"))
    rate_percent = tables.Column(verbose_name=_("Rate (%)"), attrs=NUMBER)
    amount_due_cents = CentsColumn(verbose_name=_("Due"))
    paid_cents = CentsColumn(verbose_name=_("Paid"))
    remaining = CentsColumn(verbose_name=_("Remaining"), empty_values=(), orderable=False)
    status = tables.Column(verbose_name=_("Status"), empty_values=(), orderable=False)
    actions = tables.Column(verbose_name="", empty_values=(), orderable=False, exclude_from_export=True)

    class Meta:
        model = Contribution
        fields = ("organisation", "kind", "payroll_base_cents", "rate_percent", "amount_due_cents", "paid_cents",
                  "remaining", "status", "actions")
        order_by = ("organisation",)

    @staticmethod
    def status_of(record) -> tuple[str, str]:
        if record.paid_cents >= record.amount_due_cents:
            return str(_("paid")), "success"
        return (str(_("partly paid")), "warning") if record.paid_cents else (str(_("unpaid")), "danger")

    def render_organisation(self, record):
        return format_html('<a href="{}">{}</a>', record.organisation.get_absolute_url(), record.organisation.legal_name)

    def value_organisation(self, record):
        return record.organisation.legal_name

    def render_kind(self, record):
        return record.organisation.get_kind_display()

    def render_remaining(self, record):
        return cents(record.amount_due_cents - record.paid_cents)

    def value_remaining(self, record):
        return to_euros(record.amount_due_cents - record.paid_cents)

    def render_rate_percent(self, value):
        return f"{value.normalize():f}".replace(".", ",")

    def value_rate_percent(self, value):
        # A plain number like the exported amounts: “0.6” (a decimal comma in CSV), not “0.6000”.
        return Decimal(f"{value.normalize():f}")

    def render_status(self, record):
        label, colour = self.status_of(record)
        return format_html('<span class="badge text-bg-{}">{}</span>', colour, label)

    def value_status(self, record):
        return self.status_of(record)[0]

    def render_actions(self, record):
        if record.paid_cents >= record.amount_due_cents:
            return ""
        return format_html('<a class="btn btn-sm btn-outline-primary" href="{}">{}<span class="visually-hidden"> {}'
                           "</span></a>", reverse("mutualisation:payment_create", args=[record.pk]),
                           _("Record a payment"), record.organisation.legal_name)


class ReservationTable(tables.Table):
    date = DateColumn(format="d/m/Y", verbose_name=_("Date"))
    source = tables.Column(verbose_name=_("Taken from"), accessor="source__name")
    amount = CentsColumn(verbose_name=_("Committed"))
    settled_amount = CentsColumn(verbose_name=_("Paid"))
    actions = tables.Column(verbose_name="", empty_values=(), orderable=False, exclude_from_export=True)

    class Meta:
        model = Reservation
        fields = ("date", "label", "source", "amount", "status", "settled_amount", "actions")
        order_by = ("-date",)

    def render_actions(self, record):
        if record.status != Reservation.Status.OPEN:
            return ""
        return format_html('<a class="btn btn-sm btn-outline-primary" href="{}">{}<span class="visually-hidden"> {}'
                           "</span></a>", reverse("mutualisation:commitment_pay", args=[record.pk]), _("Pay or release"),
                           record.label)


class RuleSetTable(tables.Table):
    valid_from = DateColumn(format="d/m/Y")
    drawing_right_floor_cents = CentsColumn(verbose_name=_("Drawing right floor"))
    two_approvers_above_cents = CentsColumn(verbose_name=_("Second approver above"))
    actions = tables.Column(verbose_name="", empty_values=(), orderable=False, exclude_from_export=True)

    class Meta:
        model = RuleSet
        fields = ("valid_from", "rate_etti_percent", "rate_other_percent", "drawing_right_ratio",
                  "drawing_right_floor_cents", "two_approvers_above_cents", "actions")
        order_by = ("-valid_from",)

    def __init__(self, *args, applied_until: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.applied_until = applied_until

    def render_actions(self, record):
        if self.applied_until is not None and record.valid_from <= self.applied_until:
            return format_html('<span class="text-body-secondary small">{}</span>', _("Applied: no longer changes"))
        return format_html('<a class="btn btn-sm btn-outline-secondary" href="{}">{}</a>',
                           reverse("mutualisation:ruleset_update", args=[record.pk]), _("Edit"))
