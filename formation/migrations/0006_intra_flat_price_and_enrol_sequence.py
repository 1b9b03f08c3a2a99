"""An intra session has a flat price, and the PostgreSQL enrolment raises the calendar's SEQUENCE.

- Session.intra_price: what the organisation of an intra session pays for the whole session, frozen when it is
  scheduled (the course's intra price per day times its days). The intra sessions already scheduled get it from
  their course as it is now. Their trainees are enrolled at the new basis "intra" (nothing each); enrolments
  already made keep the price frozen on them.
- formation_enrol() (migration 0003) prices an intra session's trainees that way too, and when it fills the last
  seat it raises the session's SEQUENCE, as the ORM enrolment does: subscribed calendars show the session full.
"""

import importlib
from decimal import Decimal

from django.db import migrations, models

PREVIOUS = importlib.import_module("formation.migrations.0003_postgresql_enrol_function")

MEMBER_OR_PUBLIC = "    IF EXISTS (SELECT 1 FROM adherents_membership ms"
INTRA_FIRST = """    IF v_session.kind = 'intra' THEN
        out_basis := 'intra';
        out_unit_price := 0;
    ELSIF EXISTS (SELECT 1 FROM adherents_membership ms"""
FULL = "UPDATE formation_session SET status = 'full', updated_at = p_now WHERE id = p_session;"
FULL_AND_SEQUENCE = ("UPDATE formation_session SET status = 'full', sequence = sequence + 1, updated_at = p_now "
                     "WHERE id = p_session;")


def replaced(text: str, old: str, new: str) -> str:
    if text.count(old) != 1:
        raise ValueError(f"expected once in the previous SQL: {old[:60]!r}")
    return text.replace(old, new)


OLD_FUNCTION = replaced(PREVIOUS.FUNCTION, "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")
FUNCTION = replaced(replaced(OLD_FUNCTION, MEMBER_OR_PUBLIC, INTRA_FIRST), FULL, FULL_AND_SEQUENCE)


def on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


def price_intra_sessions(apps, schema_editor):
    Session = apps.get_model("formation", "Session")
    for session in Session.objects.filter(kind="intra").select_related("course"):
        course = session.course
        session.intra_price = (course.intra_price_per_day * course.duration_days).quantize(Decimal("0.01"))
        session.save(update_fields=["intra_price"])


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0004_course_sort_title"),
        ("formation", "0005_session_published_at_data"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="enrolment", name="enrolment_basis_known"),
        migrations.AddField(
            model_name="session",
            name="intra_price",
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=10, null=True,
                                      verbose_name="intra price (whole session)"),
        ),
        migrations.AlterField(
            model_name="enrolment",
            name="price_basis",
            field=models.CharField(choices=[("member", "member rate"), ("public", "public rate"),
                                            ("intra", "included in the intra session's flat price")],
                                   max_length=6, verbose_name="rate"),
        ),
        migrations.AddConstraint(
            model_name="enrolment",
            constraint=models.CheckConstraint(condition=models.Q(("price_basis__in", ["member", "public", "intra"])),
                                              name="enrolment_basis_known"),
        ),
        migrations.RunPython(price_intra_sessions, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="session",
            constraint=models.CheckConstraint(
                condition=models.Q(models.Q(("intra_price__isnull", True), ("kind", "inter")),
                                   models.Q(("intra_price__gte", 0), ("intra_price__isnull", False), ("kind", "intra")),
                                   _connector="OR"),
                name="session_intra_has_a_price"),
        ),
        migrations.RunPython(on_postgresql(FUNCTION), on_postgresql(OLD_FUNCTION), elidable=False),
    ]
