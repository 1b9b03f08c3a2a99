"""The navigation each role sees: what this person does here, nothing else."""

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from adherents.access import member_of
from catalogue.access import may_edit_catalogue
from core.roles import Role


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Profile:
    """What the navigation depends on: the same links for everyone with the same profile."""

    authenticated: bool
    organisation_id: int | None = None  # a member HR user's own organisation
    trainer: bool = False
    staff: bool = False
    finance: bool = False
    edits_catalogue: bool = False
    admin: bool = False


def links_for(user) -> tuple[Link, ...]:
    """This person's links, built once per profile (and URL configuration) in each process: reversing a
    dozen URLs on every page cost half a millisecond. The labels stay lazy: each page shows its language."""
    return links_of(profile_of(user), get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


def profile_of(user) -> Profile:
    if not user.is_authenticated:
        return Profile(authenticated=False)
    member = member_of(user)
    administrator = user.is_superuser or user.role == Role.ADMIN
    return Profile(
        authenticated=True, organisation_id=member.organisation_id if member else None,
        trainer=user.role == Role.TRAINER, staff=user.is_coorace_staff,
        finance=administrator or user.role == Role.FINANCE, edits_catalogue=may_edit_catalogue(user),
        admin=administrator,
    )


@lru_cache(maxsize=2048)  # a few per role, one per member organisation
def links_of(profile: Profile, urlconf, script_prefix: str) -> tuple[Link, ...]:
    catalogue = Link(_("Catalogue"), reverse("catalogue:list"))
    if not profile.authenticated:
        return (catalogue,)
    links = [Link(_("Home"), reverse("home")), catalogue]
    if profile.organisation_id is not None:
        organisation_id = profile.organisation_id
        links += [
            Link(_("My organisation"), reverse("adherents:organisation", args=[organisation_id])),
            Link(_("Employees"), reverse("adherents:employees", args=[organisation_id])),
            Link(_("Sessions"), reverse("formation:sessions")),
            Link(_("Enrolments"), reverse("formation:enrolments")),
            Link(_("My calendar"), reverse("calendar:mine")),
        ]
    if profile.trainer:
        links += [Link(_("My sessions"), reverse("formation:sessions")), Link(_("My calendar"), reverse("calendar:mine"))]
    if profile.staff:
        links += [
            Link(_("Sessions"), reverse("formation:sessions")),
            Link(_("Member organisations"), reverse("adherents:organisations")),
        ]
    if profile.finance:
        links += [
            Link(_("Shared training fund"), reverse("mutualisation:dashboard")),
            Link(_("Contributions"), reverse("mutualisation:contributions")),
        ]
    if profile.edits_catalogue:
        links.append(Link(_("Manage courses"), reverse("catalogue:manage")))
    if profile.admin:
        links += [Link(_("Audit log"), reverse("audit_log")), Link(_("Administration"), reverse("admin:index"))]
    return tuple(links)
