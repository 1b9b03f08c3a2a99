"""A course's page address (title then code) is its own: a second course asking for the same one is refused by
the form, in French, before anything is saved (two hyphenated titles and codes may spell the same address)."""

import pytest
from django.urls import reverse

from catalogue.models import Course
from core.models import AuditEntry
from tests.catalogue.factories import CourseFactory, ThemeFactory
from tests.catalogue.test_course_editing import course_data

TAKEN = "formation-sst-01"


@pytest.fixture
def first(db):
    course = CourseFactory(code="SST-01", title="Formation")
    course.derive_fields()
    course.save()
    assert course.slug == TAKEN
    return course


@pytest.fixture
def theme(db):
    return ThemeFactory()


def refusal(response) -> str:
    assert response.status_code == 200
    return " ".join(response.context["form"].errors["title"])


@pytest.mark.django_db
class TestTheSameAddressTwice:
    def test_a_new_course_is_refused_and_nothing_is_saved(self, staff_client, first, theme):
        response = staff_client.post(reverse("catalogue:create"), course_data(theme, code="01", title="Formation SST"))
        message = refusal(response)
        assert "SST-01 · Formation" in message and TAKEN in message and "changez le titre ou le code" in message
        assert Course.objects.count() == 1 and not AuditEntry.objects.exists()

    def test_renaming_a_course_into_another_ones_address_is_refused(self, staff_client, first, theme):
        other = CourseFactory(code="01", title="Autre")
        response = staff_client.post(reverse("catalogue:update", args=[other.pk]),
                                     course_data(theme, code="01", title="Formation SST"))
        assert "SST-01 · Formation" in refusal(response)
        other.refresh_from_db()
        assert other.title == "Autre"

    def test_a_copy_under_such_a_code_and_title_is_refused(self, staff_client, first):
        response = staff_client.post(reverse("catalogue:duplicate", args=[first.pk]),
                                     {"code": "01", "title": "Formation SST"})
        assert "SST-01 · Formation" in refusal(response)
        assert Course.objects.count() == 1

    def test_a_course_saved_again_under_its_own_address_is_accepted(self, staff_client, first, theme):
        response = staff_client.post(reverse("catalogue:update", args=[first.pk]),
                                     course_data(theme, code="sst-01", title="Formation"))
        assert response.status_code == 302
        first.refresh_from_db()
        assert first.slug == TAKEN and first.code == "SST-01"


@pytest.mark.django_db
class TestAnOldAddress:
    """After a change of title, a link or bookmark to the old address still reaches the course (301)."""

    def test_redirects_to_the_new_address(self, client):
        course = CourseFactory(code="SST-01", title="Sauveteur secouriste", published=True)
        old = course.get_absolute_url()
        Course.objects.filter(pk=course.pk).update(slug=Course.address_for(title="Sauveteur secouriste du travail",
                                                                          code="SST-01"))
        response = client.get(old)
        assert response.status_code == 301
        assert response["Location"] == "/catalogue/sauveteur-secouriste-du-travail-sst-01/"

    def test_an_unpublished_course_is_not_revealed(self, client):
        course = CourseFactory(code="SST-02", title="Brouillon", published=False)
        assert client.get(f"/catalogue/ancien-titre-{course.code.lower()}/").status_code == 404

    def test_an_address_no_code_ends_is_404(self, client):
        CourseFactory(code="SST-03", published=True)
        assert client.get("/catalogue/ancien-titre-sst-99/").status_code == 404
