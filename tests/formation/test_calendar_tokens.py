import base64

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core.models import AuditEntry
from formation.calendar_tokens import organisation_calendar_for, regenerate_organisation_token, regenerate_trainer_token
from formation.models import OrganisationCalendar
from tests.factories import UserFactory
from tests.formation.factories import SessionFactory, TrainerFactory


@pytest.fixture
def trainer_user(db):
    user = UserFactory(username="nadia", role="trainer")
    trainer = TrainerFactory(user=user)
    SessionFactory().trainers.add(trainer)
    return user


def test_tokens_carry_at_least_128_random_bits(organisation):
    for token in (TrainerFactory().calendar_token, organisation_calendar_for(organisation).token):
        assert len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))) * 8 >= 128


def test_organisation_calendar_is_made_once(organisation):
    first = organisation_calendar_for(organisation)
    assert organisation_calendar_for(organisation).token == first.token
    assert OrganisationCalendar.objects.count() == 1


def test_regenerating_a_trainer_token_stops_the_old_address_at_once(client, trainer_user):
    old = reverse("calendar:trainer", args=[trainer_user.trainer.calendar_token])
    assert client.get(old).status_code == 200
    trainer = regenerate_trainer_token(trainer_id=trainer_user.trainer.pk, by=trainer_user)
    assert client.get(old).status_code == 404
    assert client.get(reverse("calendar:trainer", args=[trainer.calendar_token])).status_code == 200
    entry = AuditEntry.objects.get(action="formation.calendar.trainer_token_regenerated")
    assert entry.actor == trainer_user
    assert trainer.calendar_token not in str(entry.data) + entry.object_repr


def test_regenerating_an_organisation_token_stops_the_old_address_at_once(client, organisation, hr_user):
    old = reverse("calendar:organisation", args=[organisation_calendar_for(organisation).token])
    assert client.get(old).status_code == 200
    calendar = regenerate_organisation_token(organisation_id=organisation.pk, by=hr_user)
    assert client.get(old).status_code == 404
    assert client.get(reverse("calendar:organisation", args=[calendar.token])).status_code == 200
    assert AuditEntry.objects.filter(action="formation.calendar.organisation_token_regenerated", actor=hr_user).exists()


def test_only_the_trainer_or_training_staff_regenerate_a_trainer_token(trainer_user, staff_user, hr_user):
    other_trainer = UserFactory(username="marc", role="trainer")
    TrainerFactory(user=other_trainer)
    token = trainer_user.trainer.calendar_token
    for intruder in (other_trainer, hr_user):
        with pytest.raises(PermissionDenied):
            regenerate_trainer_token(trainer_id=trainer_user.trainer.pk, by=intruder)
    trainer_user.trainer.refresh_from_db()
    assert trainer_user.trainer.calendar_token == token
    assert regenerate_trainer_token(trainer_id=trainer_user.trainer.pk, by=staff_user).calendar_token != token


def test_only_its_hr_or_training_staff_regenerate_an_organisation_token(organisation, other_hr_user, staff_user):
    token = organisation_calendar_for(organisation).token
    finance = UserFactory(username="compta", role="finance")
    for intruder in (other_hr_user, finance):
        with pytest.raises(PermissionDenied):
            regenerate_organisation_token(organisation_id=organisation.pk, by=intruder)
    assert organisation_calendar_for(organisation).token == token
    assert regenerate_organisation_token(organisation_id=organisation.pk, by=staff_user).token != token


# --- the "My calendar" page -----------------------------------------------------------------------------

def test_a_trainer_sees_their_address_with_a_copy_button_and_help(client, trainer_user):
    client.force_login(trainer_user)
    page = client.get(reverse("calendar:mine")).content.decode()
    assert f"http://testserver/calendar/trainer/{trainer_user.trainer.calendar_token}.ics" in page
    assert f"webcal://testserver/calendar/trainer/{trainer_user.trainer.calendar_token}.ics" in page
    assert "data-copy=" in page and "Copier" in page
    assert "Outlook" in page and "Google Agenda" in page and "Mac" in page
    assert "http://testserver/calendar/sessions.ics" in page


def test_member_hr_sees_their_organisation_address(hr_client, organisation):
    page = hr_client.get(reverse("calendar:mine")).content.decode()
    assert reverse("calendar:organisation", args=[organisation.calendar.token]) in page
    assert "Seuls les stagiaires de votre structure" in page


def test_the_regenerate_button_gives_a_new_address(hr_client, organisation):
    old = organisation_calendar_for(organisation).token
    response = hr_client.post(reverse("calendar:regenerate"), follow=True)
    organisation.calendar.refresh_from_db()
    assert organisation.calendar.token != old
    page = response.content.decode()
    assert organisation.calendar.token in page and old not in page
    assert "L’ancienne ne fonctionne plus" in page


def test_regenerating_is_a_post(hr_client, organisation):
    old = organisation_calendar_for(organisation).token
    assert hr_client.get(reverse("calendar:regenerate")).status_code == 405
    assert organisation_calendar_for(organisation).token == old


def test_staff_see_only_the_public_address(client, staff_user):
    client.force_login(staff_user)
    page = client.get(reverse("calendar:mine")).content.decode()
    assert "/calendar/sessions.ics" in page and "/calendar/trainer/" not in page and "/calendar/organisation/" not in page
    response = client.post(reverse("calendar:regenerate"), follow=True)
    assert "Vous n’avez pas d’agenda personnel." in response.content.decode()


def test_the_page_needs_a_login(client, db):
    response = client.get(reverse("calendar:mine"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
