"""Attendance per half-day (émargement), signatures, assessments and drop-out follow-up."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core import audit
from core.roles import Role
from formation.exceptions import FormationError
from formation.hours import attended_hours
from formation.models import Assessment, Attendance, ContactAttempt, Enrolment, Session, Slot, TrainerSignature
from formation.signatures import UnreadableSignature, clean_signature

# Who can be marked on a half-day: the trainees holding a seat.
MARKABLE = (Enrolment.Status.CONFIRMED, Enrolment.Status.COMPLETED, Enrolment.Status.ABANDONED)
# Presence and absence are facts of the day; an excused absence can be known in advance.
TAKEN_ON_THE_DAY = (Attendance.Status.PRESENT, Attendance.Status.ABSENT)
# How early before a half-day starts the early arrivals can sign.
EARLY_ARRIVAL = datetime.timedelta(minutes=30)


@dataclass(frozen=True)
class Mark:
    enrolment_id: int
    status: str
    signature: str = ""


def teaches(user, session: Session) -> bool:
    trainer = getattr(user, "trainer", None)
    return trainer is not None and session.trainers.filter(pk=trainer.pk).exists()


def may_take_attendance(user, session: Session) -> bool:
    """Training staff for every session, trainers for their own."""
    return user.is_superuser or user.role in (Role.TRAINING, Role.ADMIN) or teaches(user, session)


def _check_signature(signature: str) -> str:
    """The drawing as a clean PNG data URL ("" when none was drawn): whatever else is sent is refused, as the
    attendance sheet's PDF draws it."""
    if not signature:
        return ""
    try:
        return clean_signature(signature)
    except UnreadableSignature as error:
        raise FormationError(_("The signature could not be read: please sign again.")) from error


