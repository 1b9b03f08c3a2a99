import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from icalendar import Calendar

from formation import calendar
from formation.calendar_tokens import organisation_calendar_for
from formation.models import Session
from formation.services import cancel_enrolment, cancel_session, reschedule_slot
from tests.factories import EmployeeFactory, OrganisationFactory, UserFactory
from tests.formation.factories import EnrolmentFactory, SessionFactory, TrainerFactory, VenueFactory

PARIS = ZoneInfo("Europe/Paris")


def parse(content: bytes) -> Calendar:
    """The document parsed back by icalendar, failing on any parser error in any component."""
    parsed = Calendar.from_ical(content)
    assert [(component.name, component.errors) for component in parsed.walk() if component.errors] == []
    assert parsed.get_missing_tzids() == set()
    parsed.validate()
    return parsed


def feed(client, url: str, **headers) -> Calendar:
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return parse(response.content)


def events(parsed: Calendar) -> dict[str, object]:
    return {str(event["UID"]): event for event in parsed.events}


@pytest.fixture
def session(db):
    session = SessionFactory(course__title="Accueillir, orienter; accompagner", venue__name="Salle Ouessant")
    session.trainers.add(TrainerFactory(first_name="Nadia", last_name="Benali"))
    return session


def test_public_feed_has_one_event_per_half_day_in_paris_time(client, session):
    parsed = feed(client, reverse("calendar:sessions"))
    slots = list(session.slots.order_by("starts_at"))
    found = events(parsed)
    assert set(found) == {f"slot-{slot.pk}@formation.coorace.org" for slot in slots}
    first = found[f"slot-{slots[0].pk}@formation.coorace.org"]
    assert first["DTSTART"].params["TZID"] == "Europe/Paris"
    assert first.start == slots[0].starts_at.astimezone(PARIS)
    assert first.end == slots[0].ends_at.astimezone(PARIS)
    assert str(first["SUMMARY"]) == "Accueillir, orienter; accompagner (1/2)"
    assert str(first["STATUS"]) == "TENTATIVE"  # open for enrolment: not yet sure to run
    assert str(first["LOCATION"]) == "Salle Ouessant, 17 rue Froment, 75011 Paris"
    assert "Nadia Benali" in str(first["DESCRIPTION"])
    assert str(first["URL"]) == "http://testserver" + session.course.get_absolute_url()
    assert [tz.tz_name for tz in parsed.timezones] == ["Europe/Paris"]
    assert str(parsed["X-WR-CALNAME"]) == "Sessions COORACE Formation"
    assert parsed["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert parsed["REFRESH-INTERVAL"].dt == datetime.timedelta(hours=1)
    assert b"X-PUBLISHED-TTL:PT1H\r\n" in client.get(reverse("calendar:sessions")).content


def test_public_feed_leaves_out_drafts_intra_sessions_and_remote_links(client, session, organisation):
    draft = SessionFactory(status=Session.Status.DRAFT)
    intra = SessionFactory(kind=Session.Kind.INTRA, organisation=organisation)
    remote = SessionFactory(venue=None, remote_url="https://visio.example.org/secret-room")
    parsed = feed(client, reverse("calendar:sessions"))
    uids = set(events(parsed))
    for hidden in (draft, intra):
        assert not uids & {f"slot-{pk}@formation.coorace.org" for pk in hidden.slots.values_list("pk", flat=True)}
    assert len(uids) == 4  # session and remote, two half-days each
    assert b"secret-room" not in parsed.to_ical()
    assert any(str(event["LOCATION"]) == "À distance" for event in parsed.events if remote.course.title in event["SUMMARY"])


def test_status_maps_to_icalendar(client, session):
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CONFIRMED)
    assert {str(event["STATUS"]) for event in feed(client, reverse("calendar:sessions")).events} == {"CONFIRMED"}


def test_uids_are_unique_and_the_same_at_each_generation(client, session):
    SessionFactory()
    first = client.get(reverse("calendar:sessions")).content
    second = client.get(reverse("calendar:sessions")).content
    uids = [str(event["UID"]) for event in parse(first).events]
    assert len(uids) == len(set(uids)) == 4
    assert uids == [str(event["UID"]) for event in parse(second).events]
    assert first == second  # nothing random in a feed: DTSTAMP is the session's last change


