"""Accessibility of each role's main pages: axe-core's automated check, and what a keyboard user sees.

axe-core runs inside the page: the axe-playwright-python package ships its script (axe.min.js) and evaluates it
in the page, with no network access. The check runs axe's WCAG 2.0 and 2.1 level A and AA rules, plus its best
practices, and fails on any violation whatever its impact; the failure lists, page by page, each rule broken, its
impact, what it asks and the CSS selectors of the elements to fix.
"""

import datetime
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from core.models import User
from core.roles import Role
from formation.models import Session
from mutualisation import services as fund
from mutualisation.models import AccountKind
from tests.factories import EmployeeFactory, MembershipFactory, MemberUserFactory, OrganisationFactory, UserFactory
from tests.formation.factories import EnrolmentFactory, SessionFactory, TrainerFactory
from tests.mutualisation.factories import ContributionFactory, FiscalYearFactory, RuleSetFactory

pytestmark = pytest.mark.django_db(transaction=True)

RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": RULE_TAGS}, "resultTypes": ["violations"]}
# axe's four impacts all fail: "serious" and "critical" at the least, and none of the others is left today.
FAILING_IMPACTS = {"critical", "serious", "moderate", "minor"}

axe = Axe()


def violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now (dynamic states included), with a failing impact."""
    found = axe.run(page, options=AXE_OPTIONS).response["violations"]
    return [violation for violation in found if violation["impact"] in FAILING_IMPACTS]


def describe(where: str, found: list[dict]) -> list[str]:
    """One line per rule broken: where, rule id, impact, what the rule asks, and the elements' selectors."""
    return [
        f"{where}: {violation['id']} ({violation['impact']}) {violation['help']} -> "
        + " | ".join(", ".join(map(str, node["target"])) for node in violation["nodes"])
        for violation in found
    ]


class Audit:
    """Checks pages one after the other in the same browser page and collects every violation, so that one
    failing run lists all there is to fix."""

    def __init__(self, page, base_url: str):
        self.page, self.base_url, self.problems = page, base_url, []

    def visit(self, path: str):
        response = self.page.goto(self.base_url + path)
        assert response.ok, f"{path}: HTTP {response.status}"
        return self.check(path)

    def check(self, where: str):
        self.problems += describe(where, violations(self.page))
        return self.page

    def assert_clean(self):
        if self.problems:
            pytest.fail("accessibility violations (axe-core):\n" + "\n".join(self.problems), pytrace=False)


# The check itself: a page with known problems must be reported, each with its rule and its element.
BROKEN_PAGE = """<!DOCTYPE html><html><head><title>Cassée</title></head><body><main>
  <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" id="logo">
  <input type="text" id="nameless">
  <p style="color:#aaa;background:#fff" id="pale">Texte trop pâle</p>
  <button id="empty"></button>
  <table><tr><th></th><td>1</td></tr></table>
</main></body></html>"""


def test_the_check_reports_each_known_problem_with_its_element(page):
    page.set_content(BROKEN_PAGE)
    audit = Audit(page, "")
    audit.check("broken page")
    with pytest.raises(pytest.fail.Exception) as failure:
        audit.assert_clean()
    lines = failure.value.msg.splitlines()
    for rule, element in (("html-has-lang", "html"), ("image-alt", "#logo"), ("label", "#nameless"),
                          ("color-contrast", "#pale"), ("button-name", "#empty"), ("empty-table-header", "th")):
        assert any(line.startswith(f"broken page: {rule} (") and line.endswith(element) for line in lines), (rule, lines)
    page.set_content('<!DOCTYPE html><html lang="fr"><head><title>Correcte</title></head><body><main>'
                     '<h1>Correcte</h1><label for="nom">Nom</label><input id="nom"></main></body></html>')
    assert violations(page) == []


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Test users' passwords need no brute-force resistance; hashing them the slow way costs seconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def signed_in(login, live_server):
    """Logs a user in and waits for their home page."""

    def sign_in(username: str):
        page = login(username)
        page.wait_for_url(f"{live_server.url}/")
        return page

    return sign_in