def _require_started(slot: Slot) -> None:
    """Nobody can be marked present or absent, nor sign, for a half-day that has not come yet."""
    if timezone.now() < slot.starts_at - EARLY_ARRIVAL:
        start = timezone.localtime(slot.starts_at)
        when = {"day": date_format(start), "time": date_format(start, "TIME_FORMAT"),
                "minutes": int(EARLY_ARRIVAL.total_seconds()) // 60}
        raise FormationError(_("This half-day starts on %(day)s at %(time)s: attendance can be taken and signed "
                               "from %(minutes)s minutes before.") % when)


def _previous_signature(signed: Attendance | TrainerSignature) -> dict:
    """A stored signature about to be cleared or replaced, for the audit log: the row keeps only the latest,
    and the log is the only trace left of the image drawn then."""
    return {"signature": signed.signature, "signed_at": signed.signed_at.isoformat()}


def _signature_change(attendance: Attendance, status: str, signature: str) -> dict:
    """Whether this mark clears the stored signature (no longer present) or replaces it (a new drawing), and
    if so the previous one."""
    cleared = status != Attendance.Status.PRESENT
    redrawn = bool(signature) and signature != attendance.signature
    if not attendance.signature or not (cleared or redrawn):
        return {"signature_replaced": False}
    return {"signature_replaced": True, "previous_signature": _previous_signature(attendance)}


def _require_taking_place(session: Session) -> None:
    if session.status in (Session.Status.CANCELLED, Session.Status.DRAFT):
        raise FormationError(_("Attendance is taken only for sessions that take place."))


@transaction.atomic
def record_attendance(*, slot_id: int, marks: list[Mark], by) -> list[Attendance]:
    """Mark each trainee present, absent or excused for a half-day; a later change is kept in the audit log."""
    slot = Slot.objects.select_related("session").get(pk=slot_id)
    session = slot.session
    if not may_take_attendance(by, session):
        raise PermissionDenied
    _require_taking_place(session)
    allowed = set(session.enrolments.filter(status__in=MARKABLE).values_list("pk", flat=True))
    if any(mark.enrolment_id not in allowed for mark in marks):
        raise FormationError(_("Some of these trainees are not enrolled in this session."))
    if any(mark.status not in Attendance.Status.values for mark in marks):
        raise FormationError(_("Unknown attendance status."))
    if any(mark.status in TAKEN_ON_THE_DAY for mark in marks):
        _require_started(slot)
    existing = {a.enrolment_id: a for a in Attendance.objects.select_for_update().filter(slot=slot)}
    now, saved, changes = timezone.now(), [], []
    for mark in marks:
        signature = _check_signature(mark.signature) if mark.status == Attendance.Status.PRESENT else ""
        attendance = existing.get(mark.enrolment_id)
        if attendance is None:
            attendance = Attendance(enrolment_id=mark.enrolment_id, slot=slot)
        elif attendance.status != mark.status or (signature and signature != attendance.signature):
            changes.append({"enrolment": mark.enrolment_id, "before": attendance.status, "after": mark.status}
                           | _signature_change(attendance, mark.status, signature))
        else:
            saved.append(attendance)
            continue
        attendance.status = mark.status
        if signature:
            attendance.signature, attendance.signed_at = signature, now
        elif mark.status != Attendance.Status.PRESENT:
            attendance.signature, attendance.signed_at = "", None
        attendance.recorded_by = by
        attendance.save()
        saved.append(attendance)
    data = {"slot": slot.pk, "marks": {m.enrolment_id: m.status for m in marks}, "changes": changes}
    corrected = _hours_corrected(session, [mark.enrolment_id for mark in marks])
    audit.record(by, "formation.attendance.recorded", session, data | ({"hours": corrected} if corrected else {}))
    return saved


def _hours_corrected(session: Session, enrolment_ids: list[int]) -> dict[int, str]:
    """A completed session's hours attended (what its certificates print) follow a correction of its marks;
    before completion they are counted by the completion itself. {enrolment id: new hours} for those changed."""
    if session.status != Session.Status.COMPLETED:
        return {}
    hours, corrected = attended_hours(session), {}
    for enrolment in Enrolment.objects.select_for_update().filter(pk__in=enrolment_ids):
        attended = hours.get(enrolment.pk, Decimal("0.00"))
        if enrolment.attended_hours != attended:
            enrolment.attended_hours = attended
            enrolment.save(update_fields=["attended_hours"])
            corrected[enrolment.pk] = str(attended)
    return corrected


@transaction.atomic
def sign_half_day(*, slot_id: int, signature: str, by) -> TrainerSignature:
    """The trainer signs the half-day's sheet (once; signing again replaces it, and the audit log keeps the
    previous signature)."""
    slot = Slot.objects.select_related("session").get(pk=slot_id)
    trainer = getattr(by, "trainer", None)
    if trainer is None or not slot.session.trainers.filter(pk=trainer.pk).exists():
        raise PermissionDenied
    _require_taking_place(slot.session)
    if not signature:
        raise FormationError(_("Draw your signature before saving it."))
    _require_started(slot)
    drawing = _check_signature(signature)
    previous = TrainerSignature.objects.select_for_update().filter(slot=slot, trainer=trainer).first()
    signed, _created = TrainerSignature.objects.update_or_create(
        slot=slot, trainer=trainer, defaults={"signature": drawing, "signed_at": timezone.now()},
    )
    trace = {"previous_signature": _previous_signature(previous)} if previous else {}
    audit.record(by, "formation.attendance.trainer_signed", slot.session,
                 {"slot": slot.pk, "replaced": previous is not None} | trace)
    return signed


@transaction.atomic
def record_assessments(*, enrolment_id: int, results: dict[int, str], by) -> list[Assessment]:
    """The result for each objective of the course (acquired / in progress / not acquired)."""
    enrolment = Enrolment.objects.select_related("session__course").get(pk=enrolment_id)
    if not may_take_attendance(by, enrolment.session):
        raise PermissionDenied
    objectives = enrolment.session.course.objectives
    saved = []
    for position, result in sorted(results.items()):
        if not 0 <= position < len(objectives) or result not in Assessment.Result.values:
            raise FormationError(_("Unknown objective or result."))
        assessment, _created = Assessment.objects.update_or_create(
            enrolment=enrolment, position=position,
            defaults={"objective": objectives[position][:300], "result": result, "recorded_by": by},
        )
        saved.append(assessment)
    audit.record(by, "formation.assessment.recorded", enrolment, {"results": results})
    return saved


def _require_staff(user) -> None:
    if not (user.is_superuser or user.role in (Role.TRAINING, Role.ADMIN)):
        raise PermissionDenied


@transaction.atomic
def log_contact(*, enrolment_id: int, on: datetime.date, channel: str, note: str, by) -> ContactAttempt:
    """Record an attempt to reach a trainee at risk of dropping out."""
    _require_staff(by)
    if channel not in ContactAttempt.Channel.values:
        raise FormationError(_("Unknown contact channel."))
    contact = ContactAttempt.objects.create(enrolment_id=enrolment_id, on=on, channel=channel, note=note.strip(), by=by)
    audit.record(by, "formation.followup.contacted", contact.enrolment, {"on": on, "channel": channel})
    return contact


@transaction.atomic
def record_abandonment(*, enrolment_id: int, on: datetime.date, reason: str, by) -> Enrolment:
    """A trainee gave up: the enrolment is abandoned, with a date and a reason."""
    _require_staff(by)
    reason = reason.strip()
    if not reason:
        raise FormationError(_("Say why the trainee gave up."))
    enrolment = Enrolment.objects.select_for_update().select_related("session").get(pk=enrolment_id)
    if enrolment.status not in (Enrolment.Status.CONFIRMED, Enrolment.Status.COMPLETED):
        raise FormationError(_("Only a confirmed trainee can abandon."))
    if not enrolment.session.has_started:  # before the start, the seat goes back to the waiting list
        raise FormationError(_("The session has not started yet: cancel the enrolment instead, so that the seat "
                               "goes to the first on the waiting list."))
    before = enrolment.status
    enrolment.status, enrolment.abandoned_on, enrolment.abandon_reason = Enrolment.Status.ABANDONED, on, reason
    enrolment.save(update_fields=["status", "abandoned_on", "abandon_reason"])
    audit.record(by, "formation.enrolment.abandoned", enrolment, {"before": before, "on": on, "reason": reason})
    return enrolment
