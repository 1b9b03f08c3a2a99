"""Each course's title without accents or capitals, to sort by: sorted as typed, « Éducation » came after
« Zéro déchet ». The rules of catalogue.search.normalise are copied here, as a migration must keep doing what
it did when it was written."""

import unicodedata

from django.db import migrations, models

# catalogue.search.LIGATURES and PUNCTUATION when this migration was written
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})
PUNCTUATION = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "·": None, "•": None})


def normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(LIGATURES).translate(PUNCTUATION))
    return " ".join("".join(char for char in decomposed if not unicodedata.combining(char)).split())


def set_sort_titles(apps, schema_editor):
    Course = apps.get_model("catalogue", "Course")
    for course in Course.objects.only("title").iterator():
        course.sort_title = normalise(course.title)
        course.save(update_fields=["sort_title"])


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0003_search_text_apostrophes_and_inclusive_points")]

    operations = [
        migrations.AddField(
            model_name="course",
            name="sort_title",
            field=models.TextField(default="", editable=False, verbose_name="sort title"),
        ),
        migrations.RunPython(set_sort_titles, migrations.RunPython.noop, elidable=False),
        migrations.AlterModelOptions(
            name="course",
            options={"ordering": ["sort_title", "pk"], "verbose_name": "course", "verbose_name_plural": "courses"},
        ),
    ]
