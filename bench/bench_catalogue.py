"""The public catalogue at 5,000 courses, filtered, against a bare .values() view of the same 25 rows."""

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.measure import Check, Result, interleaved_medians
from catalogue.models import Course


def run():
    with override_settings(ROOT_URLCONF="bench.urls"):
        page = reverse("catalogue:list") + "?modality=in_person"
        bare = reverse("bench_courses") + "?modality=in_person"
        anonymous = Client()
        assert anonymous.get(page).status_code == 200 and anonymous.get(bare).status_code == 200
        total = Course.objects.count()
        matching = Course.objects.published().filter(modality="in_person").count()
        note = f"{total} courses in the database, {matching} match the filter"

        subject, baseline = interleaved_medians(lambda: anonymous.get(page), lambda: anonymous.get(bare))
        yield Result("catalogue, anonymous visitor, filtered by modality", subject, baseline, limit=2.0, note=note)

        member = Client()
        member.force_login(get_user_model().objects.get(username="adherent"))
        subject, baseline = interleaved_medians(lambda: member.get(page), lambda: member.get(bare))
        yield Result("catalogue, member HR (member rates), same filter", subject, baseline, limit=2.0, note=note)
        bare_member = reverse("bench_courses_member") + "?modality=in_person"
        subject, baseline = interleaved_medians(lambda: member.get(page), lambda: member.get(bare_member))
        yield Result("catalogue, member HR, vs the same bare view behind the login (informative)", subject, baseline,
                     limit=float("inf"), note="the baseline also reads the user and the membership status")

        searched = reverse("catalogue:list") + "?q=securite&sort=listed_price"
        bare_searched = reverse("bench_courses") + "?q=securite&sort=public_price"
        subject, baseline = interleaved_medians(lambda: anonymous.get(searched), lambda: anonymous.get(bare_searched))
        yield Result("catalogue, text search sorted by price", subject, baseline, limit=2.0, note="q=securite")

        counts = {}
        for per_page in (10, 50):
            with CaptureQueriesContext(connection) as queries:
                member.get(f"{page}&per_page={per_page}")
            counts[per_page] = len(queries)
        yield Check("catalogue queries for 10 and 50 rows", counts[10] == counts[50], f"{counts[10]} and {counts[50]}")
