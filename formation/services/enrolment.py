"""Enrolment: seats, the waiting list and the price frozen on each enrolment.

Seats (invariants C1–C3) are protected by a row lock on the session, taken before counting: two
enrolments of the same session are serialised, so confirmed enrolments never exceed capacity and a
freed seat goes to the first waitlisted enrolment exactly once. The partial unique constraint
`one_live_enrolment_per_employee_and_session` is the database's own guard for C2.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from adherents.access import organisation_of
from adherents.models import Employee, Organisation
from core import audit
from core.roles import Role
from formation.exceptions import EnrolmentError
from formation.models import Enrolment, Session
from formation.services.common import convoke_if_due, locked_session, notify
from formation.tasks import send_enrolment_notice

S = Session.Status


def fill_free_seats(session: Session) -> list[Enrolment]:
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
    session = locked_session(session_id)
    today = timezone.localdate()
    refusal = _enrolment_refusal(session, organisation, today)
    if refusal:
        raise EnrolmentError(refusal)
    live = Enrolment.objects.live().filter(session=session, employee=OuterRef("pk"))
    employees = list(Employee.objects.active().filter(organisation=organisation, pk__in=wanted)
                     .annotate(already_enrolled=Exists(live)))
    if len(employees) != len(wanted):
        raise EnrolmentError(_("Some of these employees do not belong to your organisation."))
    already = [employee for employee in employees if employee.already_enrolled]
    if already:
        raise EnrolmentError(_("Already enrolled in this session: %(names)s.")
                             % {"names": ", ".join(str(employee) for employee in already)})
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
    convoke_if_due(created, session)
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
    session = locked_session(enrolment.session_id)
    enrolment.refresh_from_db()
    if enrolment.status not in Enrolment.LIVE_STATUSES:
        raise EnrolmentError(_("This enrolment is already %(status)s.") % {"status": enrolment.get_status_display()})
    enrolment.status = Enrolment.Status.CANCELLED
    enrolment.cancelled_at = timezone.now()
    enrolment.cancelled_late = timezone.localdate() > session.enrolment_deadline
    enrolment.save(update_fields=["status", "cancelled_at", "cancelled_late"])
    promoted = fill_free_seats(session)
    session.save(update_fields=["status", "updated_at"])
    audit.record(by, "formation.enrolment.cancelled", enrolment, {
        "late": enrolment.cancelled_late, "promoted": [e.pk for e in promoted],
    })
    notify(promoted, "waitlist_promoted")
    notify([enrolment], "enrolment_cancelled")
    convoke_if_due(promoted, session)
    return enrolment

