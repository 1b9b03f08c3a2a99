"""Every change to the network's data: one function per business action."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from adherents.access import may_edit_employees
from adherents.employee_import import parse_employee_file
from adherents.models import EMPLOYEE_DATA_FIELDS, Employee, MemberUser, Organisation
from core import audit
from core.emails import queue_email
from core.roles import Role
from core.services import create_user


def _require_editor(by, organisation: Organisation) -> None:
    if not may_edit_employees(by, organisation):
        raise PermissionDenied


def _snapshot(employee: Employee) -> dict:
    return {field: getattr(employee, field) for field in EMPLOYEE_DATA_FIELDS}


@transaction.atomic
def create_employee(*, organisation: Organisation, data: dict, by) -> Employee:
    """Add an employee to the organisation, from data already cleaned by EmployeeForm."""
    _require_editor(by, organisation)
    employee = Employee.objects.create(organisation=organisation, **{f: data[f] for f in EMPLOYEE_DATA_FIELDS if f in data})
    audit.record(by, "adherents.employee.created", employee, _snapshot(employee))
    return employee


@transaction.atomic
def update_employee(*, employee_id: int, data: dict, by) -> Employee:
    """Change an employee's data; the audit log keeps the old and new values."""
    employee = Employee.objects.select_for_update().select_related("organisation").get(pk=employee_id)
    _require_editor(by, employee.organisation)
    before = _snapshot(employee)
    for field in EMPLOYEE_DATA_FIELDS:
        if field in data:
            setattr(employee, field, data[field])
    employee.save()
    diff = audit.changes(before, _snapshot(employee))
    if diff:
        audit.record(by, "adherents.employee.updated", employee, diff)
    return employee


@transaction.atomic
def archive_employee(*, employee_id: int, by) -> Employee:
    """Archive an employee who left: kept for the training history, gone from the lists and forms."""
    employee = Employee.objects.select_for_update().select_related("organisation").get(pk=employee_id)
    _require_editor(by, employee.organisation)
    if employee.archived_at is None:
        employee.archived_at = timezone.now()
        employee.save(update_fields=["archived_at"])
        audit.record(by, "adherents.employee.archived", employee)
    return employee


@transaction.atomic
def import_employees(*, organisation: Organisation, raw: bytes, filename: str, by) -> list[Employee]:
    """Import a CSV file of employees: all rows or none (ImportRejected lists every bad row)."""
    _require_editor(by, organisation)
    rows = parse_employee_file(raw, organisation)
    employees = Employee.objects.bulk_create(
        Employee(organisation=organisation, **{f: row.data[f] for f in EMPLOYEE_DATA_FIELDS}) for row in rows
    )
    entry = audit.record(by, "adherents.employee.imported", organisation, {
        "file": filename[:200],
        "count": len(employees),
        # At most EMPLOYEE_IMPORT_MAX_ROWS small dicts: who was created, findable by id in the log.
        "employees": [{"id": employee.pk, "name": str(employee)} for employee in employees],
    })
    queue_email(
        kind="employee_import", key=str(entry.pk), to=[by.email, organisation.contact_email],
        template="emails/employee_import",
        context={"organisation": organisation, "count": len(employees), "filename": filename, "user": by},
    )
    return employees


@transaction.atomic
def create_member_user(*, username: str, email: str, password: str, organisation: Organisation, by=None, **names):
    """Create an HR account for a member organisation; it will only ever see that organisation."""
    user = create_user(username=username, email=email, password=password, role=Role.MEMBER_HR, by=by, **names)
    MemberUser.objects.create(user=user, organisation=organisation)
    audit.record(by, "adherents.member_user.created", organisation, {"user": username})
    return user

