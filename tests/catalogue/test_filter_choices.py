"""The catalogue's theme and delegation lists are cached, and any change to them clears the cache."""

import pytest
from django.urls import reverse

from adherents.models import Delegation
from catalogue.filters import choice_lists
from tests.catalogue.factories import ThemeFactory

pytestmark = pytest.mark.django_db


def theme_options(client) -> list[str]:
    form = client.get(reverse("catalogue:list")).context["filter"].form
    return [label for value, label in form.fields["theme"].choices if value]


def test_the_lists_are_read_once_then_served_from_the_cache(django_assert_num_queries):
    ThemeFactory(name="Numérique", slug="numerique")
    with django_assert_num_queries(1):
        first = choice_lists()
    with django_assert_num_queries(0):
        assert choice_lists() == first
    assert [name for _pk, _slug, name in first[0]] == ["Numérique"]


def test_a_renamed_theme_shows_on_the_next_page(client):
    theme = ThemeFactory(name="Numérique", slug="numerique")
    assert theme_options(client) == ["Numérique"]
    theme.name = "Numérique et bureautique"
    theme.save()
    ThemeFactory(name="Accompagnement", slug="accompagnement")
    assert theme_options(client) == ["Accompagnement", "Numérique et bureautique"]
    theme.delete()
    assert theme_options(client) == ["Accompagnement"]


def test_a_new_delegation_clears_the_lists_too():
    before = len(choice_lists()[1])
    Delegation.objects.create(code="ZZ", name="Délégation de test")
    assert len(choice_lists()[1]) == before + 1
