import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.urls import reverse

from catalogue.models import Course
from catalogue.search import normalise, search_document
from tests.catalogue.factories import CourseFactory


@pytest.mark.django_db
class TestConstraints:
    """What must hold is refused by the database itself, whatever code writes the row."""

    @pytest.mark.parametrize("changes", [
        {"member_price": Decimal("-1.00")},
        {"public_price": Decimal("-1.00"), "member_price": Decimal("-2.00")},
        {"intra_price_per_day": Decimal("-0.01")},
        {"member_price": Decimal("450.01")},  # above the public price of 450
        {"duration_hours": Decimal("0")},
        {"duration_days": Decimal("0")},
        {"nsf_code": "33t"},
        {"nsf_code": "332T"},
        {"certification_code": "ABC123"},
        {"audience": "martians"},
        {"modality": "telepathy"},
    ])
    def test_invalid_rows_are_refused(self, changes):
        course = CourseFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            Course.objects.filter(pk=course.pk).update(**changes)

    def test_member_price_equal_to_public_price_is_allowed(self):
        course = CourseFactory()
        Course.objects.filter(pk=course.pk).update(member_price=Decimal("450.00"), certification_code="RS5080")
        course.refresh_from_db()
        assert course.member_saving == Decimal("0.00")

    def test_the_code_is_unique(self):
        CourseFactory(code="ASP-01")
        with pytest.raises(IntegrityError), transaction.atomic():
            CourseFactory(code="ASP-01", slug="other")


def test_search_ignores_accents_and_case():
    assert normalise("  Sécurité   au TRAVAIL ") == "securite au travail"
    assert search_document(code="SST-01", title="Prévention", objectives=["Évaluer les risques"]) == \
        "sst-01 prevention evaluer les risques"


def test_ligatures_are_spelled_out_as_people_type_them():
    assert normalise("Mettre en Œuvre un CURRICULUM vitæ") == "mettre en oeuvre un curriculum vitae"


@pytest.mark.django_db
def test_a_search_for_oeuvre_finds_the_courses_written_with_the_ligature(client):
    course = CourseFactory(title="Mettre en œuvre un projet", published=True)
    for query in ("oeuvre", "œuvre", "ŒUVRE"):
        response = client.get(reverse("catalogue:list"), {"q": query})
        assert course.title in response.content.decode(), query


@pytest.mark.django_db
def test_the_search_texts_already_stored_get_their_ligatures_spelled_out():
    course = CourseFactory(title="Mettre en œuvre")
    Course.objects.filter(pk=course.pk).update(search_text="asp-01 mettre en œuvre, vitæ")
    migration = importlib.import_module("catalogue.migrations.0002_search_text_ligatures_spelled_out")
    migration.spell_out_ligatures(apps, schema_editor=None)
    course.refresh_from_db()
    assert course.search_text == "asp-01 mettre en oeuvre, vitae"
