import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.roles import Role
from formation.models import Attendance, Enrolment, Session
from tests.factories import EmployeeFactory, MembershipFactory, MemberUserFactory, OrganisationFactory, UserFactory
from tests.formation.factories import EnrolmentFactory, SessionFactory, TrainerFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def running_session():
    trainer = UserFactory(username="formateur", role=Role.TRAINER)
    TrainerFactory(user=trainer, first_name="Marc", last_name="Formateur")
    # Started ten minutes ago: attendance is taken from 30 minutes before a half-day, not days ahead.
    start = timezone.now() - datetime.timedelta(minutes=10)
    session = SessionFactory(status=Session.Status.CONFIRMED, course__title="Sauveteur secouriste du travail",
                             starts_at=start, ends_at=start + datetime.timedelta(hours=8),
                             enrolment_deadline=timezone.localdate() - datetime.timedelta(days=7))
    session.trainers.add(trainer.trainer)
    organisation = OrganisationFactory(legal_name="Tremplin Rennes")
    MembershipFactory(organisation=organisation)
    MemberUserFactory(organisation=organisation, user__username="adherent")
    employee = EmployeeFactory(organisation=organisation, first_name="Aminata", last_name="Diallo")
    return session, EnrolmentFactory(session=session, employee=employee)


def test_trainer_takes_attendance_on_a_phone(browser, live_server, running_session):
    session, enrolment = running_session
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill("formateur")
    page.get_by_label("Mot de passe").fill("demo")
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"{live_server.url}/formation/sessions/{session.pk}/")
    page.get_by_role("link", name="Émargement").first.click()
    page.get_by_text("Présent", exact=True).click()
    page.get_by_text("Signer sur cet écran").click()
    pad = page.locator(f"#pad-{enrolment.pk}")
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 60)
    page.mouse.down()
    page.mouse.move(box["x"] + 120, box["y"] + 30, steps=5)
    page.mouse.move(box["x"] + 200, box["y"] + 80, steps=5)
    page.mouse.up()
    page.get_by_role("button", name="Enregistrer l’émargement").click()
    expect(page.get_by_text("Émargement enregistré")).to_be_visible()
    expect(page.get_by_role("img", name="Signature de Aminata Diallo")).to_be_visible()
    mark = Attendance.objects.get()
    assert mark.status == "present" and mark.signature.startswith("data:image/png;base64,")
    context.close()


def test_member_downloads_a_certificate(login, live_server, running_session):
    session, enrolment = running_session
    Session.objects.filter(pk=session.pk).update(
        status=Session.Status.COMPLETED, starts_at=timezone.now() - datetime.timedelta(days=2),
        ends_at=timezone.now() - datetime.timedelta(days=1))
    Enrolment.objects.filter(pk=enrolment.pk).update(status="completed", attended_hours=Decimal("7"))
    page = login("adherent")
    page.goto(f"{live_server.url}/formation/inscriptions/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Certificat").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    assert download.value.suggested_filename.startswith("certificat-diallo")
