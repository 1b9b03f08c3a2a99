"""What changing a scheduled session does to its trainees: a seat added in the last week convokes at once, and a
half-day cannot be moved before the enrolment deadline."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst

from core.models import OutgoingEmail
from formation import services
from formation.exceptions import SessionStateError
from formation.models import Session
from tests.formation.factories import EnrolmentFactory, SessionFactory, next_monday

pytestmark = pytest.mark.django_db


def full_session(starts_in: datetime.timedelta) -> Session:
    start = timezone.now() + starts_in
    session = SessionFactory(capacity=1, status=Session.Status.FULL, starts_at=start,
                             ends_at=start + datetime.timedelta(hours=8),
                             enrolment_deadline=(start - datetime.timedelta(days=10)).date())
    EnrolmentFactory(session=session)
    return session


def add_a_seat(session: Session, by) -> None:
    services.update_session(session_id=session.pk, capacity=session.capacity + 1,
                            min_participants=session.min_participants, enrolment_deadline=session.enrolment_deadline,
                            venue_id=session.venue_id, remote_url="", trainer_ids=[], by=by)


class TestASeatAdded:
    def test_within_the_last_week_the_promoted_trainee_is_convoked_at_once(self, staff_user,
                                                                          django_capture_on_commit_callbacks):
        session = full_session(datetime.timedelta(days=2))
        waiting = EnrolmentFactory(session=session, status="waitlisted")
        with django_capture_on_commit_callbacks(execute=True):
            add_a_seat(session, staff_user)
        sent = set(OutgoingEmail.objects.filter(key=str(waiting.pk)).values_list("kind", flat=True))
        assert sent == {"waitlist_promoted", "convocation"}

    def test_earlier_the_convocation_waits_for_the_seven_days(self, staff_user, django_capture_on_commit_callbacks):
        session = full_session(datetime.timedelta(days=20))
        waiting = EnrolmentFactory(session=session, status="waitlisted")
        with django_capture_on_commit_callbacks(execute=True):
            add_a_seat(session, staff_user)
        assert list(OutgoingEmail.objects.filter(key=str(waiting.pk)).values_list("kind", flat=True)) == [
            "waitlist_promoted"]


class TestAHalfDayMovedBeforeTheDeadline:
    @pytest.fixture
    def session(self):
        """Two half-days on the Monday two weeks ahead; enrolments close the Friday before."""
        return SessionFactory()

    def test_is_refused_in_french_and_nothing_moves(self, session, staff_user):
        first = session.slots.order_by("starts_at").first()
        before = (first.starts_at, first.ends_at, session.sequence)
        too_early = first.starts_at - datetime.timedelta(days=7)
        with pytest.raises(SessionStateError, match="avant sa date limite d’inscription"):
            services.reschedule_slot(slot_id=first.pk, starts_at=too_early,
                                     ends_at=too_early + datetime.timedelta(hours=3), by=staff_user)
        first.refresh_from_db()
        session.refresh_from_db()
        assert (first.starts_at, first.ends_at, session.sequence) == before
        assert session.starts_at == before[0]

    def test_on_the_deadline_itself_is_allowed(self, session, staff_user):
        first = session.slots.order_by("starts_at").first()
        on_the_deadline = timezone.make_aware(datetime.datetime.combine(session.enrolment_deadline, datetime.time(9)))
        services.reschedule_slot(slot_id=first.pk, starts_at=on_the_deadline,
                                 ends_at=on_the_deadline + datetime.timedelta(hours=3), by=staff_user)
        session.refresh_from_db()
        assert session.starts_at == on_the_deadline

    def test_the_page_says_why_and_keeps_what_was_typed(self, session, staff_user, client):
        first = session.slots.order_by("starts_at").first()
        client.force_login(staff_user)
        day = session.enrolment_deadline - datetime.timedelta(days=1)
        response = client.post(reverse("formation:slot_update", args=[session.pk, first.pk]),
                               {"day": day.isoformat(), "starts": "09:00", "ends": "12:30", "on_a_day_off": "on"})
        assert response.status_code == 200
        page = response.content.decode()
        assert "bring the deadline" not in page and "avancez d’abord la date limite" in page
        assert f'value="{day.isoformat()}"' in page
        first.refresh_from_db()
        assert first.starts_at == session.starts_at


class TestDatesBeyondThePlanningHorizon:
    """A typing slip (year 9999 or 0001) is refused under the field in French, never a server error."""

    def test_a_session_starting_in_year_9999(self, client, staff_user):
        from tests.catalogue.factories import CourseFactory
        from tests.formation.factories import VenueFactory

        client.force_login(staff_user)
        response = client.post(reverse("formation:session_create"), {
            "course": CourseFactory(duration_hours=60).code, "kind": "inter", "start_date": "9999-12-30",
            "enrolment_deadline": "9999-12-01", "venue": VenueFactory().pk, "capacity": 12, "min_participants": 5})
        assert response.status_code == 200
        assert response.content.decode().count("Choisissez une date entre") == 2
        assert not Session.objects.exists()

    def test_a_half_day_moved_to_year_1(self, client, staff_user):
        session = SessionFactory()
        slot = session.slots.order_by("starts_at").first()
        client.force_login(staff_user)
        response = client.post(reverse("formation:slot_update", args=[session.pk, slot.pk]),
                               {"day": "0001-01-01", "starts": "09:00", "ends": "12:30"})
        assert response.status_code == 200 and "Choisissez une date entre" in response.content.decode()
        slot.refresh_from_db()
        assert slot.starts_at == session.starts_at


class TestAHalfDayMovedOntoADayOff:
    """A weekend or a public holiday is most often a slip: refused, unless the box says it is meant."""

    SATURDAY = next_monday(3) + datetime.timedelta(days=5)
    CHRISTMAS = datetime.date(timezone.localdate().year + 1, 12, 25)

    @pytest.fixture
    def slot_page(self, client, staff_user):
        session = SessionFactory()
        client.force_login(staff_user)
        slot = session.slots.order_by("starts_at").first()
        return slot, reverse("formation:slot_update", args=[session.pk, slot.pk])

    @pytest.mark.parametrize("day", [SATURDAY, CHRISTMAS])
    def test_refused_naming_the_day(self, client, slot_page, day):
        slot, url = slot_page
        before = slot.starts_at
        response = client.post(url, {"day": day.isoformat(), "starts": "09:00", "ends": "12:30"})
        named = capfirst(date_format(day, "l j F Y"))
        assert f"{named} est un week-end ou un jour férié" in response.content.decode()
        slot.refresh_from_db()
        assert slot.starts_at == before

    def test_moved_when_the_box_is_ticked(self, client, slot_page):
        slot, url = slot_page
        response = client.post(url, {"day": self.SATURDAY.isoformat(), "starts": "09:00", "ends": "12:30",
                                     "on_a_day_off": "on"})
        assert response.status_code == 302
        slot.refresh_from_db()
        assert timezone.localtime(slot.starts_at).date() == self.SATURDAY