@pytest.fixture
def network():
    """A member organisation with two employees, one enrolled in an open session and in a running one, both
    taught by a trainer; a training staff member; a finance staff member."""
    organisation = OrganisationFactory(legal_name="Tremplin Rennes")
    MembershipFactory(organisation=organisation)
    MemberUserFactory(organisation=organisation, user__username="adherent", user__first_name="Claire")
    employee = EmployeeFactory(organisation=organisation, first_name="Aminata", last_name="Diallo")
    EmployeeFactory(organisation=organisation, first_name="Paul", last_name="Durand")
    UserFactory(username="formation", role=Role.TRAINING, first_name="Fanny")
    trainer = UserFactory(username="formateur", role=Role.TRAINER, first_name="Marc")
    TrainerFactory(user=trainer, first_name="Marc", last_name="Formateur")
    session = SessionFactory(course__title="Accueillir un salarié en parcours")
    running = SessionFactory(status=Session.Status.CONFIRMED, course__title="Sauveteur secouriste du travail",
                             starts_at=timezone.now() - datetime.timedelta(hours=1),
                             ends_at=timezone.now() + datetime.timedelta(hours=6))
    for each in (session, running):
        each.trainers.add(trainer.trainer)
        EnrolmentFactory(session=each, employee=employee)
    UserFactory(username="finance", role=Role.FINANCE, first_name="Nora")
    return {"organisation": organisation, "session": session, "running": running}


@pytest.fixture
def books(network):
    """The fund's books: a grant, an envelope, the member's contribution part paid, a commitment."""
    today, finance = timezone.localdate(), User.objects.get(username="finance")
    FiscalYearFactory(year=today.year)
    fund.fund_account(AccountKind.BANK)
    fund.fund_account(AccountKind.FUND_AVAILABLE)
    fund.record_grant(amount=1_000_000, date=today, label="Subvention", idempotency_key="grant", by=finance)
    envelope = fund.envelope_account(code="bretagne", name="Bretagne")
    fund.fund_envelope(envelope_id=envelope.pk, amount=400_000, date=today, idempotency_key="env", by=finance)
    contribution = ContributionFactory(organisation=network["organisation"], year=today.year, ruleset=RuleSetFactory())
    payment = fund.record_contribution_payment(contribution_id=contribution.pk, amount_cents=100_000, date=today,
                                               reference="VIR-1", idempotency_key="pay", by=finance)
    commitment = fund.commit_funding(source_id=envelope.pk, amount=150_000, date=today, label="SST Rennes",
                                     idempotency_key="c", by=finance,
                                     prepared_by=UserFactory(username="preparer", role=Role.TRAINING))
    return {"envelope": envelope, "payment": payment, "commitment": commitment}


def test_public_pages(page, live_server, network):
    audit = Audit(page, live_server.url)
    audit.visit("/catalogue/")
    audit.visit(f"/catalogue/{network['session'].course.slug}/")
    login = audit.visit("/accounts/login/")
    login.get_by_label("Nom d’utilisateur").fill("adherent")
    login.get_by_label("Mot de passe").fill("faux")
    login.get_by_role("button", name="Se connecter").click()
    expect(login.locator("form .alert")).to_be_visible()
    audit.check("/accounts/login/ (refused)")
    audit.assert_clean()


def test_member_hr_pages(signed_in, live_server, network):
    organisation, session = network["organisation"], network["session"]
    audit = Audit(signed_in("adherent"), live_server.url)
    page = audit.check("/ (member HR)")
    page.get_by_role("button", name="Claire").click()
    expect(page.get_by_role("link", name="Changer mon mot de passe")).to_be_visible()
    audit.check("/ (account menu open)")
    audit.visit(f"/adherents/organisations/{organisation.pk}/")
    audit.visit(f"/adherents/organisations/{organisation.pk}/salaries/")
    audit.visit(f"/adherents/organisations/{organisation.pk}/salaries/nouveau/")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()
    audit.check("employee form (with errors)")
    audit.visit(f"/adherents/organisations/{organisation.pk}/salaries/import/")
    page.get_by_label("Fichier CSV").set_input_files(files=[{
        "name": "salaries.csv", "mimeType": "text/csv",
        "buffer": b"nom;prenom;population;contrat\nMartin;;inconnue;CDDI\n"}])
    page.get_by_role("button", name="Importer").click()
    expect(page.locator("#import-problems")).to_be_visible()
    audit.check("employee import (with problems)")
    audit.visit("/formation/sessions/")
    audit.visit(f"/formation/sessions/{session.pk}/")
    audit.visit(f"/formation/sessions/{session.pk}/inscrire/")
    page.get_by_label("Paul Durand").check()
    page.get_by_role("button", name="Voir le prix et confirmer").click()
    expect(page.locator("#total")).to_be_visible()
    audit.check("enrolment confirmation")
    audit.visit("/formation/inscriptions/")
    audit.assert_clean()


