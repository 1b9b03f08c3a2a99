import pytest
from playwright.sync_api import expect

from tests.factories import EmployeeFactory, MembershipFactory, MemberUserFactory, OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_members(db):
    first = OrganisationFactory(legal_name="Tremplin Rennes")
    second = OrganisationFactory(legal_name="Passerelle Lyon")
    for organisation in (first, second):
        MembershipFactory(organisation=organisation)
    EmployeeFactory(organisation=first, last_name="Diallo", first_name="Aminata")
    MemberUserFactory(organisation=first, user__username="adherent", user__first_name="Claire")
    MemberUserFactory(organisation=second, user__username="adherent2")
    return first, second


def test_member_hr_logs_in_and_sees_its_organisation_home_in_french(login, two_members):
    first, _second = two_members
    page = login("adherent")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Claire")
    expect(page.get_by_role("link", name="Tremplin Rennes")).to_be_visible()
    expect(page.get_by_text("À jour de cotisation")).to_be_visible()
    page.get_by_role("link", name="Voir et mettre à jour mes salariés").click()
    expect(page.get_by_role("cell", name="Diallo", exact=True)).to_be_visible()


def test_another_member_cannot_open_the_first_organisation_employee_page(login, live_server, two_members):
    first, _second = two_members
    page = login("adherent2")
    response = page.goto(f"{live_server.url}/adherents/organisations/{first.pk}/salaries/")
    assert response.status in (403, 404)
    expect(page.get_by_text("Diallo")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    expect(page.locator("html")).to_have_attribute("lang", "fr")

