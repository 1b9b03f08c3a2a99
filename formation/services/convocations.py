"""Convocations e-mailed 7 days before the first half-day (at once for later enrolments), and a
reminder the day before; each once per enrolment and kind, with the PDF and the calendar file."""

import datetime

from django.conf import settings
from django.utils import timezone

from core.emails import queue_email
from formation import documents
from formation.calendar import invitation
from formation.models import Enrolment

CONVOCATION_BEFORE = datetime.timedelta(days=7)
REMINDER_BEFORE = datetime.timedelta(days=1)


def due_kind(enrolment: Enrolment, now: datetime.datetime) -> str | None:
    """'reminder' the day before, 'convocation' within 7 days, None otherwise."""
    starts_at = enrolment.session.starts_at
    if enrolment.status != Enrolment.Status.CONFIRMED or starts_at is None or starts_at <= now:
        return None
    if starts_at - now <= REMINDER_BEFORE:
        return "reminder"
    if starts_at - now <= CONVOCATION_BEFORE:
        return "convocation"
    return None


def send_convocation(*, enrolment_id: int, now: datetime.datetime | None = None) -> str | None:
    """Send what is due for this enrolment now (convocation, then reminder); the kinds already sent are skipped."""
    now = now or timezone.now()
    enrolment = Enrolment.objects.select_related("session__course", "session__venue", "employee", "organisation").get(
        pk=enrolment_id)
    kind = due_kind(enrolment, now)
    if kind is None:
        return None
    kinds = ["convocation", "reminder"] if kind == "reminder" else ["convocation"]
    sent = None
    for each in kinds:
        if enrolment.pk in _already_sent(each, [enrolment.pk]):
            continue
        queue_email(
            kind=each, key=str(enrolment.pk), to=[enrolment.employee.email, enrolment.organisation.contact_email],
            template=f"emails/{each}",
            context={"enrolment": enrolment, "session": enrolment.session, "slots": list(enrolment.session.slots.all())},
            attachments=_attachments(enrolment) if each == "convocation" else None,
        )
        sent = each
    return sent


def _already_sent(kind: str, enrolment_ids: list[int]) -> set[int]:
    from core.models import OutgoingEmail

    keys = OutgoingEmail.objects.filter(kind=kind, key__in=[str(pk) for pk in enrolment_ids]).values_list("key", flat=True)
    return {int(key) for key in keys}


def _attachments(enrolment: Enrolment) -> list[tuple[str, bytes, str]]:
    return [
        ("convocation.pdf", documents.convocation(enrolment), "application/pdf"),
        invitation(enrolment, base_url=settings.SITE_URL).attachment,
    ]


def due_enrolments(now: datetime.datetime | None = None) -> list[int]:
    """Confirmed enrolments whose session starts within 7 days and still lack a convocation or reminder."""
    now = now or timezone.now()
    candidates = list(Enrolment.objects.filter(
        status=Enrolment.Status.CONFIRMED, session__starts_at__gt=now, session__starts_at__lte=now + CONVOCATION_BEFORE,
    ).select_related("session").order_by("pk"))
    ids = [e.pk for e in candidates]
    convoked, reminded = _already_sent("convocation", ids), _already_sent("reminder", ids)
    return [e.pk for e in candidates
            if e.pk not in convoked or (due_kind(e, now) == "reminder" and e.pk not in reminded)]
