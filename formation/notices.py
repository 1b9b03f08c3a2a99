"""The e-mails of the enrolment lifecycle: each sent once per enrolment and kind, whatever retries happen."""

from django.conf import settings

from core.emails import queue_email
from core.models import OutgoingEmail
from formation.calendar import invitation
from formation.models import Enrolment, Session

KINDS = (
    "enrolment_confirmed", "enrolment_waitlisted", "waitlist_promoted", "session_cancelled", "enrolment_cancelled",
    "session_updated",
)
# These tell calendars to drop the events (METHOD:CANCEL).
CANCELLING = ("session_cancelled", "enrolment_cancelled")
# These are sent again at each change of the session's half-days or place: once per enrolment and SEQUENCE.
UPDATES = ("session_updated",)


def send_enrolment_notice(*, kind: str, enrolment_id: int) -> None:
    """Render and queue the `kind` e-mail of an enrolment to the member's HR contact and the employee, unless it
    no longer holds when this runs (see _still_due). Cancellations and updates carry the trainee's calendar file."""
    if kind not in KINDS:
        raise ValueError(f"unknown notice kind {kind!r}")
    enrolment = Enrolment.objects.select_related(
        "session__course", "session__venue", "employee", "organisation"
    ).get(pk=enrolment_id)
    if not _still_due(kind, enrolment):
        return
    attachments = None
    if kind in CANCELLING or kind in UPDATES:
        attachments = [invitation(enrolment, base_url=settings.SITE_URL).attachment]
    queue_email(
        kind=kind, key=_key(kind, enrolment), to=[enrolment.organisation.contact_email, enrolment.employee.email],
        template=f"emails/{kind}",
        context={"enrolment": enrolment, "session": enrolment.session, "slots": list(enrolment.session.slots.all())},
        attachments=attachments,
    )


def _still_due(kind: str, enrolment: Enrolment) -> bool:
    """Whether the notice still tells the truth when the task runs, after the commit that queued it.

    The waiting-list e-mail gives the position: not once the enrolment left the list (promoted or cancelled: that
    notice tells them). An update is for a trainee who still attends a session that stands, and who was convoked:
    the convocation sent later already carries the new half-days and place.
    """
    if kind == "enrolment_waitlisted":
        return enrolment.status == Enrolment.Status.WAITLISTED
    if kind in UPDATES:
        return (enrolment.status == Enrolment.Status.CONFIRMED and enrolment.session.status != Session.Status.CANCELLED
                and OutgoingEmail.objects.filter(kind="convocation", key=str(enrolment.pk)).exists())
    return True


def _key(kind: str, enrolment: Enrolment) -> str:
    """The e-mail's key: the enrolment, and for an update the session's SEQUENCE, which each change raises."""
    if kind in UPDATES:
        return f"{enrolment.pk}-{enrolment.session.sequence}"
    return str(enrolment.pk)
