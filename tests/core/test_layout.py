"""The layout's fixed parts are kept drawn (core/layout.py): each person still sees their own, and up to date."""

import re

import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse

from core.layout import LAYOUT_CACHE
from core.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def home_of(user) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse("home")).content.decode()


def test_each_person_sees_their_own_name_and_role():
    first = UserFactory(first_name="Alice", last_name="Martin", role=Role.FINANCE)
    second = UserFactory(first_name="Bruno", last_name="Diallo", role=Role.TRAINER)
    for _ in range(2):  # the second time from the cache
        first_page, second_page = home_of(first), home_of(second)
        assert "Alice Martin" in first_page and "(Équipe financière)" in first_page and "Bruno Diallo" not in first_page
        assert "Bruno Diallo" in second_page and "(Formateur)" in second_page and "Alice Martin" not in second_page


def test_a_renamed_person_or_a_new_role_shows_at_once():
    user = UserFactory(first_name="Alice", last_name="Martin", role=Role.FINANCE)
    assert "Alice Martin" in home_of(user)
    user.first_name, user.role = "Alicia", Role.TRAINING
    user.save()
    page = home_of(user)
    assert "Alicia Martin" in page and "Alice Martin" not in page
    assert "(Équipe financière)" not in page


def test_the_logout_form_carries_this_visitor_s_own_token():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    home_of(user)  # the fragments are cached by another visitor first
    page = client.get(reverse("home")).content.decode()
    token = TOKEN.search(page).group(1)
    assert client.post(reverse("logout"), {"csrfmiddlewaretoken": token}).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_visitor_and_a_member_see_their_own_header(hr_client):
    for _ in range(2):  # the second time from the cache
        visitor = Client().get(reverse("catalogue:list")).content.decode()
        member = hr_client.get(reverse("catalogue:list")).content.decode()
        assert reverse("login") in visitor and 'class="navbar-brand fw-semibold" href="/catalogue/' in visitor
        assert 'class="navbar-brand fw-semibold" href="/"' in member and reverse("login") not in member


def test_a_changed_setting_empties_the_layout_cache():
    caches[LAYOUT_CACHE].set("probe", "kept")
    with override_settings(STATIC_URL="/elsewhere/"):
        assert caches[LAYOUT_CACHE].get("probe") is None


def test_settings_without_the_layout_cache_can_still_be_changed():
    from django.conf import settings

    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}):
        with override_settings(STATIC_URL="/elsewhere/"):
            assert settings.STATIC_URL == "/elsewhere/"
        assert "layout" not in settings.CACHES
    assert "layout" in settings.CACHES


def test_the_person_s_menu_escapes_their_name_and_speaks_french():
    user = UserFactory(first_name="<Alice>", last_name="& Co", role=Role.FINANCE)
    client = Client()
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    assert "&lt;Alice&gt; &amp; Co" in page and "<Alice>" not in page
    assert ">Changer mon mot de passe</a>" in page and ">Se déconnecter</button>" in page
