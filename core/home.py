"""What each role sees first after login: where they stand and what they do next.

Views may read across apps; this one reads the network to greet each role with its own figures.
"""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from adherents.access import member_of
from adherents.models import Employee, Membership, Organisation
from core.roles import Role
from formation.models import Session
from mutualisation.reports import home_figures


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
            (_("Browse the training catalogue"), reverse("catalogue:list")),
            (_("Find a session and enrol employees"), reverse("formation:sessions")),
            (_("Follow my enrolments"), reverse("formation:enrolments")),
            (_("Import employees from a CSV file"), reverse("adherents:employee_import", args=[organisation.pk])),
        ],
    }


def unattached_member_context() -> dict:
    """A member HR account nobody has linked to an organisation yet: who to ask, and the public catalogue."""
    return {
        "contact_email": settings.TRAINING_BODY["contact_email"],
        "contact_phone": settings.TRAINING_BODY["contact_phone"],
        "actions": [(_("Browse the training catalogue"), reverse("catalogue:list"))],
    }


def trainer_context(user) -> dict:
    sessions = Session.objects.filter(trainers__user=user, ends_at__gte=timezone.now()).exclude(
        status__in=[Session.Status.DRAFT, Session.Status.CANCELLED]).select_related("course", "venue")[:10]
    return {"sessions": list(sessions), "actions": [(_("See all my sessions"), reverse("formation:sessions"))]}


def staff_context(user) -> dict:
    today = timezone.localdate()
    actions = [(_("Browse the member organisations"), reverse("adherents:organisations"))]
    if user.is_superuser or user.role in (Role.TRAINING, Role.ADMIN):
        soon = timezone.now() + datetime.timedelta(days=21)
        actions[:0] = [
            (_("Schedule a session"), reverse("formation:session_create")),
            (_("See the planning"), reverse("formation:sessions")),
            (_("Create a course"), reverse("catalogue:create")),
            (_("Manage courses"), reverse("catalogue:manage")),
        ]
    else:
        soon = None
    fund = None
    if user.is_superuser or user.role in (Role.FINANCE, Role.ADMIN):
        fund = home_figures(today.year)
        actions[:0] = [
            (_("See the fund's dashboard"), reverse("mutualisation:dashboard")),
            (_("Record contribution payments"), reverse("mutualisation:contributions")),
            (_("Check the books (verify_ledger)"), reverse("mutualisation:verification")),
        ]
    if user.is_superuser or user.role == Role.ADMIN:
        actions += [(_("Read the audit log"), reverse("audit_log")), (_("Open the administration"), reverse("admin:index"))]
    return {
        "fund": fund,
        "to_decide": Session.objects.filter(status__in=Session.ENROLLING_STATUSES, starts_at__lte=soon).select_related(
            "course").with_places_left().order_by("starts_at")[:10] if soon else [],
        "organisation_count": Organisation.objects.count(),
        "in_good_standing_count": Organisation.objects.in_good_standing(today).count(),
        "actions": actions,
    }


def home_context(user) -> dict:
    if member_of(user) is not None:
        return {"home": "member_hr"} | member_hr_context(user)
    if user.is_coorace_staff:
        return {"home": "staff"} | staff_context(user)
    if user.role == Role.TRAINER:
        return {"home": "trainer"} | trainer_context(user)
    if user.role == Role.MEMBER_HR:
        return {"home": "member_hr_unattached"} | unattached_member_context()
    return {"home": user.role, "actions": []}
