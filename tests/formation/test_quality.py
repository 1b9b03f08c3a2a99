from decimal import Decimal

import pytest
from django.utils import timezone

from formation.models import SurveyInvitation
from formation.quality import course_results
from tests.formation.factories import EnrolmentFactory, SessionFactory

pytestmark = pytest.mark.django_db


def answer(session, overall):
    enrolment = EnrolmentFactory(session=session, status="completed")
    SurveyInvitation.objects.create(enrolment=enrolment, kind="end", expires_at=timezone.now(), answered_at=timezone.now(),
                                    overall=overall, content=4, trainer_rating=4, usefulness=4)


def test_no_figure_before_five_answers_and_no_completed_session():
    session = SessionFactory(status="open")
    for overall in (5, 5, 4, 2):
        answer(session, overall)
    results = course_results(session.course)
    assert (results.satisfaction, results.answers, results.completion) == (None, 4, None)


def test_rates_once_data_exists():
    session = SessionFactory(status="completed")
    for overall in (5, 5, 4, 2, 3):
        answer(session, overall)
    EnrolmentFactory(session=session, status="abandoned", abandoned_on=timezone.localdate(), abandon_reason="x")
    results = course_results(session.course)
    assert results.satisfaction == Decimal("60")            # 3 of 5 answered 4 or 5
    assert (results.completion, results.trainees) == (Decimal("83"), 6)   # 5 completed of 6