def test_a_rescheduled_half_day_keeps_its_uid_with_a_higher_sequence(client, session, staff_user):
    slot = session.slots.order_by("starts_at").last()
    uid = f"slot-{slot.pk}@formation.coorace.org"
    before = events(feed(client, reverse("calendar:sessions")))[uid]
    new_start = slot.starts_at + datetime.timedelta(days=1)
    reschedule_slot(slot_id=slot.pk, starts_at=new_start, ends_at=new_start + datetime.timedelta(hours=3), by=staff_user)
    after = events(feed(client, reverse("calendar:sessions")))[uid]
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after.start == new_start.astimezone(PARIS)
    assert after.stamp >= before.stamp


def test_a_cancelled_session_stays_marked_cancelled_with_a_higher_sequence(client, session, staff_user):
    before = events(feed(client, reverse("calendar:sessions")))
    cancel_session(session_id=session.pk, reason="Formatrice malade, report à l'automne", by=staff_user)
    after = events(feed(client, reverse("calendar:sessions")))
    assert set(after) == set(before)
    for uid, event in after.items():
        assert str(event["STATUS"]) == "CANCELLED"
        assert event["SEQUENCE"] > before[uid]["SEQUENCE"]
        assert str(event["SUMMARY"]).startswith("Annulé : ")
        assert "Formatrice malade, report à l'automne" in str(event["DESCRIPTION"])


def test_a_feed_without_sessions_is_a_valid_calendar(client, db):
    parsed = feed(client, reverse("calendar:sessions"))
    assert parsed.events == []
    assert [tz.tz_name for tz in parsed.timezones] == ["Europe/Paris"]


def test_sessions_over_a_year_ago_leave_the_feed(client, db):
    old = SessionFactory(status=Session.Status.COMPLETED)
    moved = timezone.now() - datetime.timedelta(days=400)
    Session.objects.filter(pk=old.pk).update(starts_at=moved, ends_at=moved + datetime.timedelta(hours=8))
    assert feed(client, reverse("calendar:sessions")).events == []


def test_the_paris_timezone_agrees_with_the_tz_database():
    zone = parse(calendar.render(calendar.Feed(key="t", name="t", sessions=Session.objects.none()),
                                 base_url="http://x/")).timezones[0].to_tz(lookup_tzid=False)
    minute = datetime.timedelta(minutes=1)
    for year in range(1997, 2040):
        for month in (3, 10):  # the changes: last Sunday of March and of October, 01:00 UTC
            last_sunday = max(datetime.date(year, month, day) for day in range(25, 32)
                              if datetime.date(year, month, day).weekday() == 6)
            change = datetime.datetime.combine(last_sunday, datetime.time(1), tzinfo=datetime.UTC)
            for moment in (change - minute, change, change + datetime.timedelta(days=40)):
                assert moment.astimezone(zone).utcoffset() == moment.astimezone(PARIS).utcoffset(), moment


@pytest.mark.django_db
def test_long_french_text_is_folded_and_read_back_unchanged(client):
    title = "Être référent·e insertion : accueillir, orienter; suivre\\évaluer — " + "é" * 80
    reason = "Première ligne\nDeuxième ligne, avec virgule; et point-virgule\r\nTroisième\x07"
    session = SessionFactory(course__title=title, status=Session.Status.CONFIRMED)
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CANCELLED, cancellation_reason=reason)
    content = client.get(reverse("calendar:sessions")).content
    assert all(len(line) <= 75 for line in content.split(b"\r\n"))
    event = parse(content).events[0]
    assert str(event["SUMMARY"]) == f"Annulé : {title} (1/2)"
    assert "Première ligne\nDeuxième ligne, avec virgule; et point-virgule\nTroisième\n" in str(event["DESCRIPTION"])


# --- HTTP caching ---------------------------------------------------------------------------------------

