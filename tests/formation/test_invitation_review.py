"""Review: an e-mail invitation is one trainee's events. The HR contact receives every trainee's convocation and
cancellation, so one trainee's CANCEL must not remove the session from the HR contact's calendar for the others."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from core.models import OutgoingEmail
from formation import notices, services
from formation.services import cancel_enrolment, convocations
from formation.services.common import notify
from tests.factories import EmployeeFactory
from tests.formation.factories import EnrolmentFactory, SessionFactory
from tests.formation.test_calendar_feeds import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolments(organisation):
    """Two employees of one organisation, enrolled on a session of two half-days on two days, starting in three days."""
    start = (timezone.now() + datetime.timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    session = SessionFactory(starts_at=start, ends_at=start + datetime.timedelta(days=1),
                             enrolment_deadline=timezone.localdate(), course__title="Accueillir les salariés")
    return [
        EnrolmentFactory(session=session, employee=EmployeeFactory(
            organisation=organisation, first_name=first_name, last_name=last_name, email=f"{first_name.lower()}@example.org"))
        for first_name, last_name in [("Awa", "Diallo"), ("Paul", "Martin")]
    ]


def _invitation(message) -> Calendar:
    """The message's calendar attachment, parsed (and validated) back."""
    [part] = [part for part in message.attachments if part.get_filename() == "invitation.ics"]
    return parse(part.get_payload(decode=True))


def _uids(calendar: Calendar) -> set[str]:
    return {str(event["UID"]) for event in calendar.events}


@pytest.fixture
def sent(enrolments, hr_user, mailoutbox, django_capture_on_commit_callbacks):
    """Both trainees convoked, then the first one's enrolment cancelled: {(kind, enrolment): parsed invitation}."""
    with django_capture_on_commit_callbacks(execute=True):
        for enrolment in enrolments:
            assert convocations.send_convocation(enrolment_id=enrolment.pk) == "convocation"
    with django_capture_on_commit_callbacks(execute=True):
        cancel_enrolment(enrolment_id=enrolments[0].pk, by=hr_user)
    contact = enrolments[0].organisation.contact_email
    assert all(contact in message.to for message in mailoutbox)  # the HR contact receives all three files
    [convoked_first, convoked_second, cancelled] = mailoutbox
    return {("REQUEST", 0): _invitation(convoked_first), ("REQUEST", 1): _invitation(convoked_second),
            ("CANCEL", 0): _invitation(cancelled)}


def test_one_trainees_cancel_removes_only_that_trainees_events(sent, enrolments):
    assert str(sent["CANCEL", 0]["METHOD"]) == "CANCEL"
    assert _uids(sent["CANCEL", 0]) == _uids(sent["REQUEST", 0])
    assert _uids(sent["REQUEST", 0]).isdisjoint(_uids(sent["REQUEST", 1]))
    slots = enrolments[0].session.slots.order_by("starts_at").values_list("pk", flat=True)
    assert _uids(sent["REQUEST", 1]) == {f"slot-{slot}-enrolment-{enrolments[1].pk}@formation.coorace.org" for slot in slots}


def test_the_summary_names_the_trainee(sent):
    assert [str(event["SUMMARY"]) for event in sent["REQUEST", 1].events] == [
        "Accueillir les salariés — Paul Martin (1/2)", "Accueillir les salariés — Paul Martin (2/2)"]
    assert {str(event["SUMMARY"]) for event in sent["CANCEL", 0].events} == {
        "Annulé : Accueillir les salariés — Awa Diallo (1/2)", "Annulé : Accueillir les salariés — Awa Diallo (2/2)"}


def test_the_invitations_keep_the_sequence_and_the_feed_keeps_its_uids(client, sent, enrolments):
    session = enrolments[0].session
    feed = parse(client.get(reverse("calendar:session", args=[session.pk])).content)
    slots = session.slots.values_list("pk", flat=True)
    assert _uids(feed) == {f"slot-{slot}@formation.coorace.org" for slot in slots}
    for calendar in sent.values():
        assert _uids(calendar).isdisjoint(_uids(feed))
        assert {event["SEQUENCE"] for event in calendar.events} == {session.sequence} == {
            event["SEQUENCE"] for event in feed.events}
    # At equal SEQUENCE the later DTSTAMP wins (RFC 5546 2.1.5): the CANCEL supersedes the REQUEST it follows.
    assert min(event.stamp for event in sent["CANCEL", 0].events) >= max(
        event.stamp for event in sent["REQUEST", 0].events)


