"""Who may see which organisation: member HR only their own, COORACE staff every one."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from adherents.models import Organisation
from core.roles import Role


def organisation_of(user) -> Organisation:
    """The organisation a member HR user belongs to; PermissionDenied for anyone else."""
    if not user.is_authenticated or user.role != Role.MEMBER_HR:
        raise PermissionDenied
    organisation = Organisation.objects.filter(member_users__user=user).first()
    if organisation is None:
        raise PermissionDenied
    return organisation


def visible_organisations(user):
    if user.is_authenticated and user.is_coorace_staff:
        return Organisation.objects.all()
    if user.is_authenticated and user.role == Role.MEMBER_HR and hasattr(user, "member"):
        return Organisation.objects.filter(pk=user.member.organisation_id)
    return Organisation.objects.none()


def organisation_for(user, pk: int) -> Organisation:
    """The organisation `pk` if this user may see it, else 404: another member's id reveals nothing."""
    organisation = visible_organisations(user).select_related("delegation").filter(pk=pk).first()
    if organisation is None:
        raise Http404
    return organisation


def may_edit_employees(user, organisation: Organisation) -> bool:
    """Member HR manage their own employees; administrators may help them."""
    if user.is_superuser or user.role == Role.ADMIN:
        return True
    return user.role == Role.MEMBER_HR and getattr(user, "member", None) is not None and \
        user.member.organisation_id == organisation.pk
