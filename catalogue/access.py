"""Who may change the catalogue: training staff and administrators."""

from core.roles import Role

EDITOR_ROLES = frozenset({Role.TRAINING, Role.ADMIN})


def may_edit_catalogue(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in EDITOR_ROLES)
