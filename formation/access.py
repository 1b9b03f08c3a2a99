"""Which sessions and enrolments a person may see."""

from django.db.models import Q

from adherents.access import member_of
from core.roles import Role
from formation.models import Enrolment, Session

STAFF = (Role.ADMIN, Role.TRAINING, Role.FINANCE)


def is_training_staff(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in (Role.TRAINING, Role.ADMIN))


def visible_sessions(user):
    """Staff see every session; trainers theirs; member HR the published inter sessions and their own intra ones."""
    sessions = Session.objects.all()
    if not user.is_authenticated:
        return sessions.published().filter(kind=Session.Kind.INTER)
    if user.is_superuser or user.role in STAFF:
        return sessions
    if user.role == Role.TRAINER:
        return sessions.filter(trainers__user=user).exclude(status=Session.Status.DRAFT)
    member = member_of(user)
    if member is not None:
        return sessions.exclude(status=Session.Status.DRAFT).filter(
            Q(kind=Session.Kind.INTER) | Q(organisation_id=member.organisation_id)
        )
    return sessions.none()


def visible_enrolments(user, session: Session):
    """Staff and the session's trainers see everyone enrolled; member HR only their own employees."""
    enrolments = Enrolment.objects.filter(session=session).select_related("employee", "organisation")
    if user.is_superuser or user.role in STAFF:
        return enrolments
    if user.role == Role.TRAINER and session.trainers.filter(user=user).exists():
        return enrolments
    member = member_of(user)
    if member is not None:
        return enrolments.filter(organisation_id=member.organisation_id)
    return enrolments.none()
