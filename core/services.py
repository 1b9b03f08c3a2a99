from django.db import transaction

from core import audit
from core.models import User
from core.roles import Role


@transaction.atomic
def create_user(*, username: str, email: str, password: str, role: str, by=None, **names) -> User:
    """Create an account with its role; administrators also get the Django admin."""
    is_admin = role == Role.ADMIN
    user = User.objects.create_user(
        username=username, email=email, password=password, role=role,
        is_staff=is_admin, is_superuser=is_admin, **names,
    )
    audit.record(by, "core.user.created", user, {"role": role})
    return user
