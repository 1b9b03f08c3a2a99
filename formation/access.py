"""Which sessions and enrolments a person may see."""

from django.db.models import Q

from adherents.access import member_of
from core.roles import Role
from formation.models import Enrolment, Session
from formation.services.attendance import teaches
from formation.services.common import is_training_staff

STAFF = (Role.ADMIN, Role.TRAINING, Role.FINANCE)


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


def readable_sessions(user):
    """The sessions whose page and calendar file this person may open: their own (visible_sessions) and every one
    the public may see (a logged-in trainer follows the catalogue's links as a visitor does)."""
    public = Session.objects.published().filter(kind=Session.Kind.INTER)
    return Session.objects.filter(Q(pk__in=visible_sessions(user).values("pk")) | Q(pk__in=public.values("pk")))


def may_cancel_enrolments(user) -> bool:
    """Training staff, and member HR for their own employees' enrolments (the only ones they see)."""
    return is_training_staff(user) or member_of(user) is not None


def document_scope(user, session: Session) -> str | None:
    """Whose documents in this session a person may read: "all" (training staff, the session's trainers), "own"
    (member HR: their employees'), or None (finance, another trainer)."""
    if is_training_staff(user) or teaches(user, session):
        return "all"
    return "own" if member_of(user) is not None else None


def may_read_documents(user, enrolment: Enrolment) -> bool:
    scope = document_scope(user, enrolment.session)
    return scope == "all" or (scope == "own" and member_of(user).organisation_id == enrolment.organisation_id)


def enrolment_scope(user, session: Session) -> str | None:
    """Whose enrolments in this session a person sees: "all" (staff, the session's trainers), "own" (member HR:
    their employees'), or None (a trainer on someone else's session)."""
    if user.is_superuser or user.role in STAFF:
        return "all"
    if user.role == Role.TRAINER and session.trainers.filter(user=user).exists():
        return "all"
    return "own" if member_of(user) is not None else None


def visible_enrolments(user, session: Session):
    """Staff and the session's trainers see everyone enrolled; member HR only their own employees."""
    # Through the session's own manager: each enrolment's `session` is this one, without a query per row.
    enrolments = session.enrolments.select_related("employee", "organisation")
    scope = enrolment_scope(user, session)
    if scope == "all":
        return enrolments
    if scope == "own":
        return enrolments.filter(organisation_id=member_of(user).organisation_id)
    return enrolments.none()
