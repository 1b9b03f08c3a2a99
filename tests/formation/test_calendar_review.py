"""Calendar feeds after the acceptance review of issue 6: edits of what the events print reach subscribers,
drafts cancelled before publication stay private, every lifecycle step raises SEQUENCE, removals are never
answered 304, calendar names are escaped."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from adherents.services import update_employee
from core.models import AuditEntry
from formation.calendar_tokens import organisation_calendar_for
from formation.models import Session, Venue
from formation.services import (
    cancel_enrolment,
    cancel_session,
    complete_session,
    confirm_session,
    open_session,
    update_session,
)
from tests.factories import EmployeeFactory
from tests.formation.factories import EnrolmentFactory, SessionFactory, TrainerFactory, VenueFactory

PUBLIC = reverse("calendar:sessions")


def uids(session: Session) -> set[str]:
    return {f"slot-{pk}@formation.coorace.org" for pk in session.slots.values_list("pk", flat=True)}


def events_of(content: bytes, session: Session) -> list:
    return [event for event in Calendar.from_ical(content).events if str(event["UID"]) in uids(session)]


def sequences(content: bytes, session: Session) -> set[int]:
    return {int(event["SEQUENCE"]) for event in events_of(content, session)}


def admin_post(client, instance, **changes):
    """Post the admin change form of `instance` with `changes`, as a user editing it in /admin/ would."""
    meta = instance._meta
    data = {field.name: getattr(instance, field.attname) or "" for field in meta.fields
            if field.editable and not field.primary_key}
    response = client.post(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[instance.pk]),
                           data | changes)
    assert response.status_code == 302, response.content[:2000]


@pytest.fixture
def venue(db):
    return VenueFactory(name="Salle Ouessant", address="17 rue Froment")


@pytest.fixture
def trainer(db):
    return TrainerFactory(first_name="Nadia", last_name="Benali")


@pytest.fixture
def session(venue, trainer):
    session = SessionFactory(venue=venue)
    session.trainers.add(trainer)
    return session


# --- 1. edits of a venue, a trainer, an employee --------------------------------------------------------

def test_a_venue_address_edited_in_the_admin_reaches_subscribers(client, admin_user, session, venue):
    past = timezone.now() - datetime.timedelta(days=30)
    completed = SessionFactory(venue=venue, status=Session.Status.COMPLETED, starts_at=past,
                               ends_at=past + datetime.timedelta(hours=8))
    first = client.get(PUBLIC)
    before = sequences(first.content, session)
    client.force_login(admin_user)
    admin_post(client, venue, address="2 place du Marché")
    client.logout()
    second = client.get(PUBLIC, headers={"If-None-Match": first["ETag"]})
    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]
    [event, *_rest] = events_of(second.content, session)
    assert str(event["LOCATION"]) == "Salle Ouessant, 2 place du Marché, 75011 Paris"
    assert min(sequences(second.content, session)) > max(before)
    assert Session.objects.get(pk=session.pk).updated_at > session.updated_at  # the events' DTSTAMP
    assert Session.objects.get(pk=completed.pk).sequence == completed.sequence  # its events record what took place
    entry = AuditEntry.objects.get(action="formation.venue.sessions_resequenced")
    assert entry.data == {"fields": ["address"], "sessions": 1}
    raised = Session.objects.get(pk=session.pk).sequence
    client.force_login(admin_user)
    admin_post(client, Venue.objects.get(pk=venue.pk), delegation=VenueFactory().delegation_id)  # not printed
    assert Session.objects.get(pk=session.pk).sequence == raised
    assert AuditEntry.objects.filter(action="formation.venue.sessions_resequenced").count() == 1


def test_a_trainer_renamed_in_the_admin_reaches_subscribers(client, admin_user, session, trainer):
    trainer_url = reverse("calendar:trainer", args=[trainer.calendar_token])
    public, personal = client.get(PUBLIC), client.get(trainer_url)
    client.force_login(admin_user)
    admin_post(client, trainer, last_name="Benali-Martin")
    client.logout()
    for url, first in ((PUBLIC, public), (trainer_url, personal)):
        second = client.get(url, headers={"If-None-Match": first["ETag"]})
        assert second.status_code == 200, url
        assert second["ETag"] != first["ETag"]
        assert "Nadia Benali-Martin" in str(events_of(second.content, session)[0]["DESCRIPTION"])
        assert min(sequences(second.content, session)) > max(sequences(first.content, session))


def test_a_renamed_employee_reaches_the_organisation_feed(client, organisation, hr_user):
    enrolment = EnrolmentFactory(employee=EmployeeFactory(organisation=organisation, last_name="Diallo"))
    url = reverse("calendar:organisation", args=[organisation_calendar_for(organisation).token])
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304
    assert len(queries) <= 4  # the token, then the sessions, the trainer links and the enrolments, aggregated
    update_employee(employee_id=enrolment.employee_id, data={"last_name": "Diallo-Sow"}, by=hr_user)
    second = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert second.status_code == 200
    assert b"Diallo-Sow" in second.content


# --- 2. a draft cancelled before publication ------------------------------------------------------------

def test_a_draft_cancelled_before_publication_stays_out_of_public_and_trainer_feeds(client, trainer, staff_user):
    never = SessionFactory(status=Session.Status.DRAFT)
    opened = SessionFactory(status=Session.Status.DRAFT)
    for draft in (never, opened):
        draft.trainers.add(trainer)
    open_session(session_id=opened.pk, by=staff_user)
    for draft in (never, opened):
        cancel_session(session_id=draft.pk, reason="Abandonnée", by=staff_user)
    for url in (PUBLIC, reverse("calendar:trainer", args=[trainer.calendar_token])):
        content = client.get(url).content
        assert events_of(content, never) == [], url
        assert {str(event["STATUS"]) for event in events_of(content, opened)} == {"CANCELLED"}, url


# --- 3. every lifecycle step raises SEQUENCE ------------------------------------------------------------

def test_opening_a_session_raises_its_sequence(client, staff_user):
    draft = SessionFactory(status=Session.Status.DRAFT)
    client.force_login(staff_user)  # staff may download a draft
    before = sequences(client.get(reverse("calendar:session", args=[draft.pk])).content, draft)
    open_session(session_id=draft.pk, by=staff_user)
    assert min(sequences(client.get(PUBLIC).content, draft)) > max(before)


def test_confirming_a_session_raises_its_sequence(client, session, staff_user):
    before = sequences(client.get(PUBLIC).content, session)
    confirm_session(session_id=session.pk, by=staff_user, despite_minimum=True)
    assert min(sequences(client.get(PUBLIC).content, session)) > max(before)


def test_completing_a_session_raises_its_sequence(client, staff_user):
    past = timezone.now() - datetime.timedelta(days=3)
    done = SessionFactory(status=Session.Status.CONFIRMED, starts_at=past, ends_at=past + datetime.timedelta(hours=8))
    before = sequences(client.get(PUBLIC).content, done)
    complete_session(session_id=done.pk, by=staff_user)
    assert min(sequences(client.get(PUBLIC).content, done)) > max(before)


# --- 4. removals and If-Modified-Since ------------------------------------------------------------------

def test_a_trainer_taken_off_a_session_is_not_answered_304(client, trainer, staff_user):
    kept, left = SessionFactory(), SessionFactory(venue=VenueFactory())
    for session in (kept, left):
        session.trainers.add(trainer)
    url = reverse("calendar:trainer", args=[trainer.calendar_token])
    first = client.get(url)
    update_session(session_id=left.pk, capacity=left.capacity, min_participants=left.min_participants,
                   enrolment_deadline=left.enrolment_deadline, venue_id=left.venue_id, remote_url="", trainer_ids=[],
                   by=staff_user)
    since = first.get("Last-Modified") or "Tue, 01 Jan 2999 00:00:00 GMT"  # none sent: any date must not give 304
    second = client.get(url, headers={"If-Modified-Since": since})
    assert second.status_code == 200
    assert events_of(second.content, left) == []
    assert "Last-Modified" not in second


def test_a_cancelled_enrolment_is_not_answered_304(client, organisation, hr_user):
    kept, dropped = (EnrolmentFactory(employee=EmployeeFactory(organisation=organisation)) for _ in range(2))
    url = reverse("calendar:organisation", args=[organisation_calendar_for(organisation).token])
    first = client.get(url)
    cancel_enrolment(enrolment_id=dropped.pk, by=hr_user)
    since = first.get("Last-Modified") or "Tue, 01 Jan 2999 00:00:00 GMT"
    second = client.get(url, headers={"If-Modified-Since": since})
    assert second.status_code == 200
    assert events_of(second.content, dropped.session) == [] and events_of(second.content, kept.session)
    assert "Last-Modified" not in second


# --- 5. the calendar's name is TEXT ---------------------------------------------------------------------

def test_the_calendar_name_is_escaped_as_text(client, organisation):
    organisation.legal_name = 'ACI "Le Relais", Nord; Est\\Ouest'
    organisation.save()
    content = client.get(reverse("calendar:organisation", args=[organisation_calendar_for(organisation).token])).content
    lines = content.replace(b"\r\n ", b"").split(b"\r\n")
    escaped = 'COORACE Formation – ACI "Le Relais"\\, Nord\\; Est\\\\Ouest'
    assert f"X-WR-CALNAME:{escaped}".encode() in lines and f"NAME:{escaped}".encode() in lines
    as_text = Event.from_ical(f"BEGIN:VEVENT\r\nSUMMARY:{escaped}\r\nEND:VEVENT\r\n")["SUMMARY"]  # read as TEXT
    assert str(as_text) == 'COORACE Formation – ACI "Le Relais", Nord; Est\\Ouest'
