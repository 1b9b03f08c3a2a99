"""The member services check who acts themselves, whatever the view in front of them, and say what they did."""

import pytest
from django.core.exceptions import PermissionDenied

from adherents import services
from adherents.models import Employee
from core.models import AuditEntry
from tests.adherents.test_employee_import import HEADER
from tests.factories import EmployeeFactory

ROW = {"last_name": "Ba", "first_name": "Awa", "population": "insertion", "contract_type": "CDDI"}


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_hr_user", "staff_user"])
def test_services_refuse_who_may_not_edit_and_change_nothing(request, organisation, who):
    by = request.getfixturevalue(who)
    employee = EmployeeFactory(organisation=organisation, job_title="Agent")
    calls = [
        lambda: services.archive_employee(employee_id=employee.pk, by=by),
        lambda: services.update_employee(employee_id=employee.pk, data={"job_title": "Pirate"}, by=by),
        lambda: services.create_employee(organisation=organisation, data=ROW, by=by),
        lambda: services.import_employees(organisation=organisation, raw=(HEADER + "Ba;Awa;insertion;CDDI;;;;\n").encode(),
                                          filename="x.csv", by=by),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    employee.refresh_from_db()
    assert employee.archived_at is None and employee.job_title == "Agent"
    assert Employee.objects.count() == 1 and not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_creating_a_member_user_is_audited(admin_user, organisation):
    services.create_member_user(username="rh9", email="rh9@example.org", password="x-Long-pass-42",
                                organisation=organisation, by=admin_user)
    entry = AuditEntry.objects.get(action="adherents.member_user.created")
    assert (entry.actor, entry.object_id, entry.data) == (admin_user, str(organisation.pk), {"user": "rh9"})
