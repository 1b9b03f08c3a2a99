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


# WCAG contrast of each visible link and button of the header against the colour behind it (alpha blended).
HEADER_CONTRASTS = """() => {
  const rgba = text => { const [r, g, b, a = 1] = text.match(/[\\d.]+/g).map(Number); return {r, g, b, a}; };
  const behind = element => {
    for (let e = element; e; e = e.parentElement) {
      const colour = rgba(getComputedStyle(e).backgroundColor);
      if (colour.a > 0) return colour;
    }
    return {r: 255, g: 255, b: 255, a: 1};
  };
  const over = (top, bottom) => ({r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a),
                                  b: top.b * top.a + bottom.b * (1 - top.a)});
  const channel = v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  const luminance = c => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  return [...document.querySelectorAll("header a, header button")]
    .filter(e => e.offsetParent !== null && e.textContent.trim())
    .map(e => {
      const background = behind(e);
      const [light, dark] = [luminance(over(rgba(getComputedStyle(e).color), background)), luminance(background)]
        .sort((x, y) => y - x);
      return [e.textContent.trim(), (light + 0.05) / (dark + 0.05)];
    });
}"""


def test_every_header_link_is_readable(login, two_members):
    page = login("adherent")
    contrasts = page.evaluate(HEADER_CONTRASTS)
    assert len(contrasts) >= 4  # the brand, the member's links, the account menu
    assert all(ratio >= 4.5 for _text, ratio in contrasts), contrasts
