from mutualisation.models.contributions import Contribution, ContributionPayment, RuleSet
from mutualisation.models.ledger import (
    DEBIT_NORMAL_KINDS,
    GENESIS_HASH,
    MAX_AMOUNT_CENTS,
    OPENING_CODES,
    YEAR_END_CODES,
    Account,
    AccountKind,
    ChainHead,
    Entry,
    FiscalYear,
    Reservation,
    Transaction,
    TransactionCode,
)

__all__ = [
    "DEBIT_NORMAL_KINDS", "GENESIS_HASH", "MAX_AMOUNT_CENTS", "OPENING_CODES", "YEAR_END_CODES", "Account", "AccountKind",
    "ChainHead", "Contribution", "ContributionPayment", "Entry", "FiscalYear", "Reservation", "RuleSet", "Transaction",
    "TransactionCode",
]
