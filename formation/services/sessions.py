"""Scheduling sessions in half-days and moving them through their lifecycle."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalogue.models import Course
from core import audit
from formation.exceptions import SchedulingConflict, SessionStateError
from formation.hours import attended_hours
from formation.models import Attendance, Enrolment, Session, Slot, Trainer, Venue
from formation.scheduling import plan_slots
from formation.services import surveys
from formation.services.common import convoke_if_due, locked_session, notify, require_training_staff
from formation.services.enrolment import fill_free_seats

S = Session.Status
# Which states each lifecycle action starts from.
TRANSITIONS = {
    "open": {S.DRAFT},
    "confirm": {S.OPEN, S.FULL},
    "complete": {S.CONFIRMED},
    "cancel": {S.DRAFT, S.OPEN, S.FULL, S.CONFIRMED},
}


def _check_transition(session: Session, action: str) -> None:
    if session.status not in TRANSITIONS[action]:
        raise SessionStateError(
            _("This action is not possible for a session that is %(status)s.") % {"status": session.get_status_display()}
        )


def _conflicts(*, trainer_ids: list[int], venue_id: int | None, starts_at, ends_at, exclude_session_id=None) -> list[str]:
    """What already occupies these trainers or this venue between starts_at and ends_at, in words."""
    overlapping = Slot.objects.filter(starts_at__lt=ends_at, ends_at__gt=starts_at).exclude(
        session__status=S.CANCELLED
    ).select_related("session__course", "session__venue")
    if exclude_session_id:
        overlapping = overlapping.exclude(session_id=exclude_session_id)
    found = []
    if trainer_ids:
        for slot in overlapping.filter(session__trainers__in=trainer_ids).distinct():
            names = ", ".join(str(t) for t in slot.session.trainers.filter(pk__in=trainer_ids))
            found.append(_("%(trainer)s already teaches “%(course)s” on %(slot)s.")
                         % {"trainer": names, "course": slot.session.course.title, "slot": slot})
    if venue_id:
        for slot in overlapping.filter(session__venue_id=venue_id):
            found.append(_("%(venue)s is already booked for “%(course)s” on %(slot)s.")
                         % {"venue": slot.session.venue, "course": slot.session.course.title, "slot": slot})
    return found


def _lock_resources(trainer_ids: list[int], venue_id: int | None) -> None:
    """Serialise scheduling on the same trainers and venue, so two planners cannot double-book them."""
    list(Trainer.objects.select_for_update().filter(pk__in=trainer_ids).order_by("pk").values_list("pk"))
    if venue_id:
        list(Venue.objects.select_for_update().filter(pk=venue_id).values_list("pk"))


def _check_free(session_trainer_ids, venue_id, slots, exclude_session_id=None) -> None:
    problems = []
    for slot in slots:
        problems += _conflicts(trainer_ids=session_trainer_ids, venue_id=venue_id, starts_at=slot.starts_at,
                               ends_at=slot.ends_at, exclude_session_id=exclude_session_id)
    if problems:
        raise SchedulingConflict(" ".join(dict.fromkeys(problems)))


def _refresh_bounds(session: Session) -> None:
    slots = list(session.slots.order_by("starts_at"))
    session.starts_at = slots[0].starts_at if slots else None
    session.ends_at = slots[-1].ends_at if slots else None


@transaction.atomic
def create_session(
    *, course_id: int, start_date: datetime.date, capacity: int, enrolment_deadline: datetime.date, by,
    kind: str = Session.Kind.INTER, organisation_id: int | None = None, venue_id: int | None = None,
    remote_url: str = "", trainer_ids: list[int] | None = None, min_participants: int = 1,
) -> Session:
    """Schedule a draft session with its half-days, generated from the start date and the course's duration."""
    require_training_staff(by)
    trainer_ids = sorted(set(trainer_ids or []))
    course = Course.objects.get(pk=course_id)
    planned = plan_slots(start_date, course.duration_hours)
    if enrolment_deadline > planned[0].starts_at.date():
        raise SessionStateError(_("The enrolment deadline must be on or before the first half-day."))
    _lock_resources(trainer_ids, venue_id)
    _check_free(trainer_ids, venue_id, planned)
    intra = kind == Session.Kind.INTRA
    session = Session.objects.create(
        course=course, kind=kind, organisation_id=organisation_id if intra else None,
        intra_price=course.intra_session_price() if intra else None,
        venue_id=venue_id, remote_url=remote_url, capacity=capacity, min_participants=min_participants,
        enrolment_deadline=enrolment_deadline, starts_at=planned[0].starts_at, ends_at=planned[-1].ends_at,
    )
    session.trainers.set(trainer_ids)
    Slot.objects.bulk_create(Slot(session=session, starts_at=p.starts_at, ends_at=p.ends_at) for p in planned)
    audit.record(by, "formation.session.created", session, {
        "course": course.code, "start": start_date, "half_days": len(planned), "capacity": capacity,
    } | ({"intra_price": session.intra_price} if intra else {}))
    return session


