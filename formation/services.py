"""Every change to sessions and enrolments: one function per business action.

Seats (invariants C1–C3) are protected by a row lock on the session, taken before counting: two
enrolments of the same session are serialised, so confirmed enrolments never exceed capacity and a
freed seat goes to the first waitlisted enrolment exactly once. The partial unique constraint
`one_live_enrolment_per_employee_and_session` is the database's own guard for C2.
"""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from adherents.access import organisation_of
from adherents.models import Employee, Organisation
from catalogue.models import Course
from core import audit
from core.roles import Role
from formation.exceptions import EnrolmentError, SchedulingConflict, SessionStateError
from formation.models import Enrolment, Session, Slot, Trainer, Venue
from formation.scheduling import plan_slots
from formation.tasks import send_enrolment_notice

S = Session.Status
# Which states each lifecycle action starts from.
TRANSITIONS = {
    "open": {S.DRAFT},
    "confirm": {S.OPEN, S.FULL},
    "complete": {S.CONFIRMED},
    "cancel": {S.DRAFT, S.OPEN, S.FULL, S.CONFIRMED},
}


def _require_training_staff(user) -> None:
    if not (user.is_superuser or user.role in (Role.TRAINING, Role.ADMIN)):
        raise PermissionDenied


def _locked_session(session_id: int) -> Session:
    """The session row, locked until commit: the seat lock. FORMATION_SEAT_LOCK=False exists only
    so that a test can show the race it prevents."""
    sessions = Session.objects.select_related("course")
    if getattr(settings, "FORMATION_SEAT_LOCK", True):
        sessions = sessions.select_for_update(of=("self",))
    return sessions.get(pk=session_id)


def _check_transition(session: Session, action: str) -> None:
    if session.status not in TRANSITIONS[action]:
        raise SessionStateError(
            _("This action is not possible for a session that is %(status)s.") % {"status": session.get_status_display()}
        )


def _notify(enrolments: Iterable[Enrolment], kind: str) -> None:
    for enrolment in enrolments:
        send_enrolment_notice.delay_on_commit(enrolment.pk, kind)


# --- scheduling -----------------------------------------------------------------------------------------

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
    _require_training_staff(by)
    trainer_ids = sorted(set(trainer_ids or []))
    course = Course.objects.get(pk=course_id)
    planned = plan_slots(start_date, course.duration_hours)
    if enrolment_deadline > planned[0].starts_at.date():
        raise SessionStateError(_("The enrolment deadline must be on or before the first half-day."))
    _lock_resources(trainer_ids, venue_id)
    _check_free(trainer_ids, venue_id, planned)
    session = Session.objects.create(
        course=course, kind=kind, organisation_id=organisation_id if kind == Session.Kind.INTRA else None,
        venue_id=venue_id, remote_url=remote_url, capacity=capacity, min_participants=min_participants,
        enrolment_deadline=enrolment_deadline, starts_at=planned[0].starts_at, ends_at=planned[-1].ends_at,
    )
    session.trainers.set(trainer_ids)
    Slot.objects.bulk_create(Slot(session=session, starts_at=p.starts_at, ends_at=p.ends_at) for p in planned)
    audit.record(by, "formation.session.created", session, {
        "course": course.code, "start": start_date, "half_days": len(planned), "capacity": capacity,
    })
    return session


@transaction.atomic
def reschedule_slot(*, slot_id: int, starts_at: datetime.datetime, ends_at: datetime.datetime, by) -> Slot:
    """Move one half-day; the calendar sequence goes up so that subscribed calendars update."""
    _require_training_staff(by)
    slot = Slot.objects.select_related("session").get(pk=slot_id)
    session = _locked_session(slot.session_id)
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
    session.sequence += 1
    session.save(update_fields=["starts_at", "ends_at", "sequence", "updated_at"])
    audit.record(by, "formation.slot.rescheduled", session, {
        "slot": slot.pk, "before": before, "after": {"starts_at": starts_at, "ends_at": ends_at},
    })
    return slot


# --- lifecycle ------------------------------------------------------------------------------------------

