"""Refusals and failures answer in French, in the site's layout, and reveal nothing."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error


@pytest.mark.django_db
def test_a_missing_page_answers_404_in_french(client):
    response = client.get("/nulle-part/")
    page = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="fr">' in page and "Page introuvable" in page and "Not Found" not in page
    assert "Cette page n’existe pas" in page and "Retour à l’accueil" in page


@pytest.mark.django_db
def test_another_members_organisation_is_a_french_404_that_names_nothing(client, hr_user, other_organisation):
    client.force_login(hr_user)
    response = client.get(reverse("adherents:employees", args=[other_organisation.pk]))
    page = response.content.decode()
    assert response.status_code == 404 and "Page introuvable" in page
    assert other_organisation.legal_name not in page


@pytest.mark.django_db
def test_a_page_of_another_role_is_a_french_403(client, hr_user):
    client.force_login(hr_user)
    response = client.get(reverse("audit_log"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "Accès refusé" in page and "Forbidden" not in page and '<html lang="fr">' in page
    assert "Votre compte ne donne pas accès à cette page." in page


@pytest.mark.django_db
def test_an_expired_form_says_so_in_french(hr_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(hr_user)
    response = client.post(reverse("logout"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "Ce formulaire a expiré" in page and "Forbidden" not in page and '<html lang="fr">' in page
    assert "Rien n’a été enregistré." in page


def test_the_server_error_page_is_french_and_needs_no_context():
    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="fr">' in page and "Une erreur est survenue" in page
