import datetime
from decimal import Decimal

import pytest

from formation.calendar_fr import easter_sunday, is_working_day, public_holidays
from formation.scheduling import PARIS, plan_slots


@pytest.mark.parametrize("year, easter", [
    (2024, datetime.date(2024, 3, 31)), (2025, datetime.date(2025, 4, 20)), (2026, datetime.date(2026, 4, 5)),
    (2027, datetime.date(2027, 3, 28)), (2038, datetime.date(2038, 4, 25)), (2285, datetime.date(2285, 3, 22)),
])
def test_easter(year, easter):
    assert easter_sunday(year) == easter


def test_2026_public_holidays():
    assert sorted(public_holidays(2026)) == [datetime.date(2026, m, d) for m, d in [
        (1, 1), (4, 6), (5, 1), (5, 8), (5, 14), (5, 25), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25),
    ]]


def test_weekends_and_holidays_are_not_working_days():
    assert not is_working_day(datetime.date(2026, 5, 14))   # Ascension, a Thursday
    assert not is_working_day(datetime.date(2026, 5, 16))   # Saturday
    assert is_working_day(datetime.date(2026, 5, 15))


def test_two_days_make_four_half_days_in_paris_time():
    slots = plan_slots(datetime.date(2026, 3, 2), Decimal("14"))
    assert [(s.starts_at.hour, s.starts_at.minute, s.ends_at.hour, s.ends_at.minute) for s in slots] == [
        (9, 0, 12, 30), (13, 30, 17, 0), (9, 0, 12, 30), (13, 30, 17, 0),
    ]
    assert slots[0].starts_at.tzinfo == PARIS
    assert [s.starts_at.date() for s in slots[::2]] == [datetime.date(2026, 3, 2), datetime.date(2026, 3, 3)]


def test_slots_skip_the_ascension_bridge_and_the_weekend():
    # Wednesday 13 May 2026, 3 days: Thursday 14 is Ascension, then Friday 15, then Monday 18.
    days = sorted({s.starts_at.date() for s in plan_slots(datetime.date(2026, 5, 13), Decimal("21"))})
    assert days == [datetime.date(2026, 5, 13), datetime.date(2026, 5, 15), datetime.date(2026, 5, 18)]


@pytest.mark.parametrize("hours, half_days", [(Decimal("1"), 1), (Decimal("3.5"), 1), (Decimal("3.6"), 2), (Decimal("7"), 2)])
def test_a_started_half_day_counts(hours, half_days):
    assert len(plan_slots(datetime.date(2026, 3, 2), hours)) == half_days


def test_a_start_on_a_sunday_moves_to_monday():
    assert plan_slots(datetime.date(2026, 3, 1), Decimal("3.5"))[0].starts_at.date() == datetime.date(2026, 3, 2)


@pytest.mark.parametrize("hours, last", [(Decimal("10"), (9, 0, 12, 0)), (Decimal("60"), (13, 30, 14, 0)),
                                         (Decimal("1"), (9, 0, 10, 0)), (Decimal("7"), (13, 30, 17, 0))])
def test_the_half_days_add_up_to_the_course_duration(hours, last):
    slots = plan_slots(datetime.date(2026, 3, 2), hours)
    assert sum((s.ends_at - s.starts_at for s in slots), datetime.timedelta()) == datetime.timedelta(hours=float(hours))
    end = slots[-1]
    assert (end.starts_at.hour, end.starts_at.minute, end.ends_at.hour, end.ends_at.minute) == last
