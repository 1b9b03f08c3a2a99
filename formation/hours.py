"""Hours actually attended, from the attendance marks: only 'present' half-days count (an excused
absence is excused, not attended, and absences are not paid)."""

from collections import defaultdict
from decimal import Decimal

from formation.models import Attendance, Session


def attended_hours(session: Session) -> dict[int, Decimal]:
    """{enrolment id: hours attended} for every enrolment with at least one mark."""
    hours: dict[int, Decimal] = defaultdict(Decimal)
    marks = Attendance.objects.filter(slot__session=session).select_related("slot")
    for mark in marks:
        hours[mark.enrolment_id] += mark.slot.hours if mark.status == Attendance.Status.PRESENT else Decimal("0")
    return {enrolment_id: value.quantize(Decimal("0.01")) for enrolment_id, value in hours.items()}


def needing_follow_up(session: Session) -> set[int]:
    """Enrolments absent (not excused) on two half-days in a row: someone should call them."""
    slots = list(session.slots.order_by("starts_at").values_list("pk", flat=True))
    absent = set(Attendance.objects.filter(slot__session=session, status=Attendance.Status.ABSENT)
                 .values_list("enrolment_id", "slot_id"))
    flagged = set()
    for enrolment_id in {enrolment_id for enrolment_id, _slot in absent}:
        for first, second in zip(slots, slots[1:], strict=False):
            if (enrolment_id, first) in absent and (enrolment_id, second) in absent:
                flagged.add(enrolment_id)
                break
    return flagged
