"""Who may see which organisation: member HR only their own, COORACE staff every one."""

from django.core.exceptions import PermissionDenied
from django.db import router
from django.http import Http404

from adherents.models import MemberUser, Organisation
from adherents.rows import organisation_row
from core.roles import Role


def member_of(user) -> MemberUser | None:
    """A member HR user's link to their organisation; None for anyone else."""
    if not user.is_authenticated or user.role != Role.MEMBER_HR:
        return None
    return getattr(user, "member", None)


def organisation_of(user) -> Organisation:
    """The organisation a member HR user belongs to; PermissionDenied for anyone else."""
    member = member_of(user)
    if member is None:
        raise PermissionDenied
    return member.organisation


def organisation_for(user, pk: int) -> Organisation:
    """The organisation `pk` if this user may see it, else 404: another member's id reveals nothing."""
    if user.is_authenticated and user.is_coorace_staff:
        # Read on every staff visit of an organisation's pages: one statement kept written (adherents/rows.py).
        alias = router.db_for_read(Organisation)
        organisation = organisation_row(alias).load(alias, pk)
    else:
        member = member_of(user)
        # A member's own organisation was loaded with the user (adherents.auth).
        organisation = member.organisation if member is not None and member.organisation_id == pk else None
    if organisation is None:
        raise Http404
    return organisation


def may_see_employees(user, organisation: Organisation) -> bool:
    """An organisation's employees (names, e-mails, mobiles, adaptation needs) are for its own HR, the training
    staff who convene them, and administrators; finance has no use for them (data minimisation)."""
    if user.is_superuser or user.role in (Role.ADMIN, Role.TRAINING):
        return True
    member = member_of(user)
    return member is not None and member.organisation_id == organisation.pk


def may_edit_employees(user, organisation: Organisation) -> bool:
    """Member HR manage their own employees; administrators may help them."""
    if user.is_superuser or user.role == Role.ADMIN:
        return True
    member = member_of(user)
    return member is not None and member.organisation_id == organisation.pk
