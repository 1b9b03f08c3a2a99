"""Domain errors of the fund, each carrying a translated message for the user."""

from django.utils.translation import gettext as _


class LedgerError(Exception):
    """Something the ledger refuses to do; nothing was written."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InsufficientFunds(LedgerError):
    """A flagged account would go below zero (L2). `by_database` when the CHECK constraint caught it."""

    def __init__(self, account=None, *, by_database: bool = False):
        if account is None:
            super().__init__(_("Not enough money on one of the accounts for this operation."))
        else:
            super().__init__(_("Not enough money on %(account)s for this operation.") % {"account": account})
        self.by_database = by_database


class IdempotencyConflict(LedgerError):
    """The idempotency key was used already, for a different content (L4)."""

    def __init__(self, key: str):
        super().__init__(
            _("This operation (key %(key)s) was already recorded with a different content; nothing was changed.")
            % {"key": key}
        )


class FiscalYearClosed(LedgerError):
    """Nothing is posted into a closed fiscal year (L7)."""
