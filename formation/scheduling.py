"""Half-day slots for a session, from a start date and the course's duration."""

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from formation.calendar_fr import working_days_from

PARIS = ZoneInfo("Europe/Paris")
MORNING = (datetime.time(9, 0), datetime.time(12, 30))
AFTERNOON = (datetime.time(13, 30), datetime.time(17, 0))
HALF_DAY_HOURS = Decimal("3.5")


@dataclass(frozen=True)
class PlannedSlot:
    starts_at: datetime.datetime
    ends_at: datetime.datetime


def half_days_for(duration_hours: Decimal) -> int:
    return max(1, math.ceil(Decimal(duration_hours) / HALF_DAY_HOURS))


def plan_slots(start: datetime.date, duration_hours: Decimal) -> list[PlannedSlot]:
    """Morning then afternoon of each working day from `start`, until the duration is covered.

    Weekends and French public holidays are skipped; times are Europe/Paris wall-clock times. The last half-day
    lasts what remains (a 10-hour course ends with a 3-hour half-day): the half-days add up to the course's
    duration, which the hours attended, the certificate and the fund's pro-rata payment rely on.
    """
    wanted = half_days_for(duration_hours)
    last_hours = min(HALF_DAY_HOURS, Decimal(duration_hours) - HALF_DAY_HOURS * (wanted - 1))
    slots: list[PlannedSlot] = []
    for day in working_days_from(start):
        for begin, end in (MORNING, AFTERNOON):
            starts_at = datetime.datetime.combine(day, begin, tzinfo=PARIS)
            ends_at = datetime.datetime.combine(day, end, tzinfo=PARIS)
            if len(slots) == wanted - 1:
                ends_at = starts_at + datetime.timedelta(seconds=int(last_hours * 3600))
                return [*slots, PlannedSlot(starts_at, ends_at)]
            slots.append(PlannedSlot(starts_at, ends_at))
    raise AssertionError("unreachable: working days never run out")
