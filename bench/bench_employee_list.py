"""A member's employee list at full scale against a bare .values() view of the same 25 rows."""

from django.db import connection
from django.db.models import Count
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from adherents.models import Employee, MemberUser
from bench.measure import Check, Result, interleaved_medians


def run():
    with override_settings(ROOT_URLCONF="bench.urls"):
        member = MemberUser.objects.select_related("user").get(user__username="adherent")
        client = Client()
        client.force_login(member.user)
        page = reverse("adherents:employees", args=[member.organisation_id])
        bare = reverse("bench_employees", args=[member.organisation_id])
        assert client.get(page).status_code == 200 and client.get(bare).status_code == 200

        subject, baseline = interleaved_medians(lambda: client.get(page), lambda: client.get(bare))
        total = Employee.objects.count()
        own = Employee.objects.filter(organisation_id=member.organisation_id).count()
        yield Result("employee list page vs bare .values() view", subject, baseline, limit=2.0,
                     note=f"{total} employees in the database, {own} in this organisation")

        logged_in = reverse("bench_employees_member", args=[member.organisation_id])
        subject, baseline = interleaved_medians(lambda: client.get(page), lambda: client.get(logged_in))
        yield Result("employee list page vs the same bare view behind the login (informative)", subject, baseline,
                     limit=float("inf"), note="the baseline also loads the session, the user and the organisation")

        # What every page costs before its content, against the same bare view: the part of the 2.0 the page's
        # own content (filters, table, pagination, export links) has left.
        layout = reverse("bench_empty_layout", args=[member.organisation_id])
        subject, baseline = interleaved_medians(lambda: client.get(layout), lambda: client.get(bare))
        yield Result("an empty page in the site's layout, behind the login, vs the bare view (informative)", subject,
                     baseline, limit=float("inf"), note="the login, the access rule and the layout, nothing else")

        counts = {}
        for per_page in (10, 50):
            with CaptureQueriesContext(connection) as queries:
                client.get(f"{page}?per_page={per_page}")
            counts[per_page] = len(queries)
        yield Check("queries for 10 and 50 rows", counts[10] == counts[50], f"{counts[10]} and {counts[50]}")

        biggest = Employee.objects.values("organisation").annotate(n=Count("pk")).order_by("-n").first()
        if biggest:
            admin_page = reverse("adherents:employees", args=[biggest["organisation"]])
            bare_big = reverse("bench_employees", args=[biggest["organisation"]])
            staff = Client()
            from core.models import User

            staff.force_login(User.objects.get(username="formation"))
            subject, baseline = interleaved_medians(lambda: staff.get(admin_page), lambda: staff.get(bare_big))
            yield Result("largest member's list (staff view)", subject, baseline, limit=2.0,
                         note=f"{biggest['n']} employees")
