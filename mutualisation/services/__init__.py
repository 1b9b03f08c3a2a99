"""Every change to the fund's data, one verb per business action (see each module)."""

from mutualisation.services.contributions import (
    call_for_contributions,
    cancel_contribution_payment,
    import_contribution_calls,
    import_contribution_payments,
    record_contribution_payment,
    record_contribution_payments,
    save_ruleset,
)
from mutualisation.services.fund import (
    commit_funding,
    drawing_right_accounts,
    envelope_account,
    fund_envelope,
    pay_commitment,
    record_grant,
)
from mutualisation.services.ledger import (
    close_fiscal_year,
    fund_account,
    may_open,
    next_fiscal_year,
    open_account,
    open_fiscal_year,
    open_next_fiscal_year,
    post_transaction,
    reserve,
    reverse_transaction,
    settle,
    void,
)
from mutualisation.services.posting import Leg, credit, debit

__all__ = [
    "Leg", "call_for_contributions", "cancel_contribution_payment", "close_fiscal_year", "commit_funding", "credit",
    "debit", "drawing_right_accounts", "envelope_account", "fund_account", "fund_envelope",
    "import_contribution_calls", "import_contribution_payments", "may_open", "next_fiscal_year", "open_account",
    "open_fiscal_year", "open_next_fiscal_year", "pay_commitment",
    "post_transaction", "record_contribution_payment", "record_contribution_payments", "record_grant", "reserve",
    "reverse_transaction", "save_ruleset", "settle", "void",
]
