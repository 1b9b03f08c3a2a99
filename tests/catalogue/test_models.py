from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

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