@transaction.atomic
def open_session(*, session_id: int, by) -> Session:
    """Publish a draft session: members can enrol from now on."""
    _require_training_staff(by)
    session = _locked_session(session_id)
    _check_transition(session, "open")
    if not session.venue_id and not session.remote_url:
        raise SessionStateError(_("Give a venue or a remote link before opening the session."))
    if not session.slots.exists():
        raise SessionStateError(_("The session has no half-day."))
    session.status = S.OPEN
    _fill_free_seats(session)
    session.sequence += 1
    session.save()
    audit.record(by, "formation.session.opened", session)
    return session


@transaction.atomic
def confirm_session(*, session_id: int, by, despite_minimum: bool = False) -> Session:
    """Confirm that the session will take place; below the minimum of participants only when asked to."""
    _require_training_staff(by)
    session = _locked_session(session_id)
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
    _require_training_staff(by)
    reason = reason.strip()
    if not reason:
        raise SessionStateError(_("Say why the session is cancelled: the trainees will read it."))
    session = _locked_session(session_id)
    _check_transition(session, "cancel")
    enrolments = list(session.enrolments.live())
    now = timezone.now()
    session.enrolments.live().update(status=Enrolment.Status.CANCELLED, cancelled_at=now)
    session.status, session.cancellation_reason = S.CANCELLED, reason
    session.sequence += 1
    session.save()
    audit.record(by, "formation.session.cancelled", session, {"reason": reason, "enrolments": len(enrolments)})
    _notify(enrolments, "session_cancelled")
    return session


@transaction.atomic
def complete_session(*, session_id: int, by) -> Session:
    """Close a session that took place: confirmed trainees completed it, the waiting list is closed."""
    _require_training_staff(by)
    session = _locked_session(session_id)
    _check_transition(session, "complete")
    if session.ends_at and session.ends_at > timezone.now():
        raise SessionStateError(_("The session is not over yet: its last half-day ends on %(end)s.")
                                % {"end": formats.date_format(timezone.localtime(session.ends_at), "DATETIME_FORMAT")})
    now = timezone.now()
    completed = session.enrolments.confirmed().update(status=Enrolment.Status.COMPLETED)
    session.enrolments.waitlisted().update(status=Enrolment.Status.CANCELLED, cancelled_at=now)
    session.status = S.COMPLETED
    session.sequence += 1
    session.save()
    audit.record(by, "formation.session.completed", session, {"completed": completed})
    return session


# --- enrolment ------------------------------------------------------------------------------------------

def _fill_free_seats(session: Session) -> list[Enrolment]:
    """Give free seats to the waiting list in order of enrolment, then set open/full. Needs the seat lock."""
    free = session.capacity - session.enrolments.confirmed().count()
    promoted = []
    if free > 0 and session.status in Session.ENROLLING_STATUSES + (S.CONFIRMED,):
        now = timezone.now()
        for enrolment in session.enrolments.waitlisted().order_by("enrolled_at", "pk")[:free]:
            enrolment.status, enrolment.promoted_at = Enrolment.Status.CONFIRMED, now
            enrolment.save(update_fields=["status", "promoted_at"])
            promoted.append(enrolment)
        free -= len(promoted)
    if session.status in Session.ENROLLING_STATUSES:
        session.status = S.FULL if free <= 0 else S.OPEN
    return promoted


def _enrolment_refusal(session: Session, organisation: Organisation, today: datetime.date) -> str | None:
    if session.kind == Session.Kind.INTRA and session.organisation_id != organisation.pk:
        return _("This session is reserved for another organisation.")
    if session.status not in Session.ENROLLING_STATUSES:
        return _("This session is not open for enrolment (it is %(status)s).") % {"status": session.get_status_display()}
    if today > session.enrolment_deadline:
        return _("Enrolment closed on %(date)s.") % {"date": formats.date_format(session.enrolment_deadline)}
    return None


