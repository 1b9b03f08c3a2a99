"""Every model of the project has its page in the Django admin, which lists, searches and filters it."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from core.models import AuditEntry
from tests.factories import DelegationFactory

PROJECT_APPS = ("core", "adherents", "catalogue", "formation", "mutualisation")
# A session's key is what its browser shows to be logged in: the admin's links and history would show every key.
NOT_IN_THE_ADMIN = {"core.LoginSession"}


def project_models():
    return [model for label in PROJECT_APPS for model in apps.get_app_config(label).get_models()
            if model._meta.label not in NOT_IN_THE_ADMIN]


def test_sessions_are_not_in_the_admin():
    from core.models import LoginSession

    assert LoginSession not in admin.site._registry


def test_every_model_of_the_project_is_in_the_admin():
    missing = [model._meta.label for model in project_models() if model not in admin.site._registry]
    assert missing == []


@pytest.mark.django_db
def test_every_admin_list_loads_searches_and_filters(client, admin_user):
    client.force_login(admin_user)
    for model in project_models():
        model_admin = admin.site._registry[model]
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
        if model_admin.search_fields:
            assert client.get(url, {"q": "x é'"}).status_code == 200, url


@pytest.mark.django_db
def test_venues_and_trainers_are_created_in_the_admin_and_audited(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("admin:formation_venue_add"), {
        "name": "Salle Jaurès", "address": "3 rue Jaurès", "postal_code": "35000", "city": "Rennes",
        "delegation": DelegationFactory().pk, "access_notes": "", "accessibility_notes": ""})
    assert response.status_code == 302
    response = client.post(reverse("admin:formation_trainer_add"), {
        "first_name": "Inès", "last_name": "Morel", "email": "ines.morel@example.org"})
    assert response.status_code == 302
    assert set(AuditEntry.objects.values_list("action", flat=True)) >= {"admin.formation.venue.created",
                                                                         "admin.formation.trainer.created"}


@pytest.mark.django_db
def test_sessions_and_enrolments_are_only_looked_at(client, admin_user):
    from tests.formation.factories import SessionFactory

    client.force_login(admin_user)
    for name in ("session", "enrolment", "attendance"):
        assert client.get(reverse(f"admin:formation_{name}_add")).status_code == 403
    session = SessionFactory()
    page = client.get(reverse("admin:formation_session_change", args=[session.pk])).content.decode()
    assert "Demi-journée" in page or "demi-journée" in page
    assert 'name="slots-0-starts_at"' not in page  # the half-days are shown, not editable
