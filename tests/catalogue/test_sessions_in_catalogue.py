import datetime
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from formation.models import Session, SurveyInvitation
from tests.catalogue.factories import CourseFactory
from tests.factories import DelegationFactory, OrganisationFactory
from tests.formation.factories import EnrolmentFactory, SessionFactory, VenueFactory


def in_days(days: int, hour: int = 9) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def session(course, days: int, delegation=None, **kwargs) -> Session:
    venue = VenueFactory(delegation=delegation) if delegation else VenueFactory()
    return SessionFactory(course=course, venue=venue, starts_at=in_days(days), ends_at=in_days(days, 17), **kwargs)


def codes(client, **query) -> list[str]:
    response = client.get(reverse("catalogue:list") + "?" + urlencode(query))
    assert response.status_code == 200
    return sorted(row.record.code for row in response.context["table"].paginated_rows)


@pytest.fixture
def courses(db):
    """BRE has a session in Brittany in 10 days; LYO one in Lyon in 40 days; NONE only past, draft,
    cancelled and intra sessions, which the public never sees."""
    brittany = DelegationFactory(code="bretagne", name="Bretagne")
    lyon = DelegationFactory(code="auvergne-rhone-alpes", name="Auvergne-Rhône-Alpes")
    bre, lyo, none = CourseFactory(code="BRE"), CourseFactory(code="LYO"), CourseFactory(code="NONE")
    session(bre, 10, brittany)
    session(lyo, 40, lyon)
    session(none, -5, brittany, status=Session.Status.CONFIRMED)
    session(none, 12, brittany, status=Session.Status.DRAFT)
    session(none, 12, brittany, status=Session.Status.CANCELLED, cancellation_reason="Trop peu d'inscrits")
    session(none, 12, brittany, kind=Session.Kind.INTRA, organisation=OrganisationFactory())
    return bre, lyo, none


class TestSessionFilters:
    def test_has_an_upcoming_session(self, client, courses):
        assert codes(client, upcoming="on") == ["BRE", "LYO"]
        assert codes(client) == ["BRE", "LYO", "NONE"]

    def test_delegation_with_an_upcoming_session(self, client, courses):
        assert codes(client, delegation="bretagne") == ["BRE"]
        assert codes(client, delegation="auvergne-rhone-alpes") == ["LYO"]

    def test_date_range_of_the_next_session(self, client, courses):
        today = timezone.localdate()
        assert codes(client, session_from=today + datetime.timedelta(days=20)) == ["LYO"]
        assert codes(client, session_until=today + datetime.timedelta(days=20)) == ["BRE"]
        # Reversed dates are put right.
        assert codes(client, session_from=today + datetime.timedelta(days=50),
                     session_until=today + datetime.timedelta(days=30)) == ["LYO"]

    def test_one_session_must_meet_every_condition(self, client, courses):
        today = timezone.localdate()
        assert codes(client, delegation="bretagne", session_from=today + datetime.timedelta(days=20)) == []

    @pytest.mark.parametrize("query", [{"session_from": "31/02/2026"}, {"session_until": "demain"},
                                       {"delegation": "atlantide"}, {"upcoming": "maybe"}])
    def test_malformed_dates_and_unknown_delegations_never_fail(self, client, courses, query):
        response = client.get(reverse("catalogue:list") + "?" + urlencode(query))
        assert response.status_code == 200

    def test_sorting_by_next_session_puts_courses_without_one_last(self, client, courses):
        for sort, expected in (("next_session", ["BRE", "LYO", "NONE"]), ("-next_session", ["LYO", "BRE", "NONE"])):
            response = client.get(reverse("catalogue:list") + f"?sort={sort}")
            assert [row.record.code for row in response.context["table"].paginated_rows] == expected

    def test_the_next_session_date_is_shown_and_exported(self, client, courses):
        page = client.get(reverse("catalogue:list")).content.decode()
        assert f"{in_days(10):%d/%m/%Y}" in page
        export = client.get(reverse("catalogue:list") + "?_export=csv&q=BRE").content.decode("utf-8-sig")
        assert f"{in_days(10):%d/%m/%Y}" in export  # a French date, as Excel reads it


class TestCoursePage:
    def test_upcoming_sessions_with_places_left(self, client, courses):
        bre, _lyo, _none = courses
        upcoming = bre.sessions.get()
        EnrolmentFactory.create_batch(3, session=upcoming)
        page = client.get(bre.get_absolute_url()).content.decode()
        assert "7 places restantes" in page
        assert "Bretagne" in page

    def test_a_full_session_says_so(self, client, courses):
        bre, _lyo, _none = courses
        upcoming = bre.sessions.get()
        EnrolmentFactory.create_batch(10, session=upcoming)
        assert "complet : liste d’attente" in client.get(bre.get_absolute_url()).content.decode()

    def test_past_draft_cancelled_and_intra_sessions_are_not_shown(self, client, courses):
        _bre, _lyo, none = courses
        page = client.get(none.get_absolute_url()).content.decode()
        assert "Aucune session n’est encore programmée" in page


class TestCourseResults:
    def test_rates_are_published_once_enough_data_exists(self, client, db):
        completed = SessionFactory(status=Session.Status.COMPLETED, starts_at=in_days(-30), ends_at=in_days(-29))
        for overall in (5, 5, 4, 2, 3):
            enrolment = EnrolmentFactory(session=completed, status="completed")
            SurveyInvitation.objects.create(
                enrolment=enrolment, kind="end", expires_at=timezone.now(), answered_at=timezone.now(),
                overall=overall, content=4, trainer_rating=4, usefulness=4,
            )
        EnrolmentFactory(session=completed, status="abandoned", abandoned_on=timezone.localdate(), abandon_reason="x")
        page = client.get(completed.course.get_absolute_url()).content.decode()
        assert "60 % de stagiaires satisfaits (5 réponses à l’enquête de fin de formation)" in page
        assert "83 % des stagiaires ont suivi la formation jusqu’au bout (6 stagiaires des sessions terminées)" in page
        assert "Pas encore disponible" not in page


class TestSessionLinks:
    def test_logged_in_users_reach_the_session_page_anonymous_visitors_are_invited_to_log_in(self, client, hr_user, courses):
        bre, _lyo, _none = courses
        session_url = bre.sessions.get().get_absolute_url()
        anonymous = client.get(bre.get_absolute_url()).content.decode()
        assert session_url not in anonymous and "une fois connectées" in anonymous
        client.force_login(hr_user)
        assert f'href="{session_url}"' in client.get(bre.get_absolute_url()).content.decode()
