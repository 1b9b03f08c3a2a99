"""Login, logout, password change and reset, home page by role."""

import pytest
from django.core import mail
from django.urls import reverse

from core.models import User
from core.roles import Role
from core.services import create_user
from tests.factories import MemberUserFactory, UserFactory


@pytest.mark.django_db
class TestLogin:
    def test_login_sends_member_hr_to_their_home_page(self, client, hr_user, organisation):
        response = client.post(reverse("login"), {"username": "rh", "password": "demo"}, follow=True)
        page = response.content.decode()
        assert response.redirect_chain[-1][0] == reverse("home")
        assert organisation.legal_name in page
        assert "Voir et mettre à jour mes salariés" in page

    def test_wrong_password_is_refused_in_french(self, client, hr_user):
        response = client.post(reverse("login"), {"username": "rh", "password": "wrong"})
        assert response.status_code == 200
        assert "Saisissez un nom d’utilisateur et un mot de passe valides" in response.content.decode()

    def test_home_page_requires_login(self, client):
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))

    def test_logout_is_a_post_and_ends_the_session(self, client, hr_user):
        client.force_login(hr_user)
        assert client.post(reverse("logout")).status_code in (200, 302)
        assert client.get(reverse("home")).status_code == 302

    def test_the_logout_address_opened_directly_asks_to_confirm_and_keeps_the_session(self, client, hr_user):
        client.force_login(hr_user)
        page = client.get(reverse("logout"))
        assert page.status_code == 200 and "Se déconnecter ?" in page.content.decode()
        assert f'action="{reverse("logout")}"' in page.content.decode()
        assert client.get(reverse("home")).status_code == 200
        client.logout()
        assert "Vous êtes déconnecté" in client.get(reverse("logout")).content.decode()

    @pytest.mark.parametrize("role, expected", [
        (Role.TRAINING, "Parcourir les adhérents"),
        (Role.FINANCE, "Parcourir les adhérents"),
        (Role.ADMIN, "Consulter le journal d’audit"),
        (Role.TRAINER, "Vos sessions et feuilles d’émargement"),
    ])
    def test_each_role_has_its_own_home(self, client, role, expected):
        client.force_login(UserFactory(role=role))
        assert expected in client.get(reverse("home")).content.decode()

    def test_member_home_says_when_membership_lapsed(self, client, db):
        member = MemberUserFactory()  # an organisation with no membership this year
        client.force_login(member.user)
        page = client.get(reverse("home")).content.decode()
        assert "Pas d’adhésion cette année" in page
        assert "Les tarifs publics s’appliquent" in page


@pytest.mark.django_db
class TestPasswords:
    def test_password_change(self, client, hr_user):
        client.force_login(hr_user)
        response = client.post(reverse("password_change"), {
            "old_password": "demo", "new_password1": "Tremplin-2026!", "new_password2": "Tremplin-2026!",
        })
        assert response.status_code == 302
        hr_user.refresh_from_db()
        assert hr_user.check_password("Tremplin-2026!")

    def test_password_reset_sends_a_french_email_with_a_working_link(self, client, hr_user):
        client.post(reverse("password_reset"), {"email": hr_user.email})
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert "choisissez un nouveau mot de passe" in message.subject
        link = next(line for line in message.body.splitlines() if "/accounts/reset/" in line)
        path = link.split("testserver", 1)[1]
        response = client.get(path, follow=True)
        assert "Choisissez un nouveau mot de passe" in response.content.decode()

    def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(self, client, db):
        response = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
        assert "Si un compte utilise cette adresse" in response.content.decode()
        assert mail.outbox == []


@pytest.mark.django_db
class TestAccountCreationInTheAdmin:
    def test_no_role_is_preselected_and_one_must_be_chosen(self, client, admin_user):
        client.force_login(admin_user)
        url = reverse("admin:core_user_add")
        role = client.get(url).context["adminform"].form["role"]
        assert role.value() is None and '<option value="" selected>' in str(role)
        data = {"username": "nouvelle", "email": "nouvelle@example.org", "usable_password": "false"}
        response = client.post(url, data)
        assert response.status_code == 200 and not User.objects.filter(username="nouvelle").exists()
        assert client.post(url, data | {"role": Role.TRAINING}).status_code == 302
        assert User.objects.get(username="nouvelle").role == Role.TRAINING


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_only_administrator_accounts_get_the_django_admin(role):
    user = create_user(username="someone", email="s@example.org", password="x-Long-pass-42", role=role)
    assert user.is_superuser is user.is_staff is (role == Role.ADMIN)