class TestSessionUpdated:
    """After a half-day is moved or the place changes, convoked trainees get an updated REQUEST, once per change."""

    @pytest.fixture
    def convoked(self, enrolments, mailoutbox, django_capture_on_commit_callbacks):
        """The first trainee convoked, the second not yet."""
        with django_capture_on_commit_callbacks(execute=True):
            convocations.send_convocation(enrolment_id=enrolments[0].pk)
        mailoutbox.clear()
        return enrolments[0]

    @pytest.fixture
    def change(self, staff_user, django_capture_on_commit_callbacks):
        """Move the session's first half-day by `hours`, the notices it queues sent."""
        def move(session, hours: int) -> None:
            slot = session.slots.order_by("starts_at").first()
            with django_capture_on_commit_callbacks(execute=True):
                services.reschedule_slot(slot_id=slot.pk, starts_at=slot.starts_at + datetime.timedelta(hours=hours),
                                         ends_at=slot.ends_at + datetime.timedelta(hours=hours), by=staff_user)
        return move

    def _notify(self, session, django_capture_on_commit_callbacks) -> None:
        """The notices queued again, as a retried task would."""
        with django_capture_on_commit_callbacks(execute=True):
            notify(session.enrolments.confirmed(), "session_updated")

    def test_a_convoked_trainee_gets_the_new_half_day_once_per_change(
        self, convoked, change, mailoutbox, django_capture_on_commit_callbacks,
    ):
        session = convoked.session
        change(session, hours=1)
        self._notify(session, django_capture_on_commit_callbacks)  # a retry sends nothing more
        [message] = mailoutbox  # the second trainee, not convoked yet, will get the new dates in the convocation
        assert set(message.to) == {convoked.employee.email, convoked.organisation.contact_email}
        session.refresh_from_db()
        calendar = _invitation(message)
        assert str(calendar["METHOD"]) == "REQUEST"
        assert {event["SEQUENCE"] for event in calendar.events} == {session.sequence}
        first = session.slots.order_by("starts_at").first()
        assert calendar.events[0].start == first.starts_at
        assert str(calendar.events[0]["UID"]) == f"slot-{first.pk}-enrolment-{convoked.pk}@formation.coorace.org"
        change(session, hours=1)
        assert len(mailoutbox) == 2
        assert list(OutgoingEmail.objects.filter(kind="session_updated").order_by("pk").values_list("key", flat=True)) == [
            f"{convoked.pk}-{session.sequence}", f"{convoked.pk}-{session.sequence + 1}"]

    def test_no_update_for_a_cancelled_or_unconvoked_enrolment(
        self, convoked, enrolments, hr_user, staff_user, mailoutbox, django_capture_on_commit_callbacks,
    ):
        """The notice runs after the commit that queued it: the enrolment may have been cancelled in between."""
        slot = convoked.session.slots.order_by("starts_at").first()
        services.reschedule_slot(slot_id=slot.pk, starts_at=slot.starts_at + datetime.timedelta(hours=1),
                                 ends_at=slot.ends_at + datetime.timedelta(hours=1), by=staff_user)  # not yet sent
        with django_capture_on_commit_callbacks(execute=True):
            cancel_enrolment(enrolment_id=convoked.pk, by=hr_user)
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            for enrolment in enrolments:
                notices.send_enrolment_notice(kind="session_updated", enrolment_id=enrolment.pk)
        assert mailoutbox == []


def test_a_venue_edited_in_the_admin_sends_the_convoked_their_new_place(enrolments, admin_user, mailoutbox,
                                                                      django_capture_on_commit_callbacks):
    from formation.services import places

    with django_capture_on_commit_callbacks(execute=True):
        convocations.send_convocation(enrolment_id=enrolments[0].pk)
    mailoutbox.clear()
    venue = enrolments[0].session.venue
    venue.address = "3 place du Marché"
    venue.save()
    with django_capture_on_commit_callbacks(execute=True):
        places.venue_edited(venue=venue, fields=["address"], by=admin_user)
    [message] = mailoutbox
    assert enrolments[0].employee.email in message.to and "3 place du Marché" in message.body
