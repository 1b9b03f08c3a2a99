"""Per-course results a certified training body publishes: satisfaction and completion rates.

A rate is published only once it rests on enough data; until then it is None, never an invented figure.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from formation.models import Enrolment, Session, SurveyInvitation

MIN_ANSWERS = 5
SATISFIED = 4  # 4 or 5 out of 5 counts as satisfied


@dataclass(frozen=True)
class CourseResults:
    satisfaction: Decimal | None  # percentage of satisfied answers
    answers: int
    completion: Decimal | None  # percentage of trainees who completed the course
    trainees: int


def percentage(part: int, whole: int) -> Decimal:
    return (Decimal(100) * part / whole).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def course_results(course) -> CourseResults:
    answers = SurveyInvitation.objects.filter(
        enrolment__session__course=course, kind=SurveyInvitation.Kind.END, answered_at__isnull=False,
    ).aggregate(total=Count("pk"), satisfied=Count("pk", filter=Q(overall__gte=SATISFIED)))
    outcomes = Enrolment.objects.filter(
        session__course=course, session__status=Session.Status.COMPLETED,
        status__in=[Enrolment.Status.COMPLETED, Enrolment.Status.ABANDONED],
    ).aggregate(total=Count("pk"), completed=Count("pk", filter=Q(status=Enrolment.Status.COMPLETED)))
    return CourseResults(
        satisfaction=percentage(answers["satisfied"], answers["total"]) if answers["total"] >= MIN_ANSWERS else None,
        answers=answers["total"],
        completion=percentage(outcomes["completed"], outcomes["total"]) if outcomes["total"] else None,
        trainees=outcomes["total"],
    )
