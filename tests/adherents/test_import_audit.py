"""The employee import's audit entry says who imported which employees into which organisation, and when."""

import pytest

from adherents import services
from adherents.models import Employee
from core.models import AuditEntry

HEADER = "nom;prenom;population;contrat\n"


@pytest.mark.django_db
def test_the_audit_entry_lists_every_created_employee(hr_user, organisation):
    raw = (HEADER + "Diallo;Aminata;insertion;CDDI\nDurand;Paul;permanent;CDI\n").encode()
    services.import_employees(organisation=organisation, raw=raw, filename="salaries.csv", by=hr_user)
    entry = AuditEntry.objects.get(action="adherents.employee.imported")
    created = Employee.objects.filter(organisation=organisation).order_by("pk")
    assert (entry.actor, entry.object_type, entry.object_id) == (hr_user, "adherents.organisation", str(organisation.pk))
    assert entry.data["file"] == "salaries.csv"
    assert entry.data["count"] == 2
    assert entry.data["employees"] == [
        {"id": created[0].pk, "name": "Aminata Diallo"},
        {"id": created[1].pk, "name": "Paul Durand"},
    ]


@pytest.mark.django_db
def test_a_large_import_keeps_every_employee_in_the_entry(hr_user, organisation):
    raw = (HEADER + "".join(f"Nom{n};Prénom{n};insertion;CDDI\n" for n in range(300))).encode()
    services.import_employees(organisation=organisation, raw=raw, filename="salaries.csv", by=hr_user)
    entry = AuditEntry.objects.get(action="adherents.employee.imported")
    ids = set(Employee.objects.filter(organisation=organisation).values_list("pk", flat=True))
    assert len(ids) == 300
    assert {employee["id"] for employee in entry.data["employees"]} == ids
