"""Satisfaction questionnaires: a single-use link sent at completion and another 60 days later."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.emails import queue_email
from formation.exceptions import FormationError
from formation.models import Enrolment, Session, SurveyInvitation

VALID_FOR = datetime.timedelta(days=30)
FOLLOW_UP_AFTER = datetime.timedelta(days=60)
SCALES = ("overall", "content", "trainer_rating", "usefulness")


def _invite(enrolment: Enrolment, kind: str) -> SurveyInvitation | None:
    try:
        with transaction.atomic():
            invitation = SurveyInvitation.objects.create(enrolment=enrolment, kind=kind,
                                                         expires_at=timezone.now() + VALID_FOR)
    except IntegrityError:
        return None  # already invited: one questionnaire per enrolment and kind
    queue_email(kind=f"survey_{kind}", key=str(invitation.pk),
                to=[enrolment.employee.email or enrolment.organisation.contact_email],
                template="emails/survey",
                context={"invitation": invitation, "enrolment": enrolment, "site_url": settings.SITE_URL})
    return invitation


def invite_at_completion(session: Session) -> int:
    """Called when a session is completed: one end-of-training questionnaire per trainee who completed it."""
    enrolments = session.enrolments.filter(status=Enrolment.Status.COMPLETED).select_related("employee", "organisation")
    return sum(_invite(enrolment, SurveyInvitation.Kind.END) is not None for enrolment in enrolments)


@transaction.atomic
def invite_follow_ups(*, now: datetime.datetime | None = None) -> int:
    """Daily: the 60-day questionnaire for trainees whose session ended 60 days ago or more."""
    now = now or timezone.now()
    due = Enrolment.objects.filter(
        status=Enrolment.Status.COMPLETED, session__ends_at__lte=now - FOLLOW_UP_AFTER,
        session__ends_at__gt=now - FOLLOW_UP_AFTER - VALID_FOR,
    ).exclude(surveys__kind=SurveyInvitation.Kind.FOLLOW_UP).select_related("employee", "organisation")
    return sum(_invite(enrolment, SurveyInvitation.Kind.FOLLOW_UP) is not None for enrolment in due)


@transaction.atomic
def answer_survey(*, token: str, answers: dict) -> SurveyInvitation:
    """Record the answers of a questionnaire link, once: a second use or an expired link is refused."""
    invitation = SurveyInvitation.objects.select_for_update().filter(token=token).first()
    if invitation is None:
        raise SurveyInvitation.DoesNotExist
    if invitation.answered_at is not None:
        raise FormationError(_("This questionnaire was already answered. Thank you!"))
    if invitation.expires_at < timezone.now():
        raise FormationError(_("This questionnaire link has expired."))
    for scale in SCALES:
        value = answers.get(scale)
        if not isinstance(value, int) or not 1 <= value <= 5:
            raise FormationError(_("Answer each question with a mark from 1 to 5."))
        setattr(invitation, scale, value)
    invitation.comment = str(answers.get("comment", ""))[:3000]
    invitation.answered_at = timezone.now()
    invitation.save()
    return invitation