@transaction.atomic
def enrol_employees(*, session_id: int, employee_ids: list[int], by) -> list[Enrolment]:
    """Enrol employees of the user's organisation: confirmed while seats remain, then on the waiting list.

    The price is the course's member price when the organisation is in good standing today, else the
    public price; it is computed here (never taken from the request) and frozen on each enrolment.
    """
    organisation = organisation_of(by)
    wanted = sorted(set(employee_ids))
    if not wanted:
        raise EnrolmentError(_("Choose at least one employee."))
    session = _locked_session(session_id)
    today = timezone.localdate()
    refusal = _enrolment_refusal(session, organisation, today)
    if refusal:
        raise EnrolmentError(refusal)
    employees = list(Employee.objects.active().filter(organisation=organisation, pk__in=wanted))
    if len(employees) != len(wanted):
        raise EnrolmentError(_("Some of these employees do not belong to your organisation."))
    already = session.enrolments.live().filter(employee_id__in=wanted).select_related("employee")
    if already:
        raise EnrolmentError(_("Already enrolled in this session: %(names)s.")
                             % {"names": ", ".join(str(e.employee) for e in already)})
    price = session.course.price_for(organisation, on=today)
    free = session.capacity - session.enrolments.confirmed().count()
    statuses = [Enrolment.Status.CONFIRMED] * max(0, min(free, len(employees)))
    statuses += [Enrolment.Status.WAITLISTED] * (len(employees) - len(statuses))
    free -= statuses.count(Enrolment.Status.CONFIRMED)
    try:
        created = Enrolment.objects.bulk_create(
            Enrolment(session=session, employee=employee, organisation=organisation, status=status,
                      unit_price=price.amount, price_basis=price.basis, enrolled_by=by)
            for employee, status in zip(employees, statuses, strict=True)
        )
    except IntegrityError as error:  # only reachable without the seat lock: the unique constraint is the guard
        raise EnrolmentError(_("Already enrolled in this session: %(names)s.")
                             % {"names": ", ".join(str(e) for e in employees)}) from error
    if free <= 0 and session.status == S.OPEN:
        session.status = S.FULL
        session.save(update_fields=["status", "updated_at"])
    audit.record(by, "formation.enrolment.created", session, {
        "employees": [e.pk for e in employees], "unit_price": price.amount, "basis": price.basis,
        "waitlisted": sum(e.status == Enrolment.Status.WAITLISTED for e in created),
    })
    for enrolment in created:
        kind = "enrolment_confirmed" if enrolment.status == Enrolment.Status.CONFIRMED else "enrolment_waitlisted"
        send_enrolment_notice.delay_on_commit(enrolment.pk, kind)
    return created


def _may_cancel(user, enrolment: Enrolment) -> bool:
    if user.is_superuser or user.role in (Role.TRAINING, Role.ADMIN):
        return True
    member = getattr(user, "member", None)
    return user.role == Role.MEMBER_HR and member is not None and member.organisation_id == enrolment.organisation_id


@transaction.atomic
def cancel_enrolment(*, enrolment_id: int, by) -> Enrolment:
    """Cancel an enrolment (marked late after the deadline); a freed seat goes to the waiting list."""
    enrolment = Enrolment.objects.get(pk=enrolment_id)
    if not _may_cancel(by, enrolment):
        raise PermissionDenied
    session = _locked_session(enrolment.session_id)
    enrolment.refresh_from_db()
    if enrolment.status not in Enrolment.LIVE_STATUSES:
        raise EnrolmentError(_("This enrolment is already %(status)s.") % {"status": enrolment.get_status_display()})
    enrolment.status = Enrolment.Status.CANCELLED
    enrolment.cancelled_at = timezone.now()
    enrolment.cancelled_late = timezone.localdate() > session.enrolment_deadline
    enrolment.save(update_fields=["status", "cancelled_at", "cancelled_late"])
    promoted = _fill_free_seats(session)
    session.save(update_fields=["status", "updated_at"])
    audit.record(by, "formation.enrolment.cancelled", enrolment, {
        "late": enrolment.cancelled_late, "promoted": [e.pk for e in promoted],
    })
    _notify(promoted, "waitlist_promoted")
    return enrolment

