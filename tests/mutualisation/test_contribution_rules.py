import datetime
from decimal import Decimal

import pytest

from mutualisation.amounts import parse_euros
from mutualisation.contribution_import import PaymentRow
from mutualisation.contribution_rules import contribution_due, split_payment
from mutualisation.models import Contribution
from mutualisation.services.contributions import import_key


@pytest.mark.parametrize("base, rate, due", [
    (0, Decimal("0.8"), 0),
    (100_000_00, Decimal("0.8"), 800_00),          # ETTI: 0.8 % of 100,000 €
    (100_000_00, Decimal("0.6"), 600_00),          # other members: 0.6 %
    (123_456_78, Decimal("0.6"), 740_74),          # 740.74068 → 740.74
    (62_500, Decimal("0.6"), 375),                 # 3.75 € exactly
    (8_333, Decimal("0.6"), 50),                   # 49.998 → 50
    (8_325, Decimal("0.6"), 50),                   # 49.95 → 50
    (750, Decimal("0.6"), 5),                      # 4.5 → 5: half a cent rounds up (to the even cent it would be 4)
    (8_324, Decimal("0.6"), 50),                   # 49.944 → 50
    (8_241, Decimal("0.6"), 49),                   # 49.446 → 49
])
def test_contribution_due_is_payroll_times_rate_to_the_nearest_cent(base, rate, due):
    assert contribution_due(payroll_base_cents=base, rate_percent=rate) == due


FLOOR = 200_000  # 2,000 €


@pytest.mark.parametrize("amount, ratio, so_far, completes, pool, drawing_right, to_pool", [
    (500_000, Decimal("1"), 0, True, 0, 500_000, 0),                # above the floor: all to the drawing right
    (500_000, Decimal("0.7"), 0, True, 0, 350_000, 150_000),        # 30 % to the pool
    (100_001, Decimal("0.7"), 0, False, 0, 70_000, 30_001),         # shares floored to the cent
    (150_000, Decimal("1"), 0, True, 10_000_000, 200_000, -50_000),  # topped up to the floor by the pool
    (150_000, Decimal("1"), 0, True, 20_000, 170_000, -20_000),     # the pool gives what it has
    (150_000, Decimal("1"), 0, True, 0, 150_000, 0),                # an empty pool gives nothing
    (150_000, Decimal("1"), 0, False, 10_000_000, 150_000, 0),      # not complete yet: no top-up
    (50_000, Decimal("1"), 150_000, True, 10_000_000, 50_000, 0),   # second instalment reaches the floor exactly
    (49_999, Decimal("1"), 150_000, True, 10_000_000, 50_000, -1),  # one cent short: the pool adds it
    (1, Decimal("0"), 0, False, 0, 0, 1),                           # ratio 0: everything to the pool
])
def test_payment_split(amount, ratio, so_far, completes, pool, drawing_right, to_pool):
    split = split_payment(amount=amount, ratio=ratio, floor=FLOOR, drawing_right_so_far=so_far,
                          completes_contribution=completes, pool_available=pool)
    assert (split.drawing_right, split.pool) == (drawing_right, to_pool)
    assert split.drawing_right + split.pool == amount


@pytest.mark.parametrize("text, cents", [
    ("1 234,56", 123_456), ("1234.56", 123_456), ("1.234,56", 123_456), ("1,234.56", 123_456), ("0,01", 1),
    ("12", 1_200), ("12,5", 1_250), ("1\u202f234,56 €", 123_456), ("9999999999,99", 999_999_999_999),
    ("1 234 567", 123_456_700), ("1.234.567,89", 123_456_789), (" 12,50 € ", 1_250), ("1\u00a0000", 100_000),
])
def test_amounts_as_people_write_them(text, cents):
    assert parse_euros(text) == cents


@pytest.mark.parametrize("text", ["", "abc", "-5", "1,234", "1.2.3", "12,345", "1e5", "0x10", "12 abc",
                                  # typing slips, refused rather than guessed
                                  "12,3 4", "1 2 3 4", "1.2.3,45", "1,2,34.56", "12.34,56", "1 23,45", "1234 567",
                                  "1.234", "\u0661\u0662", "12,", ",5", "€", "12 €€"])
def test_what_is_not_an_amount(text):
    with pytest.raises(ValueError):
        parse_euros(text)


def test_import_keys_of_different_payments_never_collide():
    contribution = Contribution(pk=1)

    def key(reference, replaces_id=None):
        return import_key(PaymentRow(line=2, contribution=contribution, amount_cents=100, date=datetime.date(2026, 1, 5),
                                     reference=reference, replaces_id=replaces_id))

    assert key("A:5") != key("A", replaces_id=5)
    assert key("A%3A5") != key("A:5")
    assert key("VIR-2026-001") == "payment:1:VIR-2026-001"  # keys of earlier imports unchanged
