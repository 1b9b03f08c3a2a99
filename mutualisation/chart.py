"""The fund's chart of accounts: account numbers (French PCG, class 4 for money held for the members)."""

from django.utils.translation import gettext_lazy as _

from mutualisation.models import AccountKind

# kind → (general account number, name) for the accounts the fund has exactly one of.
SINGLE_ACCOUNTS = {
    AccountKind.BANK: ("512000", _("Bank — shared training fund")),
    AccountKind.CONTRIBUTIONS: ("467100", _("Contributions received, to distribute")),
    AccountKind.FUND_AVAILABLE: ("467200", _("Mutual pool — available")),
    AccountKind.COMMITMENTS: ("467500", _("Commitments carried forward")),
    AccountKind.PAYMENTS: ("467600", _("Funding to pay out")),
}
# Accounts held per envelope and per member: one general number, the auxiliary number tells them apart.
ENVELOPE_CODE = "467300"
DRAWING_RIGHT_CODE = "467400"

# What a bucket of money available to fund training is: where commitments are taken from.
AVAILABLE_KINDS = (AccountKind.FUND_AVAILABLE, AccountKind.ENVELOPE, AccountKind.DRAWING_RIGHT)

# The general account's name, for accounts kept per auxiliary number (the FEC's CompteLib).
GENERAL_NAMES = {ENVELOPE_CODE: _("Training envelopes"), DRAWING_RIGHT_CODE: _("Members' drawing rights")}
