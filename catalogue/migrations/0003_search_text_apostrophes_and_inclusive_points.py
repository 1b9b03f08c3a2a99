"""The search text of each course with one apostrophe and without the points of inclusive spellings, as
catalogue.search.normalise now writes it (before, "d’insertion" typed on a phone missed "d'insertion", and
"salariées" missed « salarié·es »). The stored text was already in lower case without accents, and these
characters went through unchanged: replacing them in the stored text is all that changes. The rules are
copied here, as a migration must keep doing what it did when it was written."""

from django.db import migrations

# catalogue.search.PUNCTUATION when this migration was written
PUNCTUATION = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "·": None, "•": None})


def normalise_punctuation(apps, schema_editor):
    Course = apps.get_model("catalogue", "Course")
    for course in Course.objects.only("search_text").iterator():
        text = " ".join(course.search_text.translate(PUNCTUATION).split())
        if text != course.search_text:
            course.search_text = text
            course.save(update_fields=["search_text"])


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0002_search_text_ligatures_spelled_out")]

    operations = [migrations.RunPython(normalise_punctuation, migrations.RunPython.noop, elidable=False)]
