"""Enrolment POST against a bare one-insert view; the planning page at full scale (5,000 sessions)."""

import itertools

from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from adherents.models import Employee, MemberUser
from bench.measure import Check, Result, interleaved_medians
from config.celery import app
from core.models import User
from formation.models import Session


def open_session_for(member: MemberUser) -> Session:
    """A session with room for every iteration: the benchmark measures enrolment, not the waiting list."""
    session = Session.objects.filter(status=Session.Status.OPEN, kind=Session.Kind.INTER).order_by("-starts_at").first()
    Session.objects.filter(pk=session.pk).update(capacity=1000)
    return session


def run():
    # With a broker, the request only queues the notice; the in-memory broker stands for Redis here.
    app.conf.update(broker_url="memory://localhost/", task_always_eager=False)
    with override_settings(ROOT_URLCONF="bench.urls", EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        member = MemberUser.objects.select_related("user").get(user__username="adherent")
        client = Client()
        client.force_login(member.user)
        session = open_session_for(member)
        enrolled = session.enrolments.values("employee")
        employees = iter(Employee.objects.active().filter(organisation=member.organisation).exclude(pk__in=enrolled)
                         .values_list("pk", flat=True))
        url, bare = reverse("formation:enrol", args=[session.pk]), reverse("bench_insert")
        counter = itertools.count()

        def enrol():
            response = client.post(url, {"step": "confirm", "employees": [next(employees)]})
            assert response.status_code == 302, response.status_code

        subject, baseline = interleaved_medians(enrol, lambda: client.post(bare, {"n": next(counter)}), repeat=15)
        yield Result("enrolment POST vs bare one-insert view", subject, baseline, limit=3.0,
                     note="notices queued to an in-memory broker, as with Redis")
        with CaptureQueriesContext(connection) as subject_queries:
            enrol()
        with CaptureQueriesContext(connection) as baseline_queries:
            client.post(bare, {"n": next(counter)})
        yield Check("enrolment POST queries (informative)", True,
                    f"{len(subject_queries)} queries, bare view {len(baseline_queries)}")

        staff = Client()
        staff.force_login(User.objects.get(username="formation"))
        planning = reverse("formation:sessions")
        counts = {}
        for per_page in (10, 50):
            with CaptureQueriesContext(connection) as queries:
                assert staff.get(planning, {"per_page": per_page}).status_code == 200
            counts[per_page] = len(queries)
        total = Session.objects.count()
        yield Check("planning page queries for 10 and 50 rows", counts[10] == counts[50],
                    f"{counts[10]} and {counts[50]} queries at {total} sessions")
        subject, baseline = interleaved_medians(lambda: staff.get(planning), lambda: staff.get(reverse("bench_sessions")))
        yield Result("planning page vs bare .values() view (informative)", subject, baseline, limit=float("inf"),
                     note=f"{total} sessions")
    app.conf.update(broker_url="", task_always_eager=True)