@transaction.atomic
def update_session(
    *, session_id: int, capacity: int, min_participants: int, enrolment_deadline: datetime.date,
    venue_id: int | None, remote_url: str, trainer_ids: list[int], by,
) -> Session:
    """Change a session's seats, deadline, place or trainers. A new place or trainer is checked for
    conflicts; the calendar sequence goes up when the place changes; more seats go to the waiting list."""
    require_training_staff(by)
    session = locked_session(session_id)
    if session.status in (S.CANCELLED, S.COMPLETED):
        raise SessionStateError(_("A cancelled or completed session cannot be changed."))
    if not venue_id and not remote_url:
        raise SessionStateError(_("Give a venue or a remote link before opening the session."))
    seated = session.enrolments.confirmed().count()
    if capacity < seated:
        raise SessionStateError(_("%(count)s trainees are already confirmed: the capacity cannot be lower.")
                                % {"count": seated})
    if min_participants > capacity:
        raise SessionStateError(_("The minimum cannot exceed the capacity."))
    if session.starts_at and enrolment_deadline > timezone.localtime(session.starts_at).date():
        raise SessionStateError(_("The enrolment deadline must be on or before the first half-day."))
    trainer_ids = sorted(set(trainer_ids))
    _lock_resources(trainer_ids, venue_id)
    _check_free(trainer_ids, venue_id, list(session.slots.all()), exclude_session_id=session.pk)
    before = {"capacity": session.capacity, "min_participants": session.min_participants,
              "enrolment_deadline": session.enrolment_deadline, "venue": session.venue_id, "remote_url": session.remote_url,
              "trainers": sorted(session.trainers.values_list("pk", flat=True))}
    after = {"capacity": capacity, "min_participants": min_participants, "enrolment_deadline": enrolment_deadline,
             "venue": venue_id, "remote_url": remote_url, "trainers": trainer_ids}
    changed = audit.changes(before, after)
    if not changed:
        return session
    if "venue" in changed or "remote_url" in changed:
        session.sequence += 1
        notify(session.enrolments.confirmed(), "session_updated")  # those already convoked get the new place
    session.capacity, session.min_participants, session.enrolment_deadline = capacity, min_participants, enrolment_deadline
    session.venue_id, session.remote_url = venue_id, remote_url
    promoted = fill_free_seats(session)
    session.save()
    session.trainers.set(trainer_ids)
    audit.record(by, "formation.session.updated", session, changed)
    notify(promoted, "waitlist_promoted")
    convoke_if_due(promoted, session)
    return session


@transaction.atomic
def reschedule_slot(*, slot_id: int, starts_at: datetime.datetime, ends_at: datetime.datetime, by) -> Slot:
    """Move one half-day; the calendar sequence goes up so that subscribed calendars update."""
    require_training_staff(by)
    slot = Slot.objects.select_related("session").get(pk=slot_id)
    session = locked_session(slot.session_id)
    if session.status in (S.CANCELLED, S.COMPLETED):
        raise SessionStateError(_("A cancelled or completed session cannot be rescheduled."))
    if ends_at <= starts_at:
        raise SchedulingConflict(_("A half-day must end after it starts."))
    trainer_ids = list(session.trainers.values_list("pk", flat=True))
    _lock_resources(trainer_ids, session.venue_id)
    problems = _conflicts(trainer_ids=trainer_ids, venue_id=session.venue_id, starts_at=starts_at, ends_at=ends_at,
                          exclude_session_id=session.pk)
    if session.slots.filter(starts_at__lt=ends_at, ends_at__gt=starts_at).exclude(pk=slot.pk).exists():
        problems.append(_("This overlaps another half-day of the same session."))
    if problems:
        raise SchedulingConflict(" ".join(problems))
    before = {"starts_at": slot.starts_at, "ends_at": slot.ends_at}
    slot.starts_at, slot.ends_at = starts_at, ends_at
    slot.save(update_fields=["starts_at", "ends_at"])
    _refresh_bounds(session)
    first_day = timezone.localtime(session.starts_at).date()
    if session.enrolment_deadline > first_day:  # refused: the transaction rolls the move back
        raise SessionStateError(
            _("This move would start the session on %(start)s, before its enrolment deadline (%(deadline)s): "
              "bring the deadline forward first.")
            % {"start": formats.date_format(first_day), "deadline": formats.date_format(session.enrolment_deadline)}
        )
    session.sequence += 1
    session.save(update_fields=["starts_at", "ends_at", "sequence", "updated_at"])
    audit.record(by, "formation.slot.rescheduled", session, {
        "slot": slot.pk, "before": before, "after": {"starts_at": starts_at, "ends_at": ends_at},
    })
    notify(session.enrolments.confirmed(), "session_updated")  # those already convoked get the new half-day
    return slot


@transaction.atomic
def open_session(*, session_id: int, by) -> Session:
    """Publish a draft session: members can enrol from now on. published_at records it for good: a cancelled
    session stays in the calendars only if it was published."""
    require_training_staff(by)
    session = locked_session(session_id)
    _check_transition(session, "open")
    if not session.venue_id and not session.remote_url:
        raise SessionStateError(_("Give a venue or a remote link before opening the session."))
    if not session.slots.exists():
        raise SessionStateError(_("The session has no half-day."))
    session.status, session.published_at = S.OPEN, timezone.now()
    fill_free_seats(session)
    session.sequence += 1
    session.save()
    audit.record(by, "formation.session.opened", session)
    return session


