"""The navigation each role sees: what this person does here, nothing else."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from adherents.access import member_of
from catalogue.access import may_edit_catalogue
from core.roles import Role


@dataclass(frozen=True)
class Link:
    label: str
    url: str


def links_for(user) -> list[Link]:
    catalogue = Link(_("Catalogue"), reverse("catalogue:list"))
    if not user.is_authenticated:
        return [catalogue]
    links = [Link(_("Home"), reverse("home")), catalogue]
    member = member_of(user)
    if member is not None:
        organisation_id = member.organisation_id
        links += [
            Link(_("My organisation"), reverse("adherents:organisation", args=[organisation_id])),
            Link(_("Employees"), reverse("adherents:employees", args=[organisation_id])),
            Link(_("Sessions"), reverse("formation:sessions")),
            Link(_("Enrolments"), reverse("formation:enrolments")),
            Link(_("My calendar"), reverse("calendar:mine")),
        ]
    if user.role == Role.TRAINER:
        links += [Link(_("My sessions"), reverse("formation:sessions")), Link(_("My calendar"), reverse("calendar:mine"))]
    if user.is_coorace_staff:
        links += [
            Link(_("Sessions"), reverse("formation:sessions")),
            Link(_("Member organisations"), reverse("adherents:organisations")),
        ]
    if user.is_superuser or user.role in (Role.FINANCE, Role.ADMIN):
        links += [
            Link(_("Shared training fund"), reverse("mutualisation:dashboard")),
            Link(_("Contributions"), reverse("mutualisation:contributions")),
        ]
    if may_edit_catalogue(user):
        links.append(Link(_("Manage courses"), reverse("catalogue:manage")))
    if user.is_superuser or user.role == Role.ADMIN:
        links += [Link(_("Audit log"), reverse("audit_log")), Link(_("Administration"), reverse("admin:index"))]
    return links
