"""Session.published_at for the sessions that existed before the field.

Open, full, confirmed and completed sessions were all published (only open_session leaves draft): published_at
is the time of their "formation.session.opened" audit entry, or their creation time when there is none.

A cancelled session may have been cancelled while still a draft, and its status no longer tells. The audit log
does: a session scheduled through the services ("formation.session.created") and opened ("…opened") was
published; one scheduled through the services and never opened was not, and stays out of the public and the
trainers' calendars. A cancelled session with no "created" entry was not made through the services (demo data,
imports): nothing tells, so it keeps what the calendars showed before, published.
"""

from django.db import migrations
from django.db.models import CharField, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Coalesce


def fill_published_at(apps, schema_editor):
    Session = apps.get_model("formation", "Session")
    AuditEntry = apps.get_model("core", "AuditEntry")
    about_session = AuditEntry.objects.filter(
        object_type="formation.session", object_id=Cast(OuterRef("pk"), output_field=CharField())
    )
    opened = about_session.filter(action="formation.session.opened")
    created = about_session.filter(action="formation.session.created")
    published = Q(status__in=["open", "full", "confirmed", "completed"]) | Q(
        Exists(opened) | ~Exists(created), status="cancelled"
    )
    Session.objects.filter(published).update(
        published_at=Coalesce(Subquery(opened.order_by("at").values("at")[:1]), F("created_at"))
    )


class Migration(migrations.Migration):

    dependencies = [
        ("formation", "0004_calendar_published_and_updated"),
        ("core", "0003_audit_without_passwords"),
    ]

    operations = [
        migrations.RunPython(fill_published_at, migrations.RunPython.noop),
    ]
