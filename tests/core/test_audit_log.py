import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from adherents import services
from core import audit
from core.audit_labels import ACTIONS, action_label
from core.models import AuditEntry
from core.roles import Role
from tests.factories import EmployeeFactory, UserFactory


@pytest.mark.django_db
class TestAuditLog:
    def test_services_record_who_did_what_to_which_object(self, hr_user, organisation):
        employee = EmployeeFactory(organisation=organisation)
        services.archive_employee(employee_id=employee.pk, by=hr_user)
        entry = AuditEntry.objects.get(action="adherents.employee.archived")
        assert (entry.actor, entry.object_type, entry.object_id) == (hr_user, "adherents.employee", str(employee.pk))
        assert entry.at is not None

    @pytest.mark.parametrize(("role", "status"), [(Role.ADMIN, 200), (Role.TRAINING, 403), (Role.FINANCE, 403),
                                                  (Role.TRAINER, 403), (Role.MEMBER_HR, 403)])
    def test_only_administrators_read_it_or_export_it(self, client, role, status):
        client.force_login(UserFactory(username="someone", role=role))
        assert client.get(reverse("audit_log")).status_code == status
        assert client.get(reverse("audit_log"), {"_export": "csv"}).status_code == status

    def test_deletions_in_the_admin_are_recorded(self, client, admin_user, organisation):
        employee = EmployeeFactory(organisation=organisation)
        client.force_login(admin_user)
        response = client.post(reverse("admin:adherents_employee_delete", args=[employee.pk]), {"post": "yes"})
        assert response.status_code == 302
        entry = AuditEntry.objects.get(action="admin.adherents.employee.deleted")
        assert (entry.actor, entry.object_id) == (admin_user, str(employee.pk))

    def test_filters_and_export(self, client, admin_user, hr_user, organisation):
        employee = EmployeeFactory(organisation=organisation)
        services.archive_employee(employee_id=employee.pk, by=hr_user)
        client.force_login(admin_user)
        page = client.get(reverse("audit_log"), {"action": "archived"}).content.decode()
        assert "adherents.employee.archived" in page
        assert "adherents.employee.archived" not in client.get(reverse("audit_log"), {"action": "zzz"}).content.decode()
        assert "Salarié archivé" in page
        export = client.get(reverse("audit_log"), {"_export": "csv"}).content.decode("utf-8-sig")
        assert "Salarié archivé" in export and "adherents.employee.archived" not in export
        for words in ("salarié ARCHIVÉ", "archiv"):  # the words shown, as well as the code
            assert "adherents.employee.archived" in client.get(reverse("audit_log"), {"action": words}).content.decode()
        assert export.splitlines()[0].startswith("Date;Par;Action;")
        assert f";{timezone.localtime(AuditEntry.objects.get().at):%d/%m/%Y %H:%M:%S};" in f";{export.splitlines()[1]}"

    def test_admin_changes_are_audited(self, client, admin_user, organisation):
        client.force_login(admin_user)
        url = reverse("admin:adherents_organisation_change", args=[organisation.pk])
        form = client.get(url).context["adminform"].form
        data = {k: v for k, v in form.initial.items() if v is not None}
        data.update({
            "legal_name": "Nouveau nom", "delegation": organisation.delegation_id,
            "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
        })
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
        entry = AuditEntry.objects.get(action="admin.adherents.organisation.updated")
        assert entry.data["legal_name"] == "Nouveau nom"

    def test_long_data_is_cut_on_the_page_and_fits_a_spreadsheet_cell(self, client, admin_user, organisation):
        names = [{"id": n, "name": f"Salariée {n}"} for n in range(3_000)]
        audit.record(admin_user, "adherents.employee.imported", organisation, {"employees": names})
        client.force_login(admin_user)
        page = client.get(reverse("audit_log")).content.decode()
        assert "Salariée 0" in page and "Salariée 2999" not in page and "…</pre>" in page
        sheet = openpyxl.load_workbook(io.BytesIO(client.get(reverse("audit_log"), {"_export": "xlsx"}).content)).active
        cell = next(row[-1] for row in sheet.iter_rows(min_row=2, values_only=True))
        assert cell.startswith('{"employees": [{"id": 0, "name": "Salariée 0"}') and len(cell) == 32_767


SOURCES = Path(__file__).resolve().parents[2]
WRITTEN_CODE = re.compile(r'audit\.record\([^,]+,\s*"([a-z_]+\.[a-z_.]+)"')


def test_every_action_the_code_writes_has_words():
    written = {code for app in ("adherents", "catalogue", "core", "formation", "mutualisation")
               for path in (SOURCES / app).rglob("*.py") for code in WRITTEN_CODE.findall(path.read_text("utf-8"))}
    assert len(written) > 30 and sorted(written - ACTIONS.keys()) == []


def test_admin_changes_and_unknown_codes_read_sensibly():
    with translation.override("fr"):
        assert action_label("admin.adherents.organisation.updated") == "Adhérent : modification dans l’administration"
        assert action_label("something.new") == "something.new"
