"""Findings of the enrolment review: no cancellation or promotion once a session has started, the price confirmed
is the price shown, the calendar SEQUENCE follows open ⇄ full, no waiting-list e-mail without a place on the list,
no price to confirm for a session that takes no enrolment."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from icalendar import Calendar

from adherents.models import Membership
from catalogue.models import Course
from catalogue.pricing import Price, PriceBasis
from core.models import AuditEntry, OutgoingEmail
from formation import notices, services
from formation.exceptions import EnrolmentError
from formation.models import Enrolment, Session
from formation.services.common import locked_session
from formation.services.enrolment import PriceChanged, fill_free_seats
from tests.factories import EmployeeFactory
from tests.formation.factories import SessionFactory

pytestmark = pytest.mark.django_db

STARTED = "The session has started: report the trainee's abandonment to the training team instead."
MEMBER_PRICE = Price(Decimal("300.00"), PriceBasis.MEMBER)


@pytest.fixture
def session(db):
    return SessionFactory(capacity=2, course__member_price=Decimal("300.00"), course__public_price=Decimal("450.00"),
                          published_at=timezone.now())


@pytest.fixture
def employees(organisation):
    return EmployeeFactory.create_batch(3, organisation=organisation)


def enrol(session, employees, by, **kwargs):
    return services.enrol_employees(session_id=session.pk, employee_ids=[e.pk for e in employees], by=by, **kwargs)


def start(session, *, ago=datetime.timedelta(hours=1)) -> None:
    """The first half-day began `ago` (the session still runs: it ends after now)."""
    Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() - ago)


def statuses(enrolments) -> list[str]:
    return [Enrolment.objects.get(pk=e.pk).status for e in enrolments]


@pytest.mark.usefixtures("enrol_implementation")
class TestNoCancellationOrPromotionOnceStarted:
    def test_member_hr_cannot_cancel_once_the_first_half_day_has_started(self, session, employees, hr_user,
                                                                         django_capture_on_commit_callbacks):
        enrolments = enrol(session, employees, hr_user)  # 2 confirmed, 1 waiting
        start(session)
        with pytest.raises(EnrolmentError) as refused, django_capture_on_commit_callbacks(execute=True):
            services.cancel_enrolment(enrolment_id=enrolments[0].pk, by=hr_user)
        assert refused.value.message == gettext(STARTED)
        assert statuses(enrolments) == ["confirmed", "confirmed", "waitlisted"]
        assert not OutgoingEmail.objects.filter(kind__in=["waitlist_promoted", "enrolment_cancelled"]).exists()

    def test_training_staff_may_cancel_but_nobody_is_promoted(self, session, employees, hr_user, staff_user,
                                                              django_capture_on_commit_callbacks):
        enrolments = enrol(session, employees, hr_user)
        start(session)
        with django_capture_on_commit_callbacks(execute=True):
            services.cancel_enrolment(enrolment_id=enrolments[0].pk, by=staff_user)
        assert statuses(enrolments) == ["cancelled", "confirmed", "waitlisted"]
        assert not Enrolment.objects.filter(promoted_at__isnull=False).exists()
        assert not OutgoingEmail.objects.filter(kind="waitlist_promoted").exists()

    def test_no_seat_freed_in_a_started_session_goes_to_the_waiting_list(self, session, employees, hr_user):
        enrolments = enrol(session, employees, hr_user)
        Session.objects.filter(pk=session.pk).update(capacity=3)
        start(session)
        with transaction.atomic():
            assert fill_free_seats(locked_session(session.pk)) == []
        assert statuses(enrolments) == ["confirmed", "confirmed", "waitlisted"]


class TestCancellationPagesOnceStarted:
    def test_the_cancel_page_says_why_and_its_post_changes_nothing(self, hr_client, session, employees, hr_user):
        enrolment = enrol(session, employees[:1], hr_user)[0]
        start(session)
        url = reverse("formation:enrolment_cancel", args=[enrolment.pk])
        page = hr_client.get(url).content.decode()
        assert gettext(STARTED).replace("'", "&#x27;") in page
        assert 'class="btn btn-danger"' not in page
        after = hr_client.post(url, follow=True).content.decode()
        assert gettext(STARTED).replace("'", "&#x27;") in after
        assert statuses([enrolment]) == ["confirmed"]

    def test_the_enrolment_list_offers_no_cancellation_once_started(self, hr_client, organisation, employees, hr_user):
        started, upcoming = SessionFactory(), SessionFactory()
        ongoing = enrol(started, employees[:1], hr_user)[0]
        coming = enrol(upcoming, employees[:1], hr_user)[0]
        start(started)
        page = hr_client.get(reverse("formation:enrolments")).content.decode()
        assert reverse("formation:enrolment_cancel", args=[coming.pk]) in page
        assert reverse("formation:enrolment_cancel", args=[ongoing.pk]) not in page

    def test_the_session_page_offers_no_cancellation_once_started(self, hr_client, client, session, employees,
                                                                  hr_user, staff_user):
        enrolment = enrol(session, employees[:1], hr_user)[0]
        cancel = reverse("formation:enrolment_cancel", args=[enrolment.pk])
        page = reverse("formation:session", args=[session.pk])
        assert cancel in hr_client.get(page).content.decode()
        start(session)
        assert cancel not in hr_client.get(page).content.decode()
        client.force_login(staff_user)  # training staff still may cancel: their call
        assert cancel in client.get(page).content.decode()


@pytest.mark.usefixtures("enrol_implementation")
class TestThePriceConfirmedIsThePriceShown:
    def test_the_price_shown_is_enrolled(self, session, employees, hr_user):
        created = enrol(session, employees[:1], hr_user, expected_price=MEMBER_PRICE)
        assert [(e.unit_price, e.price_basis) for e in Enrolment.objects.filter(pk=created[0].pk)] == [
            (Decimal("300.00"), "member")]

    def test_a_course_price_changed_since_the_preview_enrols_nobody(self, session, employees, hr_user):
        Course.objects.filter(pk=session.course_id).update(member_price=Decimal("320.00"))
        with pytest.raises(PriceChanged) as refused:
            enrol(session, employees[:2], hr_user, expected_price=MEMBER_PRICE)
        assert "320,00" in refused.value.message
        self.assert_nothing_changed(session)

    def test_a_membership_lapsed_since_the_preview_enrols_nobody(self, session, employees, hr_user, organisation):
        Membership.objects.filter(organisation=organisation).update(status=Membership.Status.LAPSED)
        with pytest.raises(PriceChanged):
            enrol(session, employees[:2], hr_user, expected_price=MEMBER_PRICE)
        self.assert_nothing_changed(session)

    @staticmethod
    def assert_nothing_changed(session):
        assert not Enrolment.objects.exists()
        assert not AuditEntry.objects.exists()
        session.refresh_from_db()
        assert (session.status, session.sequence) == (Session.Status.OPEN, 0)


class TestThePriceConfirmedIsThePriceShownOnThePage:
    @staticmethod
    def hidden(page: str, name: str) -> str:
        return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)

    def confirmation(self, preview: str, employees) -> dict:
        return {"step": "confirm", "employees": [e.pk for e in employees],
                "previewed_unit_price": self.hidden(preview, "previewed_unit_price"),
                "previewed_price_basis": self.hidden(preview, "previewed_price_basis")}

    def test_a_new_price_shows_the_preview_again_then_confirming_it_enrols(self, hr_client, session, employees):
        url = reverse("formation:enrol", args=[session.pk])
        preview = hr_client.post(url, {"step": "preview", "employees": [e.pk for e in employees[:2]]}).content.decode()
        Course.objects.filter(pk=session.course_id).update(member_price=Decimal("320.00"))
        again = hr_client.post(url, self.confirmation(preview, employees[:2]))
        page = again.content.decode()
        assert again.status_code == 200 and "640,00\u00a0€" in page
        assert self.hidden(page, "previewed_unit_price") == "320.00"
        assert not Enrolment.objects.exists()
        assert hr_client.post(url, self.confirmation(page, employees[:2])).status_code == 302
        assert list(Enrolment.objects.values_list("unit_price", flat=True)) == [Decimal("320.00")] * 2

    @pytest.mark.parametrize("posted", ["0", "junk", ""])
    def test_a_price_posted_by_the_client_is_compared_never_charged(self, hr_client, session, employees, posted):
        url = reverse("formation:enrol", args=[session.pk])
        response = hr_client.post(url, {"step": "confirm", "employees": [employees[0].pk],
                                        "previewed_unit_price": posted, "previewed_price_basis": "member"})
        assert response.status_code == 200 and "300,00\u00a0€" in response.content.decode()
        assert not Enrolment.objects.exists()


@pytest.mark.usefixtures("enrol_implementation")
class TestCalendarSequenceFollowsOpenAndFull:
    @staticmethod
    def public_feed(client) -> tuple[set[int], str]:
        response = client.get(reverse("calendar:sessions"))
        assert response.status_code == 200
        return {int(event["SEQUENCE"]) for event in Calendar.from_ical(response.content).events}, response["ETag"]

    def test_the_last_seat_taken_raises_the_sequence(self, client, session, employees, hr_user):
        before, etag = self.public_feed(client)
        enrol(session, employees[:2], hr_user)
        after, new_etag = self.public_feed(client)
        assert min(after) > max(before) and new_etag != etag

    def test_a_seat_freed_in_a_full_session_raises_the_sequence_not_one_taken_from_the_waiting_list(
            self, client, session, employees, hr_user):
        enrolments = enrol(session, employees, hr_user)  # 2 confirmed, 1 waiting: full
        before, etag = self.public_feed(client)
        services.cancel_enrolment(enrolment_id=enrolments[0].pk, by=hr_user)  # the waiting one takes the seat
        assert self.public_feed(client)[0] == before
        services.cancel_enrolment(enrolment_id=enrolments[1].pk, by=hr_user)  # nobody waits: open again
        session.refresh_from_db()
        assert session.status == Session.Status.OPEN
        after, new_etag = self.public_feed(client)
        assert min(after) > max(before) and new_etag != etag


@pytest.mark.usefixtures("enrol_implementation")
class TestWaitingListNotice:
    def test_not_sent_once_promoted_before_the_task_ran(self, session, organisation, hr_user):
        enrolments = enrol(session, EmployeeFactory.create_batch(4, organisation=organisation), hr_user)
        services.cancel_enrolment(enrolment_id=enrolments[0].pk, by=hr_user)  # the first waiting is promoted
        for waiting in enrolments[2:]:
            notices.send_enrolment_notice(kind="enrolment_waitlisted", enrolment_id=waiting.pk)
        sent = OutgoingEmail.objects.filter(kind="enrolment_waitlisted")
        assert list(sent.values_list("key", flat=True)) == [str(enrolments[3].pk)]
        assert "None" not in sent.get().body_text


class TestNoPreviewForASessionTakingNoEnrolment:
    @pytest.mark.parametrize("status", [Session.Status.CANCELLED, Session.Status.COMPLETED])
    def test_the_preview_refuses_as_the_confirmation_does(self, hr_client, session, employees, status):
        url = reverse("formation:enrol", args=[session.pk])
        Session.objects.filter(pk=session.pk).update(status=status, cancellation_reason="x")
        preview = hr_client.post(url, {"step": "preview", "employees": [employees[0].pk]}, follow=True)
        confirm = hr_client.post(url, {"step": "confirm", "employees": [employees[0].pk]}, follow=True)
        refusal = gettext("This session is not open for enrolment (it is %(status)s).") % {
            "status": Session(status=status).get_status_display()}
        for page in (preview.content.decode(), confirm.content.decode()):
            assert refusal in page
            assert 'name="previewed_unit_price"' not in page and 'value="confirm"' not in page
        assert not Enrolment.objects.exists()
