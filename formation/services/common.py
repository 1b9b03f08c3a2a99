"""What the formation services share: who may manage sessions, the seat lock, notices on commit."""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from core.roles import Role
from formation import tasks  # the module, not its names: formation.tasks imports the services too
from formation.models import Enrolment, Session
from formation.services.convocations import CONVOCATION_BEFORE


def is_training_staff(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in (Role.TRAINING, Role.ADMIN))


def require_training_staff(user) -> None:
    if not is_training_staff(user):
        raise PermissionDenied


def locked_session(session_id: int) -> Session:
    """The session row, locked until commit: the seat lock. FORMATION_SEAT_LOCK=False exists only
    so that a test can show the race it prevents."""
    sessions = Session.objects.select_related("course")
    if getattr(settings, "FORMATION_SEAT_LOCK", True):
        sessions = sessions.select_for_update(of=("self",))
    return sessions.get(pk=session_id)


def notify(enrolments: Iterable[Enrolment], kind: str) -> None:
    """Queue the `kind` notice of these enrolments on commit: one task for the batch."""
    ids = [enrolment.pk for enrolment in enrolments]
    if ids:
        tasks.send_enrolment_notices.delay_on_commit(ids, kind)


def convoke_if_due(enrolments: Iterable[Enrolment], session: Session) -> None:
    """A confirmed enrolment within 7 days of the start gets its convocation at once, not at the next hourly run."""
    if session.starts_at and session.starts_at - timezone.now() <= CONVOCATION_BEFORE:
        for enrolment in enrolments:
            if enrolment.status == Enrolment.Status.CONFIRMED:
                tasks.send_convocation.delay_on_commit(enrolment.pk)
