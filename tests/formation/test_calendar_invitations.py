import pytest
from django.urls import reverse

from formation.calendar import invitation
from formation.models import Enrolment
from formation.services import cancel_enrolment, cancel_session
from tests.factories import EmployeeFactory
from tests.formation.factories import EnrolmentFactory, SessionFactory
from tests.formation.test_calendar_feeds import parse

BASE = "https://formation.coorace.org/"


@pytest.fixture
def enrolment(organisation):
    session = SessionFactory(venue=None, remote_url="https://visio.example.org/salle-7")
    return EnrolmentFactory(session=session, employee=EmployeeFactory(
        organisation=organisation, first_name="Awa", last_name="Diallo", email="awa@example.org"))


def test_a_confirmed_enrolment_gets_a_request_with_its_own_uids(client, enrolment):
    sent = invitation(enrolment, base_url=BASE)
    assert sent.method == "REQUEST"
    assert sent.content_type == "text/calendar; charset=utf-8; method=REQUEST"
    parsed = parse(sent.content)
    assert str(parsed["METHOD"]) == "REQUEST"
    public = parse(client.get(reverse("calendar:sessions")).content)
    # The feed's events, as the trainee's own: each UID names the enrolment too (see test_invitation_review).
    assert sorted(str(e["UID"]) for e in parsed.events) == sorted(
        str(e["UID"]).replace("@", f"-enrolment-{enrolment.pk}@") for e in public.events)
    assert {e["SEQUENCE"] for e in parsed.events} == {enrolment.session.sequence}
    event = parsed.events[0]
    assert str(event["ORGANIZER"]) == "mailto:formation@coorace.org"
    assert event["ORGANIZER"].params["CN"] == "COORACE Formation"
    assert str(event["ATTENDEE"]) == "mailto:awa@example.org"
    assert event["ATTENDEE"].params["CN"] == "Awa Diallo"
    assert str(event["LOCATION"]) == "https://visio.example.org/salle-7"  # the trainee gets the remote link
    assert str(event["URL"]).startswith(BASE + "catalogue/")


def test_a_cancelled_enrolment_gets_a_cancel_for_the_same_events(enrolment, hr_user):
    request = parse(invitation(enrolment, base_url=BASE).content)
    cancel_enrolment(enrolment_id=enrolment.pk, by=hr_user)
    enrolment.refresh_from_db()
    sent = invitation(enrolment, base_url=BASE)
    assert sent.method == "CANCEL"
    parsed = parse(sent.content)
    assert str(parsed["METHOD"]) == "CANCEL"
    assert [str(e["UID"]) for e in parsed.events] == [str(e["UID"]) for e in request.events]
    assert {str(e["STATUS"]) for e in parsed.events} == {"CANCELLED"}
    # Same SEQUENCE (the session did not change) but a later DTSTAMP: the cancellation wins (RFC 5546 2.1.5).
    assert all(c["SEQUENCE"] == r["SEQUENCE"] and c.stamp >= r.stamp for c, r in zip(parsed.events, request.events, strict=True))


def test_a_cancelled_session_gets_a_cancel_with_a_higher_sequence(enrolment, staff_user):
    before = parse(invitation(enrolment, base_url=BASE).content).events[0]["SEQUENCE"]
    cancel_session(session_id=enrolment.session_id, reason="Salle indisponible", by=staff_user)
    enrolment = Enrolment.objects.select_related("session").get(pk=enrolment.pk)
    parsed = parse(invitation(enrolment, base_url=BASE).content)
    assert str(parsed["METHOD"]) == "CANCEL"
    assert {e["SEQUENCE"] for e in parsed.events} == {before + 1}


def test_without_any_address_there_is_no_attendee(enrolment):
    enrolment.employee.email = ""
    enrolment.organisation.contact_email = ""
    event = parse(invitation(enrolment, base_url=BASE).content).events[0]
    assert "ATTENDEE" not in event and "ORGANIZER" in event


def test_a_name_with_quotes_stays_a_valid_parameter(enrolment):
    enrolment.employee.first_name = 'Jean "Jo"; Paul,'
    event = parse(invitation(enrolment, base_url=BASE).content).events[0]
    assert event["ATTENDEE"].params["CN"] == "Jean 'Jo'; Paul, Diallo"
