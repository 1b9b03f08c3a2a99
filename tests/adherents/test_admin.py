import pytest
from django.urls import reverse

from adherents.models import Employee, Organisation
from tests.factories import DelegationFactory, EmployeeFactory, OrganisationFactory


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
        ({"siret": "\u00b23282932000074"}, "14 chiffres"),               # '²' passes str.isdigit()
        ({"siret": "\u0667\u0663\u0662\u0668\u0662\u0669\u0663\u0662\u0660\u0660\u0660\u0660\u0667\u0664"}, "14 chiffres"),
        ({"siret": "00000000000000"}, "clé de contrôle"),
    ])
    def test_bad_input_is_refused_in_french_and_saves_nothing(self, client, admin_user, overrides, message):
        client.force_login(admin_user)
        response = client.post(reverse("admin:adherents_organisation_add"), organisation_form(**overrides))
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not Organisation.objects.exists()

    def test_a_siret_typed_with_spaces_is_stored_without_them(self, client, admin_user):
        client.force_login(admin_user)
        response = client.post(reverse("admin:adherents_organisation_add"), organisation_form(siret="732 829 320 00074"))
        assert response.status_code == 302
        assert Organisation.objects.get().siret == "73282932000074"

    def test_duplicate_siret_is_refused(self, client, admin_user):
        OrganisationFactory(siret="73282932000074")
        client.force_login(admin_user)
        response = client.post(reverse("admin:adherents_organisation_add"), organisation_form())
        assert "existe déjà" in response.content.decode()
        assert Organisation.objects.count() == 1


def employee_form(organisation, **overrides):
    data = {"organisation": organisation.pk, "last_name": "Diallo", "first_name": "Awa", "population": "insertion",
            "contract_type": "CDDI", "job_title": "", "email": "", "mobile": "", "adaptation_need": "",
            "archived_at_0": "", "archived_at_1": ""}
    return data | overrides


@pytest.mark.django_db
class TestEmployeeAdmin:
    """The admin's employee form keeps the rules of HR's form."""

    def add(self, client, admin_user, data):
        client.force_login(admin_user)
        return client.post(reverse("admin:adherents_employee_add"), data)

    def test_the_mobile_and_the_email_are_tidied_as_in_hrs_form(self, client, admin_user):
        organisation = OrganisationFactory()
        response = self.add(client, admin_user, employee_form(organisation, mobile="06 12 34 56 78",
                                                              email=" Awa.Diallo@Example.org "))
        assert response.status_code == 302
        assert Employee.objects.values_list("mobile", "email").get() == ("+33612345678", "awa.diallo@example.org")

    @pytest.mark.parametrize("overrides, message", [
        ({"contract_type": "CDI"}, "ne correspond pas à la population"),
        ({"last_name": "=HYPERLINK(1)"}, "Ne doit pas commencer par =, + ou @"),
        ({"mobile": "abc"}, "06 12 34 56 78"),
    ])
    def test_bad_input_is_refused_in_french(self, client, admin_user, overrides, message):
        response = self.add(client, admin_user, employee_form(OrganisationFactory(), **overrides))
        page = response.content.decode()
        assert response.status_code == 200 and message in page and "contrainte" not in page.lower()
        assert not Employee.objects.exists()

    def test_an_email_of_a_current_colleague_is_refused_in_french(self, client, admin_user):
        colleague = EmployeeFactory(email="awa@example.org")
        response = self.add(client, admin_user, employee_form(colleague.organisation, email="AWA@example.org"))
        assert "a déjà cette adresse" in response.content.decode()
        assert Employee.objects.count() == 1
