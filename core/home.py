"""What each role sees first after login: where they stand and what they do next.

Views may read across apps; this one reads the network to greet each role with its own figures.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from adherents.models import Employee, Membership, Organisation
from core.roles import Role


def member_hr_context(user) -> dict:
    organisation = user.member.organisation
    today = timezone.localdate()
    membership = organisation.membership_for(today.year)
    employees = Employee.objects.active().filter(organisation=organisation)
    return {
        "organisation": organisation,
        "membership": membership,
        "in_good_standing": membership is not None and membership.status == Membership.Status.ACTIVE,
        "employee_count": employees.count(),
        "employees_without_contact": employees.filter(email="", mobile="").count(),
        "actions": [
            (_("See and update my employees"), reverse("adherents:employees", args=[organisation.pk])),
            (_("Add an employee"), reverse("adherents:employee_create", args=[organisation.pk])),
            (_("Import employees from a CSV file"), reverse("adherents:employee_import", args=[organisation.pk])),
        ],
    }


def staff_context(user) -> dict:
    today = timezone.localdate()
    actions = [(_("Browse the member organisations"), reverse("adherents:organisations"))]
    if user.is_superuser or user.role == Role.ADMIN:
        actions += [(_("Read the audit log"), reverse("audit_log")), (_("Open the administration"), reverse("admin:index"))]
    return {
        "organisation_count": Organisation.objects.count(),
        "in_good_standing_count": Organisation.objects.in_good_standing(today).count(),
        "actions": actions,
    }


def home_context(user) -> dict:
    if user.role == Role.MEMBER_HR and hasattr(user, "member"):
        return {"home": "member_hr"} | member_hr_context(user)
    if user.is_coorace_staff:
        return {"home": "staff"} | staff_context(user)
    return {"home": user.role, "actions": []}
