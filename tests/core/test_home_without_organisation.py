"""A member HR account not yet linked to an organisation (the role's default) still gets a real home page."""

import pytest
from django.urls import reverse

from core.roles import Role
from tests.factories import UserFactory


@pytest.fixture
def unattached_client(client, db):
    client.force_login(UserFactory(username="nouvelle.rh", role=Role.MEMBER_HR))
    return client


def test_home_page_explains_the_account_is_not_attached_yet(unattached_client, settings):
    response = unattached_client.get(reverse("home"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Votre compte n’est pas encore rattaché à une structure adhérente." in page
    assert settings.TRAINING_BODY["contact_email"] in page


def test_home_page_links_to_no_organisation(unattached_client):
    page = unattached_client.get(reverse("home")).content.decode()
    assert "/adherents/" not in page
    assert "Votre structure" not in page
