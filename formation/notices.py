"""The e-mails of the enrolment lifecycle: each sent once per enrolment and kind, whatever retries happen."""

from django.conf import settings

from core.emails import queue_email
from formation.calendar import invitation
from formation.models import Enrolment

KINDS = ("enrolment_confirmed", "enrolment_waitlisted", "waitlist_promoted", "session_cancelled", "enrolment_cancelled")
# These tell calendars to drop the events (METHOD:CANCEL).
CANCELLING = ("session_cancelled", "enrolment_cancelled")


def send_enrolment_notice(*, kind: str, enrolment_id: int) -> None:
    """Render and queue the `kind` e-mail of an enrolment to the member's HR contact and the employee. The
    waiting-list e-mail gives the position when it is sent, so it is not sent once the enrolment left the list."""
    if kind not in KINDS:
        raise ValueError(f"unknown notice kind {kind!r}")
    enrolment = Enrolment.objects.select_related(
        "session__course", "session__venue", "employee", "organisation"
    ).get(pk=enrolment_id)
    if kind == "enrolment_waitlisted" and enrolment.status != Enrolment.Status.WAITLISTED:
        return  # promoted or cancelled before this ran: that notice tells them
    attachments = None
    if kind in CANCELLING:
        attachments = [invitation(enrolment, base_url=settings.SITE_URL).attachment]
    queue_email(
        kind=kind, key=str(enrolment.pk), to=[enrolment.organisation.contact_email, enrolment.employee.email],
        template=f"emails/{kind}",
        context={"enrolment": enrolment, "session": enrolment.session, "slots": list(enrolment.session.slots.all())},
        attachments=attachments,
    )
