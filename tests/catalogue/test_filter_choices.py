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


def test_a_renamed_theme_shows_on_the_next_page(client, django_capture_on_commit_callbacks):
    theme = ThemeFactory(name="Numérique", slug="numerique")
    assert theme_options(client) == ["Numérique"]
    with django_capture_on_commit_callbacks(execute=True):
        theme.name = "Numérique et bureautique"
        theme.save()
        ThemeFactory(name="Accompagnement", slug="accompagnement")
    assert theme_options(client) == ["Accompagnement", "Numérique et bureautique"]
    with django_capture_on_commit_callbacks(execute=True):
        theme.delete()
    assert theme_options(client) == ["Accompagnement"]


def test_the_cached_lists_are_cleared_only_once_the_change_is_committed(django_capture_on_commit_callbacks):
    ThemeFactory(name="Numérique", slug="numerique")
    choice_lists()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ThemeFactory(name="Accompagnement", slug="accompagnement")
    assert [name for _pk, _slug, name in choice_lists()[0]] == ["Numérique"]  # not committed yet
    for callback in callbacks:
        callback()
    assert [name for _pk, _slug, name in choice_lists()[0]] == ["Accompagnement", "Numérique"]


def test_a_new_delegation_clears_the_lists_too(django_capture_on_commit_callbacks):
    before = len(choice_lists()[1])
    with django_capture_on_commit_callbacks(execute=True):
        Delegation.objects.create(code="ZZ", name="Délégation de test")
    assert len(choice_lists()[1]) == before + 1
