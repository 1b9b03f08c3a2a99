"""Money as the ledger keeps it (integer cents) and as people write it (“1 234,56 €”)."""

import re
from decimal import Decimal

AMOUNT = re.compile(r"^\d+(\.\d{1,2})?$")


def to_cents(amount: Decimal) -> int:
    """An amount in euros with at most two decimals, as cents."""
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError("more than two decimals")
    return int(cents)


def to_euros(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def parse_euros(text: str) -> int:
    """'1 234,56 €', '1234.56', '1.234,56' → 123456 cents; ValueError for anything else, negatives included."""
    cleaned = text.strip().replace("€", "")
    for space in (" ", "\u00a0", "\u202f"):
        cleaned = cleaned.replace(space, "")
    if "," in cleaned and "." in cleaned:
        thousands, decimal = (".", ",") if cleaned.rfind(",") > cleaned.rfind(".") else (",", ".")
        cleaned = cleaned.replace(thousands, "").replace(decimal, ".")
    else:
        cleaned = cleaned.replace(",", ".")
    if not AMOUNT.match(cleaned) or len(cleaned) > 16:
        raise ValueError(text)
    return to_cents(Decimal(cleaned))
