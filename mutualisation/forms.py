"""Finance's forms: amounts typed in euros (“1 234,56”), kept as cents; each posting form carries its
idempotency key, so that a double click or a resent form records the operation once."""

import uuid
from decimal import Decimal

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import User
from core.roles import STAFF_ROLES
from core.templatetags.ui import euros
from mutualisation.amounts import parse_euros, to_euros
from mutualisation.chart import AVAILABLE_KINDS
from mutualisation.models import MAX_AMOUNT_CENTS, Account, AccountKind, RuleSet

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EurosField(forms.CharField):
    """An amount in euros as people type it (“1 234,56”, “1234.56 €”), cleaned to integer cents, between
    `min_cents` and the ledger's largest amount."""

    def __init__(self, *, min_cents: int = 1, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)
        self.min_cents = min_cents
        self.widget.attrs.setdefault("inputmode", "decimal")

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return euros(value).replace("\u00a0€", "")
        return value

    def clean(self, value):
        text = super().clean(value)
        if text in self.empty_values:
            return None
        try:
            cents = parse_euros(text)
        except ValueError:
            raise forms.ValidationError(_("Enter an amount in euros, such as 1 234,56."), code="invalid") from None
        if not self.min_cents <= cents <= MAX_AMOUNT_CENTS:
            raise forms.ValidationError(
                _("Enter an amount between %(min)s and %(max)s.")
                % {"min": euros(to_euros(self.min_cents)), "max": euros(to_euros(MAX_AMOUNT_CENTS))}, code="range")
        return cents


class IdempotentForm(forms.Form):
    idempotency_key = forms.CharField(
        widget=forms.HiddenInput, validators=[RegexValidator(r"^[0-9a-f]{32}$")], initial=lambda: uuid.uuid4().hex,
    )


class PaymentForm(IdempotentForm):
    amount = EurosField(label=_("Amount received (€)"))
    date = forms.DateField(label=_("Date received"), widget=DATE_WIDGET, initial=timezone.localdate)
    reference = forms.CharField(label=_("Bank reference"), max_length=100)


class ImportForm(forms.Form):
    year = forms.IntegerField(label=_("Contribution year"), min_value=2000, max_value=2100,
                              initial=lambda: timezone.localdate().year)
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 or Windows (Excel) encoding, separated by semicolons or commas. Max. 2 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=200)
    date = forms.DateField(label=_("Date of the reversal"), widget=DATE_WIDGET, initial=timezone.localdate)


def staff_users():
    return User.objects.filter(role__in=STAFF_ROLES, is_active=True).order_by("last_name", "first_name", "username")


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.username


class CommitmentForm(IdempotentForm):
    source = forms.ModelChoiceField(label=_("Taken from"),
                                    queryset=Account.objects.filter(kind__in=AVAILABLE_KINDS).order_by("code", "name"))
    amount = EurosField(label=_("Amount (€)"))
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET, initial=timezone.localdate)
    label = forms.CharField(label=_("What for"), max_length=200)
    # Four eyes (L8): someone else prepared the file (the services and the database require it too).
    prepared_by = PersonField(label=_("Prepared by"), queryset=staff_users(),
                              help_text=_("The person who prepared the file; you approve it, so it cannot be you."))
    second_approver = PersonField(label=_("Second approver"), queryset=staff_users(), required=False,
                                  help_text=_("Required above the rule set's threshold."))


class PayCommitmentForm(forms.Form):
    amount = EurosField(label=_("Amount paid (€)"), help_text=_("At most the amount committed; the rest is released."))
    date = forms.DateField(label=_("Date paid"), widget=DATE_WIDGET, initial=timezone.localdate)


class EnvelopeFundingForm(IdempotentForm):
    envelope = forms.ModelChoiceField(label=_("Envelope"),
                                      queryset=Account.objects.filter(kind=AccountKind.ENVELOPE).order_by("name"))
    amount = EurosField(label=_("Amount (€)"))
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET, initial=timezone.localdate)


class GrantForm(IdempotentForm):
    amount = EurosField(label=_("Amount received (€)"))
    date = forms.DateField(label=_("Date received"), widget=DATE_WIDGET, initial=timezone.localdate)
    label = forms.CharField(label=_("From whom, for what"), max_length=200)


class RuleSetForm(forms.Form):
    """A rule set as finance types it: rates in %, amounts in euros."""

    valid_from = forms.DateField(label=_("Valid from"), widget=DATE_WIDGET)
    rate_etti_percent = forms.DecimalField(label=_("Contribution rate, ETTI (%)"), min_value=0, max_value=100,
                                           max_digits=6, decimal_places=4, localize=True)
    rate_other_percent = forms.DecimalField(label=_("Contribution rate, other members (%)"), min_value=0,
                                            max_value=100, max_digits=6, decimal_places=4, localize=True)
    drawing_right_ratio = forms.DecimalField(label=_("Drawing right (× contribution)"), min_value=0, max_value=1,
                                             max_digits=5, decimal_places=4, localize=True,
                                             help_text=RuleSet._meta.get_field("drawing_right_ratio").help_text)
    drawing_right_floor_cents = EurosField(label=_("Drawing right floor (€)"), min_cents=0,
                                           help_text=RuleSet._meta.get_field("drawing_right_floor_cents").help_text)
    two_approvers_above_cents = EurosField(label=_("Second approver above (€)"), min_cents=0,
                                           help_text=RuleSet._meta.get_field("two_approvers_above_cents").help_text)

    def __init__(self, *args, ruleset: RuleSet | None = None, **kwargs):
        if ruleset is not None:
            kwargs["initial"] = self.initial_from(ruleset)
        super().__init__(*args, **kwargs)
        self.ruleset = ruleset

    @staticmethod
    def initial_from(ruleset: RuleSet) -> dict:
        """The form's fields filled with a rule set's values (saved or not)."""
        return {
            "valid_from": ruleset.valid_from, "rate_etti_percent": ruleset.rate_etti_percent,
            "rate_other_percent": ruleset.rate_other_percent, "drawing_right_ratio": ruleset.drawing_right_ratio,
            "drawing_right_floor_cents": to_euros(ruleset.drawing_right_floor_cents),
            "two_approvers_above_cents": to_euros(ruleset.two_approvers_above_cents),
        }

    def clean_valid_from(self):
        valid_from = self.cleaned_data["valid_from"]
        taken = RuleSet.objects.filter(valid_from=valid_from)
        if self.ruleset is not None:
            taken = taken.exclude(pk=self.ruleset.pk)
        if taken.exists():
            raise forms.ValidationError(_("A rule set already starts on this date."))
        return valid_from


class CloseYearForm(forms.Form):
    confirm = forms.BooleanField(label=_("I have checked the year: close it"), required=True)
