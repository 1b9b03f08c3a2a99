"""The roles a person can hold; each role sees its own home page and navigation."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    TRAINING = "training", _("Training staff")
    TRAINER = "trainer", _("Trainer")
    FINANCE = "finance", _("Finance staff")
    MEMBER_HR = "member_hr", _("Member HR")


# Roles of COORACE Formation's own staff, who may see every member organisation.
STAFF_ROLES = frozenset({Role.ADMIN, Role.TRAINING, Role.FINANCE})
