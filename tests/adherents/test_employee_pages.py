import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from adherents.models import Employee
from core.models import AuditEntry
from core.roles import Role
from tests.factories import EmployeeFactory, UserFactory


def employees_url(organisation, **query):
    url = reverse("adherents:employees", args=[organisation.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.mark.django_db
class TestEmployeeList:
    def test_lists_only_active_employees_of_the_organisation(self, hr_client, organisation, other_organisation):
        EmployeeFactory(organisation=organisation, last_name="Diallo")
        EmployeeFactory(organisation=organisation, last_name="Parti", archived_at="2026-01-01T00:00Z")
        EmployeeFactory(organisation=other_organisation, last_name="Etranger")
        page = hr_client.get(employees_url(organisation)).content.decode()
        assert "Diallo" in page
        assert "Parti" not in page
        assert "Etranger" not in page

    def test_filters_by_population_contract_and_text(self, hr_client, organisation):
        EmployeeFactory(organisation=organisation, last_name="Insere", population="insertion", contract_type="CDDI")
        EmployeeFactory(organisation=organisation, last_name="Permanent", population="permanent", contract_type="CDI")
        assert "Insere" not in hr_client.get(employees_url(organisation, population="permanent")).content.decode()
        assert "Permanent" not in hr_client.get(employees_url(organisation, contract_type="CDDI")).content.decode()
        found = hr_client.get(employees_url(organisation, q="perman")).content.decode()
        assert "Permanent" in found and "Insere" not in found

    def test_each_row_shows_the_employee_the_mobile_as_dialled_and_a_link_naming_them(self, hr_client, organisation):
        awa = EmployeeFactory(organisation=organisation, last_name="Diallo & Fils", first_name="Awa",
                              population="insertion", contract_type="CDDI", job_title="Agente d’entretien",
                              email="awa@example.org", mobile="+33612345678")
        page = hr_client.get(employees_url(organisation)).content.decode()
        assert ("<td>Diallo &amp; Fils</td><td>Awa</td><td>salarié en parcours</td><td>CDDI</td>"
                "<td>Agente d’entretien</td><td>awa@example.org</td><td>06 12 34 56 78</td>") in page
        edit = reverse("adherents:employee_update", args=[organisation.pk, awa.pk])
        assert (f'href="{edit}">Modifier<span class="visually-hidden"> Awa Diallo &amp; Fils</span></a>') in page

    def test_bad_filter_values_give_an_empty_page_not_an_error(self, hr_client, organisation):
        EmployeeFactory(organisation=organisation, last_name="Diallo")
        response = hr_client.get(employees_url(organisation, population="martian", page=999999, q="x" * 10000))
        assert response.status_code == 200
        assert "Diallo" not in response.content.decode()

    def test_a_refused_filter_value_says_why_next_to_its_field(self, hr_client, organisation):
        page = hr_client.get(employees_url(organisation, population="martian")).content.decode()
        assert 'aria-describedby="id_population_errors"' in page
        assert '<div class="invalid-feedback" id="id_population_errors">Sélectionnez un choix valide' in page

    def test_the_list_does_not_load_what_it_does_not_show(self, hr_client, organisation):
        EmployeeFactory(organisation=organisation, adaptation_need="Rampe d’accès")
        with CaptureQueriesContext(connection) as queries:
            hr_client.get(employees_url(organisation))
        page_query = next(query["sql"] for query in queries if "COUNT(" in query["sql"])
        assert "adaptation_need" not in page_query and "created_at" not in page_query

    def test_csv_export_contains_the_filtered_rows(self, hr_client, organisation):
        EmployeeFactory(organisation=organisation, last_name="Diallo", population="insertion", contract_type="CDDI")
        EmployeeFactory(organisation=organisation, last_name="Durand", population="permanent", contract_type="CDI")
        response = hr_client.get(employees_url(organisation, population="permanent", _export="csv"))
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        assert rows[0][:2] == ["Nom", "Prénom"]
        assert [row[0] for row in rows[1:]] == ["Durand"]

    def test_xlsx_export_opens_in_excel_with_the_rows(self, hr_client, organisation):
        EmployeeFactory(organisation=organisation, last_name="Diallo")
        response = hr_client.get(employees_url(organisation, _export="xlsx"))
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert sheet.cell(row=2, column=1).value == "Diallo"

    def test_same_number_of_queries_for_10_and_50_rows(self, hr_client, organisation):
        EmployeeFactory.create_batch(60, organisation=organisation)

        def queries(per_page):
            with CaptureQueriesContext(connection) as context:
                assert hr_client.get(employees_url(organisation, per_page=per_page)).status_code == 200
            return len(context)

        assert queries(10) == queries(50)


@pytest.mark.django_db
class TestEmployeeEditing:
    def test_add_an_employee_normalises_the_mobile_and_writes_the_audit_log(self, hr_client, organisation, hr_user):
        response = hr_client.post(reverse("adherents:employee_create", args=[organisation.pk]), {
            "last_name": "Traoré", "first_name": "Moussa", "population": "insertion", "contract_type": "CDDI",
            "email": "Moussa.Traore@Example.org", "mobile": "06 12 34 56 78",
        })
        assert response.status_code == 302
        employee = Employee.objects.get(last_name="Traoré")
        assert employee.mobile == "+33612345678"
        assert employee.email == "moussa.traore@example.org"
        entry = AuditEntry.objects.get(action="adherents.employee.created")
        assert entry.actor == hr_user and entry.object_id == str(employee.pk)

    def test_contract_that_does_not_fit_the_population_is_refused_in_french(self, hr_client, organisation):
        response = hr_client.post(reverse("adherents:employee_create", args=[organisation.pk]), {
            "last_name": "X", "first_name": "Y", "population": "permanent", "contract_type": "CDDI",
        })
        assert response.status_code == 200
        assert "ne correspond pas à la population" in response.content.decode()
        assert not Employee.objects.exists()

    def test_edit_keeps_old_and_new_values_in_the_audit_log(self, hr_client, organisation):
        employee = EmployeeFactory(organisation=organisation, job_title="Agent")
        hr_client.post(reverse("adherents:employee_update", args=[organisation.pk, employee.pk]), {
            "last_name": employee.last_name, "first_name": employee.first_name, "population": "insertion",
            "contract_type": "CDDI", "job_title": "Chef d'équipe", "email": employee.email,
        })
        entry = AuditEntry.objects.get(action="adherents.employee.updated")
        assert entry.data == {"job_title": ["Agent", "Chef d'équipe"]}

    def test_archive_hides_the_employee_but_keeps_the_row(self, hr_client, organisation):
        employee = EmployeeFactory(organisation=organisation)
        hr_client.post(reverse("adherents:employee_archive", args=[organisation.pk, employee.pk]))
        employee.refresh_from_db()
        assert employee.archived_at is not None
        assert len(hr_client.get(employees_url(organisation)).context["table"].rows) == 0

    def test_a_name_a_spreadsheet_would_run_is_refused_in_french(self, hr_client, organisation):
        data = {"last_name": '=HYPERLINK("http://evil","x")', "first_name": "X", "population": "insertion",
                "contract_type": "CDDI"}
        response = hr_client.post(reverse("adherents:employee_create", args=[organisation.pk]), data)
        assert response.status_code == 200 and "Ne doit pas commencer par =, + ou @" in response.content.decode()
        assert not Employee.objects.exists()

    def test_duplicate_email_in_the_organisation_is_refused(self, hr_client, organisation):
        EmployeeFactory(organisation=organisation, email="a@example.org")
        response = hr_client.post(reverse("adherents:employee_create", args=[organisation.pk]), {
            "last_name": "X", "first_name": "Y", "population": "insertion", "contract_type": "CDDI",
            "email": "A@example.org",
        })
        assert "a déjà cette adresse" in response.content.decode()
        assert Employee.objects.count() == 1

    def test_someone_who_left_and_comes_back_is_added_again_with_their_email(self, hr_client, organisation):
        left = EmployeeFactory(organisation=organisation, email="a@example.org")
        hr_client.post(reverse("adherents:employee_archive", args=[organisation.pk, left.pk]))
        response = hr_client.post(reverse("adherents:employee_create", args=[organisation.pk]), {
            "last_name": left.last_name, "first_name": left.first_name, "population": "insertion",
            "contract_type": "CDDI", "email": "a@example.org",
        })
        assert response.status_code == 302
        assert Employee.objects.filter(email="a@example.org").count() == 2
        assert Employee.objects.active().get(email="a@example.org").pk != left.pk


@pytest.mark.django_db
class TestOtherOrganisationsIds:
    """Every member page answers 404 for another organisation's ids, and changes nothing."""

    def urls(self, organisation, employee):
        return [
            reverse("adherents:organisation", args=[organisation.pk]),
            reverse("adherents:employees", args=[organisation.pk]),
            reverse("adherents:employees", args=[organisation.pk]) + "?_export=csv",
            reverse("adherents:employee_create", args=[organisation.pk]),
            reverse("adherents:employee_update", args=[organisation.pk, employee.pk]),
            reverse("adherents:employee_import", args=[organisation.pk]),
            reverse("adherents:employee_import_template", args=[organisation.pk]),
        ]

    def test_get_answers_404(self, hr_client, other_organisation):
        employee = EmployeeFactory(organisation=other_organisation)
        for url in self.urls(other_organisation, employee):
            assert hr_client.get(url).status_code == 404, url

    def test_post_answers_404_and_changes_nothing(self, hr_client, other_organisation, organisation):
        employee = EmployeeFactory(organisation=other_organisation, job_title="Agent")
        data = {"last_name": "Pirate", "first_name": "X", "population": "insertion", "contract_type": "CDDI"}
        posting = [
            reverse("adherents:employee_create", args=[other_organisation.pk]),
            reverse("adherents:employee_update", args=[other_organisation.pk, employee.pk]),
            reverse("adherents:employee_import", args=[other_organisation.pk]),
        ]
        for url in posting:
            assert hr_client.post(url, data).status_code == 404, url
        archive = reverse("adherents:employee_archive", args=[other_organisation.pk, employee.pk])
        assert hr_client.post(archive).status_code == 404
        # An employee of another organisation reached through one's own organisation id: 404 too.
        assert hr_client.post(reverse("adherents:employee_archive", args=[organisation.pk, employee.pk])).status_code == 404
        employee.refresh_from_db()
        assert employee.archived_at is None and employee.job_title == "Agent"
        assert not Employee.objects.filter(last_name="Pirate").exists()

    def test_another_organisations_employee_through_ones_own_organisation_id_is_404(self, hr_client, organisation,
                                                                                    other_organisation):
        employee = EmployeeFactory(organisation=other_organisation, job_title="Agent")
        url = reverse("adherents:employee_update", args=[organisation.pk, employee.pk])
        assert hr_client.get(url).status_code == 404
        data = {"last_name": "Pirate", "first_name": "X", "population": "insertion", "contract_type": "CDDI"}
        assert hr_client.post(url, data).status_code == 404
        employee.refresh_from_db()
        assert employee.last_name != "Pirate" and employee.job_title == "Agent"

    def test_a_trainer_sees_no_organisation(self, client, organisation):
        client.force_login(UserFactory(role=Role.TRAINER))
        employee = EmployeeFactory(organisation=organisation)
        assert client.get(reverse("adherents:organisations")).status_code == 403
        for url in self.urls(organisation, employee):
            assert client.get(url).status_code == 404, url

    def test_anonymous_visitors_are_sent_to_login(self, client, organisation):
        response = client.get(employees_url(organisation))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_training_staff_may_read_but_not_edit(self, client, staff_user, organisation):
        client.force_login(staff_user)
        assert client.get(employees_url(organisation)).status_code == 200
        assert client.get(reverse("adherents:employee_create", args=[organisation.pk])).status_code == 403

    def test_member_hr_may_not_list_all_organisations(self, hr_client):
        assert hr_client.get(reverse("adherents:organisations")).status_code == 403


@pytest.mark.django_db
def test_labels_start_with_a_capital_on_the_organisation_pages(client, staff_user, hr_client, organisation):
    assert "<dt class=\"col-sm-5\">E-mail du contact RH</dt>" in hr_client.get(
        reverse("adherents:organisation", args=[organisation.pk])).content.decode()
    client.force_login(staff_user)
    assert "Délégation régionale" in client.get(reverse("adherents:organisations")).content.decode()


@pytest.mark.django_db
class TestWhoSeesTheEmployees:
    """Names, e-mails and mobiles are for the member's HR, the training staff who convene them and administrators:
    finance sees the organisation, not its employees (data minimisation)."""

    def test_finance_sees_the_organisation_but_not_its_employees(self, client, organisation):
        EmployeeFactory(organisation=organisation, last_name="Diallo")
        client.force_login(UserFactory(username="compta", role=Role.FINANCE))
        employees = reverse("adherents:employees", args=[organisation.pk])
        page = client.get(reverse("adherents:organisation", args=[organisation.pk])).content.decode()
        assert "1 salarié" in page and employees not in page
        for query in ("", "?_export=csv", "?_export=xlsx"):
            response = client.get(employees + query)
            assert response.status_code == 403 and b"Diallo" not in response.content

    @pytest.mark.parametrize("role", [Role.TRAINING, Role.ADMIN])
    def test_training_staff_and_administrators_do(self, client, organisation, role):
        EmployeeFactory(organisation=organisation, last_name="Diallo")
        client.force_login(UserFactory(username="staff", role=role))
        page = client.get(reverse("adherents:organisation", args=[organisation.pk])).content.decode()
        employees = reverse("adherents:employees", args=[organisation.pk])
        assert employees in page and "Diallo" in client.get(employees).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.TRAINING, Role.FINANCE])
def test_staff_who_may_not_edit_do_not_get_the_import_page(client, organisation, role):
    client.force_login(UserFactory(username="staff", role=role))
    assert client.get(reverse("adherents:employee_import", args=[organisation.pk])).status_code == 403