def test_etag_and_last_modified_answer_304_without_building_the_feed(client, session, monkeypatch):
    url = reverse("calendar:sessions")
    response = client.get(url)
    etag, last_modified = response["ETag"], response["Last-Modified"]
    assert last_modified == http_date(int(Session.objects.get().updated_at.timestamp()))

    def fail(*args, **kwargs):
        raise AssertionError("the feed was built")

    monkeypatch.setattr(calendar, "render", fail)
    for headers in ({"If-None-Match": etag}, {"If-Modified-Since": last_modified}):
        with CaptureQueriesContext(connection) as queries:
            not_modified = client.get(url, headers=headers)
        assert not_modified.status_code == 304, headers
        assert not_modified["ETag"] == etag
        assert len(queries) <= 2


def test_a_change_gives_a_new_etag_and_a_full_answer(client, session, staff_user):
    url = reverse("calendar:sessions")
    first = client.get(url)
    slot = session.slots.first()
    later = slot.starts_at + datetime.timedelta(minutes=30)
    reschedule_slot(slot_id=slot.pk, starts_at=later, ends_at=slot.ends_at, by=staff_user)
    second = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]
    session.trainers.add(TrainerFactory(first_name="Ophélie"))  # no date changes: the trainer links count too
    assert client.get(url, headers={"If-None-Match": second["ETag"]}).status_code == 200


def test_an_old_if_modified_since_gets_the_feed(client, session):
    old = http_date((session.updated_at - datetime.timedelta(hours=1)).timestamp())
    assert client.get(reverse("calendar:sessions"), headers={"If-Modified-Since": old}).status_code == 200


# --- one session ----------------------------------------------------------------------------------------

