"""French public holidays (jours fériés), computed: fixed dates plus the Easter-based ones."""

import datetime
from functools import cache


def easter_sunday(year: int) -> datetime.date:
    """Gregorian Easter (anonymous Gregorian algorithm, a.k.a. Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month = (h + leap - 7 * m + 114) // 31
    day = (h + leap - 7 * m + 114) % 31 + 1
    return datetime.date(year, month, day)


@cache
def public_holidays(year: int) -> frozenset[datetime.date]:
    easter = easter_sunday(year)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    return frozenset(
        [datetime.date(year, month, day) for month, day in fixed]
        + [easter + datetime.timedelta(days=offset) for offset in (1, 39, 50)]  # Easter Monday, Ascension, Whit Monday
    )


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def working_days_from(start: datetime.date):
    """Working days from `start` on (start included when it is one)."""
    day = start
    while True:
        if is_working_day(day):
            yield day
        day += datetime.timedelta(days=1)
