from decimal import Decimal

import pytest
from playwright.sync_api import expect

from core.roles import Role
from tests.factories import EmployeeFactory, MembershipFactory, MemberUserFactory, OrganisationFactory, UserFactory
from tests.formation.factories import SessionFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def open_session():
    organisation = OrganisationFactory(legal_name="Tremplin Rennes")
    MembershipFactory(organisation=organisation)
    MemberUserFactory(organisation=organisation, user__username="adherent")
    EmployeeFactory(organisation=organisation, last_name="Diallo", first_name="Aminata")
    EmployeeFactory(organisation=organisation, last_name="Durand", first_name="Paul")
    UserFactory(username="formation", role=Role.TRAINING)
    return SessionFactory(course__title="Accueillir un salarié en parcours", course__member_price=Decimal("300.00"),
                          course__public_price=Decimal("450.00"))


def test_member_enrols_two_employees_and_training_staff_see_them(login, live_server, open_session):
    page = login("adherent")
    page.goto(f"{live_server.url}/formation/sessions/")
    page.get_by_role("link", name="Accueillir un salarié en parcours").click()
    expect(page.get_by_text("300,00\u00a0€")).to_be_visible()
    page.get_by_role("link", name="Inscrire des salariés").click()
    page.get_by_label("Aminata Diallo").check()
    page.get_by_label("Paul Durand").check()
    page.get_by_role("button", name="Voir le prix et confirmer").click()
    expect(page.locator("#total")).to_have_text("600,00\u00a0€")
    page.get_by_role("button", name="Confirmer l’inscription").click()
    expect(page.get_by_text("2 salariés inscrits.")).to_be_visible()
    expect(page.get_by_role("cell", name="Aminata Diallo")).to_be_visible()
    expect(page.get_by_role("cell", name="Paul Durand")).to_be_visible()

    page.context.clear_cookies()
    page = login("formation")
    page.goto(f"{live_server.url}/formation/sessions/{open_session.pk}/")
    expect(page.get_by_role("cell", name="Aminata Diallo")).to_be_visible()
    expect(page.get_by_role("cell", name="Paul Durand")).to_be_visible()
    expect(page.get_by_text("2 inscrits sur 10 places")).to_be_visible()