def test_one_session_downloads_as_a_file(client, session):
    response = client.get(reverse("calendar:session", args=[session.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="session-{session.pk}.ics"'
    parsed = parse(response.content)
    assert len(parsed.events) == 2
    assert "REFRESH-INTERVAL" not in parsed


@pytest.mark.django_db
def test_a_draft_session_is_404_for_the_public_but_not_for_staff(client, staff_user):
    draft = SessionFactory(status=Session.Status.DRAFT)
    url = reverse("calendar:session", args=[draft.pk])
    assert client.get(url).status_code == 404
    client.force_login(staff_user)
    assert len(feed(client, url).events) == 2
    assert client.get(reverse("calendar:session", args=[draft.pk + 1000])).status_code == 404


def test_an_intra_session_is_seen_by_its_organisation_only(client, organisation, hr_user, other_hr_user):
    intra = SessionFactory(kind=Session.Kind.INTRA, organisation=organisation)
    url = reverse("calendar:session", args=[intra.pk])
    assert client.get(url).status_code == 404
    client.force_login(other_hr_user)
    assert client.get(url).status_code == 404
    client.force_login(hr_user)
    assert client.get(url).status_code == 200


def test_a_trainer_downloads_an_intra_session_they_run(client, organisation):
    user = UserFactory(role="trainer")
    intra = SessionFactory(kind=Session.Kind.INTRA, organisation=organisation)
    url = reverse("calendar:session", args=[intra.pk])
    client.force_login(user)
    assert client.get(url).status_code == 404
    intra.trainers.add(TrainerFactory(user=user))
    assert client.get(url).status_code == 200


# --- personal feeds -------------------------------------------------------------------------------------

def test_a_trainer_feed_shows_their_sessions_out_of_draft_with_remote_links(client, organisation):
    trainer = TrainerFactory()
    mine = SessionFactory(venue=None, remote_url="https://visio.example.org/room-42")
    intra = SessionFactory(kind=Session.Kind.INTRA, organisation=organisation, status=Session.Status.CONFIRMED)
    draft = SessionFactory(status=Session.Status.DRAFT)
    for session in (mine, intra, draft):
        session.trainers.add(trainer)
    SessionFactory()  # someone else's
    parsed = feed(client, reverse("calendar:trainer", args=[trainer.calendar_token]))
    assert len(parsed.events) == 4
    assert sorted(str(event["STATUS"]) for event in parsed.events) == ["CONFIRMED", "CONFIRMED", "TENTATIVE", "TENTATIVE"]
    assert "https://visio.example.org/room-42" in {str(event["LOCATION"]) for event in parsed.events}


@pytest.mark.parametrize("name", ["trainer", "organisation"])
def test_a_wrong_token_is_a_plain_404(client, db, name):
    OrganisationFactory()
    TrainerFactory()
    response = client.get(reverse(f"calendar:{name}", args=["x" * 27]))
    assert response.status_code == 404
    assert b"BEGIN:VCALENDAR" not in response.content
    assert response.content == client.get("/calendar/nothing-here.ics").content  # tells nothing more than any 404


def test_the_organisation_feed_never_shows_another_members_data(client, organisation, other_organisation):
    shared = SessionFactory()
    mine = EnrolmentFactory(session=shared, employee=EmployeeFactory(organisation=organisation, first_name="Awa",
                                                                      last_name="Diallo"))
    EnrolmentFactory(session=shared, employee=EmployeeFactory(organisation=other_organisation, first_name="Kevin",
                                                               last_name="Lemoine"))
    theirs_only = SessionFactory(kind=Session.Kind.INTRA, organisation=other_organisation)
    EnrolmentFactory(session=theirs_only, employee=EmployeeFactory(organisation=other_organisation))
    waiting = EnrolmentFactory(employee=EmployeeFactory(organisation=organisation, first_name="Léa", last_name="Roux"),
                               status="waitlisted")
    token = organisation_calendar_for(organisation).token
    content = client.get(reverse("calendar:organisation", args=[token])).content
    parsed = parse(content)
    sessions = {event["URL"] for event in parsed.events}
    assert len(parsed.events) == 4 and len(sessions) == 2  # the shared session and the waiting one
    descriptions = " ".join(str(event["DESCRIPTION"]) for event in parsed.events)
    assert str(mine.employee) in descriptions
    assert "Awa Diallo" in descriptions and "Liste d’attente : Léa Roux" in descriptions
    assert b"Kevin" not in content and b"Lemoine" not in content
    assert other_organisation.legal_name.encode() not in content
    assert not {f"slot-{pk}@formation.coorace.org" for pk in theirs_only.slots.values_list("pk", flat=True)} & set(
        events(parsed))
    assert waiting.session.course.title in " ".join(str(event["SUMMARY"]) for event in parsed.events)


def test_the_organisation_feed_keeps_a_cancelled_session_and_drops_a_cancelled_enrolment(
    client, organisation, hr_user, staff_user
):
    kept = EnrolmentFactory(employee=EmployeeFactory(organisation=organisation))
    dropped = EnrolmentFactory(employee=EmployeeFactory(organisation=organisation))
    url = reverse("calendar:organisation", args=[organisation_calendar_for(organisation).token])
    assert len(feed(client, url).events) == 4
    cancel_session(session_id=kept.session_id, reason="Trop peu d'inscrits", by=staff_user)
    cancel_enrolment(enrolment_id=dropped.pk, by=hr_user)
    parsed = feed(client, url)
    assert len(parsed.events) == 2
    assert {str(event["STATUS"]) for event in parsed.events} == {"CANCELLED"}
    assert str(kept.employee) in str(parsed.events[0]["DESCRIPTION"])


def test_the_organisation_feed_etag_follows_its_enrolments(client, organisation):
    enrolment = EnrolmentFactory(employee=EmployeeFactory(organisation=organisation))
    url = reverse("calendar:organisation", args=[organisation_calendar_for(organisation).token])
    etag = client.get(url)["ETag"]
    EnrolmentFactory(session=enrolment.session, employee=EmployeeFactory(organisation=organisation))
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


def test_feeds_take_a_fixed_number_of_queries(client, db):
    trainer = TrainerFactory()
    counts = []
    for _round in range(2):
        for _new in range(3):
            SessionFactory().trainers.add(trainer, TrainerFactory())
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("calendar:trainer", args=[trainer.calendar_token]))
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_venue_details_follow_the_session(client, db):
    SessionFactory(venue=VenueFactory(access_notes="Métro Voltaire", accessibility_notes="Ascenseur"))
    description = str(feed(client, reverse("calendar:sessions")).events[0]["DESCRIPTION"])
    assert "Métro Voltaire" in description and "Ascenseur" in description
