"""The public calendar feed for 1,000 sessions (4,000 half-days) against fetching its rows with .values();
the 304 answer against a full generation; then, for information, the feeds at full demo scale.

The benchmark makes its own 1,000 sessions, all of one new course, and measures the public feed's view
restricted to that course (the demo data may hold thousands of other sessions), through the full stack.
"""

import datetime
import itertools
from decimal import Decimal

from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from adherents.models import Delegation, MemberUser
from bench.measure import Check, Result, interleaved_medians
from catalogue.models import Course
from formation import calendar
from formation.calendar_tokens import organisation_calendar_for
from formation.calendar_views import PublicFeedView
from formation.models import Session, Slot, Trainer, Venue
from formation.scheduling import plan_slots

SESSIONS = 1000
CODE = "BENCH-CALENDAR"


class CourseFeedView(PublicFeedView):
    """The public feed's view, showing only one course's sessions."""

    def get_feed(self):
        feed = super().get_feed()
        return calendar.Feed(key=f"bench-{self.kwargs['course_id']}", name=feed.name,
                             sessions=feed.sessions.filter(course_id=self.kwargs["course_id"]))


def seed_sessions() -> Course:
    """1,000 published inter sessions of two days (four half-days), with venues and one or two trainers each."""
    from tests.catalogue.factories import CourseFactory

    course = Course.objects.filter(code=CODE).first()
    if course is not None:
        return course
    course = CourseFactory(code=CODE, title="Accompagner les parcours d'insertion : repères, outils, pratiques",
                           slug="bench-calendar", duration_hours=Decimal("14"))
    delegations = list(Delegation.objects.order_by("pk")[:17])
    venues = Venue.objects.bulk_create(
        Venue(name=f"Salle banc d'essai {n}", address=f"{n} rue de la Coopération", postal_code="69003", city="Lyon",
              delegation=delegations[n % len(delegations)], access_notes="Métro ligne B, arrêt Place Guichard.",
              accessibility_notes="Salle de plain-pied.") for n in range(40))
    trainers = Trainer.objects.bulk_create(Trainer(first_name="Camille", last_name=f"Banc {n}") for n in range(60))
    statuses = itertools.cycle([Session.Status.OPEN] * 6 + [Session.Status.FULL, Session.Status.CONFIRMED,
                                                             Session.Status.CONFIRMED, Session.Status.CANCELLED])
    today = timezone.localdate()
    sessions, plans = [], []
    for n in range(SESSIONS):
        planned = plan_slots(today + datetime.timedelta(days=7 + n * 540 // SESSIONS), course.duration_hours)
        status = next(statuses)
        sessions.append(Session(
            course=course, status=status, venue=venues[n % len(venues)] if n % 10 else None,
            remote_url="" if n % 10 else f"https://visio.example.org/banc-{n}", capacity=12,
            enrolment_deadline=planned[0].starts_at.date() - datetime.timedelta(days=7),
            starts_at=planned[0].starts_at, ends_at=planned[-1].ends_at, sequence=n % 4, published_at=timezone.now(),
            cancellation_reason="Nombre d'inscrits insuffisant." if status == Session.Status.CANCELLED else "",
        ))
        plans.append(planned)
    Session.objects.bulk_create(sessions)
    Slot.objects.bulk_create(Slot(session=session, starts_at=p.starts_at, ends_at=p.ends_at)
                             for session, planned in zip(sessions, plans, strict=True) for p in planned)
    through = Session.trainers.through
    through.objects.bulk_create(through(session=session, trainer=trainers[(n + extra) % len(trainers)])
                                for n, session in enumerate(sessions) for extra in range(1 + n % 2))
    return course


def run():
    with override_settings(ROOT_URLCONF="bench.urls"):
        course = seed_sessions()
        client = Client()
        feed_url = reverse("bench_calendar_feed", args=[course.pk])
        bare = reverse("bench_calendar", args=[course.pk])
        response = client.get(feed_url)
        assert response.status_code == 200 and client.get(bare).status_code == 200
        parsed = Calendar.from_ical(response.content)
        errors = [component.errors for component in parsed.walk() if component.errors]
        slots = Slot.objects.filter(session__course=course).count()
        yield Check("feed parsed back by icalendar", not errors and len(parsed.events) == slots,
                    f"{len(parsed.events)} events for {slots} half-days, {len(errors)} components with errors, "
                    f"{len(response.content) // 1024} KiB")

        subject, baseline = interleaved_medians(lambda: client.get(feed_url), lambda: client.get(bare))
        yield Result("public feed, 1,000 sessions, vs bare .values() view", subject, baseline, limit=5.0,
                     note=f"{slots} half-days")

        etag = response["ETag"]
        with CaptureQueriesContext(connection) as queries:
            assert client.get(feed_url, headers={"If-None-Match": etag}).status_code == 304
        count = len(queries)
        subject, baseline = interleaved_medians(lambda: client.get(feed_url, headers={"If-None-Match": etag}),
                                                lambda: client.get(feed_url))
        yield Result("304 answer vs full generation", subject, baseline, limit=0.2, note=f"{count} queries")

        yield from full_scale(client)


def full_scale(client):
    """For information: the real public feed and the demo member's feed over the whole demo data."""
    public = calendar.public_sessions()
    subject, baseline = interleaved_medians(lambda: client.get(reverse("calendar:sessions")),
                                            lambda: client.get(reverse("bench_calendar_all")), repeat=7, warmup=1)
    yield Result("full public feed vs bare .values() view (informative)", subject, baseline, limit=float("inf"),
                 note=f"{public.count()} sessions, {Slot.objects.filter(session__in=public).count()} half-days")
    member = MemberUser.objects.filter(user__username="adherent").first()
    if member is not None:
        url = reverse("calendar:organisation", args=[organisation_calendar_for(member.organisation).token])
        sessions = calendar.organisation_sessions(member.organisation_id).count()
        timing = interleaved_medians(lambda: client.get(url), lambda: None, repeat=7, warmup=1)[0]
        yield Check("demo member's feed (informative)", True, f"{timing * 1000:.0f} ms for {sessions} sessions")
