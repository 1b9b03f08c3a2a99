"""What members owe the fund each year and what they paid: rule sets, calls, payments."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import ExpressionWrapper, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from adherents.models import Organisation, OrganisationKind
from mutualisation.models.ledger import Transaction

# Above this amount a commitment needs a second approver while no rule set is in force (the fund's default rules).
DEFAULT_TWO_APPROVERS_ABOVE_CENTS = 250_000


class RuleSetQuerySet(models.QuerySet):
    def in_force(self, on: datetime.date) -> "RuleSet | None":
        return self.filter(valid_from__lte=on).order_by("-valid_from").first()

    def two_approvers_above(self, on: datetime.date) -> int:
        """The amount above which a commitment dated `on` needs a second approver (L8)."""
        rules = self.in_force(on)
        return DEFAULT_TWO_APPROVERS_ABOVE_CENTS if rules is None else rules.two_approvers_above_cents


class RuleSet(models.Model):
    """The fund's parameters from a date on, edited by finance (contribution rates, drawing rights, approvals)."""

    valid_from = models.DateField(_("valid from"), unique=True)
    rate_etti_percent = models.DecimalField(
        _("contribution rate, ETTI (% of payroll)"), max_digits=6, decimal_places=4,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    rate_other_percent = models.DecimalField(
        _("contribution rate, other members (% of payroll)"), max_digits=6, decimal_places=4,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    drawing_right_ratio = models.DecimalField(
        _("drawing right (× contribution)"), max_digits=5, decimal_places=4,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_("Share of each payment credited to the member's drawing right; the rest goes to the mutual pool."),
    )
    drawing_right_floor_cents = models.BigIntegerField(
        _("drawing right floor (cents)"), validators=[MinValueValidator(0)],
        help_text=_("Once its contribution is paid, a member's drawing right for the year is topped up to this "
                    "amount from the mutual pool, as far as the pool allows."),
    )
    two_approvers_above_cents = models.BigIntegerField(
        _("second approver above (cents)"), validators=[MinValueValidator(0)],
        help_text=_("A commitment above this amount needs a second approver."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RuleSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rate_etti_percent__gte=0, rate_etti_percent__lte=100,
                            rate_other_percent__gte=0, rate_other_percent__lte=100),
                name="ruleset_rates_are_percentages",
            ),
            models.CheckConstraint(
                condition=Q(drawing_right_ratio__gte=0, drawing_right_ratio__lte=1), name="ruleset_ratio_between_0_and_1",
            ),
            models.CheckConstraint(
                condition=Q(drawing_right_floor_cents__gte=0, two_approvers_above_cents__gte=0),
                name="ruleset_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Rules from %(date)s") % {"date": self.valid_from.strftime("%d/%m/%Y")})

    def rate_for(self, organisation: Organisation) -> Decimal:
        return self.rate_etti_percent if organisation.kind == OrganisationKind.ETTI else self.rate_other_percent


def live_payments(path: str = "") -> Q:
    """Contribution payments not cancelled (a payment is cancelled by reversing its receipt); `path` leads from
    the rows filtered to the payments ("payments__" from contributions, "replaces__" to a replaced payment)."""
    return Q(**{f"{path}receipt__reversal__isnull": True})


class ContributionQuerySet(models.QuerySet):
    def with_paid(self):
        """Annotate `paid_cents`: what was received and not cancelled since."""
        paid = Sum("payments__amount_cents", filter=live_payments("payments__"))
        return self.annotate(paid_cents=Coalesce(paid, 0))


class Contribution(models.Model):
    """What a member owes the fund for a year: gross payroll of the year before × the rule set's rate."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("member organisation"), on_delete=models.PROTECT, related_name="contributions"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    payroll_base_cents = models.BigIntegerField(_("gross payroll of the year before (cents)"))
    rate_percent = models.DecimalField(_("rate (%)"), max_digits=6, decimal_places=4)
    amount_due_cents = models.BigIntegerField(_("amount due (cents)"))
    ruleset = models.ForeignKey(RuleSet, verbose_name=_("rule set"), on_delete=models.PROTECT, related_name="+")
    called_at = models.DateTimeField(_("called at"))
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("called by"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ContributionQuerySet.as_manager()

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["-year", "organisation__legal_name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="one_contribution_per_member_and_year"),
            models.CheckConstraint(
                condition=Q(payroll_base_cents__gte=0, amount_due_cents__gte=0), name="contribution_amounts_not_negative",
            ),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="contribution_year_plausible"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}"


class ContributionPaymentQuerySet(models.QuerySet):
    def latest_per_reference(self) -> dict[tuple[int, str], "ContributionPayment"]:
        """Per (contribution, bank reference), the payment no later one replaces, annotated `cancelled`."""
        cancelled = ExpressionWrapper(~live_payments(), output_field=models.BooleanField())
        latest = self.filter(replaced_by__isnull=True).only("contribution_id", "reference").annotate(cancelled=cancelled)
        return {(payment.contribution_id, payment.reference): payment for payment in latest}


class ContributionPayment(models.Model):
    """A payment received for a contribution; posted as a receipt and its distribution (drawing right, pool).

    A payment is cancelled by reversing its receipt (and distribution); the same bank reference may then be
    recorded again, by a payment that replaces the cancelled one. The payments of a reference thus form one
    chain — one first payment, each replaced at most once — of which only the last may be live.
    """

    contribution = models.ForeignKey(
        Contribution, verbose_name=_("contribution"), on_delete=models.PROTECT, related_name="payments"
    )
    date = models.DateField(_("date"))
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    reference = models.CharField(_("reference"), max_length=100)
    drawing_right_cents = models.BigIntegerField(_("drawing right credited (cents)"))
    receipt = models.OneToOneField(
        Transaction, verbose_name=_("receipt"), on_delete=models.PROTECT, related_name="contribution_receipt"
    )
    distribution = models.OneToOneField(
        Transaction, verbose_name=_("distribution"), on_delete=models.PROTECT, related_name="contribution_distribution"
    )
    replaces = models.OneToOneField(
        "self", verbose_name=_("replaces"), null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by",
        help_text=_("The cancelled payment of the same reference that this one records again."),
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=150)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"))

    objects = ContributionPaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("contribution payment")
        verbose_name_plural = _("contribution payments")
        ordering = ["-date", "-pk"]
        constraints = [
            # With the unique `replaces`, at most one chain of payments per reference (see the class docstring).
            models.UniqueConstraint(fields=["contribution", "reference"], condition=Q(replaces__isnull=True),
                                    name="one_first_payment_per_reference"),
            models.UniqueConstraint(fields=["idempotency_key"], name="contribution_payment_idempotency_key_unique"),
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0, drawing_right_cents__gte=0), name="contribution_payment_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contribution} {self.reference}"
