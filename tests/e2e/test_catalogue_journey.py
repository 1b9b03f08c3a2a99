import pytest
from playwright.sync_api import expect

from catalogue.models import Course
from core.models import AuditEntry
from core.roles import Role
from tests.catalogue.factories import ThemeFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

FIELDS = {
    "code": "num-12", "title": "Sécuriser ses démarches en ligne", "nsf_code": "326t",
    "objectives": "Créer des mots de passe robustes\nRepérer un courriel frauduleux",
    "programme": "Matin : identité numérique.\nAprès-midi : hameçonnage.", "prerequisites": "Aucun",
    "teaching_methods": "Ateliers sur ordinateur", "evaluation_method": "Quiz final",
    "accessibility": "Référente handicap : handicap@coorace.example.org", "access_delay": "10 jours avant",
    "contact_name": "Fanny", "contact_email": "formation@coorace.example.org",
    "duration_hours": "7", "duration_days": "1", "member_price": "150", "public_price": "220",
    "intra_price_per_day": "1200",
}


@pytest.fixture
def training_staff(db):
    ThemeFactory(name="Numérique", slug="numerique")
    return UserFactory(username="formation", role=Role.TRAINING)


def test_training_staff_create_and_publish_a_course_the_public_then_finds_by_text(login, browser, live_server,
                                                                                   training_staff):
    page = login("formation")
    page.goto(f"{live_server.url}/catalogue/gestion/")
    page.get_by_role("link", name="Nouvelle formation").click()
    for name, value in FIELDS.items():
        page.locator(f"#id_{name}").fill(value)
    page.locator("#id_themes").select_option(label="Numérique")
    page.locator("#id_audience").select_option(label="tous publics")
    page.locator("#id_modality").select_option(label="en présentiel")
    page.locator("#id_member_price").fill("300")  # above the public price: refused, nothing saved
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Le prix adhérent ne peut pas dépasser le prix public.")).to_be_visible()
    assert not Course.objects.exists()
    page.locator("#id_member_price").fill("150")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sécuriser ses démarches en ligne")
    expect(page.get_by_text("non publiée")).to_be_visible()
    page.get_by_role("button", name="Publier").click()
    expect(page.get_by_text("NUM-12 figure désormais au catalogue public.")).to_be_visible()

    visitor = browser.new_page(locale="fr-FR")
    visitor.goto(f"{live_server.url}/catalogue/")
    visitor.get_by_label("Recherche").fill("courriel frauduleux")
    visitor.get_by_role("button", name="Filtrer").click()
    expect(visitor.get_by_text("1 formation", exact=True)).to_be_visible()
    visitor.get_by_role("link", name="Sécuriser ses démarches en ligne").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Sécuriser ses démarches en ligne")
    expect(visitor.get_by_text("220,00\u00a0€", exact=False).first).to_be_visible()
    expect(visitor.get_by_role("button", name="Publier")).to_have_count(0)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"catalogue.course.created", "catalogue.course.published"} <= actions