def test_training_staff_pages(signed_in, live_server, network):
    session = network["session"]
    audit = Audit(signed_in("formation"), live_server.url)
    audit.check("/ (training staff)")
    audit.visit("/formation/sessions/")
    audit.visit(f"/formation/sessions/{session.pk}/")
    audit.visit("/formation/sessions/nouvelle/")
    audit.visit("/adherents/organisations/")
    audit.visit("/catalogue/gestion/")
    audit.visit("/catalogue/gestion/nouvelle/")
    audit.assert_clean()


@pytest.mark.browser_context_args(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
def test_trainer_pages_on_a_phone(signed_in, live_server, network):
    running = network["running"]
    audit = Audit(signed_in("formateur"), live_server.url)
    page = audit.check("/ (trainer)")
    page.get_by_role("button", name="Afficher le menu").click()
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    audit.check("/ (menu open)")
    audit.visit("/formation/sessions/")
    audit.visit(f"/formation/sessions/{running.pk}/")
    audit.visit(f"/formation/sessions/{running.pk}/emargement/{running.slots.first().pk}/")
    page.get_by_text("Signer sur cet écran").click()
    audit.check("attendance (signature pad open)")
    audit.assert_clean()


def test_finance_pages(signed_in, live_server, books):
    audit = Audit(signed_in("finance"), live_server.url)
    audit.check("/ (finance)")
    audit.visit("/fonds/")
    audit.visit("/fonds/cotisations/")
    audit.visit("/fonds/comptes/")
    audit.visit(f"/fonds/comptes/{books['envelope'].pk}/")
    audit.visit(f"/fonds/transactions/{books['payment'].receipt_id}/")
    audit.visit("/fonds/engagements/")
    audit.visit(f"/fonds/engagements/{books['commitment'].pk}/")
    audit.visit("/fonds/engagements/nouveau/")
    audit.assert_clean()


# What axe cannot see: where the keyboard's focus is. The focused element, whether it is the topmost element at
# its centre, and its focus ring's colour and the colour behind it (alpha blended over white).
FOCUS = """() => {
  const element = document.activeElement, box = element.getBoundingClientRect(), style = getComputedStyle(element);
  const rgba = text => { const [r, g, b, a = 1] = text.match(/[\\d.]+/g).map(Number); return [r, g, b, a]; };
  let behind = [255, 255, 255];
  for (let e = element.parentElement; e; e = e.parentElement) {
    const [r, g, b, a] = rgba(getComputedStyle(e).backgroundColor);
    if (a > 0) { behind = [r, g, b].map((v, i) => v * a + behind[i] * (1 - a)); break; }
  }
  const top = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
  return {id: element.id, text: element.textContent.trim(), on_top: element === top || element.contains(top),
          ring: style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth), colour: rgba(style.outlineColor),
          behind};
}"""


def contrast(first, second) -> float:
    def luminance(rgb):
        linear = [v / 255 / 12.92 if v / 255 <= 0.03928 else ((v / 255 + 0.055) / 1.055) ** 2.4 for v in rgb[:3]]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def focused(page, text: str) -> dict:
    """The focused element, which must be `text`'s and shown on top of the page."""
    focus = page.evaluate(FOCUS)
    assert focus["text"].startswith(text) and focus["on_top"], focus
    return focus


def assert_focus_ring_is_visible(page, text: str):
    focus = focused(page, text)
    assert focus["ring"] >= 2 and contrast(focus["colour"], focus["behind"]) >= 3, focus  # WCAG 1.4.11


def test_a_keyboard_user_skips_to_the_content_and_always_sees_the_focus(signed_in, network):
    page = signed_in("adherent")
    page.keyboard.press("Tab")
    focused(page, "Aller au contenu")  # the skip link appears, not hidden behind the header
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"
    page.keyboard.press("Tab")
    assert_focus_ring_is_visible(page, "Tremplin Rennes")  # a link on the white page
    page.keyboard.press("Shift+Tab")
    assert_focus_ring_is_visible(page, "Claire")  # the account menu, on the purple header
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    assert_focus_ring_is_visible(page, "Changer mon mot de passe")  # its white menu
    page.keyboard.press("Escape")
    expect(page.get_by_role("link", name="Changer mon mot de passe")).to_be_hidden()
    # A filter form: its fields and its button show the same ring (Bootstrap's own glow is too pale).
    page.get_by_role("link", name="Voir et mettre à jour mes salariés").click()
    fields = page.locator("form.filters input, form.filters select")
    fields.first.focus()
    assert_focus_ring_is_visible(page, "")
    fields.last.focus()
    page.keyboard.press("Tab")
    assert_focus_ring_is_visible(page, "Filtrer")
