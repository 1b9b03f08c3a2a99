"""Enrolment: seats, the waiting list and the price frozen on each enrolment.

Seats (invariants C1–C3) are protected by a row lock on the session, taken before counting: two
enrolments of the same session are serialised, so confirmed enrolments never exceed capacity and a
freed seat goes to the first waitlisted enrolment exactly once. The partial unique constraint
`one_live_enrolment_per_employee_and_session` is the database's own guard for C2.

On PostgreSQL an enrolment is one statement: formation_enrol() (migration 0003) takes the same lock and
applies the same rules as _enrol_in_python, the ORM version used on SQLite; tests run both on PostgreSQL.
"""

import contextlib
import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from adherents.access import member_of, organisation_of
from adherents.models import Employee
from catalogue.models import Course
from catalogue.pricing import Price
from core import audit
from core.templatetags.ui import euros
from formation.exceptions import EnrolmentError
from formation.models import Enrolment, Session
from formation.services.common import convoke_if_due, is_training_staff, locked_session, notify

S = Session.Status


def fill_free_seats(session: Session) -> list[Enrolment]:
    """Give free seats to the waiting list in order of enrolment, then set open/full. Needs the seat lock.

    Nobody is promoted once the session has started: they would join a training already under way (and be
    marked absent from every half-day at completion)."""
    free = session.capacity - session.enrolments.confirmed().count()
    promoted = []
    if free > 0 and session.status in Session.ENROLLING_STATUSES + (S.CONFIRMED,) and not session.has_started:
        now = timezone.now()
        for enrolment in session.enrolments.waitlisted().order_by("enrolled_at", "pk")[:free]:
            enrolment.status, enrolment.promoted_at = Enrolment.Status.CONFIRMED, now
            enrolment.save(update_fields=["status", "promoted_at"])
            promoted.append(enrolment)
        free -= len(promoted)
    if session.status in Session.ENROLLING_STATUSES:
        _set_enrolling_status(session, S.FULL if free <= 0 else S.OPEN)
    return promoted


def _set_enrolling_status(session: Session, status: str) -> None:
    """Open ⇄ full, unsaved. The calendar events show the status: a change raises their SEQUENCE."""
    if session.status != status:
        session.status = status
        session.sequence += 1


class PriceChanged(EnrolmentError):
    """The price computed at confirmation is not the one the member saw: nothing was enrolled."""


class SessionUnavailable(EnrolmentError):
    """The session cannot take this organisation's enrolments; `hidden` when a member may not even see it
    (a draft, another organisation's intra session), which a page answers with 404."""

    def __init__(self, message, *, hidden: bool):
        super().__init__(message)
        self.hidden = hidden


def _refusal(code: str, *, status: str, deadline: datetime.date) -> EnrolmentError:
    if code == "reserved":
        return SessionUnavailable(_("This session is reserved for another organisation."), hidden=True)
    if code == "status":
        return SessionUnavailable(_("This session is not open for enrolment (it is %(status)s).")
                                  % {"status": Session(status=status).get_status_display()}, hidden=status == S.DRAFT)
    if code == "deadline":
        return SessionUnavailable(_("Enrolment closed on %(date)s.") % {"date": formats.date_format(deadline)},
                                  hidden=False)
    if code == "foreign":
        return EnrolmentError(_("Some of these employees do not belong to your organisation."))
    raise ValueError(code)


def _already_enrolled(names) -> EnrolmentError:
    return EnrolmentError(_("Already enrolled in this session: %(names)s.") % {"names": ", ".join(names)})


def enrolment_refusal(session: Session, organisation_id: int, today: datetime.date) -> EnrolmentError | None:
    """Why this organisation cannot enrol in the session today (the error to raise), or None. A page may ask
    before showing a price; the enrolment asks again under the seat lock."""
    if session.kind == Session.Kind.INTRA and session.organisation_id != organisation_id:
        code = "reserved"
    elif session.status not in Session.ENROLLING_STATUSES:
        code = "status"
    elif today > session.enrolment_deadline:
        code = "deadline"
    else:
        return None
    return _refusal(code, status=session.status, deadline=session.enrolment_deadline)


