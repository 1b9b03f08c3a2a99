"""The search text of each course with its ligatures spelled out, as catalogue.search.normalise now writes it
(before, « œuvre » was kept as it is and a search for "oeuvre" missed it). Accents were already removed, and
a ligature has no accent to remove: spelling it out in the stored text is all that changes."""

from django.db import migrations

LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})  # catalogue.search.LIGATURES when this migration was written


def spell_out_ligatures(apps, schema_editor):
    Course = apps.get_model("catalogue", "Course")
    for course in Course.objects.only("search_text").iterator():
        spelled = course.search_text.translate(LIGATURES)
        if spelled != course.search_text:
            course.search_text = spelled
            course.save(update_fields=["search_text"])


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]

    operations = [migrations.RunPython(spell_out_ligatures, migrations.RunPython.noop, elidable=False)]
