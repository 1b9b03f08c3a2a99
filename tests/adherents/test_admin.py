import pytest
from django.urls import reverse

from adherents.models import Organisation
from tests.factories import DelegationFactory, OrganisationFactory


def organisation_form(**overrides):
    data = {
        "legal_name": "Atelier Passerelle", "siret": "73282932000074", "kind": "ACI",
        "delegation": DelegationFactory().pk, "opco": "uniformation", "idcc": "3016", "headcount_band": "lt50",
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
    }
    return data | overrides


@pytest.mark.django_db
class TestOrganisationAdmin:
    def test_lists_search_and_filters_work(self, client, admin_user):
        OrganisationFactory(legal_name="Chantier Horizon")
        client.force_login(admin_user)
        url = reverse("admin:adherents_organisation_changelist")
        assert "Chantier Horizon" in client.get(url, {"q": "horizon"}).content.decode()
        assert client.get(url, {"kind__exact": "ETTI"}).status_code == 200
        for name in ("employee", "membership", "delegation", "memberuser"):
            assert client.get(reverse(f"admin:adherents_{name}_changelist"), {"q": "x"}).status_code == 200

    def test_valid_organisation_is_created(self, client, admin_user):
        client.force_login(admin_user)
        response = client.post(reverse("admin:adherents_organisation_add"), organisation_form())
        assert response.status_code == 302
        assert Organisation.objects.get().siret == "73282932000074"

    @pytest.mark.parametrize("overrides, message", [
        ({"siret": "73282932000075"}, "clé de contrôle"),
        ({"siret": "1234"}, "14 chiffres"),
        ({"delegation": "999999"}, "Sélectionnez un choix valide"),
        ({"idcc": "12a"}, "Un IDCC comporte 4 chiffres"),
    ])
    def test_bad_input_is_refused_in_french_and_saves_nothing(self, client, admin_user, overrides, message):
        client.force_login(admin_user)
        response = client.post(reverse("admin:adherents_organisation_add"), organisation_form(**overrides))
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not Organisation.objects.exists()

    def test_duplicate_siret_is_refused(self, client, admin_user):
        OrganisationFactory(siret="73282932000074")
        client.force_login(admin_user)
        response = client.post(reverse("admin:adherents_organisation_add"), organisation_form())
        assert "existe déjà" in response.content.decode()
        assert Organisation.objects.count() == 1