def _on_the_server() -> bool:
    """On PostgreSQL the seat-sensitive part runs in one call of formation_enrol() (migration 0003);
    FORMATION_ENROL_ON_SERVER=False runs the ORM version there too, so that tests check both."""
    return connection.vendor == "postgresql" and getattr(settings, "FORMATION_ENROL_ON_SERVER", True)


def enrol_employees(*, session_id: int, employee_ids: list[int], by,
                    expected_price: Price | None = None) -> list[Enrolment]:
    """Enrol employees of the user's organisation: confirmed while seats remain, then on the waiting list.

    The price is the course's member price when the organisation is in good standing today, else the
    public price; it is computed here (never taken from the request) and frozen on each enrolment.
    `expected_price` is the price the member was shown: when the one frozen differs (the course's price or
    the membership changed since), PriceChanged undoes the enrolment. A refusal (EnrolmentError, with a
    French message) changes nothing.
    """
    if member_of(by) is None:
        raise PermissionDenied
    wanted = sorted(set(employee_ids))
    if not wanted:
        raise EnrolmentError(_("Choose at least one employee."))
    on_the_server = _on_the_server()
    try:
        with _enrolment_transaction(on_the_server, expected_price):
            if on_the_server:
                session, created = _enrol_on_the_server(session_id, wanted, by)
            else:
                session, created = _enrol_in_python(session_id, wanted, by)
            _check_price(created, expected_price)
    except IntegrityError as error:  # only reachable without the seat lock: the unique constraint is the guard
        raise _already_enrolled(str(e) for e in Employee.objects.filter(pk__in=wanted)) from error
    # Queued on commit: at once when the enrolment was its own transaction (one statement on the server).
    for status, kind in ((Enrolment.Status.CONFIRMED, "enrolment_confirmed"),
                         (Enrolment.Status.WAITLISTED, "enrolment_waitlisted")):
        notify([e for e in created if e.status == status], kind)
    convoke_if_due(created, session)
    return created


def _enrolment_transaction(on_the_server: bool, expected_price: Price | None):
    """A transaction (a savepoint inside a caller's) that a refusal rolls back: the price check comes after the
    inserts, and a constraint refusing an insert must leave a caller's transaction usable. On the server with
    nothing to compare and no caller's transaction, formation_enrol()'s one statement is its own transaction."""
    if on_the_server and expected_price is None and not connection.in_atomic_block:
        return contextlib.nullcontext()
    return transaction.atomic()


def _check_price(created: list[Enrolment], expected: Price | None) -> None:
    if expected is None:
        return
    for enrolment in created:
        if (enrolment.unit_price, enrolment.price_basis) != (expected.amount, expected.basis):
            raise PriceChanged(
                _("The price changed since you saw it: %(price)s per trainee now. Check the new total and confirm again.")
                % {"price": euros(enrolment.unit_price)})