@transaction.atomic
def confirm_session(*, session_id: int, by, despite_minimum: bool = False) -> Session:
    """Confirm that the session will take place; below the minimum of participants only when asked to."""
    require_training_staff(by)
    session = locked_session(session_id)
    _check_transition(session, "confirm")
    confirmed = session.enrolments.confirmed().count()
    if confirmed < session.min_participants and not despite_minimum:
        raise SessionStateError(
            _("Only %(count)s confirmed trainees for a minimum of %(minimum)s. Confirm anyway if the session must run.")
            % {"count": confirmed, "minimum": session.min_participants}
        )
    session.status = S.CONFIRMED
    session.sequence += 1
    session.save()
    audit.record(by, "formation.session.confirmed", session, {"confirmed": confirmed, "minimum": session.min_participants})
    return session


@transaction.atomic
def cancel_session(*, session_id: int, reason: str, by) -> Session:
    """Cancel the session; everyone enrolled or waiting is cancelled and notified."""
    require_training_staff(by)
    reason = reason.strip()
    if not reason:
        raise SessionStateError(_("Say why the session is cancelled: the trainees will read it."))
    session = locked_session(session_id)
    _check_transition(session, "cancel")
    enrolments = list(session.enrolments.live())
    now = timezone.now()
    session.enrolments.live().update(status=Enrolment.Status.CANCELLED, cancelled_at=now)
    session.status, session.cancellation_reason = S.CANCELLED, reason
    session.sequence += 1
    session.save()
    audit.record(by, "formation.session.cancelled", session, {"reason": reason, "enrolments": len(enrolments)})
    notify(enrolments, "session_cancelled")
    return session


def _check_attendance_taken(session: Session) -> None:
    """Completion turns the marks into hours, certificates and abandonments: every trainee still attending needs a
    mark on every half-day first (an unmarked one would count as an absence nobody recorded)."""
    slots = list(session.slots.order_by("starts_at"))
    attending = list(session.enrolments.filter(status=Enrolment.Status.CONFIRMED).select_related("employee"))
    marked = set(Attendance.objects.filter(slot__in=slots, enrolment__in=attending)
                 .values_list("enrolment_id", "slot_id"))
    missing = [(enrolment, slot) for slot in slots for enrolment in attending if (enrolment.pk, slot.pk) not in marked]
    if missing:
        enrolment, slot = missing[0]
        raise SessionStateError(ngettext(
            "Attendance is missing for %(count)s trainee half-day: %(name)s on %(slot)s. Take the attendance of every "
            "half-day before completing the session.",
            "Attendance is missing for %(count)s trainee half-days, starting with %(name)s on %(slot)s. Take the "
            "attendance of every half-day before completing the session.",
            len(missing),
        ) % {"count": len(missing), "name": enrolment.employee, "slot": slot})


@transaction.atomic
def complete_session(*, session_id: int, by) -> Session:
    """Close a session that took place: each trainee's hours attended come from the attendance marks;
    who attended at least one half-day completed it, who attended none abandoned it; the waiting list
    is closed and the end-of-training questionnaires are sent."""
    require_training_staff(by)
    session = locked_session(session_id)
    _check_transition(session, "complete")
    if session.ends_at and session.ends_at > timezone.now():
        raise SessionStateError(_("The session is not over yet: its last half-day ends on %(end)s.")
                                % {"end": formats.date_format(timezone.localtime(session.ends_at), "DATETIME_FORMAT")})
    _check_attendance_taken(session)
    now = timezone.now()
    hours = attended_hours(session)
    excused = set(Attendance.objects.filter(slot__session=session, status=Attendance.Status.EXCUSED)
                  .values_list("enrolment_id", flat=True))
    outcome = {"completed": 0, "abandoned": 0}
    for enrolment in session.enrolments.filter(status__in=[Enrolment.Status.CONFIRMED, Enrolment.Status.ABANDONED]):
        enrolment.attended_hours = hours.get(enrolment.pk, Decimal("0.00"))
        if enrolment.status == Enrolment.Status.CONFIRMED and enrolment.attended_hours == 0:
            enrolment.status, enrolment.abandoned_on = Enrolment.Status.ABANDONED, timezone.localdate()
            enrolment.abandon_reason = (_("Excused or absent on every half-day.") if enrolment.pk in excused
                                        else _("Absent from every half-day."))
        elif enrolment.status == Enrolment.Status.CONFIRMED:
            enrolment.status = Enrolment.Status.COMPLETED
        outcome[enrolment.status] += 1
        enrolment.save(update_fields=["status", "attended_hours", "abandoned_on", "abandon_reason"])
    session.enrolments.waitlisted().update(status=Enrolment.Status.CANCELLED, cancelled_at=now)
    session.status = S.COMPLETED
    session.sequence += 1
    session.save()
    invited = surveys.invite_at_completion(session)
    audit.record(by, "formation.session.completed", session, outcome | {"surveys": invited})
    return session


