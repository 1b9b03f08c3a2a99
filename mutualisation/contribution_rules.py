"""Pure rules of contributions: what a member owes, and how a payment is shared (no database here)."""

from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal


def contribution_due(*, payroll_base_cents: int, rate_percent: Decimal) -> int:
    """Gross payroll of the year before × rate, rounded to the nearest cent (half up)."""
    return int((Decimal(payroll_base_cents) * rate_percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class PaymentSplit:
    drawing_right: int  # cents credited to the member's drawing right
    pool: int  # cents left to the mutual pool; negative when the pool tops the drawing right up


def split_payment(*, amount: int, ratio: Decimal, floor: int, drawing_right_so_far: int, completes_contribution: bool,
                  pool_available: int) -> PaymentSplit:
    """Share a payment between the member's drawing right (amount × ratio, floored to the cent) and the pool.

    The payment that completes the year's contribution also tops the drawing right up to the floor, from
    the pool, as far as the pool (with this payment's share) can afford it.
    """
    share = int((Decimal(amount) * ratio).to_integral_value(rounding=ROUND_FLOOR))
    top_up = 0
    if completes_contribution:
        missing = floor - (drawing_right_so_far + share)
        top_up = max(0, min(missing, pool_available + amount - share))
    return PaymentSplit(drawing_right=share + top_up, pool=amount - share - top_up)