def _enrol_on_the_server(session_id: int, wanted: list[int], by) -> tuple[Session, list[Enrolment]]:
    """One call of formation_enrol() (migrations 0003 and 0006), which also writes the audit entry and, when it
    marks the session full, raises its calendar sequence, as _enrol_in_python does."""
    today, now = timezone.localdate(), timezone.now()
    arguments = [session_id, by.pk, wanted, today, now, settings.TIME_ZONE, getattr(settings, "FORMATION_SEAT_LOCK", True)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM formation_enrol(%s, %s, %s::bigint[], %s, %s, %s, %s)", arguments)
        (refusal, organisation_id, status, deadline, starts_at, course_id, title, basis, unit_price, ids, employees,
         statuses, already) = cursor.fetchone()
    if refusal == "not_a_member":
        raise PermissionDenied
    if refusal == "missing":
        raise Session.DoesNotExist(f"no session {session_id}")
    if refusal == "already":
        raise _already_enrolled(already)
    if refusal:
        raise _refusal(refusal, status=status, deadline=deadline)
    session = Session(pk=session_id, status=status, starts_at=starts_at, enrolment_deadline=deadline,
                      course=Course(pk=course_id, title=title))
    created = [
        Enrolment(pk=pk, session_id=session_id, employee_id=employee_id, organisation_id=organisation_id, status=status,
                  unit_price=unit_price, price_basis=basis, enrolled_by=by, enrolled_at=now)
        for pk, employee_id, status in zip(ids, employees, statuses, strict=True)
    ]
    return session, created


@transaction.atomic
def _enrol_in_python(session_id: int, wanted: list[int], by) -> tuple[Session, list[Enrolment]]:
    """The reference version of formation_enrol(), with the ORM (SQLite; PostgreSQL in tests)."""
    organisation = organisation_of(by)
    session = locked_session(session_id)
    today = timezone.localdate()
    refusal = enrolment_refusal(session, organisation.pk, today)
    if refusal:
        raise refusal
    live = Enrolment.objects.live().filter(session=session, employee=OuterRef("pk"))
    employees = list(Employee.objects.active().filter(organisation=organisation, pk__in=wanted)
                     .annotate(already_enrolled=Exists(live)))
    if len(employees) != len(wanted):
        raise _refusal("foreign", status=session.status, deadline=session.enrolment_deadline)
    already = [employee for employee in employees if employee.already_enrolled]
    if already:
        raise _already_enrolled(str(employee) for employee in already)
    price = session.price_for(organisation, on=today)
    free = session.capacity - session.enrolments.confirmed().count()
    statuses = [Enrolment.Status.CONFIRMED] * max(0, min(free, len(employees)))
    statuses += [Enrolment.Status.WAITLISTED] * (len(employees) - len(statuses))
    free -= statuses.count(Enrolment.Status.CONFIRMED)
    created = Enrolment.objects.bulk_create(
        Enrolment(session=session, employee=employee, organisation=organisation, status=status,
                  unit_price=price.amount, price_basis=price.basis, enrolled_by=by)
        for employee, status in zip(employees, statuses, strict=True)
    )
    if free <= 0 and session.status == S.OPEN:
        _set_enrolling_status(session, S.FULL)
        session.save(update_fields=["status", "sequence", "updated_at"])
    audit.record(by, "formation.enrolment.created", session, {
        "employees": [e.employee_id for e in created], "unit_price": price.amount, "basis": price.basis,
        "waitlisted": sum(e.status == Enrolment.Status.WAITLISTED for e in created),
    })
    return session, created


def _may_cancel(user, enrolment: Enrolment) -> bool:
    if is_training_staff(user):
        return True
    member = member_of(user)
    return member is not None and member.organisation_id == enrolment.organisation_id


def cancellation_refusal(session: Session, by) -> str | None:
    """Why this user may no longer cancel an enrolment of the session, or None. Once the first half-day has
    started, member HR report an abandonment instead; training staff still may (their call)."""
    if session.has_started and not is_training_staff(by):
        return _("The session has started: report the trainee's abandonment to the training team instead.")
    return None


@transaction.atomic
def cancel_enrolment(*, enrolment_id: int, by) -> Enrolment:
    """Cancel an enrolment (marked late after the deadline); a freed seat goes to the waiting list until the
    session starts."""
    enrolment = Enrolment.objects.get(pk=enrolment_id)
    if not _may_cancel(by, enrolment):
        raise PermissionDenied
    session = locked_session(enrolment.session_id)
    refusal = cancellation_refusal(session, by)
    if refusal:
        raise EnrolmentError(refusal)
    enrolment.refresh_from_db()
    if enrolment.status not in Enrolment.LIVE_STATUSES:
        raise EnrolmentError(_("This enrolment is already %(status)s.") % {"status": enrolment.get_status_display()})
    enrolment.status = Enrolment.Status.CANCELLED
    enrolment.cancelled_at = timezone.now()
    enrolment.cancelled_late = timezone.localdate() > session.enrolment_deadline
    enrolment.save(update_fields=["status", "cancelled_at", "cancelled_late"])
    promoted = fill_free_seats(session)
    session.save(update_fields=["status", "sequence", "updated_at"])
    audit.record(by, "formation.enrolment.cancelled", enrolment, {
        "late": enrolment.cancelled_late, "promoted": [e.pk for e in promoted],
    })
    notify(promoted, "waitlist_promoted")
    notify([enrolment], "enrolment_cancelled")
    convoke_if_due(promoted, session)
    return enrolment
