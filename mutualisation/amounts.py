"""Money as the ledger keeps it (integer cents) and as people write it (“1 234,56 €”)."""

import re
from decimal import Decimal

# The ways people write an amount: whole euros, then at most two decimals. Thousands are grouped by three, with
# spaces, or with dots or commas when the decimals follow the other sign ("1.234,56", "1,234.56"): "1.234" alone
# could be either, and "12,3 4" or "1.2.3,45" are typing slips, refused rather than guessed.
AMOUNTS = tuple(re.compile(pattern, re.ASCII) for pattern in (
    r"(?P<whole>\d+)(?:[.,](?P<cents>\d{1,2}))?",
    r"(?P<whole>\d{1,3}(?:[ \u00a0\u202f]\d{3})+)(?:[.,](?P<cents>\d{1,2}))?",
    r"(?P<whole>\d{1,3}(?:\.\d{3})+),(?P<cents>\d{1,2})",
    r"(?P<whole>\d{1,3}(?:,\d{3})+)\.(?P<cents>\d{1,2})",
))
MAX_WHOLE_DIGITS = 13


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
    cleaned = text.strip().removesuffix("€").strip()
    for pattern in AMOUNTS:
        match = pattern.fullmatch(cleaned)
        if match:
            whole = "".join(char for char in match["whole"] if char.isdigit())
            if len(whole) > MAX_WHOLE_DIGITS:
                break
            return to_cents(Decimal(f"{whole}.{match['cents'] or '0'}"))
    raise ValueError(text)
