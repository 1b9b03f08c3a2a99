"""A password typed in the admin never reaches the audit log, its page or its export."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from core.models import AuditEntry, User
from core.roles import Role

SECRET = "Tr3s-S3cret-Pw!"


@pytest.mark.django_db
class TestPasswordsTypedInTheAdmin:
    def test_an_account_created_with_a_password_is_audited_without_it(self, client, admin_user):
        client.force_login(admin_user)
        response = client.post(reverse("admin:core_user_add"), {
            "username": "nouvelle", "email": "nouvelle@example.org", "role": Role.TRAINING,
            "usable_password": "true", "password1": SECRET, "password2": SECRET,
        })
        assert response.status_code == 302 and User.objects.get(username="nouvelle").check_password(SECRET)
        entry = AuditEntry.objects.get(action="admin.core.user.created")
        assert entry.data["username"] == "nouvelle" and entry.data["role"] == Role.TRAINING
        assert SECRET not in str(entry.data)
        assert SECRET not in client.get(reverse("audit_log")).content.decode()
        assert SECRET not in client.get(reverse("audit_log"), {"_export": "csv"}).content.decode("utf-8-sig")

    def test_a_password_changed_in_the_admin_is_audited_without_it(self, client, admin_user, hr_user):
        client.force_login(admin_user)
        url = reverse("admin:auth_user_password_change", args=[hr_user.pk])
        response = client.post(url, {"password1": SECRET, "password2": SECRET, "usable_password": "true"})
        assert response.status_code == 302
        hr_user.refresh_from_db()
        assert hr_user.check_password(SECRET)
        entry = AuditEntry.objects.get(action="admin.core.user.password_changed")
        assert (entry.actor, entry.object_id, entry.data) == (admin_user, str(hr_user.pk), {})
        assert "Mot de passe changé dans l’administration" in client.get(reverse("audit_log")).content.decode()

    def test_a_refused_password_change_is_not_audited(self, client, admin_user, hr_user):
        client.force_login(admin_user)
        url = reverse("admin:auth_user_password_change", args=[hr_user.pk])
        response = client.post(url, {"password1": SECRET, "password2": "autre", "usable_password": "true"})
        assert response.status_code == 200
        assert not AuditEntry.objects.filter(action="admin.core.user.password_changed").exists()


@pytest.mark.django_db
def test_the_passwords_already_written_are_taken_out(admin_user):
    typed = {"username": "ancienne", "password1": SECRET, "password2": SECRET, "role": "training"}
    old = AuditEntry.objects.create(actor=admin_user, action="admin.core.user.created", data=typed)
    other = AuditEntry.objects.create(actor=admin_user, action="admin.adherents.employee.updated",
                                      data={"password1": "a field of that name elsewhere is left alone"})
    migration = importlib.import_module("core.migrations.0003_audit_without_passwords")
    migration.forget_typed_passwords(apps, schema_editor=None)
    old.refresh_from_db()
    other.refresh_from_db()
    assert old.data == {"username": "ancienne", "role": "training"}
    assert other.data == {"password1": "a field of that name elsewhere is left alone"}
